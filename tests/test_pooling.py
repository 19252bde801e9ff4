"""Average and max pooling: the fast path against the loops, both against finite differences."""

import numpy as np
import pytest

from backprop.gradcheck import assert_gradients_close, numerical_gradient
from backprop.pooling import (
    avg_pool2d_backward,
    avg_pool2d_backward_naive,
    avg_pool2d_forward,
    avg_pool2d_forward_naive,
    max_pool2d_backward,
    max_pool2d_backward_naive,
    max_pool2d_forward,
    max_pool2d_forward_naive,
    pool_output_size,
)

CASES = [  # (N, C, H, W, size, stride)
    (2, 3, 4, 4, 2, None),
    (1, 2, 5, 7, 2, 2),  # odd sizes: the last row / column is not covered
    (2, 1, 6, 6, 3, 3),
    (2, 2, 5, 5, 3, 1),  # overlapping windows
    (1, 3, 7, 6, 3, 2),  # overlapping, uneven
    (3, 1, 5, 4, 2, 3),  # gaps between windows
    (1, 1, 4, 4, 4, None),  # one window covers everything
    (2, 2, 3, 5, 1, 1),  # size 1: the identity
]

PAIRS = {
    "avg": (avg_pool2d_forward, avg_pool2d_backward, avg_pool2d_forward_naive, avg_pool2d_backward_naive),
    "max": (max_pool2d_forward, max_pool2d_backward, max_pool2d_forward_naive, max_pool2d_backward_naive),
}


@pytest.mark.parametrize("kind", ["avg", "max"])
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_backward_matches_finite_differences(kind, case, seed):
    N, C, H, W, size, stride = case
    fwd, bwd, _, _ = PAIRS[kind]
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, C, H, W))  # continuous draws: no ties almost surely
    out, cache = fwd(x, size, stride)
    g = rng.standard_normal(out.shape)  # L = sum(g * out), so dL/dout = g
    dx = bwd(g, cache)
    num = numerical_gradient(lambda z: np.sum(g * fwd(z, size, stride)[0]), x)
    assert_gradients_close(dx, num, tol=1e-7, name=f"{kind} pool dx")


@pytest.mark.parametrize("kind", ["avg", "max"])
@pytest.mark.parametrize("case", CASES)
def test_fast_path_equals_loops(kind, case):
    N, C, H, W, size, stride = case
    fwd, bwd, fwd_naive, bwd_naive = PAIRS[kind]
    rng = np.random.default_rng(7)
    x = rng.standard_normal((N, C, H, W))
    out, cache = fwd(x, size, stride)
    out_ref, cache_ref = fwd_naive(x, size, stride)
    np.testing.assert_allclose(out, out_ref, rtol=1e-12, atol=1e-14)
    g = rng.standard_normal(out.shape)
    np.testing.assert_allclose(bwd(g, cache), bwd_naive(g, cache_ref), rtol=1e-12, atol=1e-14)
    # the caches are interchangeable
    np.testing.assert_allclose(bwd(g, cache_ref), bwd_naive(g, cache), rtol=1e-12, atol=1e-14)


def test_random_shapes_fast_equals_loops():
    rng = np.random.default_rng(123)
    for _ in range(30):
        size = int(rng.integers(1, 4))
        stride = int(rng.integers(1, 4))
        H, W = int(rng.integers(size, 9)), int(rng.integers(size, 9))
        x = rng.standard_normal((int(rng.integers(1, 3)), int(rng.integers(1, 3)), H, W))
        for kind in ("avg", "max"):
            fwd, bwd, fwd_naive, bwd_naive = PAIRS[kind]
            out, cache = fwd(x, size, stride)
            out_ref, cache_ref = fwd_naive(x, size, stride)
            np.testing.assert_allclose(out, out_ref, rtol=1e-12, atol=1e-14)
            g = rng.standard_normal(out.shape)
            np.testing.assert_allclose(bwd(g, cache), bwd_naive(g, cache_ref), rtol=1e-12, atol=1e-14)


def test_avg_pool_values_and_the_quarter():
    x = np.arange(16, dtype=float).reshape(1, 1, 4, 4)
    out, cache = avg_pool2d_forward(x)
    np.testing.assert_array_equal(out[0, 0], [[2.5, 4.5], [10.5, 12.5]])
    dx = avg_pool2d_backward(np.ones((1, 1, 2, 2)), cache)
    np.testing.assert_array_equal(dx, np.full((1, 1, 4, 4), 0.25))  # 1/(k*k), not 1


def test_overlapping_windows_accumulate():
    x = np.zeros((1, 1, 3, 3))
    _, cache = avg_pool2d_forward(x, size=2, stride=1)
    dx = avg_pool2d_backward(np.ones((1, 1, 2, 2)), cache)
    # the centre pixel lies in all four windows, corners in one, edges in two
    np.testing.assert_array_equal(dx[0, 0], np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 4)


def test_max_pool_routes_to_the_winner_only():
    x = np.array([[1.0, 5.0, 0.0, -1.0], [2.0, 3.0, 7.0, 6.0], [0.0, 0.0, -2.0, -3.0], [9.0, 0.5, -4.0, -2.5]])
    out, cache = max_pool2d_forward(x[None, None])
    np.testing.assert_array_equal(out[0, 0], [[5.0, 7.0], [9.0, -2.0]])
    dout = np.array([[[[10.0, 20.0], [30.0, 40.0]]]])
    dx = max_pool2d_backward(dout, cache)[0, 0]
    expected = np.zeros((4, 4))
    expected[0, 1], expected[1, 2], expected[3, 0], expected[2, 2] = 10, 20, 30, 40
    np.testing.assert_array_equal(dx, expected)


