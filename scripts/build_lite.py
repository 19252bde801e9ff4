#!/usr/bin/env python3
"""Build ``_build/html/lite/``: the book's chapters in JupyterLite, run by Pyodide in the reader's browser.

Called by ``python3 scripts/dev.py book`` after the HTML book (``python3 scripts/build_lite.py``
alone rebuilds only this part). What the site serves itself, and where it comes from:

* the JupyterLite app, the Pyodide kernel and jupyterlab-myst (so MyST markup renders): the PyPI
  packages ``jupyterlite-core``, ``jupyterlite-pyodide-kernel``, ``jupyterlab-myst`` of
  ``requirements.txt`` (exact versions there);
* the Pyodide runtime (``pyodide.mjs``, ``pyodide.asm.wasm``, the standard library): the npm
  package ``pyodide`` at :data:`PYODIDE_VERSION` (``npm pack``, cached);
* every chapter notebook of ``_toc.yml``, under ``files/book/...`` (same paths as in the repository);
* the ``backprop`` wheel built from this checkout, ipywidgets and the chapters' pure-Python
  imports (the ``piplite`` index, ``pypi/``), and every pure-Python package of the Pyodide lock
  that the kernel or the chapters load (``static/pyodide/``): wheels from PyPI at the lock's
  versions, so the lock is rewritten with their file names and sha256.

The compiled WebAssembly wheels (numpy, matplotlib, scipy, scikit-learn, pillow, ...) are on no
package registry; the rewritten lock points them at the Pyodide CDN, keeping the lock's sha256
(the browser checks it). So the lite tab needs the network for those wheels only; PyPI
fallback is off (``disablePyPIFallback``).

Downloads are cached in ``~/.cache/backprop-lite`` (or ``$BACKPROP_LITE_CACHE``); the build
itself always starts from an empty staging folder and an empty output (``jupyter lite build``
keeps state that made an incremental rebuild go back to the CDN for the runtime).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("BACKPROP_LITE_CACHE") or Path.home() / ".cache" / "backprop-lite")

# ---- every version of the lite build, in one place -------------------------------------------
#: the npm package ``pyodide``; must equal jupyterlite_pyodide_kernel.constants.PYODIDE_VERSION
#: (tests/test_lite.py checks it and that the site serves this version)
PYODIDE_VERSION = "314.0.6"
#: pure-Python wheels from PyPI that the Pyodide lock lacks, served by the site's piplite index
PIPLITE_WHEELS = {
    "ipywidgets": "8.1.9",
    "comm": "0.2.3",
    "jupyterlab-widgets": "3.0.17",
    "mlxtend": "0.25.0",
}
# ----------------------------------------------------------------------------------------------

PYODIDE_CDN = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"
#: what the Pyodide kernel loads from the lock when it starts (see its worker: micropip, then
#: piplite.install of ipykernel, comm, pyodide-kernel, jedi, ipython)
KERNEL_ROOTS = ["micropip", "ipython", "jedi"]
sys.path.insert(0, str(ROOT / "scripts"))
from repository import LITE_DEPENDENCIES  # noqa: E402  (what every chapter's setup cell installs in Pyodide)

#: the Pyodide files the kernel needs (not the consoles, type stubs, source maps)
PYODIDE_FILES = ["pyodide.mjs", "pyodide.js", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip",
                 "package.json"]
OUT = ROOT / "_build" / "html" / "lite"
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"


def log(msg: str) -> None:
    print(f"[lite] {msg}", flush=True)


def _bin(name: str) -> str:
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else (shutil.which(name) or name)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def toc_notebooks(root: Path = ROOT) -> list[str]:
    """The ``.ipynb`` files of ``_toc.yml`` (repository-relative, in table-of-contents order)."""
    files = re.findall(r"^\s*-?\s*(?:file|root):\s*(\S+)\s*$", (root / "_toc.yml").read_text(encoding="utf-8"), re.M)
    return [f"{f}.ipynb" for f in files if (root / f"{f}.ipynb").exists()]


# ---- downloads (cached) ----------------------------------------------------------------------
def pyodide_tarball(cache: Path = CACHE) -> Path:
    tgz = cache / "npm" / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tgz.exists():
        npm = shutil.which("npm")
        if npm is None:
            sys.exit("build_lite: npm is needed once to fetch the Pyodide runtime (`npm pack pyodide@"
                     f"{PYODIDE_VERSION}`); install Node.js/npm or put the tarball at {tgz}")
        tgz.parent.mkdir(parents=True, exist_ok=True)
        log(f"npm pack pyodide@{PYODIDE_VERSION}")
        subprocess.run([npm, "pack", "--silent", "--pack-destination", str(tgz.parent), f"pyodide@{PYODIDE_VERSION}"],
                       cwd=tgz.parent, check=True, timeout=600)
    return tgz


def _wheel_name(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def pypi_wheels(specs: dict[str, str], cache: Path = CACHE) -> dict[str, Path]:
    """Pure-Python wheels ``{name: version}`` from PyPI (cached); returns ``{name: path}``."""
    folder = cache / "wheels"
    folder.mkdir(parents=True, exist_ok=True)

    def find(name: str, version: str) -> Path | None:
        hits = [p for p in folder.glob("*.whl")
                if p.name.lower().startswith(f"{_wheel_name(name)}-{version}-") and p.name.endswith("-none-any.whl")]
        return hits[0] if hits else None

    missing = {n: v for n, v in specs.items() if find(n, v) is None}
    if missing:
        log(f"pip download {len(missing)} wheels")
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
               "--python-version", "3.14", "--implementation", "py", "--abi", "none", "--platform", "any",
               "--dest", str(folder), *[f"{n}=={v}" for n, v in sorted(missing.items())]]
        subprocess.run(cmd, check=True, timeout=900)
    found = {n: find(n, v) for n, v in specs.items()}
    absent = sorted(n for n, p in found.items() if p is None)
    if absent:
        sys.exit(f"build_lite: no pure-Python wheel found for {absent} in {folder}")
    return found  # type: ignore[return-value]


def backprop_wheel(dest: Path) -> Path:
    """Build the package's wheel from this checkout (a copy, so no build/ or egg-info lands in the tree)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(ROOT / name, src / name)
        # setuptools of this environment when it has one (fast, offline); else pip's isolated build (PyPI)
        import importlib.util

        local = importlib.util.find_spec("setuptools") and importlib.util.find_spec("wheel")
        flags = ["--no-build-isolation"] if local else []
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", *flags,
                        "--wheel-dir", str(dest), str(src)], check=True, timeout=300)
    (wheel,) = dest.glob("backprop-*.whl")
    return wheel


