"""Tests of backprop.conv: the vectorized conv layer against the loop reference, finite
differences (float64, relative error < 1e-7), scipy.signal, and bad inputs."""

import numpy as np
import pytest
from scipy import signal

from backprop import (
    assert_gradients_close,
    conv2d_backward,
    conv2d_backward_naive,
    conv2d_forward,
    conv2d_forward_naive,
    conv_output_size,
    numerical_gradient,
)

# (N, C, H, W, F, KH, KW, stride, padding)
CASES = [
    (2, 3, 7, 6, 4, 3, 3, 1, 0),
    (1, 2, 8, 9, 3, 3, 2, 2, 1),
    (3, 1, 6, 6, 2, 5, 5, 1, 2),
    (2, 2, 9, 7, 3, 3, 3, 3, 0),
    (1, 3, 5, 8, 2, 2, 4, 2, 2),
    (2, 1, 4, 4, 1, 4, 4, 1, 0),
]


def _random_case(seed, case):
    n, c, h, w, f, kh, kw, stride, padding = case
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, c, h, w))
    wt = rng.normal(size=(f, c, kh, kw))
    b = rng.normal(size=(f,))
    return x, wt, b, stride, padding


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_vectorized_matches_naive(seed, case):
    x, w, b, stride, padding = _random_case(seed, case)
    out, cache = conv2d_forward(x, w, b, stride=stride, padding=padding)
    out_ref, cache_ref = conv2d_forward_naive(x, w, b, stride=stride, padding=padding)
    np.testing.assert_allclose(out, out_ref, rtol=1e-12, atol=1e-12)
    dout = np.random.default_rng(seed + 100).normal(size=out.shape)
    for got, want in zip(conv2d_backward(dout, cache), conv2d_backward_naive(dout, cache_ref)):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_without_input_grad_dw_and_db_are_unchanged(case):
    # a first layer skips dx (its input is the data); dw and db must be the very same numbers
    x, w, b, stride, padding = _random_case(3, case)
    out, cache = conv2d_forward(x, w, b, stride=stride, padding=padding)
    dout = np.random.default_rng(7).normal(size=out.shape)
    dx, dw, db = conv2d_backward(dout, cache)
    none, dw_only, db_only = conv2d_backward(dout, cache, input_grad=False)
    assert none is None and dx is not None
    np.testing.assert_array_equal(dw_only, dw)
    np.testing.assert_array_equal(db_only, db)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lenet_shapes_match_naive_in_both_dtypes(dtype):
    # the shapes the BLAS path meets in LeNet (C = 1 and C = 6), against the loop reference
    rng = np.random.default_rng(11)
    for n, c, h, f in [(3, 1, 12, 6), (2, 6, 9, 12), (2, 3, 8, 1)]:
        x = rng.normal(size=(n, c, h, h)).astype(dtype)
        w = rng.normal(size=(f, c, 5, 5)).astype(dtype)
        b = rng.normal(size=f).astype(dtype)
        out, cache = conv2d_forward(x, w, b)
        out_ref, cache_ref = conv2d_forward_naive(x, w, b)
        assert out.dtype == dtype and out.transpose(1, 2, 3, 0).flags.c_contiguous  # batch-last memory (backprop._layout)
        tol = 1e-5 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(out, out_ref, rtol=tol, atol=tol)
        dout = rng.normal(size=out.shape).astype(dtype)
        for got, want in zip(conv2d_backward(dout, cache), conv2d_backward_naive(dout, cache_ref)):
            assert got.dtype == dtype
            np.testing.assert_allclose(got, want, rtol=tol, atol=10 * tol)


