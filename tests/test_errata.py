"""The sources' errata, graded by kind, in the chapters and in the errata appendix.

CONTRIBUTING.md ("Erratum boxes") defines three kinds:

* a **wrong result** (a formula that gives a wrong number): a label ``(erratum-SSS-...)=``,
  then ``:::{admonition} Erratum: seed SSS, ...`` with ``:class: error``, quoting the source
  (``**The source says**``) and saying what is correct, followed by a code cell that asserts
  the source's form fails and the correct one passes;
* an **inconsistency** (a convention that changes, shapes that do not type-check as
  written): a short note, labelled ``(erratum-SSS-...)=`` or ``(inconsistency-SSS-...)=``,
  ``:::{admonition} Inconsistency: seed SSS, ...`` with
  ``:class: note``;
* a **misprint** (a typo, a wrong cross-reference, an index slip): nothing in the chapter,
  one line in the appendix.

The appendix lists every box once, in the section of its kind, and opens with a table of
how many of each kind every source has. In every chapter the erratum material is at most a
fifth of the prose.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
APPENDIX = ROOT / "book" / "appendix" / "errata.md"
BOX = re.compile(r"^\(((?:erratum|inconsistency)-(\d{3})-[a-z0-9-]+)\)=[ \t]*\n(:::\{admonition\}[^\n]*)\n(.*?)^:::[ \t]*$", re.M | re.S)
ANY_ADMONITION = re.compile(r"^:::\{admonition\} (Erratum|Inconsistency)\b[^\n]*\n.*?^:::[ \t]*$", re.M | re.S)
ASSERTS = re.compile(r"\bassert\b|\bassert_\w+\(|np\.testing\.assert|pytest\.raises")
KINDS = {"Erratum": ("error", "Wrong results"), "Inconsistency": ("note", "Inconsistencies")}
SECTIONS = ("Wrong results", "Inconsistencies", "Misprints")
SEEDS = ("000", "002", "003", "004")
#: at most this share of a chapter's prose (markdown words) is erratum material
MAX_ERRATA_SHARE = 0.20
INCONSISTENCY_WORDS = 130


def erratum_boxes() -> list[tuple[str, str, str, str, str, str]]:
    """(kind, label, seed, admonition line, body, next code cell) for every box of the book."""
    boxes = []
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            if cell["cell_type"] != "markdown":
                continue
            for m in BOX.finditer("".join(cell["source"])):
                kind = m[3].split("}", 1)[1].split(":", 1)[0].strip()
                nxt = next((c for c in cells[i + 1:] if c["cell_type"] == "code"), None)
                boxes.append((kind, m[1], m[2], m[3], m[4], "".join(nxt["source"]) if nxt else ""))
    return boxes


BOXES = erratum_boxes()
WRONG = [b for b in BOXES if b[0] == "Erratum"]
NOTES = [b for b in BOXES if b[0] == "Inconsistency"]


def appendix_sections() -> dict[str, str]:
    text = APPENDIX.read_text(encoding="utf-8")
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2])}


def bullets(body: str) -> list[str]:
    return [line for line in body.splitlines() if line.startswith("- ")]


def test_the_book_has_its_errata():
    assert len(WRONG) >= 20, f"only {len(WRONG)} wrong-result boxes found: has the label format changed?"
    assert {b[0] for b in BOXES} <= set(KINDS), f"unknown kinds: {sorted({b[0] for b in BOXES} - set(KINDS))}"


@pytest.mark.parametrize("box", WRONG, ids=[b[1] for b in WRONG])
def test_a_wrong_result_quotes_the_source_says_what_is_right_and_is_proved_by_the_next_cell(box):
    _, label, seed, header, body, proof = box
    assert header.startswith(f":::{{admonition}} Erratum: seed {seed}"), f"{label}: the title must name seed {seed}"
    assert ":class: error" in body, f"{label}: a wrong result is styled as an error (:class: error)"
    assert re.search(r"\*\*The source says:?\*\*", body), f"{label}: the box does not quote the source (**The source says**)"
    assert re.search(r"\bcorrect\b", body, re.I), f"{label}: the box does not say what is correct"
    assert ASSERTS.search(proof), f"{label}: the code cell after the box asserts nothing"


@pytest.mark.parametrize("box", NOTES, ids=[b[1] for b in NOTES])
def test_an_inconsistency_is_a_short_note_naming_its_seed(box):
    _, label, seed, header, body, _ = box
    assert header.startswith(f":::{{admonition}} Inconsistency: seed {seed}"), f"{label}: the title must name seed {seed}"
    assert ":class: note" in body, f"{label}: an inconsistency is styled as a note (:class: note)"
    words = len(body.split())
    assert words <= INCONSISTENCY_WORDS, f"{label}: {words} words; an inconsistency is a short note"


def test_the_appendix_lists_every_box_once_in_the_section_of_its_kind():
    sections = appendix_sections()
    assert [s for s in sections if s in SECTIONS] == list(SECTIONS), f"sections: {list(sections)}"
    seen: list[str] = []
    for kind, (_, section) in KINDS.items():
        refs = re.findall(r"\{ref\}`(?:[^`<]*<)?((?:erratum|inconsistency)-[a-z0-9-]+)>?`", sections[section])
        labels = [b[1] for b in BOXES if b[0] == kind]
        assert not set(labels) - set(refs), f"{section}: boxes missing: {sorted(set(labels) - set(refs))}"
        assert not set(refs) - set(labels), f"{section}: links to no box of this kind: {sorted(set(refs) - set(labels))}"
        assert len(bullets(sections[section])) == len(labels), f"{section}: one bullet per box"
        seen += refs
    twice = sorted({r for r in seen if seen.count(r) > 1})
    assert not twice, f"listed more than once in errata.md: {twice}"
    assert len({b[1] for b in BOXES}) == len(BOXES), "two boxes share a label"


def test_misprints_are_one_line_each_in_the_appendix_and_not_boxed():
    lines = bullets(appendix_sections()["Misprints"])
    assert lines, "no misprints listed"
    for line in lines:
        assert re.match(r"- Seed (\d{3}),", line), f"a misprint names its seed first: {line[:60]}"
        assert not re.search(r"\{ref\}`(erratum|inconsistency)-", line), f"a misprint has no box to link to: {line[:60]}"


def test_the_table_counts_each_kind_per_source():
    text = APPENDIX.read_text(encoding="utf-8")
    sections = appendix_sections()
    rows = dict(re.findall(r"^\| Seed (\d{3})[^|]*\|([^\n]*)\|\s*$", text, re.M))
    assert set(rows) == set(SEEDS), f"the table needs one row per source: {sorted(rows)}"
    for seed in SEEDS:
        counts = [int(c) for c in rows[seed].split("|")]
        want = [sum(1 for line in bullets(sections[s]) if line.startswith(f"- Seed {seed},")) for s in SECTIONS]
        assert counts == want, f"seed {seed}: the table says {counts}, the sections list {want}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_erratum_material_is_at_most_a_fifth_of_each_chapter(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    total = len(prose.split())
    errata = sum(len(m[0].split()) for m in ANY_ADMONITION.finditer(prose))
    assert errata <= MAX_ERRATA_SHARE * total, (
        f"{path.name}: erratum material is {errata} of {total} words ({errata / total:.0%}); "
        f"at most {MAX_ERRATA_SHARE:.0%}: shorten boxes, make inconsistencies notes, move misprints to the appendix"
    )
