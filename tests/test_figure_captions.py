"""Every figure of a chapter has a number, a caption and alt text, and the prose refers to it.

A figure is the image output of a code cell. Its cell carries myst-nb's figure metadata,

    "mystnb": {"figure": {"caption": "...", "name": "fig-..."}, "image": {"alt": "..."}}

which makes it a numbered, captioned figure with alt text in the HTML; the chapter's
markdown refers to it with {numref}`fig-...`. Notebooks in NOT_YET are skipped until their
figures get captions (remove a line to turn the check on for that chapter). Explorer cells
(a widget output beside the first image) are left to the static explorers of issue 12.4:
myst-nb would wrap every output of the cell, the controls included, in its own captioned
figure.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
NOT_YET: set[str] = set()
WIDGET = "application/vnd.jupyter.widget-view+json"
MIN_ALT_WORDS = 12  # real alt text describes the picture; "figure" or a file name is not enough


def figure_cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = []
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        outputs = [o for o in cell.get("outputs", []) if "data" in o]
        if any(WIDGET in o["data"] for o in outputs):
            continue  # an explorer (see the module docstring)
        if any(k.startswith("image/") for o in outputs for k in o["data"]):
            found.append(cell)
    return found


def markdown(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


CHECKED = [p for p in NOTEBOOKS if p.relative_to(ROOT).as_posix() not in NOT_YET]


def test_the_skip_list_names_real_notebooks():
    names = {p.relative_to(ROOT).as_posix() for p in NOTEBOOKS}
    assert NOT_YET <= names, f"NOT_YET names notebooks that do not exist: {sorted(NOT_YET - names)}"
    assert CHECKED, "no notebook is checked"


@pytest.mark.parametrize("path", CHECKED, ids=[p.relative_to(ROOT).as_posix() for p in CHECKED])
def test_every_figure_is_numbered_captioned_described_and_referred_to(path):
    prose = markdown(path)
    names = []
    for cell in figure_cells(path):
        first = "".join(cell["source"]).splitlines()[0] if cell["source"] else ""
        meta = cell.get("metadata", {}).get("mystnb", {})
        figure, image = meta.get("figure", {}), meta.get("image", {})
        where = f"{path.name}, cell {cell.get('id')} ({first[:40]!r})"
        assert str(figure.get("caption", "")).strip(), f"{where}: no caption (mystnb.figure.caption)"
        name = str(figure.get("name", ""))
        assert re.fullmatch(r"fig-[a-z0-9-]+", name), f"{where}: no figure name fig-... (mystnb.figure.name)"
        alt = str(image.get("alt", ""))
        assert len(alt.split()) >= MIN_ALT_WORDS, f"{where}: alt text missing or too short: {alt!r}"
        assert alt.strip() != str(figure["caption"]).strip(), f"{where}: the alt text repeats the caption"
        assert f"{{numref}}`{name}`" in prose or re.search(rf"{{numref}}`[^`<]*<{name}>`", prose), \
            f"{where}: the prose never refers to {name} with {{numref}}"
        names.append(name)
    assert len(names) == len(set(names)), f"{path.name}: two figures share a name"
