"""The checker's sharper hints, its graded mode and its isolation from student code.

* Sharper: logits of +-1000, a reduction over the batch axis, keepdims slips, a db of the
  wrong shape, the failing case kept in ``result.case`` and printed by ``verbose=True``.
* Graded: cases from the student's seed, no expected value shown, the package's own answer
  reported as "not a solution".
* Isolated: a bare ``except:`` around a loop, ``sys.exit()``, ``os._exit()``, a segfault and
  a flood of output all end in a verdict within the time limit; printed output is capped.
"""

from __future__ import annotations

import ctypes
import os
import sys
import time

import numpy as np
import pytest

import backprop
from backprop.classroom import check
from backprop.classroom._check import GRADED_ENV, SEED_ENV
from backprop.classroom._isolate import NO_LIMIT_NOTE, OUTPUT_CAP

SHORT = 0.5


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softmax_naive(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _dense(db):
    return lambda dout, x, W: (dout @ W, dout.T @ x, db(dout))


# ----------------------------------------------------------------- sharper hints

def test_logits_of_1000_catch_an_unstable_cross_entropy():
    r = check(lambda logits, labels: (_softmax_naive(logits) - np.eye(logits.shape[1])[labels]) / len(labels),
              exercise="softmax_cross_entropy_backward")
    assert repr(r) == (
        "softmax_cross_entropy_backward: wrong on case 6 of 6 (logits (2, 3), labels (2,)): the result contains 5 NaN "
        "or infinite value(s): exp(1000) overflows: subtract each row's maximum before np.exp (it does not change the "
        "softmax)"
    )
    assert np.abs(r.case.inputs["logits"]).max() == 1000.0
    r = check(lambda logits, y: (np.exp(logits) / (1 + np.exp(logits)) - y) / len(y), exercise="sigmoid_bce_backward")
    assert "case 6 of 6" in repr(r) and "NaN or infinite" in repr(r) and "stably" in repr(r)
    stable = lambda logits, labels: (_softmax(logits) - np.eye(logits.shape[1])[labels]) / len(labels)  # noqa: E731
    assert check(stable, exercise="softmax_cross_entropy_backward").passed
    assert check(lambda logits, y: (_sig(logits) - y) / len(y), exercise="sigmoid_bce_backward").passed


def test_a_reduction_over_the_batch_axis():
    r = check(lambda delta_next, W_next: (delta_next @ W_next).sum(axis=0), exercise="hidden_error")
    assert repr(r) == (
        "hidden_error: wrong on case 2 of 5 (delta_next (4, 3), W_next (3, 5)): the result has shape (5,), expected "
        "(4, 5): you summed over the batch axis (axis 0); the answer keeps one row per sample"
    )
    r = check(lambda delta_next, W_next: (delta_next @ W_next).mean(axis=0), exercise="hidden_error")
    assert "you averaged over the batch axis (axis 0)" in repr(r)


def test_keepdims_extra_and_missing_are_told_apart_before_arranged_differently():
    r = check(lambda x, W, b: (x @ W.T + b)[None], exercise="net_input")
    assert "an extra axis of length 1; drop keepdims=True" in repr(r) and "arranged differently" not in repr(r)
    r = check(_dense(lambda d: d.sum(axis=0, keepdims=True)), exercise="dense_backward")
    assert "db has shape (1, 3), expected (3,): an extra axis of length 1; drop keepdims=True" in repr(r)
    from backprop.classroom._diagnose import diagnose_array

    hint = diagnose_array(np.ones(3), np.ones((3, 1)), {})
    assert hint == "the result has shape (3,), expected (3, 1): an axis of length 1 is missing; keep it with keepdims=True"
    hint = diagnose_array(np.ones((3, 1, 1)), np.ones((3, 1)), {})
    assert "an extra axis of length 1" in hint


@pytest.mark.parametrize("db, words", [
    (lambda d: d, "db has shape (4, 3), expected (3,): one entry per sample; sum over the batch axis, .sum(axis=0)"),
    (lambda d: d.sum(axis=1), "db: you summed over the K outputs (axis=1); sum over the batch axis, db = dout.sum(axis=0)"),
    (lambda d: d.sum(), "db is a single number, the sum of every entry of the answer; sum over the batch axis only"),
    (lambda d: d.sum(axis=0, keepdims=True), "db has shape (1, 3), expected (3,): an extra axis of length 1"),
])
def test_a_db_of_the_wrong_shape(db, words):
    r = check(_dense(db), exercise="dense_backward")
    assert r.status == "failed" and words in repr(r), repr(r)


def test_a_failing_result_carries_its_case_and_verbose_prints_it(capsys):
    def hidden_error(delta_next, W_next):
        return delta_next @ W_next + 1e-3

    r = check(hidden_error, verbose=True)
    printed = capsys.readouterr().out
    case = r.case
    assert case.index == 1 and case.total == 5 and set(case.inputs) == {"delta_next", "W_next"}
    np.testing.assert_allclose(case.got - case.expected, 1e-3)
    np.testing.assert_allclose(case.rerun(hidden_error), case.got)
    np.testing.assert_allclose(case.expected, case.inputs["delta_next"] @ case.inputs["W_next"])
    assert "delta_next = np.array(" in printed and "expected:" in printed and "got:" in printed
    assert "rerun it: hidden_error(**result.case.inputs)" in printed
    assert check(lambda delta_next, W_next: delta_next @ W_next, exercise="hidden_error").case is None
    check(hidden_error)  # not verbose: nothing printed
    assert capsys.readouterr().out == ""


# ----------------------------------------------------------------- graded mode

def test_graded_cases_come_from_the_student_seed():
    ex = backprop.classroom.EXERCISES["softmax"]
    a, b, c = ex.draw_cases(seed=1), ex.draw_cases(seed=2), ex.draw_cases(seed=1)
    assert not np.array_equal(a[1].args[0], b[1].args[0])
    assert all(np.array_equal(x.args[0], y.args[0]) for x, y in zip(a, c))
    assert not np.array_equal(a[1].args[0], ex.draw_cases()[1].args[0])
    assert check(_softmax, exercise="softmax", graded=True, seed=11).passed


def test_graded_mode_shows_no_expected_value():
    r = check(lambda fan_in, fan_out: np.sqrt(2.0 / (fan_in + fan_out)), exercise="glorot_bound", graded=True, seed=3)
    assert r.status == "failed" and "expected" not in repr(r) and "which is wrong" in repr(r)
    assert r.case.expected is None and r.graded
    r = check(lambda delta_next, W_next: delta_next @ W_next + 1.0, exercise="hidden_error", graded=True, seed=3, verbose=False)
    assert r.case.expected is None and "expected:" not in str(r.case)
    practice = check(lambda fan_in, fan_out: np.sqrt(2.0 / (fan_in + fan_out)), exercise="glorot_bound")
    assert "expected 0.866025" in repr(practice)


def test_the_packages_own_answer_is_not_a_solution_when_graded():
    import backprop as bp
    from backprop import softmax as imported_softmax

    assert check(bp.softmax, exercise="softmax").passed  # practice: the package passes its own exercise
    for fn in (lambda z: bp.softmax(z), lambda z: imported_softmax(z), bp.softmax):
        r = check(fn, exercise="softmax", graded=True, seed=5)
        assert r.status == "not a solution" and not r, repr(r)
        assert "calls backprop.softmax, the package's own answer" in repr(r)
    r = check(lambda dout, x, W: bp.dense_backward(dout, bp.dense_forward(x, W, np.zeros(W.shape[0]))[1]),
              exercise="dense_backward", graded=True, seed=5)
    assert r.status == "not a solution"
    # other package functions are allowed: sigmoid_bce_backward may use bp.sigmoid
    assert check(lambda logits, y: (bp.sigmoid(logits) - y) / len(y), exercise="sigmoid_bce_backward",
                 graded=True, seed=5).passed
    assert bp.softmax is imported_softmax and not type(bp.softmax).__name__ == "_Spy"


def test_graded_mode_from_the_environment(monkeypatch):
    monkeypatch.setenv(GRADED_ENV, "1")
    monkeypatch.setenv(SEED_ENV, "42")
    r = check(backprop.softmax, exercise="softmax")
    assert r.status == "not a solution" and r.graded
    monkeypatch.setenv(SEED_ENV, "alice")
    assert "must be an integer >= 0" in repr(check(_softmax, exercise="softmax"))
    monkeypatch.delenv(SEED_ENV)
    assert "graded mode needs the student's seed" in repr(check(_softmax, exercise="softmax"))


# ----------------------------------------------------------------- isolation

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="the checker isolates by fork")


