"""Build the HTML book once per test run, whichever test (or pytest-xdist worker) asks first.

``python3 scripts/dev.py test`` runs pytest with two xdist workers and ``--dist loadfile`` (see conftest.py),
so the build test and the browser test may sit in different processes. Both call
:func:`build_book`: the first takes a lock file, builds and writes a stamp holding this
run's id and the build's log; the others wait for the lock and reuse that build.

The build goes to ``_build/html`` at the top of the repository (what the README's build
command makes), or under the folder named by the environment variable
``BACKPROP_BOOK_BUILD_DIR`` (``jupyter-book build --path-output``), for building a private
copy while someone else uses ``_build``. After the book, it builds the in-browser tab
``_build/html/lite`` (``scripts/build_lite.py``), as ``dev.py book`` does.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR_ENV = "BACKPROP_BOOK_BUILD_DIR"
# one id per `pytest` invocation, shared by its xdist workers
_RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex


@dataclass(frozen=True)
class BookBuild:
    html: Path  # the folder holding index.html
    returncode: int
    log: str
    lite_returncode: int = -1  # scripts/build_lite.py, run after jupyter-book
    lite_log: str = ""


def output_root() -> Path:
    """The folder that receives ``_build/`` (the repository, unless BACKPROP_BOOK_BUILD_DIR is set)."""
    chosen = os.environ.get(BUILD_DIR_ENV)
    return Path(chosen).resolve() if chosen else ROOT


def _jupyter_book() -> str:
    beside = Path(sys.executable).with_name("jupyter-book")
    found = str(beside) if beside.exists() else shutil.which("jupyter-book")
    if not found:
        raise RuntimeError("jupyter-book is not installed; run `python3 scripts/dev.py test`, which installs it")
    return found


def _run_build(out: Path) -> BookBuild:
    cmd = [_jupyter_book(), "build", ".", "--all", "-W", "-n", "--keep-going"]  # --all: warnings of every page, every time
    if out != ROOT:
        cmd += ["--path-output", str(out)]
    html = out / "_build" / "html"
    # --all rewrites every page but keeps files of earlier builds (a genindex.html from before
    # the index was switched off): start from an empty folder, so the tests see this build only
    shutil.rmtree(html, ignore_errors=True)
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1200)
    # the in-browser tab (_build/html/lite), as `dev.py book` builds it (scripts/build_lite.py)
    lite = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_lite.py"), "--output-dir", str(html / "lite")],
                          cwd=ROOT, capture_output=True, text=True, timeout=1200)
    return BookBuild(html, result.returncode, result.stdout + result.stderr, lite.returncode, lite.stdout + lite.stderr)


_cache: dict[Path, BookBuild] = {}


def build_book() -> BookBuild:
    """Build the book (once per test run) and return where it is, with the exit code and log."""
    out = output_root()
    if out in _cache:
        return _cache[out]
    out.mkdir(parents=True, exist_ok=True)
    (out / "_build").mkdir(exist_ok=True)
    stamp = out / "_build" / ".test-build-stamp.json"
    with open(out / "_build" / ".test-build.lock", "w") as lock:
        try:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        except ImportError:  # Windows: no xdist race to guard against in a plain run
            pass
        build = None
        if stamp.exists():
            data = json.loads(stamp.read_text())
            if data.get("run") == _RUN_ID:
                build = BookBuild(Path(data["html"]), data["returncode"], data["log"],
                                  data.get("lite_returncode", -1), data.get("lite_log", ""))
        if build is None:
            stamp.unlink(missing_ok=True)
            build = _run_build(out)
            stamp.write_text(json.dumps({"run": _RUN_ID, "html": str(build.html), "returncode": build.returncode,
                                         "log": build.log, "lite_returncode": build.lite_returncode,
                                         "lite_log": build.lite_log}))
    _cache[out] = build
    return build
