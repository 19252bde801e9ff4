#!/usr/bin/env python3
"""Write the student edition of the book: every notebook with its solutions taken out.

    python3 scripts/dev.py student                     # -> student_edition/
    python3 scripts/make_student_edition.py --output /tmp/handout

For every notebook under ``book/`` the edition holds a copy in which

* the code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (nbgrader's markers)
  is replaced by ``raise NotImplementedError("exercise: <function name>")`` (in a
  markdown cell, by "YOUR ANSWER HERE"), so ``check(fn)`` answers "not done yet";
* sphinx-exercise solution directives (```` ```{solution} ```` / ``:::{solution}`` and the
  gated ``{solution-start}`` ... ``{solution-end}`` pair) are removed from markdown cells
  (and from the ``.md`` pages of the book);
* the book's fold of those cells (tag ``hide-input``, "Show solution") is dropped, so the
  student sees the stub;
* the outputs of every changed cell, and of every cell that calls ``check(...)``, are
  cleared;
* MyST-only markup becomes plain Markdown (``scripts/myst_markdown.py``), so that plain
  JupyterLab, Colab, VS Code and nbconvert show it as the HTML book does: exercises,
  admonitions and erratum boxes as a bold title and a blockquote, ``{eq}``, ``{ref}``,
  ``{numref}``, ``{doc}`` and ``{cite}`` as the numbers and titles of the HTML book, and
  labelled equations with a visible ``\\tag{n.m}``.

``--format nbgrader`` and ``--format otter`` write the same edition for those graders
(``scripts/grader_editions.py``).

The other files of ``book/`` (pages, images, bibliography) are copied as they are, and
so are the package (``src/``), ``pyproject.toml`` and ``requirements.txt``, so that
``pip install -e ".[student]"`` inside the edition gives the notebooks what they import
(and Jupyter, without the book's build and test tools).  The
edition is written to a folder that is not committed (``student_edition/`` is in
.gitignore); an existing edition there is replaced.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import myst_markdown  # noqa: E402  (scripts/ is not a package)

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
MARKER_FILE = ".student-edition"
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,})\s*\{(?P<name>[\w-]+)\}")
_DEF = re.compile(r"^(?P<indent>\s*)(?:async\s+)?def\s+(?P<name>\w+)\s*\(")
_CHECK_CALL = re.compile(r"(^|[^\w.])check\s*\(")

__all__ = ["strip_solution_code", "strip_solution_directives", "make_student_notebook", "write_edition", "main"]


@dataclass
class Stats:
    """What was taken out of one notebook."""

    solution_blocks: int = 0
    solution_directives: int = 0
    cleared_cells: int = 0
    stubs: list[str] = field(default_factory=list)


def _enclosing_function(lines: list[str], index: int, indent: int) -> str | None:
    for line in reversed(lines[:index]):
        m = _DEF.match(line)
        if m and len(m.group("indent").expandtabs()) < indent:
            return m.group("name")
    return None


def strip_solution_code(source: str, fallback: str = "this cell") -> tuple[str, list[str]]:
    """Replace each BEGIN/END SOLUTION block of a code cell by a NotImplementedError stub.

    The stub is indented like the BEGIN marker and names the enclosing function (or
    ``fallback`` outside a function).  Returns the new source and the names of the stubs.
    A BEGIN without END is an error (the solution would leak).
    """
    lines = source.split("\n")
    out: list[str] = []
    names: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith(BEGIN):
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip().startswith(END)), None)
            if end is None:
                raise ValueError(f"'{BEGIN}' without '{END}' in a cell that starts with {lines[0][:60]!r}")
            indent_text = line[: len(line) - len(line.lstrip())]
            name = _enclosing_function(lines, i, len(indent_text.expandtabs())) or fallback
            out.append(f"{indent_text}# YOUR CODE HERE")
            out.append(f'{indent_text}raise NotImplementedError("exercise: {name}")')
            names.append(name)
            i = end + 1
            continue
        out.append(line)
        i += 1
    return "\n".join(out), names


def strip_solution_text(source: str) -> tuple[str, int]:
    """In a markdown cell, replace BEGIN/END SOLUTION blocks by "YOUR ANSWER HERE"."""
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
    return pattern.subn("YOUR ANSWER HERE", source)


def strip_solution_directives(source: str) -> tuple[str, int]:
    """Remove sphinx-exercise solution directives from markdown; return (text, how many).

    Handles backtick and colon fences of any length (closed by a fence of the same
    character at least as long, as in MyST) and the gated form
    ``{solution-start}`` ... ``{solution-end}``.  A directly preceding ``(label)=`` target
    line goes with the solution.
    """
    lines = source.split("\n")
    out: list[str] = []
    removed = 0
    i = 0

    def close_of(start: int) -> int:
        m = _FENCE.match(lines[start])
        fence = m.group("fence")
        char, length = fence[0], len(fence)
        closing = re.compile(r"^ {0,3}" + re.escape(char) + "{" + str(length) + r",}\s*$")
        for j in range(start + 1, len(lines)):
            if closing.match(lines[j]):
                return j
        return len(lines) - 1  # unclosed: MyST runs it to the end of the cell

    while i < len(lines):
        m = _FENCE.match(lines[i])
        if m and m.group("name") in ("solution", "solution-start"):
            end = close_of(i)
            if m.group("name") == "solution-start":
                j = end + 1
                while j < len(lines):
                    mm = _FENCE.match(lines[j])
                    if mm and mm.group("name") == "solution-end":
                        end = close_of(j)
                        break
                    j += 1
                else:
                    end = len(lines) - 1
            if out and re.match(r"^\(.+\)=\s*$", out[-1]):
                out.pop()
            removed += 1
            i = end + 1
            while out and not out[-1].strip() and i < len(lines) and not lines[i].strip():
                i += 1  # do not leave a double blank line behind
            continue
        out.append(lines[i])
        i += 1
    text = "\n".join(out)
    if removed:
        text = text.rstrip("\n") + ("\n" if source.endswith("\n") else "")
    return text, removed


def _calls_check(source: str) -> bool:
    return bool(_CHECK_CALL.search(source))


SOLUTION_TAG = "hide-input"  # the book folds a coding exercise's solution behind "Show solution"
SOLUTION_PROMPTS = ("code_prompt_show", "code_prompt_hide")


def _unfold_solution_cell(cell: nbformat.NotebookNode) -> None:
    """The student edits the stub: drop the book's fold (tag and prompts) from its cell."""
    meta = cell.metadata
    if SOLUTION_TAG in meta.get("tags", []):
        meta["tags"] = [tag for tag in meta["tags"] if tag != SOLUTION_TAG]
        if not meta["tags"]:
            del meta["tags"]
    mystnb = meta.get("mystnb", {})
    for key in SOLUTION_PROMPTS:
        mystnb.pop(key, None)
    if "mystnb" in meta and not mystnb:
        del meta["mystnb"]


