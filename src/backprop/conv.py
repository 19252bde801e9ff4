"""The convolution layer of a CNN, forward and backward (book: "Convolution, correlation and
shapes" and "Backprop through a convolution layer").

Like every framework's conv layer, the layer computes a *cross-correlation* (no kernel
flip), in NCHW layout:

    out[n, f, i, j] = b[f] + sum_{c, m, q} xp[n, c, s*i + m, s*j + q] w[f, c, m, q]

with xp the input zero-padded by ``padding`` on each side and s the stride.

Shapes (book notation page):
    x    (N, C, H, W)       N samples, C input channels (maps)
    w    (F, C, KH, KW)     F filters (output channels), each with one KH x KW kernel per input channel
    b    (F,)               one bias per filter, added once (not once per input channel)
    out  (N, F, H', W')     H' = floor((H + 2 padding - KH) / stride) + 1, likewise W'

The fast path is im2col plus matrix products (BLAS), on maps kept batch-last in memory
(``backprop._layout``: the shapes are (N, C, H, W) as above, the memory is a C-contiguous
(C, H, W, N) array).  The padded input's strided window view (C, H', W', N, KH, KW) is
copied once into the matrix ``cols`` of shape (C*KH*KW, H'*W'*N) (column (i, j, n) holds
the window that output (i, j) of sample n reads; with the batch axis last each window row
of every sample, W'*N numbers, is one run of memory).  The forward pass multiplies the
weights, an (F, C*KH*KW) matrix, by cols a block of output rows at a time (one
``np.matmul`` over strided views; each product stays in the cache, and the result is the
next layer's batch-last maps); the kernel gradient is the sum over those blocks of
cols[:, block] times dout[:, block]^T; the bias gradient is one sum.  The input gradient
(stride 1) adds, for each kernel offset (m, q), the product w[:, :, m, q]^T dout, with the
error widened by zero columns to the input's width, to the input gradient shifted by
(m, q): one run of H'*W*N numbers per channel, in two fixed halves of the offsets
(other strides: col2im, one whole-array addition per offset).  With
``bp.set_num_threads(n)`` the copies and the products of the blocks (the halves, the
channels) are shared over n threads and the sums stay in one, so the bits do not change;
BLAS's own threads may round the last bit differently with 1 and 2 threads (and float32
more visibly), which is why the notebooks run with OPENBLAS_NUM_THREADS=1.
``benchmarks/NOTES.md`` has the profile and timings behind these choices.
``conv2d_forward_naive`` / ``conv2d_backward_naive`` are the loop-based references the
tests compare against.  Floating dtypes are preserved: float32 in, float32 out.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from backprop._caches import ConvCache
from backprop._layout import as_nchw, batch_last
from backprop._parallel import map_over_batch
from backprop._validation import (
    as_float_array,
    check_array_memory,
    check_cache,
    check_int_at_least,
    check_loop_work,
    check_positive_int,
    finite_result,
)

__all__ = [
    "conv_output_size",
    "conv2d_forward",
    "conv2d_backward",
    "conv2d_forward_naive",
    "conv2d_backward_naive",
]


def check_padding(padding: object) -> int:
    """Return ``padding`` as an int, or raise if it is not an integer >= 0."""
    return check_int_at_least("padding", padding, 0)


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Output length along one axis: floor((size + 2 padding - kernel) / stride) + 1.

    Book Eq. {eq-part3-output-size}, seed 002 Eqs. 2.1-2.2 with the floor the source leaves
    out.  Raises ``ValueError`` when the kernel is larger than the padded input.

    Implements: Eq. {eq-part3-output-size} (seed 002 Eqs. 2.1-2.2)
    """
    size = check_positive_int("size", size)
    kernel = check_positive_int("kernel", kernel)
    stride = check_positive_int("stride", stride)
    padding = check_padding(padding)
    if kernel > size + 2 * padding:
        raise ValueError(
            f"the kernel ({kernel}) is larger than the padded input (size + 2*padding = {size} + 2*{padding} "
            f"= {size + 2 * padding}); no window fits"
        )
    return (size + 2 * padding - kernel) // stride + 1


