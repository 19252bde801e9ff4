"""The sliding-kernel explorer of the chapter "Convolution, correlation and shapes": the
data it computes, asserted against scipy and the output-size formula."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy import signal

from backprop.explorers import draw_sliding_kernel, sliding_kernel_data, sliding_kernel_explorer
from figure_checks import assert_readable_at_column_width


def test_update_computes_window_and_value():
    explorer = sliding_kernel_explorer()
    data = explorer.update(height=6, width=7, kernel=3, stride=2, padding=1, row=1, col=2)
    assert data["out_shape"] == (3, 4)  # floor((6+2-3)/2)+1 = floor(2.5)+1 = 3, floor((7+2-3)/2)+1 = 4
    assert data["window"] == (2, 5, 4, 7)
    # the padded image holds r*W + c + 1 inside, zeros around
    np.testing.assert_array_equal(data["window_values"], [[11, 12, 13], [18, 19, 20], [25, 26, 27]])
    assert data["value"] == pytest.approx(float(np.sum(data["window_values"] * data["kernel"])))
    assert data["output"][1, 2] == pytest.approx(data["value"])
    assert "floor(2.5) + 1 = 3" in data["formula"]
    assert isinstance(explorer.figure, Figure)


@pytest.mark.parametrize("kernel,padding", [(1, 0), (2, 0), (3, 1), (3, 0)])
def test_stride_one_output_is_scipy_correlation(kernel, padding):
    data = sliding_kernel_data(height=5, width=6, kernel=kernel, stride=1, padding=padding)
    want = signal.correlate2d(data["padded"], data["kernel"], mode="valid")
    np.testing.assert_allclose(data["output"], want, rtol=1e-12)


def test_stride_subsamples_the_stride_one_output():
    full = sliding_kernel_data(height=7, width=7, kernel=3, stride=1, padding=1)["output"]
    strided = sliding_kernel_data(height=7, width=7, kernel=3, stride=3, padding=1)
    np.testing.assert_allclose(strided["output"], full[::3, ::3], rtol=1e-12)
    assert strided["unused_rows"] == 0 and strided["out_shape"] == (3, 3)
    two = sliding_kernel_data(height=6, width=6, kernel=3, stride=2, padding=0)
    assert two["out_shape"] == (2, 2) and two["unused_rows"] == 1  # the last row is never read


def test_cell_is_clipped_into_the_output():
    data = sliding_kernel_data(height=4, width=4, kernel=3, stride=1, padding=0, row=9, col=9)
    assert (data["row"], data["col"]) == (1, 1)


def test_kernel_too_big_is_shrunk_in_the_explorer_but_raises_in_the_data():
    explorer = sliding_kernel_explorer()
    data = explorer.update(height=2, width=5, kernel=5, padding=0)
    assert data["kernel"].shape == (2, 2) and "does not fit" in data["note"]
    with pytest.raises(ValueError, match="larger than the padded input"):
        sliding_kernel_data(height=2, width=5, kernel=5)


def test_draw_returns_figure():
    assert isinstance(draw_sliding_kernel(sliding_kernel_data()), Figure)


def test_unknown_control():
    with pytest.raises(TypeError, match="unknown control"):
        sliding_kernel_explorer().update(dilation=2)


def test_figure_is_readable_at_the_text_column_width():
    # every label >= 10 pt in a figure the column does not shrink
    fig = draw_sliding_kernel(sliding_kernel_data(height=6, width=6, kernel=3, stride=2, padding=1))
    texts = [t for ax in fig.axes for t in ax.texts + [ax.title]] + [fig._suptitle]
    assert_readable_at_column_width(fig, texts)
