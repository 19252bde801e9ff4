"""Scores without a grader: ``python -m backprop.classroom score SUBMISSIONS... --csv OUT``.

Each submitted notebook runs in a fresh kernel (nbclient), cell by cell, under a time
limit per cell and per notebook.  A cell that does not finish is skipped: the kernel is
restarted, the cells that ran before it run again, and the notebook goes on after it.
Then every exercise the notebook defines (a ``def`` named after an exercise, or a
``check(...)`` call naming one) is checked in that kernel, and one row per student and
exercise is written: student, notebook, exercise, status, hint.

The student's name is the folder holding the notebook (``submissions/alice/lab1.ipynb``
-> ``alice``); when every notebook sits in the same folder, the file's name
(``submissions/alice.ipynb`` -> ``alice``).
"""

from __future__ import annotations

import ast
import csv
import json
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

from backprop.classroom._registry import EXERCISES

__all__ = ["Row", "score_notebook", "score", "student_names", "student_seed", "MARKER"]

MARKER = "<<backprop-classroom-score>>"
FIELDS = ("student", "notebook", "exercise", "status", "hint")


@dataclass(frozen=True)
class Row:
    student: str
    notebook: str
    exercise: str
    status: str
    hint: str


def student_seed(student: str) -> int:
    """The graded seed of a student: the same on every run, different between students."""
    return zlib.crc32(student.encode()) & 0x7FFFFFFF


def student_names(paths: list[Path]) -> list[str]:
    """Each submission's student: its folder's name, or its file's stem when all share one folder."""
    parents = {p.resolve().parent for p in paths}
    if len(parents) == 1 and len(paths) > 1:
        return [p.stem for p in paths]
    return [p.resolve().parent.name for p in paths]


def _strip_magics(source: str) -> str:
    return "\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!")))


def exercises_in(nb) -> list[str]:
    """The exercise ids a notebook defines or checks, in the registry's order."""
    found = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(_strip_magics(cell.source))
        except SyntaxError:
            found.update(ex for ex in EXERCISES if f"def {ex}(" in cell.source)
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in EXERCISES:
                found.add(node.name)
            elif isinstance(node, ast.Call):
                f = node.func
                name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
                if name == "check":
                    for arg in node.args[:1]:
                        if isinstance(arg, ast.Name) and arg.id in EXERCISES:
                            found.add(arg.id)
                    for kw in node.keywords:
                        if kw.arg == "exercise" and isinstance(kw.value, ast.Constant) and kw.value.value in EXERCISES:
                            found.add(kw.value.value)
    return [ex for ex in EXERCISES if ex in found]


def grade_namespace(namespace: dict, ids: list[str], graded: bool = False, seed: int | None = None,
                    time_limit: float | None = None) -> list[dict]:
    """In the student's kernel: check each exercise of ``ids`` found in ``namespace``."""
    import contextlib
    import io

    from backprop.classroom._check import DEFAULT_TIME_LIMIT, check

    out = []
    for ex_id in ids:
        fn = namespace.get(ex_id)
        if not callable(fn):
            out.append({"exercise": ex_id, "status": "not done yet", "hint": "the function is not defined (its cell did not run?)"})
            continue
        with contextlib.redirect_stdout(io.StringIO()):
            r = check(fn, exercise=ex_id, graded=graded, seed=seed, time_limit=time_limit or DEFAULT_TIME_LIMIT)
        out.append({"exercise": ex_id, "status": r.status, "hint": "" if r.passed else r.message})
    return out


def _grading_cell(ids: list[str], graded: bool, seed: int | None, time_limit: float | None) -> str:
    return (
        "import json as _bp_json\n"
        "from backprop.classroom._score import grade_namespace as _bp_grade, MARKER as _bp_marker\n"
        f"print(_bp_marker + _bp_json.dumps(_bp_grade(globals(), {ids!r}, {graded!r}, {seed!r}, {time_limit!r})))\n"
    )


def _marker_output(cell) -> list[dict] | None:
    for output in cell.get("outputs", []):
        text = output.get("text", "")
        if isinstance(text, list):
            text = "".join(text)
        for line in text.splitlines():
            if line.startswith(MARKER):
                return json.loads(line[len(MARKER):])
    return None


