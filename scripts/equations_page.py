#!/usr/bin/env python3
"""The appendix page "Where each equation lives" (``book/appendix/equations.md``), generated.

Every numbered equation of the book (``$$ ... $$ (eq-...)`` in a chapter) gets one row:

* the functions of ``src/backprop`` that implement it: every function whose docstring has a
  line ``Implements: Eq. {eq-...}`` (or ``Implements: Eqs. {eq-a}, {eq-b}``), linked to its
  source on GitHub (``repository.url`` and ``branch`` of ``_config.yml``);
* the unit tests that check those functions: the tests of ``tests/test_*.py`` that call them;
* the cell of the chapter that asserts it: a code cell that cites the label, else the first
  code cell with an assertion after the equation, linked to its section of the page.

    python3 scripts/equations_page.py           # rewrite the page
    python3 scripts/equations_page.py --check   # exit 1 when the page is out of date

``tests/test_equations.py`` fails when the committed page differs from what this script
writes, and when a docstring cites a label that the book does not define.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "backprop"
TESTS = ROOT / "tests"
PAGE = ROOT / "book" / "appendix" / "equations.md"

LABEL_DEF = re.compile(r"\$\$\s*\((eq-[\w-]+)\)")
IMPLEMENTS = re.compile(r"^\s*Implements: Eqs?\. (\{eq-[\w-]+\}(?:, \{eq-[\w-]+\})*)(?: \((?P<source>[^)]*)\))?\s*$")
CITED = re.compile(r"\{(eq-[\w-]+)\}")
ASSERTION = re.compile(r"^\s*(assert\b|assert_gradients_close\(|np\.testing\.assert)", re.M)


@dataclass
class Equation:
    label: str
    doc: str  # the chapter, e.g. "book/part1/forward_pass" (no suffix)
    cell: str | None  # the id of the markdown cell that defines it (None in a .md page)
    functions: list = field(default_factory=list)  # [(qualified name, path, line, source)]
    cell_check: tuple | None = None  # (cell id, section title, how found)


def _read_yaml(path: Path) -> dict:
    import yaml

    return yaml.safe_load(path.read_text())


def chapters() -> list[tuple[str, str]]:
    """(part caption, document path) of every page of ``_toc.yml``, in the book's order."""
    toc = _read_yaml(ROOT / "_toc.yml")
    out = [("Front matter", toc["root"])]
    for part in toc["parts"]:
        out += [(part["caption"], ch["file"]) for ch in part["chapters"]]
    return out


def _cells(doc: str) -> list[tuple[str | None, str, str]]:
    """(cell id, cell type, source) of a chapter, or one markdown "cell" for a .md page."""
    nb = ROOT / f"{doc}.ipynb"
    if nb.exists():
        import nbformat

        return [(c.get("id"), c.cell_type, c.source) for c in nbformat.read(nb, 4).cells]
    md = ROOT / f"{doc}.md"
    return [(None, "markdown", md.read_text())] if md.exists() else []


def _heading(source: str) -> str | None:
    titles = re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", source, re.M)
    return titles[-1] if titles else None


def book_equations() -> dict[str, Equation]:
    """Every numbered equation of the book, by label, with the cell that asserts it."""
    equations: dict[str, Equation] = {}
    for _, doc in chapters():
        cells = _cells(doc)
        section = None
        headings = []
        for _, kind, source in cells:
            if kind == "markdown":
                section = _heading(source) or section
            headings.append(section)
        for i, (cell_id, kind, source) in enumerate(cells):
            if kind != "markdown":
                continue
            for label in LABEL_DEF.findall(source):
                eq = equations.setdefault(label, Equation(label, doc, cell_id))
                citing = [j for j, (_, k, s) in enumerate(cells) if k == "code" and label in s and ASSERTION.search(s)]
                after = [j for j in range(i + 1, len(cells)) if cells[j][1] == "code" and ASSERTION.search(cells[j][2])]
                if citing:
                    j, how = citing[0], "cites the label"
                elif after:
                    j, how = after[0], "first check after the equation"
                else:
                    continue
                eq.cell_check = (cells[j][0], headings[j], how)
    return equations


def _docstring_nodes(tree: ast.Module):
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            yield node.name, node
        if isinstance(node, ast.ClassDef):
            for sub in node.body:
                if isinstance(sub, ast.FunctionDef):
                    yield f"{node.name}.{sub.name}", sub


def citations() -> list[tuple[str, Path, int, list[str], str | None]]:
    """(qualified name, path, line, labels, source note) of every ``Implements:`` line in src."""
    out = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text())
        module = ".".join(["backprop", *path.relative_to(SRC).with_suffix("").parts]).removesuffix(".__init__")
        for name, node in _docstring_nodes(tree):
            doc = ast.get_docstring(node) or ""
            for line in doc.splitlines():
                match = IMPLEMENTS.match(line)
                if match:
                    out.append((f"{module}.{name}", path, node.lineno, CITED.findall(match.group(1)), match.group("source")))
    return out


def malformed_implements() -> list[str]:
    """Docstring lines that start with ``Implements:`` but do not follow the one format."""
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        for i, line in enumerate(path.read_text().splitlines(), start=1):
            if line.strip().startswith("Implements:") and not IMPLEMENTS.match(line):
                bad.append(f"{path.relative_to(ROOT)}:{i}: {line.strip()}")
    return bad