@needs_fork
def test_a_bare_except_around_a_loop_cannot_hang_the_checker():
    def sigmoid_prime(z):
        while True:
            try:
                time.sleep(0.01)
            except:  # noqa: E722 -- the student's catch-all swallows everything
                pass

    start = time.monotonic()
    r = check(sigmoid_prime, time_limit=SHORT)
    assert time.monotonic() - start < SHORT + 5
    assert repr(r) == "sigmoid_prime: no answer within 0.5 s on case 1 of 5 (z (1,)): an endless loop, or a slow Python loop?"


@needs_fork
def test_sys_exit_is_a_verdict():
    def sigmoid_prime(z):
        sys.exit(3)

    r = check(sigmoid_prime, time_limit=SHORT)
    assert r.status == "error"
    assert repr(r) == ("sigmoid_prime: your function called exit() or sys.exit() (SystemExit: 3) on case 1 of 5 (z (1,)): "
                       "a function returns its answer")


@needs_fork
def test_os_exit_and_a_segfault_are_verdicts():
    r = check(lambda z: os._exit(4), exercise="sigmoid_prime", time_limit=SHORT)
    assert repr(r).startswith("sigmoid_prime: your function ended the Python process (exit code 4) on case 1 of 5 (z (1,))")
    r = check(lambda z: ctypes.string_at(0), exercise="sigmoid_prime", time_limit=SHORT)
    assert r.status == "error" and "ended the Python process (signal 11 (SIGSEGV))" in repr(r), repr(r)


