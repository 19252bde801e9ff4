#!/usr/bin/env python3
"""Editions of the coding exercises for nbgrader and for otter-grader.

    python3 scripts/dev.py student --format nbgrader            # -> student_edition/ (a course folder)
    python3 scripts/dev.py student --format otter -o /tmp/otter  # master notebooks for `otter assign`
    python3 scripts/dev.py student --format nbgrader --chapters part1/forward_pass part2/losses

For every chapter with coding exercises, one *exercise sheet*: the chapter's title, a setup
cell with the chapter's imports (the math of the package, not its figures or widgets), then
for every exercise its statement (plain Markdown, as in the student edition), the code cell
the student completes (it still ends with ``check(fn)``, so the student gets the checker's
hint while working) and a locked test cell worth 1 point that calls the same check::

    from backprop.classroom import check as _check
    _graded = _check(sigmoid_prime)
    assert _graded.passed, repr(_graded)

The sheets hold no written solution: the chapter's prose, its written exercises and their
``{solution}`` blocks are not in them; the reference code sits between the grader's own
solution markers, which the grader removes when it releases the assignment.

* ``--format nbgrader`` writes a course folder: ``source/<chapter>/<chapter>.ipynb`` with
  nbgrader cell metadata (solution cells; locked, graded test cells with points; the other
  cells locked), ``nbgrader_config.py`` and a README (``nbgrader generate_assignment``,
  ``nbgrader autograde``; the grading environment needs ``pip install "backprop[student]"``).
* ``--format otter`` writes ``<chapter>/<chapter>.ipynb`` master notebooks in otter-assign's
  format (an ``# ASSIGNMENT CONFIG`` raw cell, ``# BEGIN QUESTION`` / ``# BEGIN TESTS`` raw
  cells, ``# BEGIN SOLUTION`` markers) with the ``requirements.txt`` of the autograder
  environment beside them (it installs ``backprop[student]`` from the book's repository), and
  a README (``otter assign``, ``otter run`` or Gradescope).
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import myst_markdown  # noqa: E402  (scripts/ is not a package)

import repository  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("nbgrader", "otter")
MARKER_FILE = ".student-edition"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
POINTS = 1
# imports a sheet does not need: figures, widgets, plotting (the sheet draws nothing)
_SKIP_IMPORT = re.compile(r"^(backprop\.(diagrams|figures|explorers|widgets|figure_layout)|matplotlib|ipywidgets|IPython)")

__all__ = ["Exercise", "Sheet", "chapter_sheet", "nbgrader_notebook", "otter_notebook", "write_grader_edition", "main"]


@dataclass
class Exercise:
    id: str              # the exercise id (the function's name)
    statement: str       # plain Markdown
    solution: str        # the book's code cell, nbgrader markers included


@dataclass
class Sheet:
    name: str            # e.g. "part1-forward_pass"
    title: str
    setup: str
    exercises: list[Exercise]


def _exercise_function(source: str) -> str | None:
    """The name of the function a solved exercise cell defines and checks, or None."""
    if BEGIN not in source:
        return None
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    defined = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    checked = [n.value.args[0].id for n in tree.body
               if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call) and getattr(n.value.func, "id", None) == "check"
               and n.value.args and isinstance(n.value.args[0], ast.Name)]
    return next((name for name in defined if name in checked), None)


def _setup_source(nb) -> str:
    lines = ["import numpy as np"]
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.get("id") == repository.SETUP_CELL_ID or BEGIN in cell.source:
            continue
        try:
            tree = ast.parse("\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                kept = [a for a in node.names if not _SKIP_IMPORT.match(a.name)]
                node.names = kept
            elif isinstance(node, ast.ImportFrom):
                if not node.module or _SKIP_IMPORT.match(node.module):
                    continue
            else:
                continue
            if getattr(node, "names", None):
                line = ast.unparse(node)
                if line not in lines:
                    lines.append(line)
    lines.append("from backprop.classroom import check")
    return "\n".join(lines)


def chapter_sheet(path: Path, labels: myst_markdown.Labels, docname: str) -> Sheet | None:
    """The exercise sheet of one chapter notebook, or None if it has no coding exercise."""
    nb = nbformat.read(path, as_version=4)
    exercises = []
    for index, cell in enumerate(nb.cells):
        fn = cell.cell_type == "code" and _exercise_function(cell.source)
        if not fn:
            continue
        above = nb.cells[index - 1] if index else None
        if above is None or above.cell_type != "markdown" or f"`{fn}(" not in above.source:
            raise ValueError(f"{path}: the exercise {fn} has no statement cell right above it")
        statement, _ = myst_markdown.to_plain_markdown(above.source, labels, docname)
        exercises.append(Exercise(fn, statement, cell.source))
    if not exercises:
        return None
    title = labels.docs.get(docname) or path.stem
    chapter = labels.chapters.get(docname)
    heading = f"Chapter {chapter}, {title}" if chapter else title
    return Sheet(f"{path.parent.name}-{path.stem}", heading, _setup_source(nb), exercises)


def _test_source(fn: str) -> str:
    return (f"# graded ({POINTS} point): the book's checker on its seeded cases\n"
            "from backprop.classroom import check as _check\n"
            f"_graded = _check({fn})\n"
            "assert _graded.passed, repr(_graded)")


INTRO = ("Complete each function below, then run its cell: `check(...)` says at once whether it is right, "
         "and if not, what looks wrong. Each exercise is graded by the cell after it ({points} point each), "
         "which runs the same check. Do not rename the functions.")


def _meta(grade_id: str, *, solution=False, grade=False, locked=True, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _intro(sheet: Sheet) -> str:
    return f"# {sheet.title}: coding exercises\n\n{INTRO.format(points=POINTS)}"


def _sheet_notebook(sheet: Sheet, cells: list) -> nbformat.NotebookNode:
    """A Python 3 notebook of ``cells``, their ids numbered after the sheet (both formats)."""
    for i, cell in enumerate(cells):
        cell.id = f"{sheet.name}-{i}"[-64:]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                   "language_info": {"name": "python"}}
    return nb


def nbgrader_notebook(sheet: Sheet) -> nbformat.NotebookNode:
    """The source notebook of an nbgrader assignment for ``sheet``."""
    new_md, new_code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [new_md(_intro(sheet), metadata=_meta("intro")), new_code(sheet.setup, metadata=_meta("setup"))]
    for ex in sheet.exercises:
        cells += [new_md(ex.statement, metadata=_meta(f"{ex.id}-statement")),
                  new_code(ex.solution, metadata=_meta(f"{ex.id}-solution", solution=True, locked=False)),
                  new_code(_test_source(ex.id), metadata=_meta(f"{ex.id}-test", grade=True, points=POINTS))]
    return _sheet_notebook(sheet, cells)


def _otter_solution(source: str, fn: str) -> str:
    """otter's markers: the solution goes, the student gets the stub that check() calls "not done yet"."""
    source = re.sub(r"^([ \t]*)### BEGIN SOLUTION[ \t]*$", r"\1# BEGIN SOLUTION NO PROMPT", source, flags=re.M)

    def end(m):
        indent = m.group(1)
        return (f'{indent}# END SOLUTION\n{indent}""" # BEGIN PROMPT\n{indent}# YOUR CODE HERE\n'
                f'{indent}raise NotImplementedError("exercise: {fn}")\n{indent}""" # END PROMPT')
    return re.sub(r"^([ \t]*)### END SOLUTION[ \t]*$", end, source, flags=re.M)