# ---- the Pyodide lock ------------------------------------------------------------------------
def closure(packages: dict, roots: list[str]) -> list[str]:
    canonical = {re.sub(r"[-_.]+", "-", k).lower(): k for k in packages}
    seen: list[str] = []
    todo = list(roots)
    while todo:
        name = todo.pop()
        name = canonical.get(re.sub(r"[-_.]+", "-", name).lower(), name)
        if name in seen:
            continue
        if name not in packages:
            raise KeyError(f"{name!r} is not in pyodide-lock.json {PYODIDE_VERSION}")
        seen.append(name)
        todo += packages[name].get("depends", [])
    return sorted(seen)


def book_roots(packages: dict) -> list[str]:
    """What the chapters' setup cell installs that Pyodide's lock holds (the rest is in the piplite index)."""
    return [n for n in LITE_DEPENDENCIES if n in packages]


def is_pure(entry: dict) -> bool:
    return entry["file_name"].endswith("-none-any.whl")


def rewrite_lock(lock: dict, served: dict[str, Path]) -> dict:
    """The lock with ``served`` packages pointing at the site's wheels, every other file at the CDN."""
    lock = json.loads(json.dumps(lock))
    for name, entry in lock["packages"].items():
        if name in served:
            entry["file_name"] = served[name].name
            entry["sha256"] = sha256(served[name])
        elif not re.match(r"^https?://", entry["file_name"]):
            entry["file_name"] = PYODIDE_CDN + entry["file_name"]
    return lock


