"""Average and max pooling, forward and backward (book: "Backprop through pooling").

Shapes (book notation page): N samples, C channels, H x W input maps.
    x    (N, C, H, W)
    out  (N, C, H', W')   H' = (H - size) // stride + 1, W' likewise (seed 002 Eq. 2.2,
                          with the floor that the source leaves out)
    dout (N, C, H', W')   -> dx (N, C, H, W)

``stride`` defaults to ``size`` (non-overlapping windows, the LeNet case).  Input rows
and columns that no window covers (when H - size is not a multiple of stride) get a
zero gradient, as in every framework.

Two implementations of each layer:

* the fast path has no Python loop over pixels or batch items: for ``stride == size``
  the maps are reshaped to (N, C, H', size, W', size) so that each window is two axes
  (average pooling then adds the size * size slices of that view, whole arrays at a time);
  for any other stride the windows are a strided view of x and the backward pass loops
  only over the size * size positions inside a window (25 iterations for 5 x 5),
  accumulating with ``+=`` so that overlapping windows add up;
* ``*_naive`` loops over every sample, channel and output pixel: the reference that the
  tests compare the fast path with.

Ties in max pooling: when several entries of a window share the maximum, the FIRST one in
row-major order (the order of ``window.ravel()``, i.e. ``np.argmax``) is the winner and gets
the whole gradient; the others get zero.  At a tie max() is not differentiable and a
centered finite difference sees half of the gradient on each tied entry, so the chosen
rule is a valid subgradient, not "the" derivative.
"""

from __future__ import annotations

import numpy as np

from backprop._caches import AvgPoolCache, MaxPoolCache
from backprop._layout import as_nchw, batch_last, empty_maps, is_batch_last
from backprop._parallel import map_over_batch
from backprop._validation import (
    as_float_array,
    check_array_memory,
    check_cache,
    check_loop_work,
    check_positive_int,
    finite_result,
)
from backprop.conv import conv_output_size

__all__ = [
    "pool_output_size",
    "avg_pool2d_forward",
    "avg_pool2d_backward",
    "max_pool2d_forward",
    "max_pool2d_backward",
    "avg_pool2d_forward_naive",
    "avg_pool2d_backward_naive",
    "max_pool2d_forward_naive",
    "max_pool2d_backward_naive",
]


def pool_output_size(size_in: int, size: int, stride: int) -> int:
    """Number of windows along one axis: floor((size_in - size) / stride) + 1 (Eq. {eq-part3-pool-size}).

    Raises ``ValueError`` when the window is larger than the input (no window fits).

    Implements: Eq. {eq-part3-pool-size}
    """
    size_in = check_positive_int("size_in", size_in)
    size = check_positive_int("size", size)
    stride = check_positive_int("stride", stride)
    if size > size_in:
        raise ValueError(f"the pooling window (size={size}) is larger than the input (size_in={size_in}); no window fits")
    return conv_output_size(size_in, size, stride)


def _check(x: object, size: object, stride: object) -> tuple[np.ndarray, int, int, int, int]:
    x = as_float_array("x", x, ndim=4)
    size = check_positive_int("size", size)
    stride = size if stride is None else check_positive_int("stride", stride)
    H, W = x.shape[2:]
    if size > H or size > W:
        raise ValueError(
            f"the pooling window (size={size}) is larger than the input maps: x has shape {x.shape} "
            f"(N, C, H, W) with H={H}, W={W}; size must be at most {min(H, W)}"
        )
    return x, size, stride, pool_output_size(H, size, stride), pool_output_size(W, size, stride)


def _check_dout(dout: object, x_shape: tuple[int, ...], out_shape: tuple[int, ...]) -> np.ndarray:
    dout = as_float_array("dout", dout, ndim=4)
    if dout.shape != out_shape:
        raise ValueError(
            f"dout has shape {dout.shape} but the pooling layer's output had shape {out_shape} "
            f"(N, C, H', W') for an input of shape {x_shape}"
        )
    return dout


def _windows(x: np.ndarray, size: int, stride: int, Ho: int, Wo: int) -> np.ndarray:
    """A read-only view (N, C, H', W', size, size): window [n, c, i, j] is x[n, c, i*s:i*s+size, j*s:j*s+size]."""
    view = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(2, 3))
    return view[:, :, : (Ho - 1) * stride + 1 : stride, : (Wo - 1) * stride + 1 : stride]


