"""Every erratum box is proved by the cell after it and listed once in the errata appendix.

Errata come in three kinds (issue 11.2):

* a *wrong result*: a label ``(erratum-SSS-...)=``, then ``:::{admonition} Erratum: seed SSS, ...``
  with ``:class: error``, then a code cell that asserts the source's form fails and the correct
  one passes;
* an *inconsistency* (a convention that changes, shapes that do not type-check): a label
  ``(inconsistency-SSS-...)=``, then ``:::{admonition} Inconsistency: seed SSS, ...`` with
  ``:class: note``, then a code cell that asserts something;
* a *misprint*: nothing in the chapter, one bullet under a "Misprints" heading of the appendix.

book/appendix/errata.md links every box and note once.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
APPENDIX = ROOT / "book" / "appendix" / "errata.md"
LABEL = re.compile(r"^\((erratum-(\d{3})-[a-z0-9-]+)\)=[ \t]*\n(:::\{admonition\}[^\n]*)\n(.*?)^:::[ \t]*$", re.M | re.S)
NOTE_LABEL = re.compile(
    r"^\((inconsistency-(\d{3})-[a-z0-9-]+)\)=[ \t]*\n(:::\{admonition\}[^\n]*)\n(.*?)^:::[ \t]*$", re.M | re.S
)
ASSERTS = re.compile(r"\bassert\b|\bassert_\w+\(|np\.testing\.assert|pytest\.raises")


def erratum_boxes(pattern=LABEL) -> list[tuple[str, str, str, str, str]]:
    """(label, seed, admonition line, body, source of the next code cell) for every box of the book."""
    boxes = []
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            if cell["cell_type"] != "markdown":
                continue
            for m in pattern.finditer("".join(cell["source"])):
                nxt = next((c for c in cells[i + 1:] if c["cell_type"] == "code"), None)
                boxes.append((m[1], m[2], m[3], m[4], "".join(nxt["source"]) if nxt else ""))
    return boxes


BOXES = erratum_boxes()
NOTES = erratum_boxes(NOTE_LABEL)


def misprint_bullets() -> list[str]:
    """The bullets of the appendix under a heading that names misprints."""
    found, under = [], False
    for line in APPENDIX.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            under = "misprint" in line.lower()
        elif under and line.startswith("- "):
            found.append(line)
    return found


def test_the_book_has_its_errata():
    total = len(BOXES) + len(NOTES) + len(misprint_bullets())
    assert total >= 40, f"only {total} errata found: has the label format changed?"


@pytest.mark.parametrize("note", NOTES, ids=[b[0] for b in NOTES])
def test_each_inconsistency_note_names_its_seed_and_is_checked_by_the_next_cell(note):
    label, seed, header, body, proof = note
    assert header.startswith(f":::{{admonition}} Inconsistency: seed {seed}"), f"{label}: the title must name seed {seed}"
    assert ":class: note" in body, f"{label}: an inconsistency is a note (:class: note)"
    assert ASSERTS.search(proof), f"{label}: the code cell after the note asserts nothing"


def test_misprints_stay_out_of_the_chapters():
    for line in misprint_bullets():
        assert not re.search(r"\{ref\}`(?:[^`<]*<)?(erratum|inconsistency)-", line), \
            f"a misprint links a box; misprints get no box: {line[:80]}"


@pytest.mark.parametrize("box", BOXES, ids=[b[0] for b in BOXES])
def test_each_box_names_its_seed_says_what_is_right_and_is_proved_by_the_next_cell(box):
    label, seed, header, body, proof = box
    assert header.startswith(f":::{{admonition}} Erratum: seed {seed}"), f"{label}: the title must name seed {seed}"
    assert ":class: error" in body, f"{label}: not styled as an erratum (:class: error)"
    assert re.search(r"\*\*The source says:?\*\*", body), f"{label}: the box does not quote the source (**The source says**)"
    assert re.search(r"\bcorrect\b", body, re.I), f"{label}: the box does not say what is correct"
    assert ASSERTS.search(proof), f"{label}: the code cell after the box asserts nothing"


def test_the_appendix_lists_every_box_once_and_nothing_else():
    text = APPENDIX.read_text(encoding="utf-8")
    refs = re.findall(r"\{ref\}`(?:[^`<]*<)?((?:erratum|inconsistency)-[a-z0-9-]+)>?`", text)
    labels = [b[0] for b in BOXES + NOTES]
    assert len(labels) == len(set(labels)), "two boxes share a label"
    twice = sorted({r for r in refs if refs.count(r) > 1})
    assert not twice, f"listed more than once in errata.md: {twice}"
    assert not set(labels) - set(refs), f"boxes missing from errata.md: {sorted(set(labels) - set(refs))}"
    assert not set(refs) - set(labels), f"errata.md links to no box: {sorted(set(refs) - set(labels))}"
    bullets = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(bullets) == len(labels) + len(misprint_bullets()), "one bullet per erratum"
