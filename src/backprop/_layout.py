"""Where the CNN layers keep their maps in memory: batch axis last.

Every conv, pooling and activation layer takes and returns maps of shape (N, C, H, W), as
the book writes them.  How those numbers lie in memory is a separate matter, invisible to
indexing, printing and arithmetic: the conv and pooling layers store their outputs
*batch-last*, as a C-contiguous (C, H, W, N) array seen through ``transpose(3, 0, 1, 2)``.
In that order a window row of every sample, W' * N numbers, is one run of memory, so the
im2col copy, col2im's additions and the pooling sums move long runs instead of runs of W'
(8 numbers for LeNet's C2).  Elementwise layers keep whatever layout they are given, so a
network's maps stay batch-last from its first convolution to its flatten.
``benchmarks/NOTES.md`` has the timings behind the choice.
"""

from __future__ import annotations

import numpy as np

__all__ = ["batch_last", "as_nchw", "is_batch_last", "empty_maps", "memory_order"]


def batch_last(x: np.ndarray) -> np.ndarray:
    """The maps x (N, C, H, W) as a C-contiguous (C, H, W, N) array: x's own memory (no copy)
    when it already is batch-last, else a copy."""
    return np.ascontiguousarray(x.transpose(1, 2, 3, 0))


def as_nchw(t: np.ndarray) -> np.ndarray:
    """A batch-last array t (C, H, W, N) seen as the maps (N, C, H, W): a view, no copy."""
    return t.transpose(3, 0, 1, 2)


def is_batch_last(x: np.ndarray) -> bool:
    """Whether the maps x (N, C, H, W) lie in memory as a C-contiguous (C, H, W, N) array."""
    return x.ndim == 4 and x.transpose(1, 2, 3, 0).flags.c_contiguous


def empty_maps(shape: tuple[int, int, int, int], dtype, batch_last: bool) -> np.ndarray:
    """An uninitialized array of maps of shape (N, C, H, W), batch-last in memory or C-contiguous."""
    if not batch_last:
        return np.empty(shape, dtype=dtype)
    n, c, h, w = shape
    return as_nchw(np.empty((c, h, w, n), dtype=dtype))


def memory_order(a: np.ndarray) -> tuple[int, ...] | None:
    """The axis order ``p`` in which ``a`` is C-contiguous (``a.transpose(p)`` is), or None
    when ``a`` is not one dense block of memory in any order (a slice with gaps)."""
    if a.flags.c_contiguous:
        return tuple(range(a.ndim))
    order = tuple(sorted(range(a.ndim), key=lambda i: -a.strides[i]))
    return order if a.transpose(order).flags.c_contiguous else None
