"""Diagnose a wrong answer: compare what the student returned with the reference answer.

Each function returns ``None`` when the answer is right, otherwise one short sentence
that says what is wrong, found from the numbers: a type or dtype problem, NaN, the
shape of the transpose, the right numbers with the axes swapped, a constant factor
(sign, batch size N, pooling window size^2, ...), or a known mistake of the exercise.
The sentence never quotes random input values, so it is the same on every run.
"""

from __future__ import annotations

import itertools
import numbers
from typing import Any, Callable

import numpy as np

from backprop.classroom._registry import resolve_refs

__all__ = ["diagnose_array", "diagnose_scalar", "matches", "distinct_nonzero", "mistake_words"]

RTOL = 1e-6
F32_RTOL = 2e-5
"""Tolerance for a float32 answer: a few float32 roundings of a short computation."""


def matches(got: Any, want: Any, rtol: float = RTOL) -> bool:
    """True when ``got`` is a float array of ``want``'s shape with the same values (to ``rtol``)."""
    if not isinstance(got, np.ndarray) or got.shape != np.shape(want) or got.dtype.kind != "f":
        return False
    want = np.asarray(want, dtype=float)
    if not want.size:
        return True
    scale = float(np.max(np.abs(want)))
    return bool(np.allclose(got, want, rtol=rtol, atol=(1e-9 if rtol <= RTOL else rtol) * max(scale, 1.0), equal_nan=False))


def _fmt(c: float) -> str:
    if abs(c - round(c)) < 1e-9:
        return str(int(round(c)))
    return f"{c:.4g}"


def distinct_nonzero(want: np.ndarray) -> int:
    """How many different nonzero values ``want`` holds (0, 1 or 2: two are enough)."""
    want = np.asarray(want, dtype=float)
    scale = float(np.max(np.abs(want))) if want.size else 0.0
    values = np.sort(want[np.abs(want) > 1e-12 * max(scale, 1e-300)].ravel())
    if values.size == 0:
        return 0
    gaps = np.diff(values) > RTOL * np.maximum(np.abs(values[1:]), 1e-300)
    return 2 if np.any(gaps) else 1


def _factor_hint(got: np.ndarray, want: np.ndarray, factors: dict,
                 confirm: Callable[[float], bool] | None = None) -> str | None:
    """If got = c * want for a constant c != 1, say which c and what it may mean.

    A constant factor is only claimed when two different nonzero entries agree on it:
    with one (a single entry, or all entries equal) any wrong value is "a constant times
    the answer".  Such a case asks ``confirm(c)``, which looks for the same factor in
    another case of the exercise.
    """
    denom = float(np.sum(want * want))
    if denom == 0.0 or not np.all(np.isfinite(got)):
        return None
    c = float(np.sum(got * want)) / denom
    if abs(c - 1.0) < 1e-9 or abs(c) < 1e-12:
        return None
    if not matches(got, c * want):
        return None
    if distinct_nonzero(want) < 2 and not (confirm is not None and confirm(c)):
        return None
    sign = ""
    if c < 0:
        sign = "the sign is flipped"
        if abs(c + 1.0) < 1e-6:
            return sign + " (the result is minus the answer)"
    size = abs(c)
    for value, words in factors.items():
        words = resolve_refs(words)
        if abs(size - value) < 1e-6 * value:
            msg = f"the result is {_fmt(value)} times too large ({_fmt(value)} = {words}): a factor too many or a division missing"
            return f"{sign}, and {msg}" if sign else msg
        if abs(size * value - 1.0) < 1e-6:
            msg = f"the result is {_fmt(value)} times too small ({_fmt(value)} = {words}): a division too many or a factor missing"
            return f"{sign}, and {msg}" if sign else msg
    if size >= 1:
        msg = f"the result is off by a constant factor: {_fmt(size)} times the answer"
    else:
        msg = f"the result is off by a constant factor: 1/{_fmt(1 / size)} of the answer"
    return f"{sign}, and {msg}" if sign else msg


def _keepdims_hint(got: np.ndarray, want: np.ndarray, name: str) -> str | None:
    """The same entries with an axis of length 1 too many (keepdims=True) or missing (keepdims forgotten)."""
    if got.size != want.size or got.ndim == want.ndim:
        return None
    if tuple(d for d in got.shape if d != 1) != tuple(d for d in want.shape if d != 1):
        return None
    if got.ndim > want.ndim:
        return (f"{name} has shape {got.shape}, expected {want.shape}: an extra axis of length 1; "
                "drop keepdims=True from the sum (or the [None] / reshape)")
    return (f"{name} has shape {got.shape}, expected {want.shape}: an axis of length 1 is missing; "
            "keep it with keepdims=True")


