"""The named cache types that forward functions return and backward functions check.

Each forward function returns ``(out, cache)``; its backward function accepts only that
forward function's cache type (see :func:`backprop._validation.check_cache`), so that a
layer's output, another layer's cache, ``()`` or ``None`` raise a clear ``TypeError``
instead of silently producing gradients of the wrong shape.  Each type names the forward
function that makes it in its ``made_by`` attribute.  They are NamedTuples: unpacking and
indexing work as for the plain tuples they replace.  Callers need not look inside.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

__all__ = ["DenseCache", "SigmoidCache", "ReluCache", "TanhCache", "LeakyReluCache", "SoftmaxCache", "ConvCache", "AvgPoolCache", "MaxPoolCache", "MLPCache"]


def _cache_type(name: str, made_by: str, doc: str, fields: dict[str, object], defaults: tuple = ()) -> type:
    """A NamedTuple type ``name`` with ``fields`` (name: type), made by the forward function ``made_by``.

    ``defaults`` are the values of the last fields, as for :func:`collections.namedtuple`.
    """
    cls = namedtuple(name, list(fields), defaults=defaults, module=__name__)
    cls.__annotations__ = dict(fields)  # what typing.NamedTuple records
    cls.__doc__ = doc
    cls.made_by = made_by
    return cls


DenseCache = _cache_type(
    "DenseCache", "dense_forward",
    "What :func:`dense_backward` needs from :func:`dense_forward`: its input x (N, D_in) and W (D_out, D_in).",
    {"x": np.ndarray, "W": np.ndarray},
)

SigmoidCache = _cache_type(
    "SigmoidCache", "sigmoid_forward", "The cache of :func:`sigmoid_forward`: the output O = sigmoid(z).",
    {"out": np.ndarray},
)

ReluCache = _cache_type(
    "ReluCache", "relu_forward", "The cache of :func:`relu_forward`: the pre-activation z.",
    {"z": np.ndarray},
)

TanhCache = _cache_type(
    "TanhCache", "tanh_forward", "The cache of :func:`tanh_forward`: the output a = tanh(z).",
    {"out": np.ndarray},
)

LeakyReluCache = _cache_type(
    "LeakyReluCache", "leaky_relu_forward",
    "The cache of :func:`leaky_relu_forward`: the pre-activation z and the slope alpha.",
    {"z": np.ndarray, "alpha": float},
)

SoftmaxCache = _cache_type(
    "SoftmaxCache", "softmax_forward", "The cache of :func:`softmax_forward`: the output s = softmax(z), (..., K).",
    {"s": np.ndarray},
)

ConvCache = _cache_type(
    "ConvCache", "conv2d_forward",
    "The cache of :func:`conv2d_forward` (and of the naive reference), for :func:`conv2d_backward`.",
    # cols: the im2col matrix (C*KH*KW, H'*W'*N) if it was small enough to keep (conv.KEEP_BYTES), else None
    {"x_shape": tuple, "xp": np.ndarray, "w": np.ndarray, "stride": int, "padding": int, "cols": np.ndarray | None},
    defaults=(None,),
)

_POOL_FIELDS = {"x_shape": tuple, "dtype": np.dtype, "size": int, "stride": int}

AvgPoolCache = _cache_type(
    "AvgPoolCache", "avg_pool2d_forward",
    "The cache of :func:`avg_pool2d_forward`: the input's shape and dtype, size and stride.",
    _POOL_FIELDS,
)

MaxPoolCache = _cache_type(
    "MaxPoolCache", "max_pool2d_forward",
    "The cache of :func:`max_pool2d_forward`: as :class:`AvgPoolCache` plus each window's winner (N, C, H', W').",
    {**_POOL_FIELDS, "winner": np.ndarray},
)

MLPCache = _cache_type(
    "MLPCache", "mlp_forward",
    "The cache of :func:`backprop.mlp.mlp_forward`: one (DenseCache, SigmoidCache) pair per layer.",
    {"layers": tuple},
)
