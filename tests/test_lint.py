"""ruff (configured in pyproject.toml) passes on the package, the tests and the scripts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> str:
    beside = Path(sys.executable).with_name("ruff")
    found = str(beside) if beside.exists() else shutil.which("ruff")
    if found is None:
        pytest.fail("ruff is not installed: it is in requirements.txt (pip install 'ruff>=0.8,<1')")
    return found


def test_ruff_check_passes():
    result = subprocess.run([_ruff(), "check", "src", "tests", "scripts"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"ruff check src tests scripts:\n{result.stdout}{result.stderr}"
