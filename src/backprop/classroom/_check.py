"""``check(fn)``: run a student's function on seeded cases and answer in one short line."""

from __future__ import annotations

import difflib
import json
import numbers
import os
import pickle
import sys
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from backprop.classroom._diagnose import (
    diagnose_array,
    diagnose_scalar,
    distinct_nonzero,
    known_tuple_mistakes,
    matches,
    mistake_words,
)
from backprop.classroom._isolate import run_isolated
from backprop.classroom._registry import EXERCISES, Case, Exercise
from backprop.classroom._runner import brief_exception

__all__ = ["CheckResult", "FailedCase", "check", "DEFAULT_TIME_LIMIT", "GRADED_ENV", "SEED_ENV", "RECORD_ENV", "SESSION"]

DEFAULT_TIME_LIMIT = 3.0
"""Seconds allowed for one call of the student's function."""

GRADED_ENV = "BACKPROP_GRADED"
"""Set to 1 to make every ``check`` graded (cases from the student's seed, no expected values shown)."""
SEED_ENV = "BACKPROP_STUDENT_SEED"
"""The student's seed (an integer >= 0) for graded checks."""
RECORD_ENV = "BACKPROP_CLASSROOM_RECORD"
"""A file: every check appends its result to it as a JSON line (``python -m backprop.classroom score`` uses it)."""

_SHAPE_WORDS = ("matmul", "aligned", "broadcast", "shape", "dimension")
_SMALL = 10_000  # entries: a bigger result is described, not carried in result.case

PASSED, FAILED, NOT_DONE, ERROR, UNKNOWN = "passed", "failed", "not done yet", "error", "unknown exercise"
NOT_SOLUTION = "not a solution"

SESSION: dict[str, CheckResult] = {}
"""The last result of each exercise checked in this Python session (``progress()`` reads it)."""


@dataclass(frozen=True)
class FailedCase:
    """The case a check failed on, to rerun it: ``fn(*case.args, **case.kwargs)``.

    ``inputs`` maps every argument's name to its value (copies); ``expected`` is the
    reference answer (``None`` in graded mode); ``got`` what the function returned (or its
    exception).  ``str(case)`` shows it all, with the line that reruns it.
    """

    exercise: str
    index: int
    total: int
    args: tuple
    kwargs: dict
    arg_names: tuple
    expected: Any = None
    got: Any = None

    @property
    def inputs(self) -> dict:
        named = dict(zip(self.arg_names, self.args))
        named.update(self.kwargs)
        return named

    def rerun(self, fn):
        """Call ``fn`` on copies of this case's inputs."""
        return fn(*[_copy(a) for a in self.args], **dict(self.kwargs))

    def __str__(self) -> str:
        with np.printoptions(precision=6, suppress=True, threshold=200):
            lines = [f"case {self.index} of {self.total} of {self.exercise}:"]
            for name, value in self.inputs.items():
                lines.append(f"  {name} = {_show_value(value)}")
            if self.expected is not None:
                lines.append(f"  expected: {_show_value(self.expected)}")
            lines.append(f"  got: {_show_value(self.got)}")
            lines.append(f"  rerun it: {self.exercise}(**result.case.inputs)   (result = check({self.exercise}))")
        return "\n".join(lines)

    __repr__ = __str__


def _show_value(value) -> str:
    if isinstance(value, np.ndarray):
        return "np." + repr(value).replace("\n", "\n" + " " * 6) if value.size <= 200 else f"an array of shape {value.shape}"
    if isinstance(value, tuple):
        return "(" + ", ".join(_show_value(v) for v in value) + ")"
    return repr(value)


