"""Activation functions and their derivatives (book: "The forward pass", Eq. A.2, and
"Activation functions and their derivatives", seed 002 Table 1, seed 003 section 4).

Each activation ``f`` comes with ``f_prime`` (the derivative as a function of the
pre-activation z) and a layer pair ``f_forward(z) -> (a, cache)`` /
``f_backward(da, cache) -> dz``.  Shapes: any; sigmoid, tanh, ReLU and leaky ReLU act
elementwise.  Softmax acts on each row (the last axis, K classes): its derivative is
the K x K Jacobian :func:`softmax_jacobian`, and :func:`softmax_backward` applies its
transpose to a vector without forming it.
"""

from __future__ import annotations

import numbers

import numpy as np

from backprop._caches import LeakyReluCache, ReluCache, SigmoidCache, SoftmaxCache, TanhCache
from backprop._parallel import map_rows
from backprop._validation import as_float_array, check_array_memory, check_cache, check_same_shape, finite_result

__all__ = [
    "sigmoid",
    "sigmoid_prime",
    "sigmoid_forward",
    "sigmoid_backward",
    "relu",
    "relu_prime",
    "relu_forward",
    "relu_backward",
    "tanh",
    "tanh_prime",
    "tanh_forward",
    "tanh_backward",
    "leaky_relu",
    "leaky_relu_prime",
    "leaky_relu_forward",
    "leaky_relu_backward",
    "softmax",
    "softmax_jacobian",
    "softmax_forward",
    "softmax_backward",
    "SigmoidCache",
    "ReluCache",
    "TanhCache",
    "LeakyReluCache",
    "SoftmaxCache",
]







def sigmoid(z: np.ndarray) -> np.ndarray:
    """f(z) = 1 / (1 + exp(-z)) (book Eq. A.2), for any finite z.

    For z below about -88 in float32 (-709 in float64) exp(-z) overflows to inf and the
    quotient is 0: the true value is then smaller than the dtype's smallest normal number
    (a subnormal at most), so 0 is within that of it, and no warning is raised.  Every
    other z gets the quotient to a few units in the last place.

    Implements: Eqs. {eq-part1-sigmoid}, {eq-part2-sigmoid} (seed 000 Eq. A.2)
    """
    z = as_float_array("z", z, allow_empty=True)
    return _sigmoid(z)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """The kernel of :func:`sigmoid` for a validated float array: 1 / (1 + exp(-z)), computed
    in place in one buffer, a range of rows at a time (``bp.set_num_threads``; the same bits).

    Four passes and one ``exp``: twice faster than the two stable forms exp(min(z, 0)) /
    (1 + exp(-|z|)) this book used before, which never overflow but take seven passes and
    two ``exp`` (benchmarks/NOTES.md, fifth round); the values differ by at most a few
    units in the last place, and by at most a subnormal where exp(-z) overflows.
    """
    if z.ndim == 0:  # a 0-d array: numpy's out= needs an array
        return _sigmoid(z.reshape(1)).reshape(())
    return map_rows(_sigmoid_into, np.empty_like(z), z)


def _sigmoid_into(z: np.ndarray, e: np.ndarray) -> None:
    with np.errstate(over="ignore"):  # exp(-z) = inf for very negative z: then 1 / inf = 0, the right limit
        np.negative(z, out=e)
        np.exp(e, out=e)
    e += 1.0
    np.divide(1.0, e, out=e)