def make_student_notebook(nb: nbformat.NotebookNode, labels: myst_markdown.Labels | None = None,
                          docname: str = "") -> tuple[nbformat.NotebookNode, Stats]:
    """Return the student version of ``nb`` (a new object) and what was taken out.

    With ``labels`` (:func:`myst_markdown.book_labels`), the markdown cells are also turned
    into plain Markdown, numbered as page ``docname`` of the HTML book.
    """
    nb = nbformat.from_dict(nb)  # a deep copy
    stats = Stats()
    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            changed = False
            if BEGIN in cell.source:
                fallback = f"cell {cell.get('id', index)}"
                cell.source, names = strip_solution_code(cell.source, fallback)
                stats.solution_blocks += len(names)
                stats.stubs.extend(names)
                changed = True
                _unfold_solution_cell(cell)
            if changed or _calls_check(cell.source):
                if cell.outputs or cell.execution_count is not None:
                    stats.cleared_cells += 1
                cell.outputs, cell.execution_count = [], None
        elif cell.cell_type == "markdown":
            source, n_dir = strip_solution_directives(cell.source)
            source, n_text = strip_solution_text(source)
            stats.solution_directives += n_dir
            stats.solution_blocks += n_text
            cell.source = source
            if (n_dir or n_text) and not source.strip():
                continue  # a cell that held only a solution
        cells.append(cell)
    nb.cells = cells
    if labels is not None:
        myst_markdown.convert_notebook(nb, labels, docname, solutions="drop")
    return nb, stats