def _blocks(x: np.ndarray, size: int, Ho: int, Wo: int) -> np.ndarray:
    """stride == size: the covered part of x reshaped to (N, C, H', size, W', size)."""
    N, C = x.shape[:2]
    return x[:, :, : Ho * size, : Wo * size].reshape(N, C, Ho, size, Wo, size)


def _block_sum(blocks: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Sum of each window of ``blocks`` (N, C, H', size, W', size) into ``total`` (N, C, H', W').

    size * size whole-array additions instead of a reduction over two strided axes (numpy's
    ``sum(axis=(3, 5))`` walks those axes element by element, which is slow for 2 x 2).
    The order, each window row summed left to right and then the rows top to bottom, is
    the order of that reduction, so the result is the same to the last bit (when H' and
    W' both exceed 1: for a single row or column of windows numpy may reorder its loops).
    """
    size = blocks.shape[3]
    row = total
    for u in range(size):
        np.copyto(row, blocks[:, :, :, u, :, 0])
        for v in range(1, size):
            row += blocks[:, :, :, u, :, v]
        if u:
            total += row
        elif size > 1:
            row = np.empty_like(total)
    return total


# ----------------------------------------------------------------------------- average


@finite_result("avg_pool2d_forward")
def avg_pool2d_forward(x: np.ndarray, size: int = 2, stride: int | None = None) -> tuple[np.ndarray, AvgPoolCache]:
    """out[n, c, i, j] = (1 / size^2) * sum of the window of x at (i*stride, j*stride).

    x (N, C, H, W) -> out (N, C, H', W'), same dtype as x.  Seed 000 calls this 2x2
    average pooling ("the kernel weights are fixed as 0.25"); seed 004 writes the 1/4.
    Returns ``(out, cache)``; pass ``cache`` unchanged to :func:`avg_pool2d_backward`.

    Implements: Eq. {eq-part3-avgpool}
    """
    x, size, stride, Ho, Wo = _check(x, size, stride)
    if stride == size:  # a range of samples (or of channels) at a time (bp.set_num_threads; the same bits)
        by_channel = is_batch_last(x)  # the output keeps x's layout; batch-last maps are split by channels
        blocks, out = _blocks(x, size, Ho, Wo), empty_maps((*x.shape[:2], Ho, Wo), x.dtype, by_channel)

        def part(start, stop):
            rows = (slice(None), slice(start, stop)) if by_channel else slice(start, stop)
            np.divide(_block_sum(blocks[rows], out[rows]), size * size, out=out[rows])

        map_over_batch(part, x.shape[1] if by_channel else len(x), x.nbytes)
    else:
        out = _windows(x, size, stride, Ho, Wo).mean(axis=(4, 5))
    return out.astype(x.dtype, copy=False), AvgPoolCache(x.shape, x.dtype, size, stride)


@finite_result("avg_pool2d_backward")
def avg_pool2d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Backward pass of average pooling: Eq. {eq-part3-avgpool-backward}.

    Each input pixel receives dout / size^2 from every window that contains it:
    dx[n, c, r, s] = sum over windows (i, j) containing (r, s) of dout[n, c, i, j] / size^2.
    For stride == size this is the up-sampling of seed 000 Eq. (A.25)/(A.30) times the
    factor 1/size^2 that A.25 leaves out (seed 004, page 4, has the 1/4).

    dout (N, C, H', W') -> dx (N, C, H, W), dtype of x.

    Implements: Eqs. {eq-part3-avgpool-backward}, {eq-part3-avgpool-upsample}
    """
    x_shape, dtype, size, stride = check_cache(cache, AvgPoolCache, "avg_pool2d_backward")
    Ho, Wo = pool_output_size(x_shape[2], size, stride), pool_output_size(x_shape[3], size, stride)
    dout = _check_dout(dout, x_shape, (*x_shape[:2], Ho, Wo))
    covered = stride == size and x_shape[2] == Ho * size and x_shape[3] == Wo * size
    if stride == size:  # the maps of the layer below are batch-last (backprop._layout): so is the gradient
        dout = as_nchw(batch_last(dout))  # no copy when dout is batch-last already (a conv layer's gradient)
    by_channel = is_batch_last(dout)  # batch-last maps are split by channels
    dx = empty_maps(x_shape, dtype, by_channel)
    if not covered:
        dx[...] = 0  # rows and columns no window covers get a zero gradient
    if stride == size:  # a range of samples (or of channels) at a time (bp.set_num_threads; the same bits)
        N, C = x_shape[:2]
        blocks = dx[:, :, : Ho * size, : Wo * size].reshape(N, C, Ho, size, Wo, size)

        def part(start, stop):
            rows = (slice(None), slice(start, stop)) if by_channel else slice(start, stop)
            share = (dout[rows] / (size * size)).astype(dtype, copy=False)
            for u in range(size):  # size^2 whole-array copies: faster than one broadcast into the 6-D view
                for v in range(size):
                    blocks[rows][:, :, :, u, :, v] = share

        map_over_batch(part, C if by_channel else N, dx.nbytes)
    else:
        share = (dout / (size * size)).astype(dtype, copy=False)
        for u in range(size):  # loop over the positions inside a window, not over pixels
            for v in range(size):
                dx[:, :, u : u + (Ho - 1) * stride + 1 : stride, v : v + (Wo - 1) * stride + 1 : stride] += share
    return dx


def avg_pool2d_forward_naive(x: np.ndarray, size: int = 2, stride: int | None = None) -> tuple[np.ndarray, tuple]:
    """Loop-based reference for :func:`avg_pool2d_forward` (same arguments, same result).

    Implements: Eq. {eq-part3-avgpool}
    """
    x, size, stride, Ho, Wo = _check(x, size, stride)
    N, C = x.shape[:2]
    check_loop_work("avg_pool2d_forward_naive", f"x of shape {x.shape}, size={size}", N * C * Ho * Wo, size * size)
    out = np.zeros((N, C, Ho, Wo), dtype=x.dtype)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    window = x[n, c, i * stride : i * stride + size, j * stride : j * stride + size]
                    out[n, c, i, j] = window.sum() / (size * size)
    return out, AvgPoolCache(x.shape, x.dtype, size, stride)


def avg_pool2d_backward_naive(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Loop-based reference for :func:`avg_pool2d_backward`: dout (N, C, H', W') -> dx (N, C, H, W).

    Implements: Eq. {eq-part3-avgpool-backward}
    """
    x_shape, dtype, size, stride = check_cache(cache, AvgPoolCache, "avg_pool2d_backward_naive")
    N, C = x_shape[:2]
    Ho, Wo = pool_output_size(x_shape[2], size, stride), pool_output_size(x_shape[3], size, stride)
    dout = _check_dout(dout, x_shape, (N, C, Ho, Wo))
    check_loop_work("avg_pool2d_backward_naive", f"dout of shape {dout.shape}, size={size}", N * C * Ho * Wo, size * size)
    dx = np.zeros(x_shape, dtype=dtype)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    dx[n, c, i * stride : i * stride + size, j * stride : j * stride + size] += dout[n, c, i, j] / (
                        size * size
                    )
    return dx


# ----------------------------------------------------------------------------- max


def max_pool2d_forward(x: np.ndarray, size: int = 2, stride: int | None = None) -> tuple[np.ndarray, tuple]:
    """out[n, c, i, j] = max of the window of x at (i*stride, j*stride) (seed 002 Eq. 3.5).

    x (N, C, H, W) -> out (N, C, H', W'), same dtype as x.  The cache keeps, for every
    window, the row-major index (0 .. size^2 - 1) of its winner: the first maximum in
    row-major order when several entries tie.

    Implements: Eq. {eq-part3-maxpool} (seed 002 Eq. 3.5)
    """
    x, size, stride, Ho, Wo = _check(x, size, stride)
    N, C = x.shape[:2]
    check_array_memory(f"max_pool2d_forward(x of shape {x.shape}, size={size}, stride={stride}): the windows (N, C, H', W', size^2)", (N, C, Ho, Wo, size * size), x.dtype)
    if stride == size:
        flat = _blocks(x, size, Ho, Wo).transpose(0, 1, 2, 4, 3, 5).reshape(N, C, Ho, Wo, size * size)
    else:
        flat = _windows(x, size, stride, Ho, Wo).reshape(N, C, Ho, Wo, size * size)
    winner = flat.argmax(axis=-1)  # argmax returns the first maximum: the documented tie rule
    out = np.take_along_axis(flat, winner[..., None], axis=-1)[..., 0]
    return out, MaxPoolCache(x.shape, x.dtype, size, stride, winner)


def max_pool2d_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Backward pass of max pooling: Eq. {eq-part3-maxpool-backward}.

    The whole of dout[n, c, i, j] goes to the window's winner and nothing to the other
    size^2 - 1 entries (the "single winning unit" of seed 002's text, which its
    Eq. 3.66, an up-sampling to every position, contradicts).  Ties: the first maximum
    in row-major order wins (see the module docstring).  Overlapping windows add up.

    dout (N, C, H', W') -> dx (N, C, H, W), dtype of x.

    Implements: Eq. {eq-part3-maxpool-backward}
    """
    x_shape, dtype, size, stride, winner = check_cache(cache, MaxPoolCache, "max_pool2d_backward")
    N, C = x_shape[:2]
    Ho, Wo = winner.shape[2:]
    check_array_memory("max_pool2d_backward: the routed error (N, C, H', W', size^2)", (N, C, Ho, Wo, size * size), dtype, copies=2)
    dout = _check_dout(dout, x_shape, (N, C, Ho, Wo)).astype(dtype, copy=False)
    dx = np.zeros(x_shape, dtype=dtype)
    if stride == size:
        onehot = winner[..., None] == np.arange(size * size)  # (N, C, H', W', size^2)
        routed = (onehot * dout[..., None]).reshape(N, C, Ho, Wo, size, size).transpose(0, 1, 2, 4, 3, 5)
        dx[:, :, : Ho * size, : Wo * size] = routed.reshape(N, C, Ho * size, Wo * size)
    else:
        for u in range(size):  # loop over the positions inside a window, not over pixels
            for v in range(size):
                dx[:, :, u : u + (Ho - 1) * stride + 1 : stride, v : v + (Wo - 1) * stride + 1 : stride] += np.where(
                    winner == u * size + v, dout, 0
                ).astype(dtype, copy=False)
    return dx


def max_pool2d_forward_naive(x: np.ndarray, size: int = 2, stride: int | None = None) -> tuple[np.ndarray, tuple]:
    """Loop-based reference for :func:`max_pool2d_forward` (same arguments, same result and cache).

    Implements: Eq. {eq-part3-maxpool} (seed 002 Eq. 3.5)
    """
    x, size, stride, Ho, Wo = _check(x, size, stride)
    N, C = x.shape[:2]
    check_loop_work("max_pool2d_forward_naive", f"x of shape {x.shape}, size={size}", N * C * Ho * Wo, 1000 * size * size)
    out = np.zeros((N, C, Ho, Wo), dtype=x.dtype)
    winner = np.zeros((N, C, Ho, Wo), dtype=np.intp)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    window = x[n, c, i * stride : i * stride + size, j * stride : j * stride + size]
                    best = 0
                    for k, value in enumerate(window.ravel()):  # strict ">" keeps the first maximum
                        if value > window.ravel()[best]:
                            best = k
                    winner[n, c, i, j] = best
                    out[n, c, i, j] = window.ravel()[best]
    return out, MaxPoolCache(x.shape, x.dtype, size, stride, winner)


def max_pool2d_backward_naive(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """Loop-based reference for :func:`max_pool2d_backward`: dout (N, C, H', W') -> dx (N, C, H, W).

    Implements: Eq. {eq-part3-maxpool-backward}
    """
    x_shape, dtype, size, stride, winner = check_cache(cache, MaxPoolCache, "max_pool2d_backward_naive")
    N, C = x_shape[:2]
    Ho, Wo = winner.shape[2:]
    dout = _check_dout(dout, x_shape, (N, C, Ho, Wo))
    check_loop_work("max_pool2d_backward_naive", f"dout of shape {dout.shape}, size={size}", N * C * Ho * Wo, size * size)
    dx = np.zeros(x_shape, dtype=dtype)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    u, v = divmod(int(winner[n, c, i, j]), size)
                    dx[n, c, i * stride + u, j * stride + v] += dout[n, c, i, j]
    return dx
