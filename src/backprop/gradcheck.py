"""Gradient checking by centered finite differences (book: "Backpropagating the error").

The book follows every derivation with a cell that compares the analytic gradient with

    dL/dx_i  ~=  (L(x + h e_i) - L(x - h e_i)) / (2 h),

whose error is O(h^2).  In float64 with h = 1e-6 the relative error of a correct
gradient is typically below 1e-8; a wrong one is off by far more.

A checker is only worth something if it cannot pass a wrong gradient, so every function
here refuses what it cannot judge: NaN or inf on either side, ``None``, complex or
non-numeric values, mismatched shapes, a step ``h`` that vanishes next to ``x``, an ``f``
that does not return a finite real number, and (unless asked) an ``x`` so large that the
check would run for hours.
"""

from __future__ import annotations

import numbers
from typing import Callable

import numpy as np

from backprop._validation import STEP_OPS, as_float_array, check_work

__all__ = [
    "MAX_CHECKED_ENTRIES",
    "numerical_gradient",
    "numerical_jacobian",
    "relative_error",
    "assert_gradients_close",
]

#: Largest ``x.size`` that :func:`numerical_gradient` perturbs without being asked:
#: 2 evaluations of ``f`` per entry, so a loss over a whole network (milliseconds each)
#: stays within minutes.  Pass ``max_entries=None`` (or a larger number) to go further.
MAX_CHECKED_ENTRIES = 100_000


def _as_gradient(name: str, value: object, nonfinite: type[Exception] = ValueError) -> np.ndarray:
    """``value`` as a float64 array of real, finite numbers, or a loud error naming ``name``."""
    if value is None:
        raise TypeError(f"{name} is None; a gradient check needs an array of real numbers "
                        "(did a backward function forget to return?)")
    if isinstance(value, np.matrix):
        raise TypeError(f"{name} is an np.matrix, whose * means a matrix product; "
                        "pass np.asarray(...) of it")
    if isinstance(value, (numbers.Real, list, tuple)) and not isinstance(value, bool):
        try:
            value = np.asarray(value)
        except ValueError as exc:  # ragged lists
            raise TypeError(f"{name} must be a rectangular array of real numbers; "
                            f"got a ragged {type(value).__name__}") from exc
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a numpy array of real numbers; got a {type(value).__name__}")
    if value.dtype.kind not in "fiu":
        raise TypeError(f"{name} must hold real numbers; got dtype {value.dtype}"
                        + (" (the imaginary part would be dropped silently)" if value.dtype.kind == "c" else ""))
    value = value.astype(np.float64, copy=False)
    finite = np.isfinite(value)
    if not finite.all():
        n_nan = int(np.isnan(value).sum())
        n_inf = int(value.size - finite.sum()) - n_nan
        first = tuple(int(i) for i in np.argwhere(~finite)[0])
        raise nonfinite(f"{name} contains {n_nan} NaN and {n_inf} infinite value(s) "
                             f"(the first at index {first}); a gradient with them is never correct")
    return value


def _check_step(h: object, x: np.ndarray) -> float:
    if isinstance(h, bool) or not isinstance(h, numbers.Real):
        raise TypeError(f"h must be a positive real number; got {h!r} ({type(h).__name__})")
    h = float(h)
    if not (np.isfinite(h) and h > 0):
        raise ValueError(f"h must be a finite number > 0; got {h!r}")
    vanishes = (x + h) == (x - h)
    if vanishes.any():
        worst = float(np.abs(x[vanishes]).max())
        raise ValueError(f"h = {h:g} is too small next to x (an entry of size {worst:g}): x + h and x - h "
                         "round to the same float, so the difference would be 0; use a larger h (e.g. 1e-6)")
    return h


def _check_size(x: np.ndarray, max_entries: int | None) -> None:
    if max_entries is None:  # opted in: still not past the work budget (each call of f at least a Python step)
        check_work(f"a numerical gradient of x with {x.size} entries ({2 * x.size} calls of f)", 2 * x.size * STEP_OPS,
                   "a slice of x or a smaller model")
        return
    if isinstance(max_entries, bool) or not isinstance(max_entries, numbers.Integral) or max_entries < 1:
        raise ValueError(f"max_entries must be an integer >= 1 or None; got {max_entries!r}")
    if x.size > max_entries:
        raise ValueError(f"x has {x.size:,} entries, so the check would evaluate f {2 * x.size:,} times "
                         f"(more than the limit of {max_entries:,} entries); check a slice or a smaller "
                         "model, or opt in with max_entries=None")


