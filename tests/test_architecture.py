"""The package's layers, read from its sources: math and models stay numpy-only, nobody borrows private names.

The layout (see ``src/backprop/__init__.py``): math modules at the top of the package,
``models/``, the training loop and data, then ``figures/`` and ``explorers/``, which alone may
import matplotlib and ipywidgets.  ``import backprop`` must not load either.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "backprop"

MATH = ["activations", "dense", "losses", "cross_entropy", "correlation", "conv", "pooling", "init",
        "gradcheck", "error_flow", "slowdown", "_validation"]
NUMPY_ONLY = MATH + ["training", "data", "mnist", "progress"] + [
    f"models.{p.stem}" for p in sorted((SRC / "models").glob("*.py")) if p.stem != "__init__"] + ["models"]
FORBIDDEN = ("matplotlib", "ipywidgets", "IPython", "backprop.figures", "backprop.explorers")


def _path(module: str) -> Path:
    p = SRC.joinpath(*module.split("."))
    return p / "__init__.py" if p.is_dir() else p.with_suffix(".py")


def _module_name(path: Path) -> str:
    parts = ["backprop", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path):
    """(module, names, line) for every import statement of the file, at any depth (inside functions too)."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            yield node.module or "", [a.name for a in node.names], node.lineno


ALL_MODULES = sorted(SRC.rglob("*.py"))


def test_every_numpy_only_module_exists():
    missing = [m for m in NUMPY_ONLY if not _path(m).exists()]
    assert not missing, f"modules of the layout that are missing: {missing}"


@pytest.mark.parametrize("module", NUMPY_ONLY)
def test_math_and_models_import_no_drawing_code(module):
    bad = [(line, name) for name, _, line in _imports(_path(module))
           if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)]
    assert not bad, f"backprop.{module} imports {bad}: math and model modules stay numpy-only"


@pytest.mark.parametrize("path", ALL_MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_imports_another_modules_private_names(path):
    """``from backprop.conv import _pad`` is refused; a shared private module (``backprop._validation``) is fine."""
    bad = []
    for module, names, line in _imports(path):
        if not module.startswith("backprop") or module.rsplit(".", 1)[-1].startswith("_"):
            continue
        bad += [f"line {line}: from {module} import {n}" for n in names if n.startswith("_")]
    assert not bad, f"{path.name} borrows private names: {bad}"


def test_every_explorer_module_has_data_draw_and_explorer():
    for path in sorted((SRC / "explorers").glob("*.py")):
        if path.stem in ("__init__", "explorer"):
            continue
        defined = {n.name for n in ast.parse(path.read_text()).body if isinstance(n, ast.FunctionDef)}
        defined |= {t.id for n in ast.parse(path.read_text()).body if isinstance(n, ast.Assign)
                    for t in n.targets if isinstance(t, ast.Name)}
        topic = path.stem
        want = {f"{topic}_data", f"draw_{topic}", f"{topic}_explorer"}
        assert want <= defined | _imported_names(path), f"explorers/{path.name} lacks {sorted(want - defined)}"


def _imported_names(path: Path) -> set[str]:
    return {n for _, names, _ in _imports(path) for n in names}


def test_import_backprop_loads_neither_matplotlib_nor_ipywidgets():
    code = ("import sys, time; t = time.perf_counter(); import backprop; dt = time.perf_counter() - t; "
            "heavy = sorted(m for m in ('matplotlib', 'ipywidgets', 'IPython', 'scipy', 'sklearn') if m in sys.modules); "
            "print(heavy, round(dt, 3))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    heavy = out.split("]")[0] + "]"
    assert heavy == "[]", f"import backprop loaded {heavy}"


def test_figures_and_explorers_load_on_first_use():
    code = ("import sys, backprop; assert 'matplotlib' not in sys.modules; "
            "backprop.figures.draw_lenet; assert 'matplotlib' in sys.modules; "
            "backprop.explorers.pooling_explorer; assert 'ipywidgets' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_top_level_all_is_complete_and_numpy_only():
    import backprop

    assert len(backprop.__all__) == len(set(backprop.__all__)), "a name is listed twice in __all__"
    missing = [n for n in backprop.__all__ if not hasattr(backprop, n)]
    assert not missing, f"__all__ lists names the package does not define: {missing}"
    import backprop.explorers
    import backprop.figures

    leaked = sorted(set(backprop.__all__) & (set(backprop.figures.__all__) | set(backprop.explorers.__all__)))
    assert not leaked, f"figures and explorers come from their subpackages, not the top level: {leaked}"


def test_a_moved_name_says_where_it_lives():
    import backprop

    with pytest.raises(AttributeError, match=r"from backprop\.explorers import pooling_explorer"):
        backprop.pooling_explorer  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        backprop.no_such_name  # noqa: B018