@needs_fork
def test_a_flood_of_output_is_capped(capsys):
    def sigmoid_prime(z):
        for i in range(100_000):
            print("debug", i)
        s = 1 / (1 + np.exp(-z))
        return s * (1 - s)

    r = check(sigmoid_prime, time_limit=10)
    out = capsys.readouterr().out
    assert r.passed
    assert len(out) < OUTPUT_CAP + 200 and "more characters of output not shown]" in out and out.startswith("debug 0")

    def endless_printer(z):
        while True:
            print("x" * 1000)

    r = check(endless_printer, exercise="sigmoid_prime", time_limit=SHORT)
    assert "no answer within 0.5 s" in repr(r) and len(capsys.readouterr().out) < OUTPUT_CAP + 200


@needs_fork
def test_the_student_function_cannot_change_the_notebook():
    import backprop as bp

    def softmax(z):
        bp.softmax = None  # a change made in the child stays there
        global LEAK
        LEAK = 1
        return _softmax(z)

    assert check(softmax).passed
    assert callable(bp.softmax) and "LEAK" not in globals()


def test_pyodide_runs_directly_and_says_so(monkeypatch):
    from backprop.classroom import _isolate

    monkeypatch.setattr(_isolate.sys, "platform", "emscripten")
    r = check(_softmax, exercise="softmax")
    assert r.passed and r.note == NO_LIMIT_NOTE
    assert repr(r) == "softmax: passed (5 random cases)\n" + NO_LIMIT_NOTE



def test_without_fork_the_thread_time_limit_answers(monkeypatch):
    from backprop.classroom import _isolate

    monkeypatch.setattr(_isolate, "can_fork", lambda: False)
    assert check(_softmax, exercise="softmax").passed
    deadline = time.monotonic() + 3

    def slow(z):
        while time.monotonic() < deadline:
            time.sleep(0.01)
        return z

    r = check(slow, exercise="sigmoid_prime", time_limit=SHORT)
    assert repr(r) == "sigmoid_prime: no answer within 0.5 s on case 1 of 5 (z (1,)): an endless loop, or a slow Python loop?"
    assert r.note == ""
