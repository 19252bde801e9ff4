"""``check(fn)``: run a student's function on seeded cases and answer in one short line."""

from __future__ import annotations

import difflib
import numbers
from dataclasses import dataclass

import numpy as np

from backprop.classroom._diagnose import diagnose_array, diagnose_scalar, distinct_nonzero, matches, mistake_words
from backprop.classroom._registry import EXERCISES, Case, Exercise
from backprop.classroom._runner import brief_exception, call_with_limit

__all__ = ["CheckResult", "check", "DEFAULT_TIME_LIMIT"]

DEFAULT_TIME_LIMIT = 3.0
"""Seconds allowed for one call of the student's function."""

_SHAPE_WORDS = ("matmul", "aligned", "broadcast", "shape", "dimension")

PASSED, FAILED, NOT_DONE, ERROR, UNKNOWN = "passed", "failed", "not done yet", "error", "unknown exercise"


@dataclass(frozen=True)
class CheckResult:
    """The checker's answer.  Its repr is one short line, the same on every run.

    ``status`` is one of "passed", "failed", "not done yet", "error" (the function raised,
    timed out, or changed its input) and "unknown exercise"; ``message`` says why;
    ``bool(result)`` is True only when the exercise passed.
    """

    exercise: str
    status: str
    message: str
    cases: int = 0

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return f"{self.exercise}: {self.message}"

    __repr__ = __str__


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


def _describe_case(ex: Exercise, case: Case) -> str:
    parts = []
    for name, value in zip(ex.arg_names, case.args):
        if isinstance(value, np.ndarray):
            parts.append(f"{name} {value.shape}")
        else:
            parts.append(f"{name}={value!r}")
    parts.extend(f"{k}={v!r}" for k, v in case.kwargs.items())
    return ", ".join(parts)


def _call_text(ex: Exercise, case: Case) -> str:
    inner = ", ".join([repr(a) for a in case.args] + [f"{k}={v!r}" for k, v in case.kwargs.items()])
    return f"{ex.id}({inner})"


def _changed_input(ex: Exercise, case: Case, originals: tuple) -> str | None:
    for name, before, after in zip(ex.arg_names, originals, case.args):
        if isinstance(before, np.ndarray) and not np.array_equal(before, after, equal_nan=True):
            return (
                f"the function changed its input '{name}' in place; leave the inputs as they are "
                f"(work on a copy, {name}.copy(), or build a new array)"
            )
    return None


def _known_error(ex: Exercise, case: Case, error: BaseException) -> str | None:
    """The hint of a known mistake that raises the very error the student's function raised.

    A mistake such as ``delta_next @ W_next.T`` fails with numpy's shape error; when the
    student's error has the same type and message, the hint explains it in the book's terms.
    """
    for alt_fn, words in ex.mistakes:
        try:
            with np.errstate(all="ignore"):
                alt_fn(*[_copy(a) for a in case.args], **case.kwargs)
        except Exception as exc:  # noqa: BLE001 -- the mistake raises: compare with the student's error
            if type(exc) is type(error) and str(exc) == str(error):
                return mistake_words(words, case.args, case.kwargs)
    return None


def _confirm_factor(fn, ex: Exercise, later: list[Case], time_limit: float):
    """``confirm(c)``: does the first later case with two different nonzero entries show the factor c too?"""

    def confirm(c: float) -> bool:
        for case in later:
            with np.errstate(all="ignore"):
                want = np.asarray(ex.reference(*[_copy(a) for a in case.args], **case.kwargs), dtype=float)
            if distinct_nonzero(want) < 2:
                continue
            outcome = call_with_limit(fn, tuple(_copy(a) for a in case.args), dict(case.kwargs), time_limit)
            got = outcome.value
            return outcome.error is None and not outcome.timed_out and matches(got, c * want)
        return False

    return confirm


def _diagnose(ex: Exercise, case: Case, got, want, confirm=None) -> str | None:
    if ex.kind in ("int", "float"):
        return diagnose_scalar(got, want, ex.kind, _call_text(ex, case), ex.mistakes, case.args, case.kwargs)
    if ex.kind == "tuple":
        k = len(want)
        names = ", ".join(ex.output_names)
        if got is None:
            return f"the result is None: return the tuple ({names})"
        if isinstance(got, np.ndarray) or not isinstance(got, (tuple, list)):
            return f"the result is a {type(got).__name__}; return a tuple of {k} arrays ({names})"
        if len(got) != k:
            return f"the result is a {type(got).__name__} of {len(got)} values; return {k} arrays ({names})"
        for name, g, w in zip(ex.output_names, got, want):
            hint = diagnose_array(g, np.asarray(w), case.factors, name=name)
            if hint:
                return hint
        return None
    return diagnose_array(
        got, np.asarray(want), case.factors, mistakes=ex.mistakes, args=case.args, kwargs=case.kwargs,
        nan_hint=ex.nan_hint, confirm=confirm,
    )


def _unknown(name: str) -> CheckResult:
    close = difflib.get_close_matches(name, list(EXERCISES), n=1)
    tip = f"; did you mean {close[0]!r}?" if close else "; pass exercise=\"id\" (see backprop.classroom.EXERCISES)"
    return CheckResult(name, UNKNOWN, f"no exercise is called {name!r}{tip}")