@pytest.mark.parametrize("case", CASES)
def test_output_shape_formula(case):
    x, w, b, stride, padding = _random_case(0, case)
    out, _ = conv2d_forward(x, w, b, stride=stride, padding=padding)
    n, c, h, wd, f, kh, kw = case[:7]
    assert out.shape == (n, f, (h + 2 * padding - kh) // stride + 1, (wd + 2 * padding - kw) // stride + 1)
    assert out.shape[2] == conv_output_size(h, kh, stride, padding)
    assert out.shape[3] == conv_output_size(wd, kw, stride, padding)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("seed", [3, 4])
def test_gradients_against_finite_differences(seed, case):
    x, w, b, stride, padding = _random_case(seed, case)
    out, cache = conv2d_forward(x, w, b, stride=stride, padding=padding)
    weights = np.random.default_rng(seed + 7).normal(size=out.shape)

    def loss(_):
        return float(np.sum(conv2d_forward(x, w, b, stride=stride, padding=padding)[0] * weights))

    dx, dw, db = conv2d_backward(weights, cache)
    assert_gradients_close(dx, numerical_gradient(loss, x), tol=1e-7, name="dx")
    assert_gradients_close(dw, numerical_gradient(loss, w), tol=1e-7, name="dw")
    assert_gradients_close(db, numerical_gradient(loss, b), tol=1e-7, name="db")


def test_nonlinear_loss_gradient():
    x, w, b, stride, padding = _random_case(11, (2, 2, 6, 5, 3, 3, 2, 2, 1))

    def loss(_):
        return float(np.sum(np.tanh(conv2d_forward(x, w, b, stride=stride, padding=padding)[0]) ** 2))

    out, cache = conv2d_forward(x, w, b, stride=stride, padding=padding)
    t = np.tanh(out)
    dx, dw, db = conv2d_backward(2 * t * (1 - t**2), cache)
    assert_gradients_close(dx, numerical_gradient(loss, x), name="dx")
    assert_gradients_close(dw, numerical_gradient(loss, w), name="dw")
    assert_gradients_close(db, numerical_gradient(loss, b), name="db")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_single_channel_against_scipy(seed):
    rng = np.random.default_rng(seed)
    h, w, kh, kw = rng.integers(4, 9), rng.integers(4, 9), rng.integers(1, 4), rng.integers(1, 4)
    x = rng.normal(size=(h, w))
    k = rng.normal(size=(kh, kw))
    out, cache = conv2d_forward(x[None, None], k[None, None], np.zeros(1))
    np.testing.assert_allclose(out[0, 0], signal.correlate2d(x, k, mode="valid"), rtol=1e-12, atol=1e-12)
    g = rng.normal(size=out.shape[2:])
    dx, dw, db = conv2d_backward(g[None, None], cache)
    # error to the input: full convolution of the error with the kernel
    np.testing.assert_allclose(dx[0, 0], signal.convolve2d(g, k, mode="full"), rtol=1e-12, atol=1e-12)
    # kernel gradient: valid correlation of the input with the error
    np.testing.assert_allclose(dw[0, 0], signal.correlate2d(x, g, mode="valid"), rtol=1e-12, atol=1e-12)
    assert db[0] == pytest.approx(g.sum(), rel=1e-12)


def test_padding_same_as_scipy_same():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(7, 6))
    k = rng.normal(size=(3, 3))
    out, _ = conv2d_forward(x[None, None], k[None, None], np.zeros(1), padding=1)
    np.testing.assert_allclose(out[0, 0], signal.correlate2d(x, k, mode="same"), rtol=1e-12, atol=1e-12)


def test_multichannel_is_sum_of_scipy_correlations():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(2, 3, 6, 7))
    w = rng.normal(size=(4, 3, 3, 2))
    b = rng.normal(size=4)
    out, _ = conv2d_forward(x, w, b)
    for n in range(2):
        for f in range(4):
            want = sum(signal.correlate2d(x[n, c], w[f, c], mode="valid") for c in range(3)) + b[f]
            np.testing.assert_allclose(out[n, f], want, rtol=1e-12, atol=1e-12)


def test_float32_preserved():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 3, 8, 8)).astype(np.float32)
    w = rng.normal(size=(4, 3, 3, 3)).astype(np.float32)
    b = rng.normal(size=4).astype(np.float32)
    out, cache = conv2d_forward(x, w, b, stride=2, padding=1)
    assert out.dtype == np.float32
    dx, dw, db = conv2d_backward(np.ones_like(out), cache)
    assert dx.dtype == dw.dtype == db.dtype == np.float32
    out64, _ = conv2d_forward(x.astype(float), w.astype(float), b.astype(float), stride=2, padding=1)
    np.testing.assert_allclose(out, out64, rtol=1e-4, atol=1e-4)


