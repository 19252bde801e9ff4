"""The nbgrader and otter-grader editions of the coding exercises, graded end to end.

``scripts/grader_editions.py`` (``dev.py student --format nbgrader|otter``) writes one
assignment per chapter. Here the chapter part1/forward_pass (two exercises) goes through
each grader as a course would use it: generate the assignment, hand out the student
version, fill it in as four students would (all correct, mixed, untouched, one whose
function loops forever), autograde, and compare the per-exercise scores with the table
below. The graders run as installed (``nbgrader``, ``otter-grader`` in requirements.txt);
otter grades with ``otter run`` (no docker).
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
CHAPTER, ASSIGNMENT = "part1/forward_pass", "part1-forward_pass"
BIN = Path(sys.executable).parent
# nbgrader calls `alembic` by name: the venv first on PATH
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore",
       "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


grader_editions = _load("grader_editions")

RIGHT = {
    "sigmoid_prime": "def sigmoid_prime(z):\n    s = 1.0 / (1.0 + np.exp(-z))\n    return s * (1.0 - s)",
    "net_input": "def net_input(x, W, b):\n    return x @ W.T + b",
}
WRONG = {"net_input": "def net_input(x, W, b):\n    return x @ W.T  # the bias is missing"}
LOOPS = {"sigmoid_prime": "def sigmoid_prime(z):\n    while True:\n        pass"}
SUBMISSIONS = {
    "correct": RIGHT,
    "mixed": {"sigmoid_prime": RIGHT["sigmoid_prime"], **WRONG},
    "untouched": {},
    "loops": {**LOOPS, "net_input": RIGHT["net_input"]},
}
EXPECTED = {
    "correct": {"sigmoid_prime": 1.0, "net_input": 1.0},
    "mixed": {"sigmoid_prime": 1.0, "net_input": 0.0},
    "untouched": {"sigmoid_prime": 0.0, "net_input": 0.0},
    "loops": {"sigmoid_prime": 0.0, "net_input": 1.0},
}


def _defines(source: str) -> set[str]:
    try:
        return {n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)}
    except SyntaxError:
        return set()


def _answer_cell(nb, fn: str):
    cells = [c for c in nb.cells if c.cell_type == "code" and fn in _defines(c.source)]
    assert len(cells) == 1, f"expected one cell defining {fn}, found {len(cells)}"
    return cells[0]


def _submission(student_nb, answers: dict[str, str]):
    nb = nbformat.from_dict(student_nb)
    for fn, code in answers.items():
        _answer_cell(nb, fn).source = f"from backprop.classroom import check\n\n\n{code}\n\n\ncheck({fn})"
    return nb


def _run(cmd: list, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, env=ENV, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{cmd} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _solution_lines() -> set[str]:
    """The lines of the book's reference solutions (the code between the markers)."""
    nb = nbformat.read(BOOK / f"{CHAPTER}.ipynb", as_version=4)
    lines, inside = set(), False
    for cell in nb.cells:
        for line in cell.source.splitlines() if cell.cell_type == "code" else []:
            if "### BEGIN SOLUTION" in line:
                inside = True
            elif "### END SOLUTION" in line:
                inside = False
            elif inside and line.strip():
                lines.add(line.strip())
    assert lines
    return lines


def _assert_no_solution(nb, where: str) -> None:
    solution = _solution_lines()
    for cell in nb.cells:
        leaked = {ln.strip() for ln in cell.source.splitlines()} & solution
        assert not leaked, f"{where}: the solution is in the student version: {leaked}"
        assert "BEGIN SOLUTION" not in cell.source and "{solution}" not in cell.source, where


# ----------------------------------------------------------------- the editions themselves