def sigmoid_prime(z: np.ndarray) -> np.ndarray:
    """f'(z) = f(z) (1 - f(z)) (book Eqs. A.13 and {eq-part2-sigmoid-prime}; seed 002 Eq. 3.36, seed 003
    section 4; seed 002 Table 1 squares the second factor, an erratum).  Same (any) shape as z.

    Implements: Eqs. {eq-part1-sigmoid-prime}, {eq-part2-sigmoid-prime} (seed 000 Eq. A.13)
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def sigmoid_forward(z: np.ndarray) -> tuple[np.ndarray, SigmoidCache]:
    """O = f(Net) elementwise; the cache (a :class:`SigmoidCache`) holds the output O."""
    out = sigmoid(z)
    return out, SigmoidCache(out)


@finite_result("sigmoid_backward")
def sigmoid_backward(dout: np.ndarray, cache: SigmoidCache) -> np.ndarray:
    """dNet = dO * O (1 - O): the "Delta E .* f'(Net)" factor of book Eq. (A.6).

    dout and the cached output O have the same (any) shape; so does the result.

    Implements: Eqs. {eq-part1-delta-def}, {eq-part2-elementwise-backward}
    """
    (out,) = check_cache(cache, SigmoidCache, "sigmoid_backward")
    dout = as_float_array("dout", dout, allow_empty=True)
    check_same_shape("dout", dout, "the layer's output", out)
    return map_rows(_sigmoid_backward_into, np.empty_like(out, dtype=np.result_type(dout, out)), dout, out)


def _sigmoid_backward_into(dout: np.ndarray, out: np.ndarray, grad: np.ndarray) -> None:
    np.multiply(dout, out, out=grad)
    grad *= 1.0 - out  # (dout * a) * (1 - a), evaluated in that order


# --------------------------------------------------------------------------- ReLU
def relu(z: np.ndarray) -> np.ndarray:
    """f(z) = max(0, z) elementwise (seed 002 Table 1, seed 003 section 4).

    Implements: Eq. {eq-part2-relu}
    """
    z = as_float_array("z", z, allow_empty=True)
    return np.maximum(z, 0.0)


def relu_prime(z: np.ndarray) -> np.ndarray:
    """f'(z) = 1 if z > 0 else 0 (Eq. {eq-part2-relu-prime}).

    Convention at the kink: **ReLU'(0) = 0**, as seed 003 writes it, ``(f(x) > 0)``
    (seed 002 Table 1 takes 1 instead).  Both are subgradients of max(0, z) at 0 (any
    value in [0, 1] is), and for continuous inputs z == 0 exactly almost never happens;
    the chapter "Activation functions and their derivatives" shows both facts.

    Implements: Eqs. {eq-part2-relu-prime}, {eq-part2-relu-subgradient}
    """
    z = as_float_array("z", z, allow_empty=True)
    return (z > 0).astype(z.dtype)


def relu_forward(z: np.ndarray) -> tuple[np.ndarray, ReluCache]:
    """a = max(0, z) elementwise; the cache (a :class:`ReluCache`) holds the pre-activation z."""
    z = as_float_array("z", z, allow_empty=True)
    return map_rows(lambda z, out: np.maximum(z, 0.0, out=out), np.empty_like(z), z), ReluCache(z)


@finite_result("relu_backward")
def relu_backward(dout: np.ndarray, cache: ReluCache) -> np.ndarray:
    """dz = da * (z > 0) (Eq. {eq-part2-relu-prime}; seed 003 section 4, ``(f(x) > 0)``).

    dout and the cached pre-activation z have the same (any) shape, e.g. (N, D) after a
    dense layer or (N, F, H, W) after a convolution; so does the result.  At z == 0 the
    gradient is 0 (the convention ReLU'(0) = 0, see :func:`relu_prime`).

    Implements: Eqs. {eq-part2-elementwise-backward}, {eq-part2-relu-prime}
    """
    (z,) = check_cache(cache, ReluCache, "relu_backward")
    dout = as_float_array("dout", dout, allow_empty=True)
    check_same_shape("dout", dout, "the cached pre-activation z", z)
    return map_rows(lambda d, z, out: np.multiply(d, z > 0, out=out), np.empty_like(z, dtype=dout.dtype), dout, z)


# --------------------------------------------------------------------------- tanh
def tanh(z: np.ndarray) -> np.ndarray:
    """f(z) = (e^z - e^-z) / (e^z + e^-z) elementwise (seed 002 Table 1), via ``np.tanh``.

    Implements: Eq. {eq-part2-tanh}
    """
    z = as_float_array("z", z, allow_empty=True)
    return map_rows(lambda z, out: np.tanh(z, out=out), np.empty_like(z), z)


def tanh_prime(z: np.ndarray) -> np.ndarray:
    """f'(z) = 1 - f(z)^2 (Eq. {eq-part2-tanh-prime}; seed 002 Table 1, seed 003 section 4).

    Implements: Eq. {eq-part2-tanh-prime}
    """
    t = tanh(z)
    return 1.0 - t * t


def tanh_forward(z: np.ndarray) -> tuple[np.ndarray, TanhCache]:
    """a = tanh(z) elementwise; the cache (a :class:`TanhCache`) holds the output a."""
    out = tanh(z)
    return out, TanhCache(out)


@finite_result("tanh_backward")
def tanh_backward(dout: np.ndarray, cache: TanhCache) -> np.ndarray:
    """dz = da * (1 - a^2) (Eq. {eq-part2-tanh-prime}; seed 002 Table 1, seed 003 section 4),
    written with the cached output a.

    dout and a have the same (any) shape, e.g. (N, D) or (N, F, H, W); so does the result.

    Implements: Eqs. {eq-part2-elementwise-backward}, {eq-part2-tanh-prime}
    """
    (out,) = check_cache(cache, TanhCache, "tanh_backward")
    dout = as_float_array("dout", dout, allow_empty=True)
    check_same_shape("dout", dout, "the layer's output", out)
    return map_rows(_tanh_backward_into, np.empty_like(out, dtype=np.result_type(dout, out)), dout, out)


def _tanh_backward_into(dout: np.ndarray, out: np.ndarray, grad: np.ndarray) -> None:
    a2 = out * out
    np.subtract(1.0, a2, out=a2)
    np.multiply(dout, a2, out=grad)  # dout * (1 - a^2)


# --------------------------------------------------------------------------- leaky ReLU
def check_alpha(alpha: object) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"alpha (the slope for z < 0) must be a real number; got {alpha!r} ({type(alpha).__name__})")
    alpha = float(alpha)
    if not (np.isfinite(alpha) and alpha >= 0.0):
        raise ValueError(f"alpha (the slope for z < 0) must be a finite number >= 0; got {alpha}")
    return alpha


@finite_result("leaky_relu")
def leaky_relu(z: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """f(z) = z if z > 0 else alpha z, elementwise (seed 002 Table 1 with alpha = 0.01).

    Implements: Eq. {eq-part2-relu}
    """
    z = as_float_array("z", z, allow_empty=True)
    alpha = check_alpha(alpha)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_prime(z: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """f'(z) = 1 if z > 0 else alpha (Eq. {eq-part2-leaky-prime}).

    At the kink z = 0 we take alpha, so that alpha = 0 gives ReLU's convention
    ReLU'(0) = 0; seed 002 Table 1 takes 1.  Any value in [alpha, 1] is a valid choice
    there (for alpha <= 1), and z == 0 exactly almost never happens.

    Implements: Eq. {eq-part2-leaky-prime}
    """
    z = as_float_array("z", z, allow_empty=True)
    alpha = check_alpha(alpha)
    return np.where(z > 0, 1.0, alpha)


@finite_result("leaky_relu_forward")
def leaky_relu_forward(z: np.ndarray, alpha: float = 0.01) -> tuple[np.ndarray, LeakyReluCache]:
    """a = leaky_relu(z, alpha); the cache (a :class:`LeakyReluCache`) holds z and alpha."""
    out = leaky_relu(z, alpha)
    return out, LeakyReluCache(as_float_array("z", z, allow_empty=True), float(alpha))


@finite_result("leaky_relu_backward")
def leaky_relu_backward(dout: np.ndarray, cache: LeakyReluCache) -> np.ndarray:
    """dz = da * (1 if z > 0 else alpha) (Eq. {eq-part2-leaky-prime}; seed 002 Table 1, with
    alpha at z = 0 where the source takes 1).

    dout and the cached z have the same (any) shape, e.g. (N, D) or (N, F, H, W); so does
    the result.

    Implements: Eqs. {eq-part2-elementwise-backward}, {eq-part2-leaky-prime}
    """
    z, alpha = check_cache(cache, LeakyReluCache, "leaky_relu_backward")
    dout = as_float_array("dout", dout, allow_empty=True)
    check_same_shape("dout", dout, "the cached pre-activation z", z)
    return dout * np.where(z > 0, 1.0, alpha)


# --------------------------------------------------------------------------- softmax
def _logits(name: str, z: object) -> np.ndarray:
    z = as_float_array(name, z)
    if z.ndim == 0:
        raise ValueError(f"{name} must have at least one axis (the K classes on the last axis); got a scalar")
    return z


def softmax(z: np.ndarray) -> np.ndarray:
    """s_i = exp(z_i) / sum_j exp(z_j) over the last axis (Eq. {eq-part2-softmax}).

    z has shape (..., K), e.g. (K,) or (N, K); so has the result, whose rows sum to 1.
    Each row is shifted by its maximum first (softmax(z) = softmax(z - c) for any c), so
    no exponential overflows: logits of +-1000 give exact results.

    Implements: Eqs. {eq-part2-softmax}, {eq-part2-softmax-shift}
    """
    z = _logits("z", z)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


@finite_result("softmax_jacobian")
def softmax_jacobian(z: np.ndarray) -> np.ndarray:
    """The Jacobian J[i, j] = ds_i/dz_j = s_i (delta_ij - s_j) (Eq. {eq-part2-softmax-jacobian}).

    z (K,) -> J (K, K); a batch z (N, K) -> (N, K, K), one Jacobian per row.
    J = diag(s) - s s^T is symmetric; seed 002 Table 1 gives only its diagonal.

    Implements: Eq. {eq-part2-softmax-jacobian}
    """
    z = _logits("z", z)
    if z.ndim > 2:
        raise ValueError(f"z must be (K,) or (N, K); got shape {z.shape}")
    check_array_memory(f"softmax_jacobian(z of shape {z.shape}): the Jacobians (..., K, K) and two temporaries", (*z.shape, z.shape[-1]), z.dtype, copies=3)
    s = softmax(z)
    eye = np.eye(s.shape[-1])
    return s[..., :, None] * eye - s[..., :, None] * s[..., None, :]


def softmax_forward(z: np.ndarray) -> tuple[np.ndarray, SoftmaxCache]:
    """s = softmax(z) over the last axis; the cache (a :class:`SoftmaxCache`) holds the output s."""
    s = softmax(z)
    return s, SoftmaxCache(s)


@finite_result("softmax_backward")
def softmax_backward(dout: np.ndarray, cache: SoftmaxCache) -> np.ndarray:
    """dz = s * (ds - sum_k ds_k s_k), row by row (Eq. {eq-part2-softmax-backward}).

    Not in the sources (seed 002 Table 1 gives only the Jacobian's diagonal, an erratum).
    This is J^T ds for the Jacobian J of :func:`softmax_jacobian`, computed in O(K)
    per row instead of forming the K x K matrix.  dout (..., K), e.g. (N, K), and the
    cached output s have the same shape; so does dz.

    Implements: Eq. {eq-part2-softmax-backward}
    """
    (s,) = check_cache(cache, SoftmaxCache, "softmax_backward")
    dout = as_float_array("dout", dout)
    check_same_shape("dout", dout, "the softmax output", s)
    return s * (dout - np.sum(dout * s, axis=-1, keepdims=True))
