"""Gradient checking by centered finite differences (book: "Backpropagating the error").

The book follows every derivation with a cell that compares the analytic gradient with

    dL/dx_i  ~=  (L(x + h e_i) - L(x - h e_i)) / (2 h),

whose error is O(h^2).  In float64 with h = 1e-6 the relative error of a correct
gradient is typically below 1e-8; a wrong one is off by far more.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from backprop._validation import as_float_array

__all__ = ["numerical_gradient", "numerical_jacobian", "relative_error", "assert_gradients_close"]


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Centered-difference gradient of the scalar function ``f`` at ``x``.

    ``x`` is perturbed in place one entry at a time and restored afterwards, so ``f``
    may close over ``x`` (the usual way to check a layer's parameter).  Returns an
    array of the shape of ``x``.
    """
    x = as_float_array("x", x, allow_empty=False)
    if x.dtype != np.float64:
        raise TypeError(f"x must be float64 for a finite-difference check; got {x.dtype} (rounding would swamp the check)")
    grad = np.zeros_like(x)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat_x, x):
        raise ValueError("x must be a contiguous array so that it can be perturbed in place")
    for i in range(flat_x.size):
        old = flat_x[i]
        flat_x[i] = old + h
        f_plus = float(f(x))
        flat_x[i] = old - h
        f_minus = float(f(x))
        flat_x[i] = old
        flat_g[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def numerical_jacobian(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Centered-difference Jacobian of the vector function ``f`` at the 1-D point ``x``.

    ``J[i, j] = d f(x)_i / d x_j``: one row per output of ``f`` (shape (M,)), one column
    per entry of ``x`` (shape (D,)), so the result has shape (M, D).  ``x`` is not changed.
    """
    x = as_float_array("x", x, ndim=1)
    point = x.astype(np.float64, copy=True) if x.dtype == np.float64 else x.copy()
    n_out = np.asarray(f(point.copy())).reshape(-1).shape[0]
    return np.stack([numerical_gradient(lambda v, i=i: float(np.asarray(f(v)).reshape(-1)[i]), point, h) for i in range(n_out)])


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / max(||a||, ||b||) in the Euclidean norm: 0 for equal arrays, ~1 for unrelated ones.

    The norm-wise form does not blow up on a single tiny component (where a centered
    difference has only a few correct digits), yet a gradient that is wrong anywhere by
    more than rounding moves it far above 1e-7.  Two all-zero arrays give 0.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare arrays of shapes {a.shape} and {b.shape}")
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)))
    return float(np.linalg.norm(a - b)) / scale if scale > 0 else 0.0


def assert_gradients_close(analytic: np.ndarray, numeric: np.ndarray, tol: float = 1e-7, name: str = "gradient") -> float:
    """Raise ``AssertionError`` unless the two gradients agree to relative error ``tol``.

    The error is norm-wise (see :func:`relative_error`).  Returns it, so that a caller can
    use it after the check passed.
    """
    analytic = np.asarray(analytic, dtype=float)
    numeric = np.asarray(numeric, dtype=float)
    if analytic.shape != numeric.shape:
        raise AssertionError(f"{name}: analytic shape {analytic.shape} differs from numeric shape {numeric.shape}")
    err = relative_error(analytic, numeric)
    if not err < tol:
        raise AssertionError(f"{name}: relative error {err:.3e} exceeds the tolerance {tol:.0e}")
    return err