def score_notebook(path: str | Path, student: str | None = None, *, timeout: float = 600.0, cell_timeout: float = 60.0,
                   graded: bool = False, time_limit: float | None = None, kernel_name: str = "python3") -> list[Row]:
    """Run one submitted notebook in a fresh kernel and check every exercise it defines.

    ``timeout`` bounds the whole notebook, ``cell_timeout`` each cell, ``time_limit`` each
    call of a student's function (the checker's own limit).  ``graded`` draws the cases
    from the student's seed (:func:`student_seed`).  Never raises for what the notebook
    does: a notebook that cannot be read or run gets rows with status "error".
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    path = Path(path)
    student = student if student is not None else student_names([path])[0]
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 -- a broken submission is a row, not a crash
        return [Row(student, path.name, "-", "error", f"the notebook could not be read ({type(exc).__name__}: {exc})")]
    ids = exercises_in(nb)
    if not ids:
        return []
    seed = student_seed(student) if graded else None
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    grading = nbformat.v4.new_code_cell(_grading_cell(ids, graded, seed, time_limit))
    deadline = time.monotonic() + timeout
    skipped: list[int] = []
    problems: list[str] = []
    results = None
    for _attempt in range(4):
        run_nb = nbformat.v4.new_notebook(metadata=nb.metadata)
        run_nb.cells = [nbformat.v4.new_code_cell(nb.cells[i].source) for i in code if i not in skipped] + [grading]
        client = NotebookClient(run_nb, timeout=cell_timeout, kernel_name=kernel_name, allow_errors=True,
                                interrupt_on_timeout=False, shutdown_kernel="immediate", resources={"metadata": {"path": str(path.parent)}})
        stuck = None
        try:
            with client.setup_kernel():
                for index, cell in enumerate(run_nb.cells):
                    left = deadline - time.monotonic()
                    if left <= 1:
                        problems.append(f"the notebook did not finish within {timeout:g} s")
                        break
                    client.timeout = max(1, int(min(cell_timeout, left)))
                    try:
                        client.execute_cell(cell, index)
                    except CellTimeoutError:
                        stuck = index
                        break
                    except DeadKernelError:
                        stuck = index
                        break
        except Exception as exc:  # noqa: BLE001 -- the kernel failed to start or died: say so
            problems.append(f"the kernel failed ({type(exc).__name__}: {exc})")
            break
        results = _marker_output(run_nb.cells[-1]) if stuck is None else None
        if stuck is None or stuck == len(run_nb.cells) - 1:
            if stuck is not None:
                problems.append(f"checking the exercises did not finish within {cell_timeout:g} s")
            break
        original = [i for i in code if i not in skipped][stuck]
        skipped.append(original)
        problems.append(f"cell {original + 1} did not finish within {cell_timeout:g} s and was skipped")
    note = "; ".join(problems)
    if results is None:
        return [Row(student, path.name, ex, "error", note or "the notebook could not be checked") for ex in ids]
    rows = []
    for r in results:
        hint = r["hint"]
        if note and r["status"] != "passed":
            hint = f"{hint} ({note})" if hint else note
        rows.append(Row(student, path.name, r["exercise"], r["status"], hint))
    return rows


def score(paths: list[str | Path], csv_path: str | Path | None = None, **kwargs) -> list[Row]:
    """Score every submission; write the rows to ``csv_path`` (columns: student, notebook, exercise, status, hint)."""
    paths = [Path(p) for p in paths]
    names = student_names(paths)
    rows: list[Row] = []
    for path, student in zip(paths, names):
        rows.extend(score_notebook(path, student, **kwargs))
    if csv_path is not None:
        with open(csv_path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(FIELDS)
            for row in rows:
                writer.writerow([getattr(row, f) for f in FIELDS])
    return rows


def summary(rows: list[Row]) -> str:
    """Passed exercises per student, one line each."""
    by: dict[str, list[Row]] = {}
    for row in rows:
        by.setdefault(row.student, []).append(row)
    return "\n".join(
        f"{student}: {sum(r.status == 'passed' for r in rs)} of {len(rs)} passed" for student, rs in by.items()
    )


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m backprop.classroom", description="Classroom tools of the backprop book.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("score", help="run submitted notebooks and write a score table (one row per student and exercise)")
    p.add_argument("submissions", nargs="+", help="the submitted .ipynb files (student = the folder's name, or the file's)")
    p.add_argument("--csv", required=True, help="the CSV file to write")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds for a whole notebook (default 600)")
    p.add_argument("--cell-timeout", type=float, default=60.0, help="seconds for one cell (default 60)")
    p.add_argument("--time-limit", type=float, default=None, help="seconds for one call of a student's function (default 3)")
    p.add_argument("--graded", action="store_true", help="cases from each student's seed; the package's own answer fails")
    p.add_argument("--kernel", default="python3", help="the Jupyter kernel to run the notebooks in (default python3)")
    args = parser.parse_args(argv)
    missing = [s for s in args.submissions if not Path(s).is_file()]
    if missing:
        parser.error(f"submissions must be notebook files; not found: {', '.join(missing)}")
    rows = score(args.submissions, args.csv, timeout=args.timeout, cell_timeout=args.cell_timeout,
                 graded=args.graded, time_limit=args.time_limit, kernel_name=args.kernel)
    print(summary(rows))
    print(f"wrote {len(rows)} rows to {args.csv}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