def _check_forward(x, w, b, stride, padding):
    x = as_float_array("x", x, ndim=4)
    w = as_float_array("w", w, ndim=4)
    stride = check_positive_int("stride", stride)
    padding = check_padding(padding)
    n_filters, c_w, kh, kw = w.shape
    if x.shape[1] != c_w:
        raise ValueError(
            f"x has C = {x.shape[1]} channels (x has shape {x.shape}, i.e. (N, C, H, W)) but w expects C = {c_w} "
            f"(w has shape {w.shape}, i.e. (F, C, KH, KW))"
        )
    b = as_float_array("b", b, allow_empty=True)
    if b.shape != (n_filters,):
        raise ValueError(
            f"b must hold one bias per filter: w has F = {n_filters} filters (shape {w.shape}) "
            f"so b must have shape ({n_filters},); got shape {b.shape}"
        )
    hp, wp = x.shape[2] + 2 * padding, x.shape[3] + 2 * padding
    if kh > hp or kw > wp:
        raise ValueError(
            f"the kernel (KH, KW) = {(kh, kw)} (w has shape {w.shape}) is larger than the padded input "
            f"(H + 2*padding, W + 2*padding) = {(hp, wp)} (x has shape {x.shape}, padding = {padding}); no window fits"
        )
    return x, w, b, stride, padding


def _pad(xt: np.ndarray, padding: int) -> np.ndarray:
    """The batch-last maps xt (C, H, W, N) zero-padded by ``padding`` on each side of H and W."""
    if padding == 0:
        return xt
    return np.pad(xt, ((0, 0), (padding, padding), (padding, padding), (0, 0)))


def _windows(xpt: np.ndarray, kh: int, kw: int, stride: int, ho: int, wo: int) -> np.ndarray:
    """Strided view (C, H', W', N, KH, KW) of the padded batch-last input xpt (C, H, W, N):
    windows[c, i, j, n] = xpt[c, s*i:s*i+KH, s*j:s*j+KW, n]."""
    view = sliding_window_view(xpt, (kh, kw), axis=(1, 2))
    return view[:, ::stride, ::stride][:, :ho, :wo]


def _im2col(xpt: np.ndarray, kh: int, kw: int, stride: int, ho: int, wo: int) -> np.ndarray:
    """The matrix cols (C*KH*KW, H'*W'*N) with cols[(c, m, q), (i, j, n)] = xpt[c, s*i + m, s*j + q, n].

    One copy of the window view, in the order (C, KH, KW, H', W', N): with the batch axis
    last (and stride 1), each window row of every sample, W'*N numbers, is one run of
    memory on both sides of the copy.
    """
    c, n = xpt.shape[0], xpt.shape[3]
    view = _windows(xpt, kh, kw, stride, ho, wo)
    return np.ascontiguousarray(view.transpose(0, 4, 5, 1, 2, 3)).reshape(c * kh * kw, ho * wo * n)


def _col2im(dcols: np.ndarray, dxt: np.ndarray, kh: int, kw: int, stride: int, ho: int, wo: int) -> np.ndarray:
    """The adjoint of :func:`_im2col` for some channels: dxpt[c, s*i + m, s*j + q, n] += dcols[c, i, (m, q), (j, n)].

    dcols (C, H', KH*KW, W'*N), from one product per channel and output row; adds into
    ``dxt``, the padded input gradient in the batch-last layout (C, H, W, N), and returns
    it.  One whole-array addition per kernel offset (m, q), KH*KW of them, in the order m,
    then q, as in the loop reference; each moves runs of W'*N consecutive numbers (512
    for LeNet's C2).
    """
    c, n = dxt.shape[0], dxt.shape[3]
    blocks = dcols.reshape(c, ho, kh, kw, wo, n)
    for m in range(kh):  # loop over kernel offsets only, each step is a whole-array add
        for q in range(kw):
            dxt[:, m : m + stride * ho : stride, q : q + stride * wo : stride] += blocks[:, :, m, q]
    return dxt


#: The input gradient's products for half the kernel offsets are made in one call when they
#: take at most this many bytes together (:func:`_input_gradient`; small batches).
SMALL_PRODUCTS_BYTES = 512 * 1024

#: Output rows per product (see :func:`_rows_per_block`): OpenBLAS multiplies these small
#: matrices fastest with about this many columns in float64; in float32 one row each.
FLOAT64_BLOCK_COLUMNS = 2048


