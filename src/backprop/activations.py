"""Activation functions and their derivatives (book: "The forward pass", Eq. A.2).

Each activation ``f`` comes with ``f_prime`` (the derivative as a function of the
pre-activation z) and a layer pair ``f_forward(z) -> (a, cache)`` /
``f_backward(da, cache) -> dz``.  Shapes: any; the functions act elementwise.
"""

from __future__ import annotations

import numpy as np

from backprop._validation import as_float_array, check_same_shape

__all__ = [
    "sigmoid",
    "sigmoid_prime",
    "sigmoid_forward",
    "sigmoid_backward",
    "relu",
    "relu_prime",
    "relu_forward",
    "relu_backward",
]


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


# --------------------------------------------------------------------------- ReLU
def relu(z: np.ndarray) -> np.ndarray:
    """f(z) = max(0, z) elementwise (seed 002 Table 1, seed 003 section 4)."""
    z = as_float_array("z", z, allow_empty=True)
    return np.maximum(z, 0.0)


def relu_prime(z: np.ndarray) -> np.ndarray:
    """f'(z) = 1 if z > 0 else 0 (book Eq. eq-part2-relu-prime).

    Convention at the kink: **ReLU'(0) = 0**, as seed 003 writes it, ``(f(x) > 0)``
    (seed 002 Table 1 takes 1 instead).  Both are subgradients of max(0, z) at 0 (any
    value in [0, 1] is), and for continuous inputs z == 0 exactly almost never happens;
    the chapter "Activation functions and their derivatives" shows both facts.
    """
    z = as_float_array("z", z, allow_empty=True)
    return (z > 0).astype(z.dtype)


def relu_forward(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """a = max(0, z) elementwise; the cache is the pre-activation z itself."""
    z = as_float_array("z", z, allow_empty=True)
    return np.maximum(z, 0.0), z


def relu_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """dz = da * (z > 0) (book Eq. eq-part2-relu-prime; seed 003 section 4, ``(f(x) > 0)``).

    dout and the cached pre-activation z have the same (any) shape, e.g. (N, D) after a
    dense layer or (N, F, H, W) after a convolution; so does the result.  At z == 0 the
    gradient is 0 (the convention ReLU'(0) = 0, see :func:`relu_prime`).
    """
    dout = as_float_array("dout", dout, allow_empty=True)
    check_same_shape("dout", dout, "the cached pre-activation z", cache)
    return dout * (cache > 0)
