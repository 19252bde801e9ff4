"""backprop.figures.cost: the counted cost of a gradient by finite differences and by backprop."""

from __future__ import annotations

import numpy as np
import pytest

from backprop.figures.cost import draw_gradient_cost, gradient_cost, parameter_count
from backprop.gradcheck import assert_gradients_close
from figure_checks import assert_readable_at_column_width


@pytest.mark.parametrize("sizes", [(2, 1), (3, 4, 2), (4, 5, 3, 2)])
def test_counts_are_exact_and_both_gradients_agree(sizes):
    cost = gradient_cost(sizes, n_samples=3, seed=1)
    p = sum(o * i + o for i, o in zip(sizes[:-1], sizes[1:]))
    assert cost.n_params == parameter_count(sizes) == p
    assert cost.fd_forward_passes == 2 * p
    assert (cost.bp_forward_passes, cost.bp_backward_passes) == (1, 1)
    assert cost.forward_multiply_adds == 3 * sum(o * i for i, o in zip(sizes[:-1], sizes[1:]))
    assert cost.ratio == pytest.approx(2 * p / 3, rel=1e-15)
    assert set(cost.fd_grads) == set(cost.bp_grads) == {f"{k}{l}" for l in range(1, len(sizes))
                                                        for k in "Wb"}
    for name, fd in cost.fd_grads.items():
        assert_gradients_close(cost.bp_grads[name], fd, tol=1e-7, name=name)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="sizes must be at least two positive ints"):
        gradient_cost((3,))
    with pytest.raises(ValueError, match="sizes must be"):
        parameter_count((3, 0))
    with pytest.raises(ValueError, match="n_samples must be a positive int; got 0"):
        gradient_cost((2, 1), n_samples=0)
    with pytest.raises(TypeError, match="costs must be a non-empty sequence of GradientCost"):
        draw_gradient_cost([])


def test_figure_fits_the_column_and_shows_every_point():
    costs = [gradient_cost(s) for s in [(3, 2, 1), (4, 5, 3, 2), (8, 6, 4)]]
    fig = draw_gradient_cost(costs)
    ax = fig.axes[0]
    texts = [ax.xaxis.label, ax.yaxis.label, *ax.texts, *ax.get_legend().get_texts()]
    assert_readable_at_column_width(fig, texts, inside=ax.texts)
    points = ax.lines[1]
    np.testing.assert_array_equal(points.get_xdata(), [c.n_params for c in costs])
    np.testing.assert_allclose(points.get_ydata(), [2 * c.n_params / 3 for c in costs], rtol=1e-12)
