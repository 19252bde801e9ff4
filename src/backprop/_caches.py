"""The named cache types that forward functions return and backward functions check.

Each forward function returns ``(out, cache)``; its backward function accepts only that
forward function's cache type (see :func:`backprop._validation.check_cache`), so that a
layer's output, another layer's cache, ``()`` or ``None`` raise a clear ``TypeError``
instead of silently producing gradients of the wrong shape.  Each type names the forward
function that makes it in its ``made_by`` attribute.  They are NamedTuples: unpacking and
indexing work as for the plain tuples they replace.  Callers need not look inside.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["DenseCache", "SigmoidCache", "ReluCache", "TanhCache", "LeakyReluCache", "SoftmaxCache", "ConvCache", "AvgPoolCache", "MaxPoolCache", "MLPCache"]


class DenseCache(NamedTuple):
    """What :func:`dense_backward` needs from :func:`dense_forward`: its input x (N, D_in) and W (D_out, D_in)."""

    x: np.ndarray
    W: np.ndarray
    made_by = "dense_forward"


class SigmoidCache(NamedTuple):
    """The cache of :func:`sigmoid_forward`: the output O = sigmoid(z)."""

    out: np.ndarray
    made_by = "sigmoid_forward"


class ReluCache(NamedTuple):
    """The cache of :func:`relu_forward`: the pre-activation z."""

    z: np.ndarray
    made_by = "relu_forward"


class TanhCache(NamedTuple):
    """The cache of :func:`tanh_forward`: the output a = tanh(z)."""

    out: np.ndarray
    made_by = "tanh_forward"


class LeakyReluCache(NamedTuple):
    """The cache of :func:`leaky_relu_forward`: the pre-activation z and the slope alpha."""

    z: np.ndarray
    alpha: float
    made_by = "leaky_relu_forward"


class SoftmaxCache(NamedTuple):
    """The cache of :func:`softmax_forward`: the output s = softmax(z), (..., K)."""

    s: np.ndarray
    made_by = "softmax_forward"


class ConvCache(NamedTuple):
    """The cache of :func:`conv2d_forward` (and of the naive reference), for :func:`conv2d_backward`."""

    x_shape: tuple
    xp: np.ndarray
    w: np.ndarray
    stride: int
    padding: int
    cols: np.ndarray | None = None  # the im2col matrix of the forward pass, reused by the backward pass
    made_by = "conv2d_forward"


class AvgPoolCache(NamedTuple):
    """The cache of :func:`avg_pool2d_forward`: the input's shape and dtype, size and stride."""

    x_shape: tuple
    dtype: np.dtype
    size: int
    stride: int
    made_by = "avg_pool2d_forward"


class MaxPoolCache(NamedTuple):
    """The cache of :func:`max_pool2d_forward`: as :class:`AvgPoolCache` plus each window's winner (N, C, H', W')."""

    x_shape: tuple
    dtype: np.dtype
    size: int
    stride: int
    winner: np.ndarray
    made_by = "max_pool2d_forward"


class MLPCache(NamedTuple):
    """The cache of :func:`backprop.mlp.mlp_forward`: one (DenseCache, SigmoidCache) pair per layer."""

    layers: tuple
    made_by = "mlp_forward"