@pytest.mark.parametrize("stride", [None, 1])
def test_max_pool_ties_first_in_row_major_order(stride):
    x = np.array([[[[3.0, 1.0], [3.0, 3.0]]]])  # three tied maxima; (0, 0) comes first
    out, cache = max_pool2d_forward(x, 2, stride)
    dx = max_pool2d_backward(np.array([[[[1.0]]]]), cache)
    np.testing.assert_array_equal(dx[0, 0], [[1.0, 0.0], [0.0, 0.0]])
    x2 = np.array([[[[0.0, 2.0], [2.0, 1.0]]]])  # tie between (0, 1) and (1, 0): (0, 1) wins
    _, cache2 = max_pool2d_forward(x2, 2, stride)
    np.testing.assert_array_equal(max_pool2d_backward(np.ones((1, 1, 1, 1)), cache2)[0, 0], [[0, 1], [0, 0]])
    _, cache_ref = max_pool2d_forward_naive(x2, 2, stride)
    np.testing.assert_array_equal(cache_ref[4], cache2[4])


def test_tie_finite_difference_splits_the_gradient():
    # At a tie max() has a kink: the centered difference sees 1/2 on each tied entry,
    # our rule gives 1 and 0, a valid subgradient: the one-sided slopes bracket it.
    x = np.array([[[[2.0, 2.0], [0.0, 1.0]]]])
    _, cache = max_pool2d_forward(x)
    dx = max_pool2d_backward(np.ones((1, 1, 1, 1)), cache)
    num = numerical_gradient(lambda z: max_pool2d_forward(z)[0].sum(), x)
    np.testing.assert_allclose(num[0, 0, 0, :], [0.5, 0.5], atol=1e-6)
    np.testing.assert_array_equal(dx[0, 0, 0, :], [1.0, 0.0])


@pytest.mark.parametrize("kind", ["avg", "max"])
@pytest.mark.parametrize("stride", [None, 1])
def test_dtype_preserved(kind, stride):
    fwd, bwd, _, _ = PAIRS[kind]
    x = np.random.default_rng(0).standard_normal((2, 3, 6, 6)).astype(np.float32)
    out, cache = fwd(x, 2, stride)
    assert out.dtype == np.float32
    dx = bwd(np.ones(out.shape, dtype=np.float32), cache)
    assert dx.dtype == np.float32
    ref = bwd(np.ones(out.shape), fwd(x.astype(np.float64), 2, stride)[1])
    np.testing.assert_allclose(dx, ref, rtol=1e-6)


def test_output_size_formula():
    assert pool_output_size(28, 2, 2) == 14
    assert pool_output_size(5, 2, 2) == 2  # floor((5 - 2) / 2) + 1
    assert pool_output_size(7, 3, 2) == 3


@pytest.mark.parametrize("fwd", [avg_pool2d_forward, max_pool2d_forward, avg_pool2d_forward_naive])
def test_bad_input(fwd):
    x = np.zeros((1, 1, 4, 4))
    with pytest.raises(ValueError, match=r"size must be an integer >= 1; got 0"):
        fwd(x, 0)
    with pytest.raises(ValueError, match=r"stride must be an integer >= 1; got 0"):
        fwd(x, 2, 0)
    with pytest.raises(TypeError, match=r"size must be an integer"):
        fwd(x, 2.0)
    with pytest.raises(ValueError, match=r"larger than the input maps.*\(1, 1, 4, 4\).*at most 4"):
        fwd(x, 5)
    with pytest.raises(ValueError, match=r"x must be 4-D; got 3-D with shape \(1, 4, 4\)"):
        fwd(x[0])
    with pytest.raises(TypeError, match=r"x must hold real floating-point numbers; got dtype int64"):
        fwd(np.zeros((1, 1, 4, 4), dtype=np.int64))
    with pytest.raises(ValueError, match=r"NaN"):
        fwd(np.full((1, 1, 4, 4), np.nan))


@pytest.mark.parametrize("kind", ["avg", "max"])
def test_bad_dout(kind):
    fwd, bwd, _, bwd_naive = PAIRS[kind]
    _, cache = fwd(np.zeros((2, 3, 4, 4)))
    with pytest.raises(ValueError, match=r"dout has shape \(2, 3, 4, 4\) but the pooling layer's output had shape \(2, 3, 2, 2\)"):
        bwd(np.zeros((2, 3, 4, 4)), cache)
    with pytest.raises(ValueError, match=r"dout has shape"):
        bwd_naive(np.zeros((2, 3, 2, 3)), cache)


def test_output_size_bad_input():
    with pytest.raises(ValueError, match=r"larger than the input \(size_in=3\)"):
        pool_output_size(3, 4, 1)
    with pytest.raises(ValueError, match=r"stride must be an integer >= 1; got 0"):
        pool_output_size(8, 2, 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,size", [((4, 6, 24, 24), 2), ((3, 12, 8, 8), 2), ((2, 3, 9, 12), 3), ((2, 2, 17, 17), 4)])
def test_average_fast_path_sums_in_numpys_order(dtype, shape, size):
    # the whole-array additions give the bits of numpy's mean over the two window axes (same order)
    x = np.random.default_rng(4).normal(size=shape).astype(dtype)
    out, _ = avg_pool2d_forward(x, size)
    n, c, h, w = shape
    blocks = x[:, :, : h // size * size, : w // size * size].reshape(n, c, h // size, size, w // size, size)
    np.testing.assert_array_equal(out, blocks.mean(axis=(3, 5)))
    assert out.dtype == dtype