def _scalar(value: object, where: str) -> float:
    """``f``'s value as a float, refusing arrays, complex numbers, None, NaN and inf."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        shown = f"an array of shape {value.shape}" if isinstance(value, np.ndarray) else f"{value!r}"
        raise TypeError(f"f must return a real scalar (the loss); it returned {shown} {where}")
    value = float(value)
    if not np.isfinite(value):
        raise FloatingPointError(f"f returned {value} {where}; the loss must be finite there")
    return value


def numerical_gradient(
    f: Callable[[np.ndarray], float],
    x: np.ndarray,
    h: float = 1e-6,
    *,
    max_entries: int | None = MAX_CHECKED_ENTRIES,
) -> np.ndarray:
    """Centered-difference gradient of the scalar function ``f`` at ``x``.

    ``x`` (float64, any shape) is perturbed in place one entry at a time and always
    restored, even when ``f`` raises or the kernel is interrupted, so ``f`` may close over
    ``x`` (the usual way to check a live parameter of a model).  Returns an array of the
    shape of ``x``.  ``f`` must return a finite real scalar at every perturbed point.

    Implements: Eq. {eq-intro-centered-difference}
    """
    if not isinstance(x, np.ndarray) or isinstance(x, np.matrix):
        raise TypeError("x must be a numpy array (perturbed in place, so f sees it); got a "
                        f"{type(x).__name__}")
    x = as_float_array("x", x, allow_empty=False)
    if x.dtype != np.float64:
        raise TypeError(f"x must be float64 for a finite-difference check; got {x.dtype} (rounding would swamp the check)")
    if not callable(f):
        raise TypeError(f"f must be a function of x returning the loss; got a {type(f).__name__}")
    flat_x = x.reshape(-1)
    if not np.shares_memory(flat_x, x):
        raise ValueError("x must be a contiguous array so that it can be perturbed in place")
    h = _check_step(h, x)
    _check_size(x, max_entries)
    grad = np.zeros_like(x)
    flat_g = grad.reshape(-1)
    for i in range(flat_x.size):
        old = flat_x[i]
        where = f"at x.flat[{i}] {{}} h"
        try:
            flat_x[i] = old + h
            f_plus = _scalar(f(x), where.format("+"))
            flat_x[i] = old - h
            f_minus = _scalar(f(x), where.format("-"))
        finally:
            flat_x[i] = old
        flat_g[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def numerical_jacobian(
    f: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    h: float = 1e-6,
    *,
    max_entries: int | None = MAX_CHECKED_ENTRIES,
) -> np.ndarray:
    """Centered-difference Jacobian of the vector function ``f`` at the 1-D point ``x``.

    ``J[i, j] = d f(x)_i / d x_j``: one row per output of ``f`` (flattened, shape (M,)),
    one column per entry of ``x`` (shape (D,)), so the result has shape (M, D).  ``x`` is
    not changed.  ``f`` must return finite real values of one fixed shape.

    Implements: Eq. {eq-intro-centered-difference}
    """
    x = as_float_array("x", x, ndim=1)
    if not callable(f):
        raise TypeError(f"f must be a function of x returning an array; got a {type(f).__name__}")
    point = x.astype(np.float64, copy=True)
    h = _check_step(h, point)
    _check_size(point, max_entries)

    def value(v: np.ndarray, where: str) -> np.ndarray:
        out = f(v)
        if out is None or isinstance(out, (str, bytes)):
            raise TypeError(f"f must return an array of real numbers; it returned {out!r} {where}")
        out = np.asarray(out)
        if out.dtype.kind not in "fiu":
            raise TypeError(f"f must return real numbers; it returned dtype {out.dtype} {where}")
        out = out.astype(np.float64).reshape(-1)
        if not np.isfinite(out).all():
            raise FloatingPointError(f"f returned NaN or inf {where}; its values must be finite there")
        return out

    n_out = value(point.copy(), "at x").shape[0]
    jac = np.empty((n_out, point.size))
    for j in range(point.size):
        plus, minus = point.copy(), point.copy()
        plus[j] += h
        minus[j] -= h
        f_plus = value(plus, f"at x[{j}] + h")
        f_minus = value(minus, f"at x[{j}] - h")
        if f_plus.shape != (n_out,) or f_minus.shape != (n_out,):
            raise ValueError(f"f returned {n_out} values at x but {f_plus.size} or {f_minus.size} "
                             f"near x[{j}]; its output must keep one shape")
        jac[:, j] = (f_plus - f_minus) / (2.0 * h)
    return jac


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / max(||a||, ||b||) in the Euclidean norm: 0 for equal arrays, ~1 for unrelated ones.

    The norm-wise form does not blow up on a single tiny component (where a centered
    difference has only a few correct digits), yet a gradient that is wrong anywhere by
    more than rounding moves it far above 1e-7.  Two all-zero arrays give 0.  NaN, inf,
    None, complex values and mismatched shapes raise instead of giving a number.
    """
    a = _as_gradient("a", a)
    b = _as_gradient("b", b)
    if a.shape != b.shape:
        raise ValueError(f"a has shape {a.shape} but b has shape {b.shape}: relative_error compares two arrays of equal shapes")
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)))
    if not np.isfinite(scale):  # finite entries whose norm overflows: compare rescaled
        big = max(float(np.abs(a).max()), float(np.abs(b).max()))
        return relative_error(a / big, b / big)
    return float(np.linalg.norm(a - b)) / scale if scale > 0 else 0.0


def assert_gradients_close(
    analytic: np.ndarray, numeric: np.ndarray, tol: float = 1e-7, name: str = "gradient"
) -> float:
    """Raise ``AssertionError`` unless the two gradients agree to relative error ``tol``.

    The error is norm-wise (see :func:`relative_error`).  A NaN or inf on either side, or
    different shapes, fail the check; ``None`` and complex values raise ``TypeError``.
    Returns the error, so that a caller can use it after the check passed.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string (what the messages call the gradient); got {type(name).__name__}")
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not (0 < float(tol) < 1):
        raise ValueError(f"tol must be a number in (0, 1); got {tol!r}")
    analytic = _as_gradient(f"{name} (analytic)", analytic, AssertionError)
    numeric = _as_gradient(f"{name} (numeric)", numeric, AssertionError)
    if analytic.shape != numeric.shape:
        raise AssertionError(f"{name}: analytic shape {analytic.shape} differs from numeric shape {numeric.shape}")
    err = relative_error(analytic, numeric)
    if not err < tol:
        raise AssertionError(f"{name}: relative error {err:.3e} exceeds the tolerance {tol:.0e}")
    return err