def _batch_axis_hint(got: np.ndarray, want: np.ndarray, name: str, n: int | None) -> str | None:
    """A reduction over the batch axis (axis 0) too many, or missing."""
    if want.ndim >= 1 and n and want.shape[0] == n and got.shape == want.shape[1:] and (n > 1 or want.ndim > 1):
        for how, alt in (("summed", want.sum(axis=0)), ("averaged", want.mean(axis=0))):
            if matches(got, alt):
                return (f"{name} has shape {got.shape}, expected {want.shape}: you {how} over the batch axis (axis 0); "
                        "the answer keeps one row per sample")
        return f"{name} has shape {got.shape}, expected {want.shape}: the batch axis (axis 0, N = {n}) is missing"
    if n and n > 1 and got.shape == (n,) + want.shape:
        if matches(got.sum(axis=0), want):
            return (f"{name} has shape {got.shape}, expected {want.shape}: one entry per sample; "
                    f"sum over the batch axis, .sum(axis=0)")
        return f"{name} has shape {got.shape}, expected {want.shape}: an extra batch axis (axis 0, N = {n}); sum over it"
    return None


def _reduced_everything(got, want: np.ndarray, name: str) -> str | None:
    """A single number where an array was expected: a sum over every axis?"""
    if want.size > 1 and np.isfinite(got) and abs(float(got) - float(want.sum())) <= 1e-6 * max(1.0, abs(float(want.sum()))):
        return (f"{name} is a single number, the sum of every entry of the answer; "
                f"sum over the batch axis only (axis=0), shape {want.shape}")
    return None


def _axes_hint(got: np.ndarray, want: np.ndarray, name: str) -> str | None:
    if sorted(got.shape) != sorted(want.shape) or got.shape == want.shape:
        return None
    if want.ndim == 2:
        base = f"{name} has shape {got.shape}, the shape of the transpose of the answer's {want.shape}"
        if matches(got, want.T):
            return base + ": it is the transpose of the answer (a .T too many or missing)"
        return base + ": a .T is missing or one too many"
    for perm in itertools.permutations(range(want.ndim)):
        t = want.transpose(perm)
        if t.shape == got.shape and matches(got, t):
            return f"{name} has the right numbers with its axes in the wrong order: shape {got.shape}, expected {want.shape}"
    return f"{name} has shape {got.shape}, expected {want.shape}: the axes are in the wrong order"


def _type_hint(got: Any, name: str, want: np.ndarray) -> str | None:
    if got is None:
        return f"{name} is None: did you forget the return statement?"
    if isinstance(got, (list, tuple)):
        return f"{name} is a {type(got).__name__}, not a numpy array: build it with numpy operations (or np.array(...))"
    if isinstance(got, numbers.Number) and want.ndim > 0:
        return f"{name} is a single number; an array of shape {want.shape} was expected"
    if not isinstance(got, np.ndarray):
        if isinstance(got, np.generic) and want.ndim == 0:
            return None
        return f"{name} is a {type(got).__name__}; a numpy array of shape {want.shape} was expected"
    return None


def mistake_words(words: str | Callable[..., str], args: tuple, kwargs: dict | None) -> str:
    """A known mistake's hint: a fixed sentence, or one built from the case's arguments
    (a function of them, e.g. to name their shapes)."""
    return resolve_refs(words(*args, **(kwargs or {})) if callable(words) else words)


def known_tuple_mistakes(got: Any, want: tuple, mistakes: tuple, args: tuple, kwargs: dict | None) -> list:
    """The known mistakes (formula, words) whose tuple result equals ``got`` entry by entry (and not the answer)."""
    out = []
    if not isinstance(got, (tuple, list)) or len(got) != len(want):
        return out
    for alt_fn, words in mistakes:
        try:
            with np.errstate(all="ignore"):
                alt = tuple(np.asarray(a, dtype=float) for a in alt_fn(*args, **(kwargs or {})))
        except Exception:  # noqa: BLE001 -- a mistake that raises (a shape error) is matched on errors
            continue
        same_as_answer = all(a.shape == np.shape(w) and matches(a, w) for a, w in zip(alt, want))
        if not same_as_answer and all(isinstance(g, np.ndarray) and matches(g, a) for g, a in zip(got, alt)):
            out.append((alt_fn, words))
    return out


def _known_mistake(got: np.ndarray, want: np.ndarray, mistakes: tuple, args: tuple, kwargs: dict | None) -> str | None:
    """The words of the first known mistake whose result is exactly ``got`` (and not the answer)."""
    for alt_fn, words in mistakes:
        try:
            with np.errstate(all="ignore"):
                alt = np.asarray(alt_fn(*args, **(kwargs or {})), dtype=float)
        except Exception:  # noqa: BLE001 -- a mistake that does not apply to this case
            continue
        if alt.shape == got.shape and not (alt.shape == want.shape and matches(alt, want)) and matches(got, alt):
            return mistake_words(words, args, kwargs)
    return None


