"""The Part III figure builders: the data each picture shows, and its size and lettering."""

import numpy as np
import pytest

from backprop import conv2d_backward, conv2d_forward, convolve2d, correlate2d
from backprop.figures.conv_backprop import (
    dilate_error,
    draw_full_convolution,
    draw_pixel_windows,
    draw_shared_weight,
    draw_stride_dilation,
    full_convolution_window,
    shared_weight_pairs,
    windows_reading_pixel,
)
from backprop.figures.kernel_flip import draw_kernel_flip, kernel_flip_data
from backprop.figures.pooling_routing import draw_max_pool_routing, max_pool_routing
from figure_checks import assert_readable_at_column_width


def _layer(h, w, kh, kw, stride=1, seed=0):
    rng = np.random.default_rng(seed)
    x, k = rng.normal(size=(1, 1, h, w)), rng.normal(size=(1, 1, kh, kw))
    out, cache = conv2d_forward(x, k, np.zeros(1), stride=stride)
    delta = rng.normal(size=out.shape)
    dx, dw, _ = conv2d_backward(delta, cache)
    return x[0, 0], k[0, 0], delta[0, 0], dx[0, 0], dw[0, 0]


@pytest.mark.parametrize("stride", [1, 2])
def test_the_shared_weight_pairs_sum_to_the_kernel_gradient(stride):
    x, k, delta, _, dw = _layer(6, 5, 3, 2, stride)
    for m, q in np.ndindex(k.shape):
        pairs = shared_weight_pairs(x.shape, k.shape, m, q, stride)
        assert len(pairs) == delta.size, "the weight is used once in every window"
        total = sum(delta[ij] * x[rt] for ij, rt in pairs)
        np.testing.assert_allclose(total, dw[m, q], rtol=1e-12)
    assert shared_weight_pairs((4, 4), (2, 2), 0, 1)[:2] == [((0, 0), (0, 1)), ((0, 1), (0, 2))]


@pytest.mark.parametrize("stride", [1, 2])
def test_the_windows_reading_a_pixel_sum_to_its_error(stride):
    x, k, delta, dx, _ = _layer(7, 6, 3, 3, stride, seed=1)
    for r, t in np.ndindex(x.shape):
        found = windows_reading_pixel(x.shape, k.shape, r, t, stride)
        total = sum(delta[ij] * k[mq] for ij, mq in found)
        np.testing.assert_allclose(total, dx[r, t], rtol=1e-12, atol=1e-14)
    # the picture's claim: the centre pixel of a 4x4 input is read by all four 3x3 windows
    assert windows_reading_pixel((4, 4), (3, 3), 1, 1) == [((0, 0), (1, 1)), ((0, 1), (1, 0)),
                                                           ((1, 0), (0, 1)), ((1, 1), (0, 0))]
    assert len(windows_reading_pixel((4, 4), (3, 3), 0, 0)) == 1


def test_the_full_convolution_window_is_the_input_error():
    x, k, delta, dx, _ = _layer(5, 6, 3, 2, seed=2)
    for r, t in np.ndindex(x.shape):
        data = full_convolution_window(delta, k, r, t)
        np.testing.assert_allclose(data["value"], dx[r, t], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(data["full"], convolve2d(delta, k, "full"), rtol=1e-12)
    np.testing.assert_allclose(data["full"], correlate2d(delta, k[::-1, ::-1], "full"), rtol=1e-12)
    assert data["padded"].shape == (delta.shape[0] + 4, delta.shape[1] + 2)


def test_the_dilated_error_is_what_the_stride_2_backward_uses():
    x, k, delta, dx, dw = _layer(7, 7, 3, 3, stride=2, seed=3)
    dil = dilate_error(delta, 2)
    assert dil.shape == (5, 5) and np.count_nonzero(dil) == delta.size
    np.testing.assert_array_equal(dil[::2, ::2], delta)
    np.testing.assert_allclose(convolve2d(dil, k, "full"), dx, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(correlate2d(x, dil), dw, rtol=1e-12)
    with pytest.raises(ValueError, match="stride"):
        dilate_error(delta, 0)


def test_the_kernel_flip_data_are_the_two_operations():
    x, k = np.arange(9.0).reshape(3, 3), np.array([[1.0, 2.0], [3.0, 4.0]])
    data = kernel_flip_data(x, k)
    assert (data["correlation"], data["convolution"]) == (27.0, 13.0)
    rng = np.random.default_rng(4)
    x, k = rng.normal(size=(5, 6)), rng.normal(size=(2, 3))
    for i, j in np.ndindex(4, 4):
        data = kernel_flip_data(x, k, i, j)
        np.testing.assert_allclose(data["correlation"], correlate2d(x, k)[i, j], rtol=1e-12)
        np.testing.assert_allclose(data["convolution"], convolve2d(x, k)[i, j], rtol=1e-12)
    with pytest.raises(ValueError, match="valid window"):
        kernel_flip_data(x, k, 4, 0)


def test_max_pool_routing_sends_each_error_to_its_winner():
    x = np.array([[1.0, 5.0, 0.0, 2.0], [3.0, 4.0, 9.0, 1.0], [0.0, 0.0, 1.0, 1.5], [7.0, 2.0, 1.0, 0.5]])
    data = max_pool_routing(x, np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert data["winners"] == [(0, 1), (1, 2), (3, 0), (2, 3)]  # window by window
    np.testing.assert_array_equal(data["pooled"], [[5.0, 9.0], [7.0, 1.5]])
    assert [data["dx"][w] for w in data["winners"]] == [1.0, 2.0, 3.0, 4.0]


@pytest.mark.parametrize("draw", [draw_shared_weight, draw_pixel_windows, draw_full_convolution,
                                  draw_stride_dilation, draw_kernel_flip])
def test_the_figures_fit_the_column(draw):
    fig = draw()
    texts = [t for ax in fig.axes for t in ax.texts] + list(fig.texts)
    assert_readable_at_column_width(fig, texts + [ax.title for ax in fig.axes if ax.get_title()],
                                    inside=fig.texts)
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0), "white background for dark mode"


def test_the_routing_figure_fits_the_column():
    rng = np.random.default_rng(3)
    fig = draw_max_pool_routing(rng.integers(0, 10, size=(6, 6)).astype(float), np.arange(1.0, 10.0).reshape(3, 3))
    assert_readable_at_column_width(fig, [t for ax in fig.axes for t in ax.texts])
