"""The HTML book builds with warnings as errors (`jupyter-book build . -W -n --keep-going`)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the book once per test session; return the HTML folder."""
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jb if jb.exists() else shutil.which("jupyter-book")), "build", ".", "-W", "-n", "--keep-going"],
        cwd=ROOT, capture_output=True, text=True, timeout=1200,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"jupyter-book build failed:\n{log[-6000:]}"
    assert "WARNING" not in log, f"the build printed warnings:\n{log[-6000:]}"
    return ROOT / "_build" / "html"


def test_every_toc_page_is_built(built_book: Path) -> None:
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [ch["file"] for part in toc["parts"] for ch in part["chapters"]]
    missing = [f for f in files if not (built_book / f"{f}.html").exists()]
    assert not missing, f"pages in _toc.yml without HTML: {missing}"