def test_bias_added_once_per_filter():
    x = np.zeros((1, 5, 4, 4))
    w = np.zeros((2, 5, 3, 3))
    out, _ = conv2d_forward(x, w, np.array([1.5, -2.0]))
    np.testing.assert_array_equal(out[0, 0], 1.5)
    np.testing.assert_array_equal(out[0, 1], -2.0)


def test_conv_output_size_values():
    assert conv_output_size(32, 5) == 28
    assert conv_output_size(28, 5, stride=1, padding=2) == 28
    assert conv_output_size(7, 3, stride=2) == 3
    assert conv_output_size(8, 3, stride=2) == 3  # (8 - 3)/2 + 1 = 3.5 before the floor
    assert conv_output_size(5, 7, padding=1) == 1


def _ok():
    return np.zeros((2, 3, 6, 6)), np.zeros((4, 3, 3, 3)), np.zeros(4)


def test_bad_inputs():
    x, w, b = _ok()
    with pytest.raises(ValueError, match=r"kernel \(KH, KW\) = \(7, 7\).*larger than the padded input.*\(6, 6\)"):
        conv2d_forward(x, np.zeros((4, 3, 7, 7)), b)
    with pytest.raises(ValueError, match=r"larger than the padded input.*\(5, 5\)"):
        conv2d_forward_naive(np.zeros((1, 1, 5, 5)), np.zeros((1, 1, 6, 6)), np.zeros(1))
    with pytest.raises(ValueError, match="stride must be an integer >= 1; got 0"):
        conv2d_forward(x, w, b, stride=0)
    with pytest.raises(TypeError, match="stride must be an integer"):
        conv2d_forward(x, w, b, stride=1.5)
    with pytest.raises(ValueError, match="padding must be an integer >= 0; got -1"):
        conv2d_forward(x, w, b, padding=-1)
    with pytest.raises(ValueError, match=r"x has C = 3 channels.*\(2, 3, 6, 6\).*w expects C = 2.*\(4, 2, 3, 3\)"):
        conv2d_forward(x, np.zeros((4, 2, 3, 3)), b)
    with pytest.raises(ValueError, match=r"x must be 4-D; got 3-D with shape \(3, 6, 6\)"):
        conv2d_forward(x[0], w, b)
    with pytest.raises(ValueError, match=r"w must be 4-D; got 2-D"):
        conv2d_forward(x, w[0, 0], b)
    with pytest.raises(ValueError, match=r"F = 4 filters.*must have shape \(4,\); got shape \(3,\)"):
        conv2d_forward(x, w, np.zeros(3))
    with pytest.raises(TypeError, match="x must hold real floating-point numbers"):
        conv2d_forward(x.astype(int), w, b)
    with pytest.raises(ValueError, match="NaN"):
        conv2d_forward(np.full((2, 3, 6, 6), np.nan), w, b)


def test_bad_dout():
    x, w, b = _ok()
    out, cache = conv2d_forward(x, w, b)
    with pytest.raises(ValueError, match=r"dout has shape \(2, 4, 3, 3\) but the layer's output had shape \(2, 4, 4, 4\)"):
        conv2d_backward(np.zeros((2, 4, 3, 3)), cache)
    with pytest.raises(ValueError, match="dout must be 4-D"):
        conv2d_backward_naive(np.zeros((4, 4)), cache)


def test_conv_output_size_bad_inputs():
    with pytest.raises(ValueError, match=r"kernel \(7\) is larger than the padded input.*= 6"):
        conv_output_size(4, 7, padding=1)
    with pytest.raises(ValueError, match="stride must be an integer >= 1; got 0"):
        conv_output_size(4, 3, stride=0)
    with pytest.raises(ValueError, match="padding must be an integer >= 0; got -2"):
        conv_output_size(4, 3, padding=-2)