@dataclass(frozen=True)
class CheckResult:
    """The checker's answer.  Its repr is one short line, the same on every run.

    ``status`` is one of "passed", "failed", "not done yet", "error" (the function raised,
    timed out, crashed, or changed its input), "not a solution" (graded mode: it calls the
    package's own answer) and "unknown exercise"; ``message`` says why;
    ``bool(result)`` is True only when the exercise passed.  ``case`` is the failing
    :class:`FailedCase` (``None`` when it passed); ``output`` what the function printed
    (capped); ``note`` a line about the platform when there was no time limit.
    """

    exercise: str
    status: str
    message: str
    cases: int = 0
    case: FailedCase | None = field(default=None, compare=False)
    output: str = field(default="", compare=False)
    note: str = ""
    graded: bool = False

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        text = f"{self.exercise}: {self.message}"
        return f"{text}\n{self.note}" if self.note else text

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
    """The hint of a known mistake that raises the very error the student's function raised."""
    for alt_fn, words in ex.mistakes:
        try:
            with np.errstate(all="ignore"):
                alt_fn(*[_copy(a) for a in case.args], **case.kwargs)
        except Exception as exc:  # noqa: BLE001 -- the mistake raises: compare with the student's error
            if type(exc) is type(error) and str(exc) == str(error):
                return mistake_words(words, case.args, case.kwargs)
    return None


class _Runner:
    """The cases of one check, with the student's calls going through ``calls``."""

    def __init__(self, fn, ex: Exercise, calls, graded: bool, seed: int | None) -> None:
        self.fn, self.ex, self.calls, self.graded = fn, ex, calls, graded
        self.cases = ex.draw_cases(seed if graded else None)
        self.total = len(self.cases)
        with np.errstate(all="ignore"):  # before any student call: what the student changes cannot reach them
            self.wants = [ex.reference(*[_copy(a) for a in c.args], **c.kwargs) for c in self.cases]
        self.forbidden_called: list[str] = []
        self.in_student = False

    def call(self, case: Case, index: int):
        where = f"case {index} of {self.total} ({_describe_case(self.ex, case)})"
        self.in_student = True
        try:
            return self.calls(self.fn, case.args, case.kwargs, where)
        finally:
            self.in_student = False

    def confirm(self, later: list[tuple[int, Case]]):
        """``confirm(c)``: does the first later case with two different nonzero entries show the factor c too?"""

        def confirm(c: float) -> bool:
            for index, case in later:
                want = np.asarray(self.wants[index - 1], dtype=float)
                if distinct_nonzero(want) < 2:
                    continue
                copy = Case(tuple(_copy(a) for a in case.args), dict(case.kwargs), case.factors, case.n)
                outcome = self.call(copy, index)
                return outcome.error is None and not outcome.timed_out and matches(outcome.value, c * want)
            return False

        return confirm


def _diagnose(run: _Runner, case: Case, got, want, confirm=None) -> str | None:
    ex = run.ex
    if ex.kind in ("int", "float"):
        return diagnose_scalar(got, want, ex.kind, _call_text(ex, case), ex.mistakes, case.args, case.kwargs,
                               show_expected=not run.graded)
    common = dict(float32_ok=ex.accept_float32, n=case.n)
    if ex.kind == "tuple":
        k = len(want)
        names = ", ".join(ex.output_names)
        if got is None:
            return f"the result is None: return the tuple ({names})"
        if isinstance(got, np.ndarray) or not isinstance(got, (tuple, list)):
            return f"the result is a {type(got).__name__}; return a tuple of {k} arrays ({names})"
        if len(got) != k:
            return f"the result is a {type(got).__name__} of {len(got)} values; return {k} arrays ({names})"
        known = known_tuple_mistakes(got, want, ex.mistakes, case.args, case.kwargs)
        if known:
            return mistake_words(known[0][1], case.args, case.kwargs)
        for name, g, w in zip(ex.output_names, got, want):
            hint = diagnose_array(g, np.asarray(w), case.factors, name=name, **common)
            if hint:
                return hint
        return None
    return diagnose_array(
        got, np.asarray(want), case.factors, mistakes=ex.mistakes, args=case.args, kwargs=case.kwargs,
        nan_hint=ex.nan_hint, confirm=confirm, **common,
    )


def _unknown(name: str) -> CheckResult:
    close = difflib.get_close_matches(name, list(EXERCISES), n=1)
    tip = f"; did you mean {close[0]!r}?" if close else "; pass exercise=\"id\" (see backprop.classroom.EXERCISES)"
    return CheckResult(name, UNKNOWN, f"no exercise is called {name!r}{tip}")


