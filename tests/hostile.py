"""Hostile inputs for the property-based suite (tests/test_hostile_inputs.py), and its one property.

The property, for every call: either a clear error (TypeError, ValueError,
FloatingPointError or MemoryError) whose message names an argument of the function, or a
result whose every float is finite (and, where the test has one, equal to a reference).
"""

from __future__ import annotations

import re
import warnings

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: Fixed, deterministic profile: the same examples on every run, no example database.
HOSTILE = settings(
    derandomize=True,
    max_examples=25,
    deadline=None,
    database=None,
    print_blob=False,
    suppress_health_check=list(HealthCheck),
)
FEW = settings(HOSTILE, max_examples=8)

CLEAR = (TypeError, ValueError, FloatingPointError, MemoryError)
DTYPES = (np.float64, np.float32, np.float16)
TOL = {np.dtype(np.float64): 1e-9, np.dtype(np.float32): 2e-4, np.dtype(np.float16): 2e-2}

with warnings.catch_warnings():
    warnings.simplefilter("ignore", PendingDeprecationWarning)
    _MATRIX = np.matrix


def names_an_argument(message: str, names) -> bool:
    return any(re.search(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_])", message) for n in names)


def call(fn, *args, names, **kwargs):
    """Run ``fn``; return ("error", exc) for a clear error naming one of ``names``, ("ok", result) otherwise.

    Any other exception, or a clear error whose message names none of ``names``, fails.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = fn(*args, **kwargs)
    except CLEAR as exc:
        assert names_an_argument(str(exc), names), f"{type(exc).__name__} names none of {names}: {exc}"
        return "error", exc
    assert_finite(result)
    return "ok", result


def assert_finite(value, where="result") -> None:
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc":
            assert np.all(np.isfinite(value)), f"{where} holds NaN/inf: {value!r}"
    elif isinstance(value, (float, np.floating)):
        assert np.isfinite(value), f"{where} is {value}"
    elif isinstance(value, dict):
        for k, v in value.items():
            assert_finite(v, f"{where}[{k!r}]")
    elif isinstance(value, (tuple, list)):
        for i, v in enumerate(value):
            assert_finite(v, f"{where}[{i}]")


def close(got, want, dtype) -> None:
    tol = TOL[np.dtype(dtype)]
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64), rtol=tol, atol=tol)


# ----------------------------------------------------------------------------- strategies


def good_array(draw, shape, dtype=None, low=-3.0, high=3.0):
    dtype = dtype or draw(st.sampled_from(DTYPES))
    seed = draw(st.integers(0, 2**31 - 1))
    return np.random.default_rng(seed).uniform(low, high, size=shape).astype(dtype)


#: The hostile kinds an array argument is replaced by.
KINDS = (
    "good", "good", "good", "good", "nan", "inf", "huge", "int", "bool", "complex", "object", "str",
    "matrix", "empty", "extra_axis", "fewer_axes", "transposed", "None", "tuple", "list", "scalar", "ragged", "dict",
)


def hostile(draw, shape, dtype=None, low=-3.0, high=3.0, kinds=KINDS):
    """A drawn value for an array argument of ``shape``: well formed (often) or one hostile kind."""
    kind = draw(st.sampled_from(kinds))
    a = good_array(draw, shape, dtype, low, high)
    if kind == "good":
        return a
    if kind == "nan":
        a = a.astype(np.float64).copy() if a.size else a
        if a.size:
            a.flat[draw(st.integers(0, a.size - 1))] = np.nan
        return a
    if kind == "inf":
        a = a.copy()
        if a.size:
            a.flat[draw(st.integers(0, a.size - 1))] = draw(st.sampled_from([np.inf, -np.inf]))
        return a
    if kind == "huge":  # finite, but the computation may overflow
        with np.errstate(over="ignore"):
            return (a * np.finfo(a.dtype).max / 4).astype(a.dtype)
    if kind == "int":
        return np.rint(a).astype(np.int64)
    if kind == "bool":
        return a > 0
    if kind == "complex":
        return a + 1j
    if kind == "object":
        return a.astype(object)
    if kind == "str":
        return a.astype(str)
    if kind == "matrix":
        return _MATRIX(a.reshape(a.shape[0] if a.ndim else 1, -1))
    if kind == "empty":
        return np.zeros((0,) + tuple(shape[1:]), dtype=a.dtype)
    if kind == "extra_axis":
        return a[None]
    if kind == "fewer_axes":
        return a.reshape(-1) if a.ndim > 1 else np.float64(1.0)
    if kind == "transposed":
        return a.T
    if kind == "None":
        return None
    if kind == "tuple":
        return ()
    if kind == "list":
        return []
    if kind == "scalar":
        return 2.5
    if kind == "ragged":
        return [[1.0, 2.0], [3.0]]
    return {"a": 1}


def hostile_labels(draw, n, k):
    kind = draw(st.sampled_from(["good", "good", "good", "float", "negative", "too_big", "2d", "bool", "wrong_n", "None", "matrix", "str", "empty"]))
    y = np.random.default_rng(draw(st.integers(0, 2**31 - 1))).integers(0, k, size=n)
    return {
        "good": y,
        "float": y.astype(float),
        "negative": np.where(np.arange(n) == 0, -1, y),
        "too_big": np.where(np.arange(n) == n - 1, k, y),
        "2d": np.eye(k, dtype=np.int64)[y],
        "bool": y > 0,
        "wrong_n": np.concatenate([y, y[:1]]),
        "None": None,
        "matrix": _MATRIX(y),
        "str": y.astype(str),
        "empty": np.zeros(0, dtype=np.int64),
    }[kind]


HOSTILE_SCALARS = (
    0, 1, 2, 3, -1, -2.5, 0.0, 0.5, 1e-300, 1e300, np.nan, np.inf, -np.inf, True, None, "1", 1 + 1j, (), [], np.int64(2), np.float32(0.1),
)
HOSTILE_INTS = (1, 2, 3, 0, -1, 1.5, True, None, "2", np.int64(2), 2**80)
HOSTILE_SEEDS = (0, 1, 12345, None, -1, 1.5, True, "0", np.int64(3), 2**70)