@pytest.mark.parametrize("shifted_error_bytes", [0, 1 << 40], ids=["per-offset", "by-kernel-rows"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_both_ways_of_the_input_gradient_match_the_loops(monkeypatch, shifted_error_bytes, dtype):
    # conv._input_gradient makes its products one kernel offset at a time (large batches) or one
    # kernel row at a time with the error shifted by every column (small ones); the size rule
    # picks one, so force each against the loops
    from backprop import conv

    monkeypatch.setattr(conv, "SHIFTED_ERROR_BYTES", shifted_error_bytes)
    monkeypatch.setattr(conv, "SHIFTED_ERROR_COLUMNS", 1 << 40)
    rng = np.random.default_rng(12)
    x = rng.normal(size=(3, 6, 12, 12)).astype(dtype)
    w = rng.normal(size=(12, 6, 5, 5)).astype(dtype)
    b = rng.normal(size=12).astype(dtype)
    out, cache = conv2d_forward(x, w, b)
    dout = rng.normal(size=out.shape).astype(dtype)
    dx, dw, db = conv2d_backward(dout, cache)
    dx_ref, _, _ = conv2d_backward_naive(dout, conv2d_forward_naive(x, w, b)[1])
    tol = 1e-4 if dtype == np.float32 else 1e-11
    np.testing.assert_allclose(dx, dx_ref, rtol=tol, atol=tol)
    for case in [c for c in CASES if c[7] == 1] + [(2, 2, 7, 9, 3, 2, 4, 1, 1)]:  # stride 1, padding, non-square kernels and maps
        x, w, b, stride, padding = _random_case(8, case)
        x, w, b = x.astype(dtype), w.astype(dtype), b.astype(dtype)
        out, cache = conv2d_forward(x, w, b, stride=stride, padding=padding)
        dout = rng.normal(size=out.shape).astype(dtype)
        dx_ref, _, _ = conv2d_backward_naive(dout, conv2d_forward_naive(x, w, b, stride=stride, padding=padding)[1])
        np.testing.assert_allclose(conv2d_backward(dout, cache)[0], dx_ref, rtol=tol, atol=tol)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_window_matrix_kept_or_rebuilt_in_chunks_gives_the_same_bits(monkeypatch, case, dtype):
    # conv2d_forward keeps its im2col matrix for the backward pass when it is small (KEEP_BYTES),
    # else copies it a chunk of output rows at a time, twice (SCRATCH_BYTES); the tests above
    # meet only the first way: force the second, with chunks of one block, and of two
    from backprop import conv

    x, w, b, stride, padding = _random_case(5, case)
    x, w, b = x.astype(dtype), w.astype(dtype), b.astype(dtype)
    out_kept, cache_kept = conv2d_forward(x, w, b, stride=stride, padding=padding)
    assert cache_kept.cols is not None
    dout = np.random.default_rng(6).normal(size=out_kept.shape).astype(dtype)
    kept = conv2d_backward(dout, cache_kept)
    monkeypatch.setattr(conv, "KEEP_BYTES", 0)
    block = x.shape[1] * w.shape[2] * w.shape[3] * out_kept.shape[3] * x.shape[0] * np.dtype(dtype).itemsize  # one row of blocks
    for scratch in (1, 2 * block):
        monkeypatch.setattr(conv, "SCRATCH_BYTES", scratch)
        out, cache = conv2d_forward(x, w, b, stride=stride, padding=padding)
        assert cache.cols is None
        np.testing.assert_array_equal(out, out_kept)
        for got, want in zip(conv2d_backward(dout, cache), kept):
            np.testing.assert_array_equal(got, want)
    out_ref, cache_ref = conv2d_forward_naive(x, w, b, stride=stride, padding=padding)
    tol = 1e-4 if dtype == np.float32 else 1e-11
    np.testing.assert_allclose(out, out_ref, rtol=tol, atol=tol)
    for got, want in zip(conv2d_backward(dout, cache), conv2d_backward_naive(dout, cache_ref)):
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