def otter_notebook(sheet: Sheet) -> nbformat.NotebookNode:
    """The master notebook of an otter-assign assignment for ``sheet``."""
    raw, md, code = nbformat.v4.new_raw_cell, nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    config = "\n".join([
        "# ASSIGNMENT CONFIG", f"name: {sheet.name}", "requirements: requirements.txt", "init_cell: false",
        "check_all_cell: false", "export_cell: false", "solutions_pdf: false", "run_tests: true",
        "generate:", "  pdf: false", "  show_stdout: true",
    ])
    cells = [raw(config), md(_intro(sheet)), code(sheet.setup)]
    for ex in sheet.exercises:
        # the tests are hidden: the student's own feedback is check(fn) in the cell, and the
        # student notebook needs no otter (no grader.check cells, no init cell)
        cells += [raw(f"# BEGIN QUESTION\nname: {ex.id}\npoints: {POINTS}"), md(ex.statement),
                  raw("# BEGIN SOLUTION"), code(_otter_solution(ex.solution, ex.id)), raw("# END SOLUTION"),
                  raw("# BEGIN TESTS"), code("# HIDDEN\n" + _test_source(ex.id)),
                  raw("# END TESTS"), raw("# END QUESTION")]
    return _sheet_notebook(sheet, cells)


NBGRADER_CONFIG = '''# nbgrader configuration of the backprop book's coding exercises (written by scripts/grader_editions.py)
c = get_config()
c.CourseDirectory.course_id = "backprop"
# a cell may take a while (the checker gives each case at most 3 s); a hung kernel is stopped
c.ExecutePreprocessor.timeout = 120
c.ExecutePreprocessor.interrupt_on_timeout = True
# the stub answers "not done yet" to check(...)
c.ClearSolutions.code_stub = {"python": '# YOUR CODE HERE\\nraise NotImplementedError("exercise")'}
'''

