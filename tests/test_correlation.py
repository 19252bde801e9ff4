"""Tests of backprop.correlation against scipy.signal on random shapes, all three modes."""

import numpy as np
import pytest
from scipy import signal

from backprop import convolve2d, correlate2d, correlate2d_naive, rot180


def _pair(seed, allow_big_kernel):
    rng = np.random.default_rng(seed)
    h, w = rng.integers(1, 9, size=2)
    hi_k = 9 if allow_big_kernel else None
    kh = rng.integers(1, hi_k or h + 1)
    kw = rng.integers(1, hi_k or w + 1)
    return rng.normal(size=(h, w)), rng.normal(size=(kh, kw))


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("mode", ["valid", "full", "same"])
def test_against_scipy(seed, mode):
    x, k = _pair(seed, allow_big_kernel=mode != "valid")
    np.testing.assert_allclose(correlate2d(x, k, mode), signal.correlate2d(x, k, mode=mode), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(convolve2d(x, k, mode), signal.convolve2d(x, k, mode=mode), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_output_shapes(seed):
    x, k = _pair(seed, allow_big_kernel=False)
    (h, w), (kh, kw) = x.shape, k.shape
    assert correlate2d(x, k, "valid").shape == (h - kh + 1, w - kw + 1)
    assert correlate2d(x, k, "full").shape == (h + kh - 1, w + kw - 1)
    assert convolve2d(x, k, "same").shape == (h, w)


@pytest.mark.parametrize("seed", range(5))
def test_rot180_identities(seed):
    x, k = _pair(seed, allow_big_kernel=False)
    np.testing.assert_array_equal(rot180(k), np.rot90(k, 2))
    np.testing.assert_array_equal(rot180(rot180(k)), k)
    for mode in ("valid", "full"):
        np.testing.assert_allclose(convolve2d(x, k, mode), correlate2d(x, rot180(k), mode), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(correlate2d(x, k, mode), convolve2d(x, rot180(k), mode), rtol=1e-12, atol=1e-12)
    # full correlation of x with k is full convolution of k with x, turned around
    np.testing.assert_allclose(correlate2d(x, k, "full"), rot180(correlate2d(k, x, "full")), rtol=1e-12, atol=1e-12)


def test_rot180_stack():
    k = np.arange(24.0).reshape(2, 3, 2, 2)
    np.testing.assert_array_equal(rot180(k)[1, 2], k[1, 2][::-1, ::-1])


def test_definition_by_hand():
    x = np.arange(9.0).reshape(3, 3)
    k = np.array([[1.0, 2.0], [3.0, 4.0]])
    # correlation: window times kernel; convolution: window times kernel turned around
    assert correlate2d(x, k)[0, 0] == 0 * 1 + 1 * 2 + 3 * 3 + 4 * 4
    assert convolve2d(x, k)[0, 0] == 0 * 4 + 1 * 3 + 3 * 2 + 4 * 1


@pytest.mark.parametrize("seed", range(5))
def test_naive_matches(seed):
    x, k = _pair(seed, allow_big_kernel=False)
    np.testing.assert_allclose(correlate2d_naive(x, k), correlate2d(x, k), rtol=1e-12, atol=1e-12)


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"mode must be one of 'valid', 'full', 'same'; got 'circular'"):
        correlate2d(np.zeros((3, 3)), np.zeros((2, 2)), mode="circular")
    with pytest.raises(ValueError, match=r"kernel k \(KH, KW\) = \(4, 2\) must fit inside the input x \(H, W\) = \(3, 3\)"):
        convolve2d(np.zeros((3, 3)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"x must be 2-D; got 3-D with shape \(1, 3, 3\)"):
        correlate2d(np.zeros((1, 3, 3)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"k must be 2-D; got 1-D"):
        correlate2d(np.zeros((3, 3)), np.zeros(2))
    with pytest.raises(TypeError, match="k must hold real floating-point numbers"):
        correlate2d(np.zeros((3, 3)), np.ones((2, 2), dtype=int))
    with pytest.raises(ValueError, match=r"k must have at least 2 dimensions"):
        rot180(np.zeros(3))