def compiled_urls(lock: dict, roots: list[str]) -> dict[str, str]:
    """``{url: sha256}`` of the files outside the site that loading ``roots`` fetches (from the rewritten lock)."""
    packages = lock["packages"]
    return {packages[n]["file_name"]: packages[n]["sha256"] for n in closure(packages, roots)
            if packages[n]["file_name"].startswith("http")}


# ---- the build -------------------------------------------------------------------------------
def stage_pyodide(stage: Path) -> dict:
    target = stage / "static" / "pyodide"
    target.mkdir(parents=True)
    with tarfile.open(pyodide_tarball()) as tar:
        for name in [*PYODIDE_FILES, "pyodide-lock.json"]:
            data = tar.extractfile(f"package/{name}").read()
            (target / name).write_bytes(data)
    lock = json.loads((target / "pyodide-lock.json").read_text())
    packages = lock["packages"]
    pure = [n for n in closure(packages, KERNEL_ROOTS + book_roots(packages)) if is_pure(packages[n])]
    wheels = pypi_wheels({n: packages[n]["version"] for n in pure})
    for path in wheels.values():
        shutil.copy2(path, target / path.name)
    new = rewrite_lock(lock, wheels)
    (target / "pyodide-lock.json").write_text(json.dumps(new, indent=1, sort_keys=True))
    return new


def stage_files(stage: Path) -> list[str]:
    notebooks = toc_notebooks()
    for rel in notebooks:
        dest = stage / "files" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, dest)
    return notebooks


def write_config(stage: Path, out: Path) -> None:
    (stage / "jupyter_lite_config.json").write_text(json.dumps({
        "LiteBuildConfig": {
            "contents": ["files"],
            "output_dir": str(out),
            "no_sourcemaps": True,
            "no_unused_shared_packages": True,
        },
    }, indent=2))
    (stage / "jupyter-lite.json").write_text(json.dumps({
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "Backpropagation, derived and checked (in the browser)",
            "litePluginSettings": {KERNEL_PLUGIN: {"disablePyPIFallback": True}},
        },
    }, indent=2))


def build(out: Path = OUT) -> int:
    """Build the lite site into ``out`` (emptied first) from a fresh staging folder; 0 on success."""
    start = time.monotonic()
    if out.exists():
        shutil.rmtree(out)
    stage = Path(tempfile.mkdtemp(prefix="backprop-lite-"))
    try:
        return _build(out, stage, start)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _build(out: Path, stage: Path, start: float) -> int:
    lock = stage_pyodide(stage)
    (stage / "pypi").mkdir()
    backprop_wheel(stage / "pypi")
    for path in pypi_wheels(PIPLITE_WHEELS).values():
        shutil.copy2(path, stage / "pypi" / path.name)
    notebooks = stage_files(stage)
    write_config(stage, out)
    log(f"jupyter lite build: {len(notebooks)} notebooks, Pyodide {PYODIDE_VERSION}")
    result = subprocess.run([_bin("jupyter"), "lite", "build", "--lite-dir", str(stage), "--output-dir", str(out)],
                            cwd=stage, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        print(result.stdout[-4000:], result.stderr[-4000:], sep="\n", file=sys.stderr)
        return result.returncode
    # what the tests and readers may want to know: the files fetched from outside the site
    (out / "backprop-lite.json").write_text(json.dumps({
        "pyodide": PYODIDE_VERSION,
        "notebooks": notebooks,
        "external": compiled_urls(lock, KERNEL_ROOTS + book_roots(lock["packages"])),
    }, indent=1, sort_keys=True))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log(f"built {out} in {time.monotonic() - start:.0f} s, {size / 1e6:.1f} MB")
    return 0


def main(argv: list[str]) -> int:
    if argv and (argv[0] != "--output-dir" or len(argv) != 2):
        print("usage: build_lite.py [--output-dir DIR]   (default: _build/html/lite)", file=sys.stderr)
        return 2
    return build(Path(argv[1]).resolve() if argv else OUT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