NBGRADER_README = """# The book's coding exercises for nbgrader

A course folder for [nbgrader](https://nbgrader.readthedocs.io): one assignment per chapter
under `source/` ({names}). Each holds the chapter's coding exercises: a statement, the
cell the student completes (solution cell) and a locked test cell worth {points} point that
runs the book's checker (`assert check(fn).passed`).

The grading environment (where `nbgrader autograde` runs, and the students' Jupyter) needs
the package: `pip install "backprop[student] @ git+{url}"` (and `pip install nbgrader`).

    cd this-folder
    nbgrader generate_assignment {first}      # -> release/{first}/ (solutions removed)
    # hand out release/..., collect into submitted/<student>/{first}/{first}.ipynb
    nbgrader autograde {first}
    nbgrader export                            # grades.csv, one row per student and assignment
"""

OTTER_README = """# The book's coding exercises for otter-grader

One otter-assign master notebook per chapter ({names}), each with its `requirements.txt`
(the autograder environment installs `backprop[student]` from the book's repository).

    cd {first}
    otter assign {first}.ipynb dist            # dist/student/ to hand out, dist/autograder/autograder.zip
    otter run -a dist/autograder/autograder.zip submission.ipynb   # locally, no docker: results.json
    # or: otter grade -a dist/autograder/autograder.zip submissions/ (docker), or Gradescope

Every question is one exercise, worth {points} point: its test runs the book's checker
(`assert check(fn).passed`).
"""


def write_grader_edition(book: Path, output: Path, fmt: str, *, chapters: list[str] | None = None,
                         root: Path = ROOT) -> list[Sheet]:
    """Write the ``fmt`` edition of the exercise sheets of ``book`` into ``output``."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {fmt!r}")
    book, output = Path(book).resolve(), Path(output).resolve()
    if output == book or book in output.parents or output in book.parents:
        raise ValueError(f"the output folder {output} must not contain or be inside the book")
    if output.exists():
        if not (output / MARKER_FILE).exists() and any(output.iterdir()):
            raise ValueError(f"{output} exists and is not a student edition; choose an empty or new folder")
        shutil.rmtree(output)
    labels = myst_markdown.book_labels(book.parent)
    paths = sorted(p for p in book.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts and "_build" not in p.parts)
    if chapters:
        wanted = {c.removesuffix(".ipynb") for c in chapters}
        unknown = wanted - {p.relative_to(book).with_suffix("").as_posix() for p in paths}
        if unknown:
            raise ValueError(f"no chapter {sorted(unknown)} in {book} (chapters are named like part1/forward_pass)")
        paths = [p for p in paths if p.relative_to(book).with_suffix("").as_posix() in wanted]
    sheets = [s for p in paths if (s := chapter_sheet(p, labels, (Path(book.name) / p.relative_to(book)).with_suffix("").as_posix()))]
    output.mkdir(parents=True)
    (output / MARKER_FILE).write_text("written by scripts/grader_editions.py; replaced on every run\n")
    url = repository.config_url(root) if (root / "_config.yml").exists() else repository.PLACEHOLDER
    names = ", ".join(f"`{s.name}`" for s in sheets)
    first = sheets[0].name if sheets else "part1-forward_pass"
    # nbgrader: source/<sheet>/<sheet>.ipynb; otter: <sheet>/<sheet>.ipynb with its requirements.txt
    make_notebook, base = (nbgrader_notebook, output / "source") if fmt == "nbgrader" else (otter_notebook, output)
    for sheet in sheets:
        folder = base / sheet.name
        folder.mkdir(parents=True)
        nbformat.write(make_notebook(sheet), folder / f"{sheet.name}.ipynb")
        if fmt == "otter":
            (folder / "requirements.txt").write_text(f"backprop[student] @ git+{url}\n")
    if fmt == "nbgrader":
        (output / "nbgrader_config.py").write_text(NBGRADER_CONFIG)
        (output / "README.md").write_text(NBGRADER_README.format(names=names, points=POINTS, url=url, first=first))
    else:
        (output / "README.md").write_text(OTTER_README.format(names=names, points=POINTS, first=first))
    return sheets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--format", choices=FORMATS, required=True)
    parser.add_argument("--book", type=Path, default=ROOT / "book")
    parser.add_argument("--output", "-o", type=Path, default=ROOT / "student_edition")
    parser.add_argument("--chapters", nargs="+", metavar="PART/CHAPTER", help="only these chapters (e.g. part1/forward_pass)")
    args = parser.parse_args(argv)
    try:
        sheets = write_grader_edition(args.book, args.output, args.format, chapters=args.chapters)
    except (ValueError, OSError) as exc:
        print(f"grader_editions: {exc}", file=sys.stderr)
        return 1
    count = sum(len(s.exercises) for s in sheets)
    print(f"{args.format} edition of {count} exercises in {len(sheets)} assignments written to {args.output.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
