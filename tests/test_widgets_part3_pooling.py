"""The pooling explorer of "Backprop through pooling": the routes it computes, asserted."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from backprop.explorers import draw_pooling as draw_pooling_routes
from backprop.explorers import pooling_data as pooling_routes
from backprop.explorers import pooling_explorer
from figure_checks import assert_readable_at_column_width


def test_max_routes_each_error_to_its_winner():
    explorer = pooling_explorer()
    data = explorer.update(kind="max", size=2, stride=2)
    assert data["out_shape"] == (3, 3) and len(data["winners"]) == 9
    x, dx = data["x"], data["dx"]
    for (i, j), (r, c) in zip(np.ndindex(3, 3), data["winners"]):
        window = x[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
        assert x[r, c] == window.max() and data["out"][i, j] == window.max()
        assert dx[r, c] == data["dout"][i, j]  # tiling windows: one winner per input at most
    assert np.count_nonzero(dx) == 9 and dx.sum() == data["dout"].sum() == 45.0
    assert isinstance(explorer.figure, Figure)


def test_average_overlapping_windows_add_up():
    data = pooling_routes(kind="average", size=3, stride=1, height=6, width=6)
    assert data["out_shape"] == (4, 4)
    np.testing.assert_array_equal(data["windows_per_input"][0], [1, 2, 3, 3, 2, 1])
    # input (2, 2) lies in the 9 windows with top-left corners (0..2, 0..2)
    np.testing.assert_allclose(data["dx"][2, 2], data["dout"][:3, :3].sum() / 9, rtol=1e-12)
    np.testing.assert_allclose(data["dx"].sum(), data["dout"].sum(), rtol=1e-12)  # each error shared out in full
    assert data["winners"] == [] and "1/9" in data["rule"]


def test_max_with_overlap_accumulates_on_a_double_winner():
    data = pooling_routes(kind="max", size=2, stride=1, seed=0)
    counts = {}
    for (i, j), rc in zip(np.ndindex(*data["out_shape"]), data["winners"]):
        counts.setdefault(rc, []).append(data["dout"][i, j])
    for (r, c), errors in counts.items():
        assert data["dx"][r, c] == pytest.approx(sum(errors))
    assert max(len(e) for e in counts.values()) > 1  # some input wins several windows
    assert data["dx"].sum() == pytest.approx(data["dout"].sum())


def test_gaps_get_zero_and_oversized_window_shrinks():
    data = pooling_routes(kind="average", size=2, stride=3, height=5, width=5)
    assert np.all(data["dx"][2, :] == 0) and np.all(data["windows_per_input"][:, 2] == 0)
    shrunk = pooling_routes(kind="max", size=4, stride=1, height=3, width=5)
    assert shrunk["size"] == 3 and "shrunk to 3" in shrunk["note"]
    assert isinstance(draw_pooling_routes(shrunk), Figure)


def test_bad_input():
    with pytest.raises(ValueError, match=r"kind must be one of 'max', 'average'; got 'mean'"):
        pooling_routes(kind="mean")
    with pytest.raises(ValueError, match=r"stride must be an integer >= 1; got 0"):
        pooling_routes(stride=0)
    with pytest.raises(TypeError, match=r"unknown control"):
        pooling_explorer().update(padding=1)


@pytest.mark.parametrize("kind,size,stride", [("max", 2, 1), ("average", 3, 1), ("max", 2, 2)])
def test_figure_is_readable_at_the_text_column_width(kind, size, stride):
    # every label >= 10 pt in a figure the column does not shrink
    fig = draw_pooling_routes(pooling_routes(kind=kind, size=size, stride=stride))
    texts = [t for ax in fig.axes for t in ax.texts + [ax.title]] + [fig._suptitle]
    assert_readable_at_column_width(fig, texts)
