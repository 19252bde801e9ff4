#!/usr/bin/env python3
"""One entry point for the book's chores, needing nothing but Python >= 3.10.

    python3 scripts/dev.py book      install what is needed, build the HTML book
    python3 scripts/dev.py test      install what is needed, run every test
    python3 scripts/dev.py outputs   re-execute notebooks, store clean outputs
    python3 scripts/dev.py student   write the student edition (solutions removed)
    python3 scripts/dev.py lab       open the notebooks in JupyterLab
    python3 scripts/dev.py set-repository [URL]
                                     set the public GitHub URL (launch buttons, Colab setup
                                     cells); without URL, the clone's `origin`

Everything is installed into ``.venv/`` at the top of the repository (created on first
use, refreshed whenever ``requirements.txt`` changes), so the system Python is untouched.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".requirements.sha256"


def run(*cmd: str | Path, **kw) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    # the BLAS thread count of the stored outputs (see conftest.py), also in JupyterLab
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", **kw.pop("env", {})}
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env, **kw)


def ensure_env() -> None:
    """Create .venv and install requirements.txt into it unless already up to date."""
    if sys.version_info < (3, 10):  # noqa: UP036  (a clear message for whoever runs an older Python)
        sys.exit(f"Python >= 3.10 is needed; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    want = hashlib.sha256((ROOT / "requirements.txt").read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == want:
        return
    if run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip") != 0:
        sys.exit("pip could not be upgraded")
    if run(PYTHON, "-m", "pip", "install", "--quiet", "-r", "requirements.txt") != 0:
        sys.exit("installing requirements.txt failed (see above)")
    STAMP.write_text(want)


def build_book() -> int:
    code = run(BIN / "jupyter-book", "build", ".", "-W", "-n", "--keep-going")
    if code == 0:
        # the "run in the browser" tab: JupyterLite + Pyodide in _build/html/lite (scripts/build_lite.py)
        code = run(PYTHON, "scripts/build_lite.py")
    if code == 0:
        print(f"\nThe book is built. Open {ROOT / '_build' / 'html' / 'index.html'} in a browser.\n"
              "Its \"run in the browser\" tab (_build/html/lite) needs the site served over http, e.g.\n"
              f"    {PYTHON} -m http.server -d _build/html 8000    then http://127.0.0.1:8000/")
        sys.path.insert(0, str(ROOT / "scripts"))
        import repository

        if repository.config_url() == repository.PLACEHOLDER:
            print("Note: _config.yml's repository.url is still the placeholder, so the repository, issues,\n"
                  "Binder and Colab buttons point nowhere. Set it once the book has a public home:\n"
                  "    python3 scripts/dev.py set-repository https://github.com/OWNER/REPO")
    return code


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"book", "test", "outputs", "student", "lab", "set-repository"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    ensure_env()
    if command == "book":
        return build_book()
    if command == "test":
        workers = ["-n", "2", "--dist", "loadfile"] if "-n" not in rest else []
        return run(PYTHON, "-m", "pytest", *workers, *rest)
    if command == "outputs":
        return run(PYTHON, "scripts/execute_notebooks.py", *rest)
    if command == "set-repository":
        return run(PYTHON, "scripts/repository.py", *rest)
    if command == "student":
        return run(PYTHON, "scripts/make_student_edition.py", *rest)
    return run(BIN / "jupyter", "lab", "book/", *rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
