"""Activation functions and their derivatives (book: "The forward pass", Eq. A.2).

Each activation ``f`` comes with ``f_prime`` (the derivative as a function of the
pre-activation z) and a layer pair ``f_forward(z) -> (a, cache)`` /
``f_backward(da, cache) -> dz``.  Shapes: any; the functions act elementwise.
"""

from __future__ import annotations

import numpy as np

from backprop._validation import as_float_array, check_same_shape

__all__ = ["sigmoid", "sigmoid_prime", "sigmoid_forward", "sigmoid_backward"]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """f(z) = 1 / (1 + exp(-z)) (book Eq. A.2), without overflow for any finite z.

    For z >= 0 it evaluates 1 / (1 + exp(-z)); for z < 0 the equal form
    exp(z) / (1 + exp(z)); neither ever exponentiates a large positive number.
    """
    z = as_float_array("z", z, allow_empty=True)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def sigmoid_prime(z: np.ndarray) -> np.ndarray:
    """f'(z) = f(z) (1 - f(z)) (book Eq. A.13), written with the output O = f(z)."""
    s = sigmoid(z)
    return s * (1.0 - s)


def sigmoid_forward(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """O = f(Net) elementwise; the cache is the output O itself."""
    out = sigmoid(z)
    return out, out


def sigmoid_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """dNet = dO * O (1 - O): the "Delta E .* f'(Net)" factor of book Eq. (A.6).

    dout and the cached output O have the same (any) shape; so does the result.
    """
    dout = as_float_array("dout", dout, allow_empty=True)
    check_same_shape("dout", dout, "the layer's output", cache)
    return dout * cache * (1.0 - cache)
