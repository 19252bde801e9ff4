"""``python -m backprop.classroom score`` end to end on generated submissions, and ``progress()``.

Four students hand in the same two-exercise lab: all correct, mixed, untouched stubs, and
one whose notebook loops forever (in an exercise function behind a bare ``except:``, and
in a top-level cell).  The command runs each notebook in a fresh kernel and writes the
per-exercise table this test expects, row for row.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

from backprop.classroom import progress
from backprop.classroom._score import exercises_in, student_names, student_seed

HEAD = "import numpy as np\nfrom backprop.classroom import check"
SIGMOID_OK = "def sigmoid_prime(z):\n    s = 1 / (1 + np.exp(-z))\n    return s * (1 - s)\n\ncheck(sigmoid_prime)"
NET_OK = "def net_input(x, W, b):\n    return x @ W.T + b\n\ncheck(net_input)"
NET_NO_BIAS = "def net_input(x, W, b):\n    return x @ W.T\n\ncheck(net_input)"
SIGMOID_STUB = 'def sigmoid_prime(z):\n    # YOUR CODE HERE\n    raise NotImplementedError("exercise: sigmoid_prime")\n\ncheck(sigmoid_prime)'
NET_STUB = 'def net_input(x, W, b):\n    # YOUR CODE HERE\n    raise NotImplementedError("exercise: net_input")\n\ncheck(net_input)'
SIGMOID_LOOP = (
    "def sigmoid_prime(z):\n    while True:\n        try:\n            pass\n        except:\n            pass\n\n"
    "check(sigmoid_prime, time_limit=0.5)"
)
TOP_LEVEL_LOOP = "import time\nwhile True:\n    try:\n        time.sleep(0.05)\n    except:\n        pass"

SUBMISSIONS = {
    "ada": [HEAD, SIGMOID_OK, NET_OK],
    "bo": [HEAD, SIGMOID_OK, NET_NO_BIAS],
    "cy": [HEAD, SIGMOID_STUB, NET_STUB],
    "di": [HEAD, SIGMOID_LOOP, TOP_LEVEL_LOOP, NET_OK],
}

EXPECTED = [
    ("ada", "sigmoid_prime", "passed", ""),
    ("ada", "net_input", "passed", ""),
    ("bo", "sigmoid_prime", "passed", ""),
    ("bo", "net_input", "failed", "wrong on case 1 of 5 (x (1, 2), W (3, 2), b (3,)): the bias b is missing: add it to every row"),
    ("cy", "sigmoid_prime", "not done yet", "not done yet (replace the raise NotImplementedError line with your code)"),
    ("cy", "net_input", "not done yet", "not done yet (replace the raise NotImplementedError line with your code)"),
    ("di", "sigmoid_prime", "error",
     "no answer within 0.5 s on case 1 of 5 (z (1,)): an endless loop, or a slow Python loop? "
     "(cell 3 did not finish within 8 s and was skipped)"),
    ("di", "net_input", "passed", ""),
]


def _write(folder: Path) -> list[Path]:
    paths = []
    for student, cells in SUBMISSIONS.items():
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
        path = folder / student / "lab1.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def test_score_command_end_to_end(tmp_path):
    paths = _write(tmp_path / "submitted")
    out = tmp_path / "scores.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "backprop.classroom", "score", *map(str, paths), "--csv", str(out),
         "--cell-timeout", "8", "--time-limit", "0.5"],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["student", "notebook", "exercise", "status", "hint"]
    got = [(r["student"], r["exercise"], r["status"], r["hint"]) for r in rows]
    assert got == EXPECTED
    assert {r["notebook"] for r in rows} == {"lab1.ipynb"}
    assert "ada: 2 of 2 passed" in proc.stdout and "cy: 0 of 2 passed" in proc.stdout


def test_score_refuses_missing_files(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "backprop.classroom", "score", str(tmp_path / "nope.ipynb"),
                           "--csv", str(tmp_path / "o.csv")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "submissions must be notebook files; not found:" in proc.stderr


def test_students_exercises_and_seeds():
    a, b = Path("s/alice/lab.ipynb"), Path("s/bob/lab.ipynb")
    assert student_names([a, b]) == ["alice", "bob"]
    assert student_names([Path("s/alice.ipynb"), Path("s/bob.ipynb")]) == ["alice", "bob"]
    assert student_seed("alice") == student_seed("alice") != student_seed("bob")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in (HEAD, NET_OK, "%matplotlib inline\ncheck(f, exercise='softmax')")]
    assert exercises_in(nb) == ["net_input", "softmax"]


def test_progress_lists_done_failing_and_not_done():
    def sigmoid_prime(z):
        s = 1 / (1 + np.exp(-z))
        return s * (1 - s)

    def net_input(x, W, b):
        return x @ W.T

    def output_delta(output, target):
        raise NotImplementedError("exercise: output_delta")

    p = progress(namespace={"sigmoid_prime": sigmoid_prime, "net_input": net_input, "output_delta": output_delta})
    assert p.done == ("sigmoid_prime",)
    assert p.failing == (("net_input", "wrong on case 1 of 5 (x (1, 2), W (3, 2), b (3,)): the bias b is missing: add it to every row"),)
    assert p.not_done == ("output_delta", "hidden_error")  # the chapters of the functions defined
    assert str(p).splitlines()[0] == "progress: 1 of 4 exercises done"
    p = progress("forward_pass", namespace={})
    assert p.not_done == ("sigmoid_prime", "net_input") and p.done == ()
    with pytest.raises(ValueError, match="chapter must be one of"):
        progress("nowhere", namespace={})