README = """# Student edition

This folder is the student edition of the book *Backpropagation, derived and checked*:
the notebooks of `book/` with the solutions of the exercises taken out.

1. Install the package the notebooks import and Jupyter (once), from this folder:

       python3 -m venv .venv && .venv/bin/python -m pip install -e ".[student]"

2. Open the notebooks: `.venv/bin/jupyter lab book/`

In a coding exercise, replace the line `raise NotImplementedError("exercise: ...")` with
your code and run the cell: `check(your_function)` answers "passed", or says what is
wrong (a transposed shape, a missing factor, a flipped sign, ...).
"""


def write_edition(book: Path, output: Path, root: Path = ROOT, *, copy_package: bool = True) -> dict[str, Stats]:
    """Write the edition of every notebook under ``book`` into ``output / 'book'``."""
    book, output = Path(book).resolve(), Path(output).resolve()
    if output == root.resolve() or output in book.parents or output == book or book in output.parents:
        raise ValueError(f"the output folder {output} must not contain or be inside the book")
    if output.exists():
        if not (output / MARKER_FILE).exists() and any(output.iterdir()):
            raise ValueError(f"{output} exists and is not a student edition; choose an empty or new folder")
        shutil.rmtree(output)
    output.mkdir(parents=True)
    (output / MARKER_FILE).write_text("written by scripts/make_student_edition.py; replaced on every run\n")
    skip = {"_build", ".ipynb_checkpoints", "__pycache__", ".jupyter_cache"}
    labels = myst_markdown.book_labels(book.parent)
    results: dict[str, Stats] = {}
    for path in sorted(book.rglob("*")):
        rel = path.relative_to(book)
        if any(part in skip for part in rel.parts) or path.is_dir():
            continue
        target = output / "book" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            docname = (Path(book.name) / rel).with_suffix("").as_posix()
            student, stats = make_student_notebook(nb, labels, docname)
            nbformat.write(student, target)
            results[str(rel)] = stats
        elif path.suffix == ".md":  # a page may hold written exercises too
            text, n_dir = strip_solution_directives(path.read_text(encoding="utf-8"))
            text, _ = myst_markdown.to_plain_markdown(text, labels, (Path(book.name) / rel).with_suffix("").as_posix())
            target.write_text(text, encoding="utf-8")
            if n_dir:
                results[str(rel)] = Stats(solution_directives=n_dir)
        else:
            shutil.copy2(path, target)
    if copy_package:
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
        if (root / "src").is_dir():
            shutil.copytree(root / "src", output / "src", ignore=ignore)
        for name in ("pyproject.toml", "requirements.txt", "_config.yml", "_toc.yml"):
            if (root / name).exists():
                shutil.copy2(root / name, output / name)
        (output / "README.md").write_text(README)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", type=Path, default=ROOT / "book", help="the book's folder (default: book/)")
    parser.add_argument("--output", "-o", type=Path, default=ROOT / "student_edition",
                        help="where to write the edition (default: student_edition/)")
    parser.add_argument("--no-package", action="store_true", help="copy only the book, not src/ and the install files")
    parser.add_argument("--format", choices=("jupyter", "nbgrader", "otter"), default="jupyter",
                        help="jupyter: the whole book for any Jupyter (default); nbgrader, otter: the coding "
                             "exercises as graded assignments (scripts/grader_editions.py)")
    parser.add_argument("--chapters", nargs="+", metavar="PART/CHAPTER",
                        help="with --format nbgrader/otter: only these chapters (e.g. part1/forward_pass)")
    args = parser.parse_args(argv)
    if args.format != "jupyter":
        import grader_editions

        rest = ["--format", args.format, "--book", str(args.book), "--output", str(args.output)]
        return grader_editions.main(rest + (["--chapters", *args.chapters] if args.chapters else []))
    try:
        results = write_edition(args.book, args.output, copy_package=not args.no_package)
    except (ValueError, OSError) as exc:
        print(f"make_student_edition: {exc}", file=sys.stderr)
        return 1
    blocks = sum(s.solution_blocks for s in results.values())
    directives = sum(s.solution_directives for s in results.values())
    for rel, s in results.items():
        if s.solution_blocks or s.solution_directives:
            print(f"  {rel}: {s.solution_blocks} solution block(s), {s.solution_directives} solution directive(s) removed")
    notebooks = sum(1 for rel in results if rel.endswith(".ipynb"))
    print(f"Student edition of {notebooks} notebooks written to {args.output.resolve()}")
    print(f"({blocks} solution blocks replaced by stubs, {directives} solution directives removed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