def diagnose_array(got: Any, want: np.ndarray, factors: dict, name: str = "the result",
                   mistakes: tuple = (), args: tuple = (), kwargs: dict | None = None,
                   nan_hint: str = "", confirm: Callable[[float], bool] | None = None,
                   float32_ok: bool = False, n: int | None = None) -> str | None:
    """``None`` if ``got`` equals ``want``; otherwise what is wrong with ``got``, in one sentence.

    ``confirm(c)`` (optional) says whether another case shows the same factor ``c``; it is
    asked only when this case cannot tell a constant factor on its own.  ``float32_ok``
    accepts a float32 answer (to float32's precision); ``n`` is the case's batch size,
    used to recognise a reduction over the batch axis.
    """
    want = np.asarray(want)
    if isinstance(got, numbers.Real) and not isinstance(got, bool) and want.ndim > 0:
        hint = _reduced_everything(got, want, name)
        if hint:
            return hint
    hint = _type_hint(got, name, want)
    if hint:
        return hint
    got = np.asarray(got)
    if got.dtype.kind in "iub":
        return f"{name} has dtype {got.dtype}; the answer is float64 (an integer array cannot hold gradients: start from floats)"
    if got.dtype.kind == "c":
        return f"{name} has complex dtype {got.dtype}; the answer is real float64"
    if got.dtype.kind != "f":
        return f"{name} has dtype {got.dtype}; a float64 array was expected"
    if got.shape != want.shape:
        known = _known_mistake(got, want, mistakes, args, kwargs)
        if known:
            return known
        hint = _batch_axis_hint(got, want, name, n) or _keepdims_hint(got, want, name) or _axes_hint(got, want, name)
        if hint:
            return hint
        if got.size == want.size:
            return f"{name} has shape {got.shape}, expected {want.shape}: the right number of entries, arranged differently"
        return f"{name} has shape {got.shape}, expected {want.shape}"
    rtol = RTOL
    if got.dtype == np.float32 and float32_ok:
        got, rtol = got.astype(np.float64), F32_RTOL
        if matches(got, want, rtol):
            return None
    elif got.dtype != np.float64:
        return f"{name} has dtype {got.dtype}; float64 was expected (do not convert to lower precision)"
    if not np.all(np.isfinite(got)) and np.all(np.isfinite(want)):
        bad = int(got.size - np.count_nonzero(np.isfinite(got)))
        msg = f"{name} contains {bad} NaN or infinite value(s)"
        return f"{msg}: {resolve_refs(nan_hint)}" if nan_hint else msg + " (an overflow or a division by zero?)"
    if matches(got, want):
        return None
    known = _known_mistake(got, want, mistakes, args, kwargs)
    if known:
        return known
    if got.ndim == 2 and got.shape[0] == got.shape[1] and matches(got, want.T):
        return f"{name} is the transpose of the answer (a .T too many or missing)"
    hint = _factor_hint(got, want, factors, confirm)
    if hint:
        return hint.replace("the result", name, 1) if name != "the result" else hint
    diff = np.abs(got - want)
    where = np.unravel_index(int(np.argmax(diff)), diff.shape)
    idx = tuple(int(i) for i in where)
    wrong = int(np.count_nonzero(~np.isclose(got, want, rtol=RTOL, atol=1e-9)))
    return f"{name} has wrong values ({wrong} of {got.size} entries differ; the largest difference is at index {idx})"


def diagnose_scalar(got: Any, want: Any, kind: str, call: str, mistakes: tuple = (),
                    args: tuple = (), kwargs: dict | None = None, show_expected: bool = True) -> str | None:
    """``None`` if ``got`` equals ``want``; otherwise what is wrong, quoting the (fixed) call.

    ``show_expected=False`` (graded mode) never quotes the expected value.
    """
    expected = (lambda: f", expected {_show(want)}") if show_expected else (lambda: ", which is wrong")
    if got is None:
        return "the result is None: did you forget the return statement?"
    if isinstance(got, (list, tuple, np.ndarray)) and np.size(got) != 1:
        return f"the result is a {type(got).__name__}; a single number was expected"
    if isinstance(got, np.ndarray):
        got = got.reshape(()).item()
    if isinstance(got, bool) or not isinstance(got, numbers.Real):
        return f"the result is a {type(got).__name__}; a number was expected"
    if kind == "int":
        if not isinstance(got, numbers.Integral):
            if float(got) == float(want):
                return f"{call} returned {got!r}, a float; return an int (use // for integer division)"
            return f"{call} returned {got!r}, a float; an int was expected (use // for integer division)"
        if int(got) == int(want):
            return None
    elif abs(float(got) - float(want)) <= 1e-9 * max(1.0, abs(float(want))):
        return None
    for alt_fn, words in mistakes:
        try:
            alt = alt_fn(*args, **(kwargs or {}))
        except Exception:
            continue
        if abs(float(alt) - float(want)) > 1e-12 and abs(float(got) - float(alt)) <= 1e-9 * max(1.0, abs(float(alt))):
            return f"{call} returned {_show(got)}{expected()}: {mistake_words(words, args, kwargs)}"
    return f"{call} returned {_show(got)}{expected()}"


def _show(v: Any) -> str:
    if isinstance(v, numbers.Integral):
        return str(int(v))
    return f"{float(v):.6g}"
