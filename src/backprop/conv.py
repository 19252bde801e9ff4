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
copied into the matrix ``cols`` of shape (C*KH*KW, H'*W'*N) (column (i, j, n) holds the
window that output (i, j) of sample n reads; with the batch axis last each window row of
every sample, W'*N numbers, is one run of memory).  The forward pass multiplies the
weights, an (F, C*KH*KW) matrix, by cols a block of output rows at a time (each product
stays in the cache, and the result is the next layer's batch-last maps); the kernel
gradient is the sum over those blocks of cols[:, block] times dout[:, block]^T; the bias
gradient is one sum.  A small cols is kept from the forward pass for the kernel gradient; a
large one (over ``KEEP_BYTES``) is never stored whole but copied a chunk of blocks at a
time, in each pass, into a scratch matrix that stays in the cache.  The input gradient
(stride 1) adds, for each kernel offset (m, q), the product w[:, :, m, q]^T dout, with the
error widened by zero columns to the input's width, to the input gradient shifted by
(m, q): one run of H'*W*N numbers per channel, in two fixed halves of the offsets; for a
small error, the offsets of a kernel row go in one product with the error shifted by every
kernel column (KH products instead of KH*KW; other strides: col2im, one whole-array
addition per offset).  With
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
from numpy.lib.stride_tricks import as_strided

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
    """Read-only strided view (C, H', W', N, KH, KW) of the padded batch-last input xpt (C, H, W, N):
    windows[c, i, j, n] = xpt[c, s*i:s*i+KH, s*j:s*j+KW, n].

    Made directly from xpt's strides (what ``sliding_window_view`` makes, after its checks:
    2 microseconds instead of 26, paid by every conv call, so it counts at small batches)."""
    s_c, s_h, s_w, s_n = xpt.strides
    shape, strides = (xpt.shape[0], ho, wo, xpt.shape[3], kh, kw), (s_c, stride * s_h, stride * s_w, s_n, s_h, s_w)
    if xpt.flags.c_contiguous:
        view = np.ndarray(shape, xpt.dtype, buffer=xpt, strides=strides)
        view.flags.writeable = False
        return view
    return as_strided(xpt, shape, strides, writeable=False)


def _col2im(dcols: np.ndarray, dxt: np.ndarray, kh: int, kw: int, stride: int, ho: int, wo: int) -> np.ndarray:
    """The adjoint of the window copy (:func:`_window_chunks`) for some channels: dxpt[c, s*i + m, s*j + q, n] += dcols[c, i, (m, q), (j, n)].

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


#: The input gradient goes one kernel row at a time, with the error shifted by every kernel
#: column in one (KW*F, H'*W*N) matrix, when that matrix takes at most this many bytes and
#: is either at most SHIFTED_ERROR_COLUMNS wide or at most SHIFTED_ERROR_ROWS deep; else one
#: kernel offset at a time (:func:`_input_gradient`).  OpenBLAS runs the (C, KW*F) x that
#: matrix products slower than the KH*KW small ones once it is both wide and deep (LeNet's
#: C2 from a batch of about 30 in float32).  A rule of sizes, measured on this book's
#: layers (benchmarks/NOTES.md, fifth round), never of threads.
SHIFTED_ERROR_BYTES = 1024 * 1024
SHIFTED_ERROR_COLUMNS = 2048
SHIFTED_ERROR_ROWS = 32

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


#: The window matrix (im2col) of a layer is kept from the forward pass for the kernel
#: gradient if it takes at most this many bytes.  A larger one is never built whole: each
#: chunk of blocks of output rows is copied into a scratch matrix of at most
#: :data:`SCRATCH_BYTES` (at least one block), multiplied while it is in the core's cache,
#: and dropped, and the backward pass copies it again.  LeNet's C1 matrix is 3.7 MB in
#: float32 for a batch of 64: written out and read back from memory it cost more than
#: copying it twice from the small input (benchmarks/NOTES.md, fifth round).  The products
#: are the same either way, so are the bits.
KEEP_BYTES = 1536 * 1024
SCRATCH_BYTES = 512 * 1024


def _window_chunks(xpt: np.ndarray, kh: int, kw: int, stride: int, ho: int, wo: int, r: int, start: int, stop: int, keep=None):
    """For the blocks ``start`` to ``stop`` of r output rows each: yield (b0, b1, cols), with
    cols (b1 - b0, C*KH*KW, r*W'*N) the window matrix of blocks b0 to b1, a chunk at a time.

    cols[b, (c, m, q), (i, j, n)] = xpt[c, s*(r*(b0 + b) + i) + m, s*j + q, n]: the columns of
    the im2col matrix (C*KH*KW, H'*W'*N) for those rows, copied in the order (C, KH, KW,
    rows, W', N): with the batch axis last each window row of every sample, W'*N numbers, is
    one run of memory on both sides.  Into ``keep`` (C, KH, KW, H', W', N), the whole matrix
    kept for the backward pass, if given (then in one chunk); else into scratch arrays of
    at most :data:`SCRATCH_BYTES`.
    """
    c, n = xpt.shape[0], xpt.shape[3]
    view = _windows(xpt, kh, kw, stride, ho, wo)  # (C, H', W', N, KH, KW)
    if keep is not None:
        keep[:, :, :, start * r : stop * r] = view[:, start * r : stop * r].transpose(0, 4, 5, 1, 2, 3)
        yield start, stop, _by_blocks(keep.reshape(c * kh * kw, -1), ho // r)[start:stop]
        return
    per_chunk = max(1, SCRATCH_BYTES // (c * kh * kw * r * wo * n * xpt.dtype.itemsize))
    for b0 in range(start, stop, per_chunk):
        b1 = min(b0 + per_chunk, stop)
        cols6 = np.empty((c, kh, kw, (b1 - b0) * r, wo, n), dtype=xpt.dtype)
        cols6[...] = view[:, b0 * r : b1 * r].transpose(0, 4, 5, 1, 2, 3)
        yield b0, b1, _by_blocks(cols6.reshape(c * kh * kw, -1), b1 - b0)


def _im2col_product(xpt: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int, ho: int, wo: int):
    """out (F, H', W', N) = w cols plus one bias per filter, with cols the im2col matrix
    (C*KH*KW, H'*W'*N) of :func:`_window_chunks` and w an (F, C*KH*KW) matrix; and cols
    itself if it is small enough to keep (:data:`KEEP_BYTES`), else None.

    The product goes a block of output rows at a time (:func:`_rows_per_block`), by one
    ``np.matmul`` per chunk of blocks (:func:`_window_chunks`): each product (W'*N = 1,536
    columns for LeNet's C1) stays in the cache, where one product 36,864 columns long runs at
    memory speed, about twice slower.  With several threads (``bp.set_num_threads``) each
    copies and multiplies its own blocks, the same bits.
    """
    c, n = xpt.shape[0], xpt.shape[3]
    f, _, kh, kw = w.shape
    out = np.empty((f, ho, wo, n), dtype=np.result_type(w, xpt))
    r = _rows_per_block(ho, wo, n, out.dtype)
    blocks_out = out.reshape(f, ho // r, -1).transpose(1, 0, 2)  # (blocks, F, r*W'*N)
    w2, bias = w.reshape(f, -1), b[:, None]
    cols_bytes = c * kh * kw * ho * wo * n * out.itemsize
    keep = np.empty((c, kh, kw, ho, wo, n), dtype=out.dtype) if cols_bytes <= KEEP_BYTES else None

    def blocks(start, stop):
        for b0, b1, cols in _window_chunks(xpt, kh, kw, stride, ho, wo, r, start, stop, keep):
            np.matmul(w2, cols, out=blocks_out[b0:b1])
            blocks_out[b0:b1] += bias

    map_over_batch(blocks, ho // r, cols_bytes)
    return out, None if keep is None else keep.reshape(c * kh * kw, -1)


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
    check_array_memory(  # the output; the window matrix goes a chunk at a time (SCRATCH_BYTES)
        f"conv2d_forward(x of shape {x.shape}, w of shape {w.shape}, stride={stride}, padding={padding}): the output",
        (f, n * ho_ * wo_), dtype,
    )
    check_array_memory(f"conv2d_forward: x zero-padded by {padding}", (n, x.shape[1], x.shape[2] + 2 * padding, x.shape[3] + 2 * padding), dtype)
    x, w, b = x.astype(dtype, copy=False), w.astype(dtype, copy=False), b.astype(dtype, copy=False)
    xpt = _pad(batch_last(x), padding)  # (C, H + 2 padding, W + 2 padding, N)
    ho, wo = ho_, wo_  # Eq. {eq-part3-output-size}; _check_forward made sure the kernel fits
    out, cols = _im2col_product(xpt, w, b, stride, ho, wo)  # (F, H', W', N), and the im2col matrix if kept
    return as_nchw(out), ConvCache(x.shape, as_nchw(xpt), w, stride, padding, cols)


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
    if input_grad:
        check_array_memory(
            f"conv2d_backward(dout of shape {dout.shape}): the error widened to the input's width, "
            "the input gradient's products and its two partial sums",
            (f + 3 * c, (xp.shape[2] + 1) * xp.shape[3] * n), np.result_type(dout, w),
        )
    check_array_memory(
        f"conv2d_backward(dout of shape {dout.shape}): the per-sample kernel gradients (N, F, C*KH*KW)",
        (n, f, c * kh * kw), np.result_type(dout, w),
    )
    dxt, dw, db = _backward_products(batch_last(dout), batch_last(xp), cols, w, stride, input_grad)
    if dxt is None:
        return None, dw, db
    h, wd = x_shape[2:]
    if padding:
        dxt = np.ascontiguousarray(dxt[:, padding : padding + h, padding : padding + wd])
    return as_nchw(dxt), dw, db


def _backward_products(dt, xpt, cols, w, stride, input_grad):
    """db = the summed error; dw = sum over blocks of output rows of cols[:, block] times dout[:, block]^T; if asked, the input gradient.

    ``dt`` is the error in the batch-last layout (F, H', W', N), ``xpt`` the padded input
    (C, H, W, N), ``cols`` the im2col matrix if the forward pass kept it (else None).  The kernel gradient, Eq. {eq-part3-dw} summed over n, i, j, is the sum over
    the blocks of output rows (as in the forward pass, :func:`_rows_per_block`) of the
    products cols[:, block] (C*KH*KW, r*W'*N) x dout[:, block]^T (r*W'*N, F), with the
    window matrix kept, or copied again a chunk at a time (:func:`_window_chunks`),
    multiplied by one ``np.matmul`` per chunk, summed over the blocks and transposed.  The input gradient, Eq.
    {eq-part3-dx}, is w^T dout scattered back (:func:`_input_gradient`).  With several threads
    (``bp.set_num_threads``) the kernel-gradient products are shared out by blocks, then the
    input gradient by halves of the kernel offsets: every sum is the same, so are the bits.
    """
    f, ho, wo, n = dt.shape
    c, kh, kw = w.shape[1:]
    d_rows = dt.reshape(f, ho, -1).transpose(1, 0, 2)  # (H', F, W'*N)
    db = dt.reshape(f, -1).sum(axis=1)
    dtype = np.result_type(dt, xpt)
    r = _rows_per_block(ho, wo, n, dtype)
    per_block = np.empty((ho // r, c * kh * kw, f), dtype=dtype)  # (blocks, C*KH*KW, F)
    d_blocks_t = dt.reshape(f, ho // r, -1).transpose(1, 2, 0)  # (blocks, r*W'*N, F)
    cols_bytes = c * kh * kw * ho * wo * n * dtype.itemsize  # the window matrix's size, as in the forward pass

    kept = None if cols is None else _by_blocks(cols, ho // r)

    def blocks(start, stop):
        chunks = [(start, stop, kept[start:stop])] if kept is not None else _window_chunks(xpt, kh, kw, stride, ho, wo, r, start, stop)
        for b0, b1, chunk in chunks:
            np.matmul(chunk, d_blocks_t[b0:b1], out=per_block[b0:b1])

    map_over_batch(blocks, ho // r, cols_bytes)
    dw = per_block.sum(axis=0).T.reshape(w.shape)  # the sum over row blocks of Eq. {eq-part3-dw}, in one thread
    if not input_grad:
        return None, dw, db
    return _input_gradient(dt, d_rows, (n, c, *xpt.shape[1:3]), w, stride, cols_bytes), dw, db


def _input_gradient(dt, d_rows, xp_shape, w, stride, nbytes):
    """The padded input gradient dxpt (C, H, W, N), batch-last: w^T dout scattered back to every window.

    Stride 1: for each kernel offset (m, q), the product w[:, :, m, q]^T (C, F) x dout,
    with the error widened by zero columns to the input's width W, is added to the input
    gradient shifted by (m, q): in the batch-last layout that shift is one run of H'*W*N
    numbers per channel (the zero columns fall on the positions no window reaches), and
    numpy adds such runs several times faster than the H'*C shorter runs of W'*N of a
    plain col2im.  The offsets are added in two fixed halves (:func:`_sum_in_two_halves`),
    so the bits do not depend on the thread count.  Other strides: :func:`_col2im` of the products per
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
    rows, columns = kw * f, ho * wp * n  # the shifted error's shape
    if rows * columns * np.dtype(dtype).itemsize <= SHIFTED_ERROR_BYTES and (columns <= SHIFTED_ERROR_COLUMNS or rows <= SHIFTED_ERROR_ROWS):
        return _input_gradient_by_kernel_rows(dt, w, hp, wp, dtype, nbytes)
    wide = np.zeros((f, ho, wp, n), dtype=dtype)  # the error, zero in the columns j >= W' (no window starts there)
    wide[:, :, :wo] = dt
    wide, run = wide.reshape(f, -1), ho * wp * n
    w_off = np.ascontiguousarray(w.transpose(2, 3, 1, 0))  # (KH, KW, C, F): w[:, :, m, q]^T for each offset

    def add_offsets(half, buffer):
        product = np.empty((c, run), dtype=dtype)  # one offset's product, in a buffer that stays in the cache
        flat = buffer.reshape(c, -1)
        for m, q in half:
            np.matmul(w_off[m, q], wide, out=product)  # sum_f w[f, c, m, q] dout[n, f, i, j]
            at = (m * wp + q) * n  # dxp[c, m + i, q + j, n] is flat[c, at + (i * W + j) * N + n]
            flat[:, at : at + run] += product

    # a spare row in each partial sum: the last offsets' runs end q*N zeros past the last row
    offsets = [(m, q) for m in range(kh) for q in range(kw)]
    total = _sum_in_two_halves(offsets, add_offsets, (c, hp + 1, wp, n), dtype, nbytes)
    return np.ascontiguousarray(total[:, :hp])


def _sum_in_two_halves(items: list, add_half, shape: tuple, dtype, nbytes: int) -> np.ndarray:
    """The sum, into zeros of ``shape``, of what ``add_half(half, buffer)`` adds for the two
    fixed halves of ``items``: each half into its own buffer, the second buffer added to the
    first at the end.  With several threads (``bp.set_num_threads``) each half runs on its
    own, with one they run one after the other: the same sums, whatever the thread count."""
    halves = [half for half in (items[: (len(items) + 1) // 2], items[(len(items) + 1) // 2 :]) if half]
    partial = [np.zeros(shape, dtype=dtype) for _ in halves]

    def run(start, stop):
        for half, buffer in zip(halves[start:stop], partial[start:stop]):
            add_half(half, buffer)

    map_over_batch(run, len(partial), nbytes)
    if len(partial) == 2:
        partial[0] += partial[1]
    return partial[0]


def _input_gradient_by_kernel_rows(dt, w, hp, wp, dtype, nbytes):
    """The stride-1 input gradient of :func:`_input_gradient` with KH products instead of KH*KW.

    The error is laid out once shifted by every kernel column q: shifted[(q, f), i, j, n] =
    dout[n, f, i, j - q] (zero where j - q is not an output column), a (KW*F, H'*W*N)
    matrix.  Then for each kernel row m, the product of w[:, :, m, :] arranged as a
    (C, KW*F) matrix with it sums over q and f at once, sum_{q, f} w[f, c, m, q]
    dout[n, f, i, j - q], which is the input gradient's row m + i: one addition of a run of
    H'*W*N numbers per channel.  The kernel rows go in two fixed halves
    (:func:`_sum_in_two_halves`).
    """
    f, ho, wo, n = dt.shape
    c, kh, kw = w.shape[1:]
    shifted = np.zeros((kw, f, ho, wp, n), dtype=dtype)
    for q in range(kw):
        shifted[q, :, :, q : q + wo] = dt
    shifted = shifted.reshape(kw * f, ho * wp * n)
    w_rows = np.ascontiguousarray(w.transpose(2, 1, 3, 0)).reshape(kh, c, kw * f)  # [m, c, (q, f)]
    row = wp * n  # one row of the input gradient, batch-last

    def add_rows(half, buffer):
        product = np.empty((c, ho * row), dtype=dtype)
        flat = buffer.reshape(c, -1)
        for m in half:
            np.matmul(w_rows[m], shifted, out=product)  # sum_{q, f} w[f, c, m, q] dout[n, f, i, j - q]
            flat[:, m * row : (m + ho) * row] += product  # rows m .. m + H' - 1 of dxp

    return _sum_in_two_halves(list(range(kh)), add_rows, (c, hp, wp, n), dtype, nbytes)


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
