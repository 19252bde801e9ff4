"""In the HTML book a coding exercise's solution folds behind "Show solution", like the
written exercises' dropdowns: every code cell that holds ``### BEGIN SOLUTION`` carries
the cell tag ``hide-input`` (myst-nb draws the toggle) and the prompts of the toggle."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEGIN = "### BEGIN SOLUTION"
PROMPTS = {"code_prompt_show": "Show solution", "code_prompt_hide": "Hide solution"}


def _source(cell: dict) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def fold_problems(cells: list[dict], where: str) -> list[str]:
    problems = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code" or BEGIN not in _source(cell):
            continue
        meta = cell.get("metadata", {})
        name = f"{where} cell {cell.get('id', i)}"
        if "hide-input" not in meta.get("tags", []):
            problems.append(f"{name}: a coding exercise's solution without the tag hide-input")
        mystnb = meta.get("mystnb", {})
        for key, text in PROMPTS.items():
            if mystnb.get(key) != text:
                problems.append(f"{name}: metadata mystnb.{key} is {mystnb.get(key)!r}, expected {text!r}")
    return problems


def _notebooks():
    return sorted(p for p in (ROOT / "book").rglob("*.ipynb")
                  if "_build" not in p.parts and ".ipynb_checkpoints" not in p.parts)


def test_every_solution_cell_folds():
    count, problems = 0, []
    for path in _notebooks():
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        count += sum(c["cell_type"] == "code" and BEGIN in _source(c) for c in cells)
        problems += fold_problems(cells, str(path.relative_to(ROOT)))
    assert count >= 20, f"only {count} coding exercises found"
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_missing_tag_and_wrong_prompts():
    bare = {"cell_type": "code", "id": "x", "metadata": {}, "source": f"def f():\n    {BEGIN}\n    pass\n"}
    problems = fold_problems([bare], "nb")
    assert any("hide-input" in p for p in problems) and any("code_prompt_show" in p for p in problems)
    good = dict(bare, metadata={"tags": ["hide-input"], "mystnb": dict(PROMPTS)})
    plain = {"cell_type": "code", "id": "y", "metadata": {}, "source": "x = 1\n"}
    assert fold_problems([good, plain], "nb") == []