def check(fn, exercise: str | None = None, *, time_limit: float = DEFAULT_TIME_LIMIT) -> CheckResult:
    """Check a student's function against the book's reference on several seeded cases.

    The exercise is ``fn.__name__`` unless ``exercise`` names it.  Each case is run with
    copies of the inputs and at most ``time_limit`` seconds; the first failing case is
    diagnosed (transposed shape, constant factor such as N or size^2, flipped sign,
    right for N = 1 only, input changed in place, an exception, None, NaN, ...).
    Never raises for anything the student's function does; returns a :class:`CheckResult`
    whose repr is one deterministic line, e.g. ``sigmoid_prime: passed (5 random cases)``.
    """
    name = exercise if exercise is not None else getattr(fn, "__name__", None)
    if not isinstance(name, str):
        return CheckResult(repr(type(fn).__name__), UNKNOWN, "pass the function you wrote, e.g. check(sigmoid_prime)")
    if name not in EXERCISES:
        return _unknown(name)
    ex = EXERCISES[name]
    if not callable(fn):
        return CheckResult(name, ERROR, f"check needs the function itself (check({name})), not a {type(fn).__name__}")
    if not isinstance(time_limit, numbers.Real) or not time_limit > 0:
        return CheckResult(name, ERROR, f"time_limit must be a positive number of seconds; got {time_limit!r}")

    try:
        return _run_cases(fn, ex, float(time_limit))
    except Exception as exc:  # noqa: BLE001 -- a bug of the checker itself: say so, do not raise
        return CheckResult(name, ERROR, f"the checker itself failed ({brief_exception(exc)}); please report it")


def _run_cases(fn, ex: Exercise, time_limit: float) -> CheckResult:
    name = ex.id
    cases = ex.draw_cases()
    total = len(cases)
    first_ok_single = False  # a case with N = 1 passed
    batch_ok = False  # a case with N > 1 passed: a later failure is not about batching
    for i, case in enumerate(cases, start=1):
        with np.errstate(all="ignore"):
            want = ex.reference(*[_copy(a) for a in case.args], **case.kwargs)
        originals = tuple(_copy(a) for a in case.args)
        student_case = Case(tuple(_copy(a) for a in case.args), dict(case.kwargs), case.factors, case.n)
        outcome = call_with_limit(fn, student_case.args, student_case.kwargs, time_limit)
        where = f"case {i} of {total} ({_describe_case(ex, case)})"
        if outcome.timed_out:
            return CheckResult(
                name, ERROR,
                f"no answer within {_fmt_seconds(time_limit)} on {where}: an endless loop, or a slow Python loop?",
                total,
            )
        if outcome.error is not None:
            if isinstance(outcome.error, NotImplementedError):
                return CheckResult(name, NOT_DONE, "not done yet (replace the raise NotImplementedError line with your code)", total)
            known = _known_error(ex, case, outcome.error)
            if known:
                return CheckResult(name, ERROR, f"your function raised {type(outcome.error).__name__} on {where}: {known}", total)
            text = f"your function raised {brief_exception(outcome.error)} on {where}"
            message = str(outcome.error)
            if isinstance(outcome.error, TypeError) and "argument" in message:
                text += f"; the signature is {ex.id}{ex.signature}"
            elif isinstance(outcome.error, ValueError) and any(w in message for w in _SHAPE_WORDS):
                text += f"; compare with the shapes of the signature {ex.id}{ex.signature}"
            return CheckResult(name, ERROR, text, total)
        changed = _changed_input(ex, student_case, originals)
        if changed:
            return CheckResult(name, FAILED, f"wrong on {where}: {changed}", total)
        try:
            hint = _diagnose(ex, case, outcome.value, want, _confirm_factor(fn, ex, cases[i:], time_limit))
        except Exception as exc:  # noqa: BLE001 -- whatever came back, answer in words
            hint = f"the result could not be compared with the answer ({brief_exception(exc)})"
        if hint and ex.batch and ex.kind == "array" and case.n and case.n > 1 and _first_sample_only(ex, case, outcome.value):
            hint = "only the first sample of the batch counts in the result: sum over all N samples"
        if hint is None:
            if case.n == 1:
                first_ok_single = True
            elif case.n:
                batch_ok = True
            continue
        if ex.batch and first_ok_single and not batch_ok and case.n and case.n > 1:
            return CheckResult(
                name, FAILED,
                f"right for one sample (N=1) but not for a batch of N={case.n} on {where}: {hint}", total,
            )
        return CheckResult(name, FAILED, f"wrong on {where}: {hint}", total)
    return CheckResult(name, PASSED, f"passed ({total} random cases)" if _random(ex) else f"passed ({total} cases)", total)


def _first_sample_only(ex: Exercise, case: Case, got) -> bool:
    """True when ``got`` is the answer for the batch's first sample alone."""
    sliced = tuple(a[:1] if isinstance(a, np.ndarray) and a.ndim and a.shape[0] == case.n else a for a in case.args)
    try:
        with np.errstate(all="ignore"):
            alt = np.asarray(ex.reference(*sliced, **case.kwargs), dtype=float)
    except Exception:  # noqa: BLE001 -- the slice does not make sense for this exercise
        return False
    return matches(got, alt) if isinstance(got, np.ndarray) else False


def _random(ex: Exercise) -> bool:
    return ex.kind not in ("int", "float")


def _fmt_seconds(t: float) -> str:
    return f"{t:g} s"
