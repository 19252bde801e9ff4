"""Every notebook is stored executed, with clean metadata, and imports instead of defining library code.

nbval never compares a code cell whose execution_count is null, so an unexecuted cell
would be a check that cannot fail; stored errors would be shown to readers.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _code_cells(path):
    nb = json.loads(path.read_text())
    return nb, [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 10


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_is_executed_and_clean(path):
    nb, cells = _code_cells(path)
    unexecuted = [i for i, c in enumerate(cells) if c.get("execution_count") is None]
    assert not unexecuted, f"code cells {unexecuted} have no stored outputs: run `python3 scripts/dev.py outputs {path.relative_to(ROOT)}`"
    counts = [c["execution_count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), "execution counts are not 1..n: re-execute the whole notebook in order"
    for c in cells:
        assert "execution" not in c.get("metadata", {}), "timing metadata stored: regenerate with scripts/execute_notebooks.py"
        tags = c.get("metadata", {}).get("tags", [])
        for out in c.get("outputs", []):
            assert out["output_type"] != "error" or "raises-exception" in tags, "stored error in a cell not tagged raises-exception"
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_imports_the_package_without_path_hacks(path):
    _, cells = _code_cells(path)
    source = "\n".join("".join(c["source"]) for c in cells)
    assert "sys.path" not in source, "no sys.path hacks: the package is installed with `pip install -e .`"
    assert re.search(r"^\s*(from|import) backprop", source, re.M), "the notebook does not import the backprop package"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_figure_is_stored_as_an_image(path):
    """A figure whose output is only `<Figure size ...>` text shows readers nothing (missing %matplotlib inline)."""
    _, cells = _code_cells(path)
    for i, c in enumerate(cells):
        for out in c.get("outputs", []):
            data = out.get("data", {})
            if "".join(data.get("text/plain", "")).startswith("<Figure") and "image/png" not in data:
                pytest.fail(f"code cell {i} shows a figure as text only: run `%matplotlib inline` first")


MAX_CODE_LINE = 88  # what a laptop's text column shows without scrolling (book.css wraps on phones)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_code_lines_fit_the_text_column(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    long = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code" or cell.get("id") == "colab-setup":
            continue
        for n, line in enumerate("".join(cell["source"]).splitlines(), 1):
            if len(line) > MAX_CODE_LINE:
                long.append(f"cell {i} line {n} ({len(line)} chars): {line[:50]}...")
    assert not long, f"{path.name}: {len(long)} code line(s) over {MAX_CODE_LINE} characters:\n" + "\n".join(long[:10])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_printed_outputs_show_no_label_ids(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    bad = []
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            text = "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
            bad += [f"cell {i}: {m}" for m in re.findall(r"\b(?:eq|erratum|fig|ex)-part\d[\w-]*|\berratum-\d{3}-[\w-]+", text)]
    assert not bad, f"{path.name}: printed outputs name internal labels (say 'Eq. (4.3)' or nothing): {bad[:5]}"