def _rows_per_block(ho: int, wo: int, n: int, dtype) -> int:
    """How many output rows each product of the conv layer takes: 1 in float32, and in float64
    the largest divisor r of H' with r*W'*N <= FLOAT64_BLOCK_COLUMNS (measured on this book's
    layers, benchmarks/NOTES.md).  It depends on the shapes and the dtype only, never on the
    thread count, so neither do the bits."""
    if np.dtype(dtype).itemsize < 8:
        return 1
    fitting = [r for r in range(1, ho + 1) if ho % r == 0 and r * wo * n <= FLOAT64_BLOCK_COLUMNS]
    return max(fitting, default=1)


def _by_blocks(cols: np.ndarray, blocks: int) -> np.ndarray:
    """cols (C*KH*KW, H'*W'*N) seen as ``blocks`` matrices (C*KH*KW, H'*W'*N / blocks), one per
    block of output rows: a strided view, no copy."""
    return cols.reshape(cols.shape[0], blocks, -1).transpose(1, 0, 2)


def _im2col_and_product(xpt: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int, ho: int, wo: int):
    """cols = :func:`_im2col` (C*KH*KW, H'*W'*N) and out (F, H', W', N) = w cols plus one bias per filter.

    The product w cols, with w as an (F, C*KH*KW) matrix, is done a block of output rows
    at a time (:func:`_rows_per_block`), by one ``np.matmul`` over strided views: each
    product (W'*N = 1,536 columns for LeNet's C1) stays in the cache, where one product
    36,864 columns long runs at memory speed, about twice slower.  The copy and the
    products go a range of blocks at a time: with several threads (``bp.set_num_threads``)
    each copies and multiplies its own rows, the same bits.
    """
    c, n = xpt.shape[0], xpt.shape[3]
    f, _, kh, kw = w.shape
    view = _windows(xpt, kh, kw, stride, ho, wo)  # (C, H', W', N, KH, KW)
    cols6 = np.empty((c, kh, kw, ho, wo, n), dtype=xpt.dtype)  # im2col's layout, before its reshape
    cols = cols6.reshape(c * kh * kw, ho * wo * n)
    out = np.empty((f, ho, wo, n), dtype=np.result_type(w, xpt))
    r = _rows_per_block(ho, wo, n, out.dtype)
    blocks_in, blocks_out = _by_blocks(cols, ho // r), out.reshape(f, ho // r, -1).transpose(1, 0, 2)
    w2, bias = w.reshape(f, -1), b[:, None]

    def blocks(start, stop):
        cols6[:, :, :, start * r : stop * r] = view[:, start * r : stop * r].transpose(0, 4, 5, 1, 2, 3)
        np.matmul(w2, blocks_in[start:stop], out=blocks_out[start:stop])
        blocks_out[start:stop] += bias

    map_over_batch(blocks, ho // r, cols.nbytes)
    return cols, out


@finite_result("conv2d_forward")
def conv2d_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int = 1, padding: int = 0):
    """out[n, f] = b[f] + sum_c (xp[n, c] star w[f, c]) with stride (Eq. {eq-part3-conv-layer}).

    x (N, C, H, W), w (F, C, KH, KW), b (F,) -> out (N, F, H', W') with
    H' = floor((H + 2 padding - KH) / stride) + 1.  Cross-correlation, as in every framework.
    Returns ``(out, cache)``; pass ``cache`` unchanged to :func:`conv2d_backward`.

    Implements: Eq. {eq-part3-conv-layer}
    """
    x, w, b, stride, padding = _check_forward(x, w, b, stride, padding)
    dtype = np.result_type(x, w, b)
    n, f = x.shape[0], w.shape[0]
    kh, kw = w.shape[2:]
    ho_, wo_ = (x.shape[2] + 2 * padding - kh) // stride + 1, (x.shape[3] + 2 * padding - kw) // stride + 1
    check_array_memory(  # the im2col matrix dominates; the padded copy and the output come on top
        f"conv2d_forward(x of shape {x.shape}, w of shape {w.shape}, stride={stride}, padding={padding}): "
        "the im2col matrix (C*KH*KW, N*H'*W') and the output",
        (x.shape[1] * kh * kw + 2 * f, n * ho_ * wo_), dtype,
    )
    check_array_memory(f"conv2d_forward: x zero-padded by {padding}", (n, x.shape[1], x.shape[2] + 2 * padding, x.shape[3] + 2 * padding), dtype)
    x, w, b = x.astype(dtype, copy=False), w.astype(dtype, copy=False), b.astype(dtype, copy=False)
    xpt = _pad(batch_last(x), padding)  # (C, H + 2 padding, W + 2 padding, N)
    ho, wo = ho_, wo_  # Eq. {eq-part3-output-size}; _check_forward made sure the kernel fits
    cols, out = _im2col_and_product(xpt, w, b, stride, ho, wo)  # cols (C*KH*KW, H'*W'*N), out (F, H', W', N)
    cache = ConvCache(x.shape, as_nchw(xpt), w, stride, padding, cols)  # cols kept: the backward pass needs them for dw
    return as_nchw(out), cache


def _check_dout(dout, x_shape, w_shape, stride, padding) -> np.ndarray:
    dout = as_float_array("dout", dout, ndim=4)
    n, _, h, wd = x_shape
    f, _, kh, kw = w_shape
    expected = (n, f, conv_output_size(h, kh, stride, padding), conv_output_size(wd, kw, stride, padding))
    if dout.shape != expected:
        raise ValueError(f"dout has shape {dout.shape} but the layer's output had shape {expected} (N, F, H', W')")
    return dout


@finite_result("conv2d_backward")
def conv2d_backward(dout: np.ndarray, cache: ConvCache, *, input_grad: bool = True) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Backward pass of :func:`conv2d_forward` (Eqs. {eq-part3-dx}, {eq-part3-dw}, {eq-part3-db};
    seed 000 Eqs. A.27-A.29, A.32-A.33; seed 002 Eqs. 3.67-3.74; seed 003 section 5).

    dout (N, F, H', W') -> dx (N, C, H, W), dw (F, C, KH, KW), db (F,):

    * db[f] = sum_{n, i, j} dout[n, f, i, j];
    * dw[f, c] = sum_n  xp[n, c] star dout[n, f]  (valid correlation of the padded input with
      the output error, the error dilated by the stride);
    * dx[n, c] = sum_f  dout[n, f] * w[f, c]  (full *convolution* of the error with the kernel,
      i.e. full correlation with rot180(w)), error dilated by the stride, padding cropped.

    Sums run over the batch: if the loss is a mean over N, ``dout`` already carries the 1/N.
    With ``input_grad=False`` (a first layer, whose input is the data) dx is not computed
    and ``None`` is returned in its place: it is the most expensive of the three.

    Implements: Eqs. {eq-part3-conv-delta}, {eq-part3-db}, {eq-part3-dw}, {eq-part3-dx}, {eq-part3-dilate}, {eq-part3-conv-fwd-grads}
    """
    x_shape, xp, w, stride, padding, cols = check_cache(cache, ConvCache, "conv2d_backward")
    dout = _check_dout(dout, x_shape, w.shape, stride, padding)
    n, f, ho, wo = dout.shape
    c, kh, kw = w.shape[1:]
    check_array_memory(
        f"conv2d_backward(dout of shape {dout.shape}): the im2col matrix and its gradient (C*KH*KW, N*H'*W')",
        (c * kh * kw, n * ho * wo), np.result_type(dout, w), copies=2 if input_grad else 1,
    )
    check_array_memory(
        f"conv2d_backward(dout of shape {dout.shape}): the per-sample kernel gradients (N, F, C*KH*KW)",
        (n, f, c * kh * kw), np.result_type(dout, w),
    )
    if cols is None:  # a cache of the naive reference
        cols = _im2col(batch_last(xp), kh, kw, stride, ho, wo)  # (C*KH*KW, H'*W'*N)
    dxt, dw, db = _backward_products(batch_last(dout), xp.shape, w, cols, stride, input_grad)
    if dxt is None:
        return None, dw, db
    h, wd = x_shape[2:]
    if padding:
        dxt = np.ascontiguousarray(dxt[:, padding : padding + h, padding : padding + wd])
    return as_nchw(dxt), dw, db


def _backward_products(dt, xp_shape, w, cols, stride, input_grad):
    """db = the summed error; dw = sum over blocks of output rows of cols[:, block] times dout[:, block]^T; if asked, the input gradient.

    ``dt`` is the error in the batch-last layout (F, H', W', N).  The kernel gradient, Eq.
    {eq-part3-dw} summed over n, i, j, is the sum over the blocks of output rows (as in the
    forward pass, :func:`_rows_per_block`) of the products cols[:, block] (C*KH*KW, r*W'*N)
    x dout[:, block]^T (r*W'*N, F), done by one ``np.matmul`` over strided views, summed
    over the blocks and transposed.  The input
    gradient, Eq. {eq-part3-dx}, is w^T dout scattered back (:func:`_input_gradient`).  With
    several threads (``bp.set_num_threads``) the kernel-gradient products are shared out by
    rows, then the input gradient by channels: every sum is the same, so are the bits.
    """
    f, ho, wo, n = dt.shape
    d_rows = dt.reshape(f, ho, -1).transpose(1, 0, 2)  # (H', F, W'*N)
    db = dt.reshape(f, -1).sum(axis=1)
    nb = ho // _rows_per_block(ho, wo, n, np.result_type(dt, cols))
    per_block = np.empty((nb, cols.shape[0], f), dtype=np.result_type(dt, cols))  # (blocks, C*KH*KW, F)
    cols_blocks, d_blocks_t = _by_blocks(cols, nb), dt.reshape(f, nb, -1).transpose(1, 2, 0)  # (blocks, C*KH*KW, .), (blocks, ., F)

    def blocks(start, stop):
        np.matmul(cols_blocks[start:stop], d_blocks_t[start:stop], out=per_block[start:stop])

    map_over_batch(blocks, nb, cols.nbytes)
    dw = per_block.sum(axis=0).T.reshape(w.shape)  # the sum over row blocks of Eq. {eq-part3-dw}, in one thread
    if not input_grad:
        return None, dw, db
    return _input_gradient(dt, d_rows, xp_shape, w, stride, cols.nbytes), dw, db


def _input_gradient(dt, d_rows, xp_shape, w, stride, nbytes):
    """The padded input gradient dxpt (C, H, W, N), batch-last: w^T dout scattered back to every window.

    Stride 1: for each kernel offset (m, q), the product w[:, :, m, q]^T (C, F) x dout,
    with the error widened by zero columns to the input's width W, is added to the input
    gradient shifted by (m, q): in the batch-last layout that shift is one run of H'*W*N
    numbers per channel (the zero columns fall on the positions no window reaches), and
    numpy adds such runs several times faster than the H'*C shorter runs of W'*N of a
    plain col2im.  The offsets are added in two halves, each into its own buffer, summed
    at the end: with several threads each half runs on its own, with one they run one
    after the other, the same sums.  Other strides: :func:`_col2im` of the products per
    channel and row, in the order m, then q, as in the loop reference.
    """
    f, ho, wo, n = dt.shape
    c, kh, kw = w.shape[1:]
    hp, wp = xp_shape[2:]
    dtype = np.result_type(w, dt)
    if stride != 1:
        w_t = w.reshape(f, c, kh * kw).transpose(1, 2, 0)[:, None]  # (C, 1, KH*KW, F): w^T, channel by channel
        dxt = np.zeros((c, hp, wp, n), dtype=dtype)

        def channels(start, stop):
            dcols = np.matmul(w_t[start:stop], d_rows)  # (C, H', KH*KW, W'*N): sum_f w[f, c, m, q] dout[n, f, i, j]
            _col2im(dcols, dxt[start:stop], kh, kw, stride, ho, wo)

        map_over_batch(channels, c, nbytes)
        return dxt
    wide = np.zeros((f, ho, wp, n), dtype=dtype)  # the error, zero in the columns j >= W' (no window starts there)
    wide[:, :, :wo] = dt
    wide, run = wide.reshape(f, -1), ho * wp * n
    w_off = np.ascontiguousarray(w.transpose(2, 3, 1, 0))  # (KH, KW, C, F): w[:, :, m, q]^T for each offset
    offsets = [(m, q) for m in range(kh) for q in range(kw)]
    halves = (offsets[: (len(offsets) + 1) // 2], offsets[(len(offsets) + 1) // 2 :])
    # two partial sums, always (whatever the thread count, so the bits never depend on it): the
    # first half of the offsets into one buffer, the second into another, added at the end.
    # A spare row in each: the last offsets' runs end q*N zeros past the last row.
    partial = [np.zeros((c, hp + 1, wp, n), dtype=dtype) for half in halves if half]

    # small products (short runs: small batches) all in one batched call per half, else one
    # call per offset into a buffer that stays in the cache; a rule of sizes, not threads
    together = len(halves[0]) * c * run * np.dtype(dtype).itemsize <= SMALL_PRODUCTS_BYTES

    def add_offsets(start, stop):
        product = None if together else np.empty((c, run), dtype=dtype)
        for half, buffer in zip(halves[start:stop], partial[start:stop]):
            flat = buffer.reshape(c, -1)
            if together:  # (offsets, C, H'*W*N) at once
                products = np.matmul(w_off[tuple(zip(*half))], wide)
            for k, (m, q) in enumerate(half):
                if together:
                    product = products[k]
                else:
                    np.matmul(w_off[m, q], wide, out=product)  # sum_f w[f, c, m, q] dout[n, f, i, j]
                at = (m * wp + q) * n  # dxp[c, m + i, q + j, n] is flat[c, at + (i * W + j) * N + n]
                flat[:, at : at + run] += product

    map_over_batch(add_offsets, len(partial), nbytes)
    if len(partial) == 2:
        partial[0] += partial[1]
    return np.ascontiguousarray(partial[0][:, :hp])


def conv2d_forward_naive(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int = 1, padding: int = 0):
    """Loop-based reference for :func:`conv2d_forward`: one explicit sum per output entry.

    Implements: Eq. {eq-part3-conv-layer}
    """
    x, w, b, stride, padding = _check_forward(x, w, b, stride, padding)
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    check_array_memory(f"conv2d_forward_naive: x zero-padded by {padding}", (n, c, h + 2 * padding, wd + 2 * padding), x.dtype)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ho = conv_output_size(h, kh, stride, padding)
    wo = conv_output_size(wd, kw, stride, padding)
    check_loop_work("conv2d_forward_naive", f"x of shape {x.shape} and w of shape {w.shape}", n * f * ho * wo, c * kh * kw)
    out = np.zeros((n, f, ho, wo), dtype=np.result_type(x, w, b))
    for i_n in range(n):
        for i_f in range(f):
            for i in range(ho):
                for j in range(wo):
                    window = xp[i_n, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
                    out[i_n, i_f, i, j] = np.sum(window * w[i_f]) + b[i_f]
    return out, ConvCache(x.shape, xp, w, stride, padding)


def conv2d_backward_naive(dout: np.ndarray, cache: ConvCache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Loop-based reference for :func:`conv2d_backward` (same equations, same shapes).

    Each output entry out[n, f, i, j] received xp[n, :, window] * w[f] + b[f]; so it sends
    dout[n, f, i, j] * w[f] back to its window of dxp, dout[n, f, i, j] * window to dw[f]
    and dout[n, f, i, j] to db[f].

    Implements: Eqs. {eq-part3-db}, {eq-part3-dw}, {eq-part3-dx}
    """
    x_shape, xp, w, stride, padding, _ = check_cache(cache, ConvCache, "conv2d_backward_naive")
    dout = _check_dout(dout, x_shape, w.shape, stride, padding)
    n, f, ho, wo = dout.shape
    kh, kw = w.shape[2:]
    check_loop_work("conv2d_backward_naive", f"dout of shape {dout.shape} and a kernel of shape {w.shape}", n * f * ho * wo, 3 * w.shape[1] * kh * kw)
    dxp = np.zeros(xp.shape, dtype=np.result_type(dout, w))
    dw = np.zeros(w.shape, dtype=np.result_type(dout, xp))
    db = np.zeros(f, dtype=dout.dtype)
    for i_n in range(n):
        for i_f in range(f):
            for i in range(ho):
                for j in range(wo):
                    g = dout[i_n, i_f, i, j]
                    rows = slice(i * stride, i * stride + kh)
                    cols = slice(j * stride, j * stride + kw)
                    dxp[i_n, :, rows, cols] += g * w[i_f]
                    dw[i_f] += g * xp[i_n, :, rows, cols]
                    db[i_f] += g
    h, wd = x_shape[2:]
    return dxp[:, :, padding : padding + h, padding : padding + wd].copy(), dw, db