@pytest.mark.parametrize("fmt", ["nbgrader", "otter"])
def test_the_editions_hold_every_exercise_with_a_graded_check_and_no_written_solution(tmp_path, fmt):
    sheets = grader_editions.write_grader_edition(BOOK, tmp_path / fmt, fmt)
    assert sum(len(s.exercises) for s in sheets) == 23 and len(sheets) == 11
    for sheet in sheets:
        path = (tmp_path / fmt / ("source" if fmt == "nbgrader" else "") / sheet.name / f"{sheet.name}.ipynb")
        nb = nbformat.read(path, as_version=4)
        text = "\n".join(c.source for c in nb.cells)
        assert "{solution}" not in text and ":::{" not in text and "{eq}`" not in text, path
        for ex in sheet.exercises:
            assert "assert _graded.passed" in text and f"_graded = _check({ex.id})" in text
        if fmt == "nbgrader":
            metas = [c.metadata["nbgrader"] for c in nb.cells]
            assert len({m["grade_id"] for m in metas}) == len(metas), "grade ids are unique"
            graded = [m for m in metas if m["grade"]]
            assert len(graded) == len(sheet.exercises) and all(m["locked"] and m["points"] == 1 for m in graded)
            solutions = [c for c in nb.cells if c.metadata["nbgrader"]["solution"]]
            assert len(solutions) == len(sheet.exercises) and all("### BEGIN SOLUTION" in c.source for c in solutions)
            assert all(m["locked"] for m in metas if not m["solution"]), "everything but the answers is locked"
        else:
            raw = [c.source.split("\n")[0] for c in nb.cells if c.cell_type == "raw"]
            assert raw[0] == "# ASSIGNMENT CONFIG" and raw.count("# BEGIN QUESTION") == len(sheet.exercises)
            assert raw.count("# BEGIN SOLUTION") == raw.count("# BEGIN TESTS") == len(sheet.exercises)
            requirements = (tmp_path / fmt / sheet.name / "requirements.txt").read_text()
            assert requirements.startswith("backprop[student] @ git+https://github.com/")
    readme = (tmp_path / fmt / "README.md").read_text()
    assert ('pip install "backprop[student]' in readme) if fmt == "nbgrader" else ("backprop[student]" in readme)


def test_the_command_line_writes_a_grader_edition(tmp_path):
    mse = _load("make_student_edition")
    assert mse.main(["--format", "otter", "--output", str(tmp_path / "o"), "--chapters", CHAPTER]) == 0
    assert (tmp_path / "o" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    assert mse.main(["--format", "nbgrader", "--output", str(tmp_path / "n"), "--chapters", "part9/none"]) == 1


# ----------------------------------------------------------------- end to end

def test_nbgrader_grades_the_fixture_submissions(tmp_path):
    course = tmp_path / "course"
    grader_editions.write_grader_edition(BOOK, course, "nbgrader", chapters=[CHAPTER])
    _run([BIN / "nbgrader", "generate_assignment", ASSIGNMENT], course)
    released = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    _assert_no_solution(released, "nbgrader release")
    for student, answers in SUBMISSIONS.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(_submission(released, answers), folder / f"{ASSIGNMENT}.ipynb")
    _run([BIN / "nbgrader", "autograde", ASSIGNMENT], course, timeout=900)

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {student: {fn: gb.find_grade(f"{fn}-test", ASSIGNMENT, ASSIGNMENT, student).score for fn in RIGHT}
                  for student in SUBMISSIONS}
        max_scores = {fn: gb.find_grade(f"{fn}-test", ASSIGNMENT, ASSIGNMENT, "correct").max_score for fn in RIGHT}
    assert max_scores == {"sigmoid_prime": 1.0, "net_input": 1.0}
    assert scores == EXPECTED


OTTER_RUNNER = """
import json, sys, contextlib, io
import otter.run
autograder, out = sys.argv[1], sys.argv[2]
scores = {}
for path in sys.argv[3:]:
    with contextlib.redirect_stdout(io.StringIO()):
        results = otter.run.main(path, autograder=autograder, output_dir=None, no_logo=True)
    name = path.rsplit("/", 1)[-1].removesuffix(".ipynb")
    scores[name] = {q: results.get_score(q) for q in results.results}
json.dump(scores, open(out, "w"))
"""


def test_otter_grades_the_fixture_submissions(tmp_path):
    out = tmp_path / "otter"
    grader_editions.write_grader_edition(BOOK, out, "otter", chapters=[CHAPTER])
    folder = out / ASSIGNMENT
    _run([BIN / "otter", "assign", f"{ASSIGNMENT}.ipynb", "dist"], folder)
    student = nbformat.read(folder / "dist" / "student" / f"{ASSIGNMENT}.ipynb", as_version=4)
    _assert_no_solution(student, "otter student notebook")
    assert not any("grader." in c.source or "import otter" in c.source for c in student.cells), \
        "the student notebook needs no otter"
    (autograder,) = (folder / "dist" / "autograder").glob("*.zip")
    import zipfile

    with zipfile.ZipFile(autograder) as z:
        environment = z.read("environment.yml").decode()
    assert "backprop[student] @ git+" in environment, "the autograder environment installs the package"
    subs = tmp_path / "submissions"
    subs.mkdir()
    for name, answers in SUBMISSIONS.items():
        nbformat.write(_submission(student, answers), subs / f"{name}.ipynb")
    runner = tmp_path / "run_otter.py"
    runner.write_text(OTTER_RUNNER)
    _run([sys.executable, runner, autograder, tmp_path / "scores.json", *sorted(subs.glob("*.ipynb"))], tmp_path, timeout=900)
    scores = json.loads((tmp_path / "scores.json").read_text())
    assert scores == EXPECTED