def _env_graded() -> bool:
    return os.environ.get(GRADED_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def _env_seed():
    text = os.environ.get(SEED_ENV, "").strip()
    return int(text) if text.isdigit() else (text or None)


def check(fn, exercise: str | None = None, *, time_limit: float = DEFAULT_TIME_LIMIT, verbose: bool = False,
          graded: bool | None = None, seed: int | None = None) -> CheckResult:
    """Check a student's function against the book's reference on several seeded cases.

    The exercise is ``fn.__name__`` unless ``exercise`` names it.  The function runs in a
    child process that is killed when one call takes more than ``time_limit`` seconds (or
    crashes, or exits), so nothing it does can hang the notebook; what it prints is shown,
    capped.  The first failing case is diagnosed (transposed shape, constant factor such
    as N or size^2, flipped sign, a reduction over the batch axis, keepdims, right for
    N = 1 only, input changed in place, an exception, None, NaN, ...) and kept in
    ``result.case`` (``verbose=True`` prints it, with the line that reruns it).

    ``graded=True`` (or the environment variable ``BACKPROP_GRADED=1``) draws the cases
    from the student's ``seed`` (or ``BACKPROP_STUDENT_SEED``), shows no expected value,
    and reports a function that calls the package's own answer (``bp.softmax`` for the
    exercise ``softmax``) as "not a solution".

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
    graded = _env_graded() if graded is None else bool(graded)
    if graded:
        seed = _env_seed() if seed is None else seed
        if isinstance(seed, str):
            return CheckResult(name, ERROR, f"{SEED_ENV} must be an integer >= 0; got {seed!r}")
        if seed is None or isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
            return CheckResult(name, ERROR, f"graded mode needs the student's seed, an integer >= 0 (seed=... or {SEED_ENV}); got {seed!r}")
    result = _check_isolated(fn, ex, float(time_limit), graded, seed)
    if graded:
        result = replace(result, graded=True)
    if result.output:
        print(result.output)
    if verbose and result.case is not None:
        print(result.case)
    SESSION[name] = result
    _record(result)
    return result


def _record(result: CheckResult) -> None:
    path = os.environ.get(RECORD_ENV)
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"exercise": result.exercise, "status": result.status, "message": result.message}) + "\n")
    except OSError:
        pass


def _check_isolated(fn, ex: Exercise, time_limit: float, graded: bool, seed) -> CheckResult:
    def job(calls):
        try:
            result = _run_cases(_Runner(fn, ex, calls, graded, seed), time_limit)
        except Exception as exc:  # noqa: BLE001 -- a bug of the checker itself: say so, do not raise
            return CheckResult(ex.id, ERROR, f"the checker itself failed ({brief_exception(exc)}); please report it")
        return _sendable(result)

    iso = run_isolated(job, time_limit)
    where = iso.where or "a case"
    if iso.timed_out:
        result = CheckResult(
            ex.id, ERROR,
            f"no answer within {time_limit:g} s on {where}: an endless loop, or a slow Python loop?", len(ex.draw_cases()),
        )
    elif iso.died:
        if iso.where:
            result = CheckResult(
                ex.id, ERROR,
                f"your function ended the Python process ({iso.died}) on {where}: os._exit(), a crash in C code, "
                "or memory exhausted; a function returns its answer", len(ex.draw_cases()),
            )
        else:
            result = CheckResult(ex.id, ERROR, f"the checker's process ended ({iso.died}); please report it")
    elif isinstance(iso.value, CheckResult):
        result = iso.value
    else:
        result = CheckResult(ex.id, ERROR, f"the checker itself failed ({iso.value!r}); please report it")
    return replace(result, output=iso.output, note=iso.note)


def _sendable(result: CheckResult) -> CheckResult:
    """The result with a ``case`` that pickles (a strange ``got`` becomes its repr)."""
    case = result.case
    if case is None:
        return result
    got = case.got
    if isinstance(got, np.ndarray) and got.size > _SMALL:
        got = f"an array of shape {got.shape} and dtype {got.dtype}"
    try:
        pickle.dumps(got)
    except Exception:  # noqa: BLE001
        got = repr(got)[:300]
    return replace(result, case=replace(case, got=got))


class _Spy:
    """Wraps the package's own answer: records a call made by the student's function."""

    def __init__(self, runner: _Runner, name: str, original) -> None:
        self.runner, self.name, self.original = runner, name, original
        self.__name__ = getattr(original, "__name__", name)
        self.__doc__ = getattr(original, "__doc__", None)

    def __call__(self, *args, **kwargs):
        if self.runner.in_student:
            self.runner.forbidden_called.append(self.name)
        return self.original(*args, **kwargs)


def _install_spies(run: _Runner) -> list[tuple[Any, str, Any]]:
    """Replace the package's answers to this exercise, wherever the student could reach them."""
    import backprop

    restore = []
    for name in run.ex.forbidden:
        original = getattr(backprop, name, None)
        if original is None:
            continue
        if run.fn is original or getattr(run.fn, "__wrapped__", None) is original:
            run.forbidden_called.append(name)  # check(bp.softmax): the package's function itself
        spy = _Spy(run, name, original)
        namespaces = [m for key, m in list(sys.modules.items()) if key == "backprop" or key.startswith("backprop.")]
        for module in namespaces:
            for attr, value in list(vars(module).items()):
                if value is original:
                    restore.append((module, attr, value))
                    setattr(module, attr, spy)
        for cell in getattr(run.fn, "__closure__", None) or ():
            try:
                if cell.cell_contents is original:
                    restore.append((cell, "cell_contents", original))
                    cell.cell_contents = spy
            except ValueError:  # an empty cell
                pass
        globs = getattr(run.fn, "__globals__", None)
        if isinstance(globs, dict):
            for attr, value in list(globs.items()):
                if value is original:
                    restore.append((globs, attr, value))
                    globs[attr] = spy
    return restore


def _undo(restore) -> None:
    for target, attr, value in reversed(restore):
        if isinstance(target, dict):
            target[attr] = value
        else:
            setattr(target, attr, value)


def _run_cases(run: _Runner, time_limit: float) -> CheckResult:
    restore = _install_spies(run) if run.graded else []
    try:
        result = _run_cases_inner(run, time_limit)
    finally:
        _undo(restore)
    if run.forbidden_called and result.status in (PASSED, FAILED):
        called = run.forbidden_called[0]
        return CheckResult(
            run.ex.id, NOT_SOLUTION,
            f"not a solution: it calls backprop.{called}, the package's own answer; write the computation yourself",
            run.total,
        )
    return result


def _run_cases_inner(run: _Runner, time_limit: float) -> CheckResult:
    ex, name, total = run.ex, run.ex.id, run.total
    first_ok_single = False  # a case with N = 1 passed
    batch_ok = False  # a case with N > 1 passed: a later failure is not about batching
    indexed = list(enumerate(run.cases, start=1))
    for i, case in indexed:
        want = run.wants[i - 1]
        originals = tuple(_copy(a) for a in case.args)
        student_case = Case(tuple(_copy(a) for a in case.args), dict(case.kwargs), case.factors, case.n)
        outcome = run.call(student_case, i)
        where = f"case {i} of {total} ({_describe_case(ex, case)})"

        def failed(status: str, message: str, got=None) -> CheckResult:
            shown = None if run.graded else want  # noqa: B023 (called in this iteration only)
            fc = FailedCase(name, i, total, originals, dict(case.kwargs), ex.arg_names, shown, got)  # noqa: B023
            return CheckResult(name, status, message, total, case=fc)

        if outcome.timed_out:
            return failed(ERROR, f"no answer within {time_limit:g} s on {where}: an endless loop, or a slow Python loop?")
        if outcome.error is not None:
            err = outcome.error
            if isinstance(err, NotImplementedError):
                return CheckResult(name, NOT_DONE, "not done yet (replace the raise NotImplementedError line with your code)", total)
            if isinstance(err, SystemExit):
                return failed(ERROR, f"your function called exit() or sys.exit() ({brief_exception(err)}) on {where}: "
                                     "a function returns its answer", brief_exception(err))
            if isinstance(err, KeyboardInterrupt):
                return failed(ERROR, f"your function was interrupted on {where}", "KeyboardInterrupt")
            if not isinstance(err, Exception):
                return failed(ERROR, f"your function raised {brief_exception(err)} on {where}", brief_exception(err))
            known = _known_error(ex, case, err)
            if known:
                return failed(ERROR, f"your function raised {type(err).__name__} on {where}: {known}", brief_exception(err))
            text = f"your function raised {brief_exception(err)} on {where}"
            message = str(err)
            if isinstance(err, TypeError) and "argument" in message:
                text += f"; the signature is {ex.id}{ex.signature}"
            elif isinstance(err, ValueError) and any(w in message for w in _SHAPE_WORDS):
                text += f"; compare with the shapes of the signature {ex.id}{ex.signature}"
            return failed(ERROR, text, brief_exception(err))
        changed = _changed_input(ex, student_case, originals)
        if changed:
            return failed(FAILED, f"wrong on {where}: {changed}", outcome.value)
        try:
            hint = _diagnose(run, case, outcome.value, want, run.confirm(indexed[i:]))
        except Exception as exc:  # noqa: BLE001 -- whatever came back, answer in words
            hint = f"the result could not be compared with the answer ({brief_exception(exc)})"
        if hint and ex.batch and ex.kind == "array" and case.n and case.n > 1 and _first_sample_only(ex, case, outcome.value):
            hint = "only the first sample of the batch counts in the result: sum over all N samples"
        if hint and case.n == 1 and _wrong_shape(outcome.value, want):
            later = _first_batch_failure(run, indexed[i:])
            if later is not None:
                return later
        if hint is None:
            if case.n == 1:
                first_ok_single = True
            elif case.n:
                batch_ok = True
            continue
        if ex.batch and first_ok_single and not batch_ok and case.n and case.n > 1:
            return failed(FAILED, f"right for one sample (N=1) but not for a batch of N={case.n} on {where}: {hint}",
                          outcome.value)
        return failed(FAILED, f"wrong on {where}: {hint}", outcome.value)
    random = ex.kind not in ("int", "float")
    return CheckResult(name, PASSED, f"passed ({total} random cases)" if random else f"passed ({total} cases)", total)


def _ambiguous(g, w) -> bool:
    """Shapes that differ by an axis of length 1 only: a keepdims slip, or a batch axis of N = 1?"""
    gs, ws = np.shape(g), np.shape(w)
    return len(gs) != len(ws) and [d for d in gs if d != 1] == [d for d in ws if d != 1]


def _wrong_shape(got, want) -> bool:
    """A result whose shape (or one of whose entries' shapes) differs from the answer's by an axis of length 1."""
    if isinstance(want, tuple):
        return isinstance(got, (tuple, list)) and len(got) == len(want) and any(
            isinstance(g, np.ndarray) and _ambiguous(g, w) for g, w in zip(got, want))
    return isinstance(got, np.ndarray) and _ambiguous(got, want)


def _first_batch_failure(run: _Runner, later: list[tuple[int, Case]]) -> CheckResult | None:
    """A wrong shape on N = 1 cannot tell a sum over the batch from a keepdims slip: the first batch case can.

    Returns the diagnosis of the first later case with N > 1 when it fails with a wrong
    shape too, otherwise ``None`` (and the N = 1 case is reported).
    """
    ex = run.ex
    for index, case in later:
        if not case.n or case.n < 2:
            continue
        want = run.wants[index - 1]
        originals = tuple(_copy(a) for a in case.args)
        copy = Case(tuple(_copy(a) for a in case.args), dict(case.kwargs), case.factors, case.n)
        outcome = run.call(copy, index)
        if outcome.error is not None or outcome.timed_out:
            return None
        hint = _diagnose(run, case, outcome.value, want)
        if not hint:
            return None
        where = f"case {index} of {run.total} ({_describe_case(ex, case)})"
        fc = FailedCase(ex.id, index, run.total, originals, dict(case.kwargs), ex.arg_names,
                        None if run.graded else want, outcome.value)
        return CheckResult(ex.id, FAILED, f"wrong on {where}: {hint}", run.total, case=fc)
    return None


def _first_sample_only(ex: Exercise, case: Case, got) -> bool:
    """True when ``got`` is the answer for the batch's first sample alone."""
    sliced = tuple(a[:1] if isinstance(a, np.ndarray) and a.ndim and a.shape[0] == case.n else a for a in case.args)
    try:
        with np.errstate(all="ignore"):
            alt = np.asarray(ex.reference(*sliced, **case.kwargs), dtype=float)
    except Exception:  # noqa: BLE001 -- the slice does not make sense for this exercise
        return False
    return matches(got, alt) if isinstance(got, np.ndarray) else False