def tests_calling() -> dict[str, list[tuple[str, int]]]:
    """Function name -> the tests (``tests/test_x.py::test_y``, line) whose body uses that name."""
    uses: dict[str, list[tuple[str, int]]] = {}
    for path in sorted(TESTS.glob("test_*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
                continue
            names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            names |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
            checks = bool(names & CHECKS)
            for name in names:
                uses.setdefault(name, []).append((f"tests/{path.name}::{node.name}", node.lineno, checks))
    return uses


CHECKS = {"numerical_gradient", "numerical_jacobian", "assert_gradients_close", "allclose", "assert_allclose",
          "isclose", "approx", "relative_error", "array_equal"}
STRONG = re.compile(r"finite_diff|against|formula|independent|by_hand|scipy|naive|matches|is_the|is_eq")
ABOUT_ERRORS = re.compile(r"bad|reject|refuse|^test_[a-z_]*raises?$|invalid|validat|error_message|name_the|names_the")


def _best_tests(name: str, module: str, uses: dict) -> list[tuple[str, int]]:
    """The tests that check ``name`` best: value checks before argument checks, then named after it."""
    def rank(use):
        test, _, checks = use
        short = test.split("::")[1]
        own_file = test.startswith(f"tests/test_{module}.py::")
        return (bool(ABOUT_ERRORS.search(short)), not own_file, not checks, not STRONG.search(short),
                name not in short, test)

    return [(t, line) for t, line, _ in sorted(uses.get(name, []), key=rank)]


def _public_name(qualified: str) -> str:
    """``backprop.sigmoid`` (or ``backprop.SoftmaxClassifier.loss_and_grads``) when the top level exports it."""
    import backprop

    for module in sorted({m for m in _modules()}, key=len, reverse=True):
        if qualified.startswith(module + "."):
            local = qualified[len(module) + 1:]
            return f"backprop.{local}" if local.split(".")[0] in backprop.__all__ else qualified
    return qualified


def _modules() -> list[str]:
    return [".".join(["backprop", *p.relative_to(SRC).with_suffix("").parts]).removesuffix(".__init__")
            for p in SRC.rglob("*.py")]


def _anchor(title: str | None) -> str:
    from docutils.nodes import make_id

    if not title:
        return ""
    plain = re.sub(r"\{[a-z]+\}`([^`<]*?)(?:\s*<[^>]*>)?`", r"\1", title)  # {role}`text` -> text
    plain = re.sub(r"[`*$\\{}]", "", plain)
    return "#" + make_id(plain)


def repository() -> tuple[str, str]:
    cfg = _read_yaml(ROOT / "_config.yml")["repository"]
    return cfg["url"].rstrip("/"), cfg.get("branch", "main")


def _cell_html(doc: str, check: tuple | None) -> str:
    if check is None:
        return "(no assertion cell on its page)"
    cell_id, section, how = check
    page = Path(doc).relative_to("book")
    href = f"../{page}.html{_anchor(section)}"
    where = f"cell <code>{cell_id}</code>" + (f", {section}" if section else "")
    return f'<a href="{href}">{_escape(where)}</a> ({how})'


def _escape(text: str) -> str:
    text = re.sub(r"\{[a-z]+\}`([^`<]*?)(?:\s*<[^>]*>)?`", r"\1", text)
    return text.replace("|", "\\|").replace("$", "")


def render() -> str:
    url, branch = repository()
    equations = book_equations()
    by_label: dict[str, list] = {}
    for qualified, path, line, labels, source in citations():
        for label in labels:
            by_label.setdefault(label, []).append((qualified, path, line, source))
    uses = tests_calling()
    lines = [
        "<!-- Generated by scripts/equations_page.py from the chapters, the docstrings of src/ and tests/;",
        "     do not edit by hand: run `python3 scripts/equations_page.py` (tests/test_equations.py checks it). -->",
        "",
        "(appendix-equations)=",
        "# Where each equation lives",
        "",
        "Every numbered equation of the book, in the order of the chapters, with the three places",
        "that keep it honest: the function of the `backprop` package that computes it (a link to",
        "its source), the unit tests that check that function (`file::test`, run by `pytest`),",
        "and the cell of the chapter that asserts it against finite differences or an independent",
        "formula. A function names what it implements in its docstring, in one format:",
        "",
        "```text",
        "Implements: Eq. {eq-part1-net-row} (seed 000 Eq. A.3)",
        "```",
        "",
        "and the test suite fails when such a label does not exist in the book, or when this page",
        "is out of date. Rows without a function are steps of a derivation: their cell still",
        "checks them.",
        "",
    ]
    current_part = None
    for part, doc in chapters():
        rows = [eq for eq in equations.values() if eq.doc == doc]
        if not rows:
            continue
        if part != current_part:
            lines += [f"## {part}", ""]
            current_part = part
        lines += [f"### {{doc}}`/{doc}`", "", "| Equation | Where it lives |", "|---|---|"]
        for eq in rows:
            impl, tests = [], []
            for qualified, path, line, source in by_label.get(eq.label, []):
                rel = path.relative_to(ROOT).as_posix()
                note = f" ({source})" if source else ""
                impl.append(f"[`{_public_name(qualified)}`]({url}/blob/{branch}/{rel}#L{line}){note}")
                name = qualified.rsplit(".", 1)[-1]
                for test, tline in _best_tests(name, path.stem, uses)[:1]:
                    link = f"[{test}]({url}/blob/{branch}/{test.split('::')[0]}#L{tline})"
                    if link not in tests:
                        tests.append(link)
            tests = tests[:3]
            impl_text = ", ".join(impl) if impl else "none: a step of the derivation"
            tests_text = ", ".join(tests) if tests else "none: the chapter's cell checks it"
            where = (f"**code** {impl_text}<br>**tests** {tests_text}<br>"
                     f"**cell** {_cell_html(eq.doc, eq.cell_check)}")
            lines.append(f"| {{eq}}`{eq.label}`<br><small>{eq.label}</small> | {where} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not PAGE.exists() or PAGE.read_text() != text:
            print(f"{PAGE.relative_to(ROOT)} is out of date: run python3 scripts/equations_page.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text)
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
