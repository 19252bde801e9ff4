"""The dense-network diagrams: node counts, labels, arrows and bad input."""

import pytest
from matplotlib.figure import Figure

from backprop.figures import (
    draw_dense_backward,
    draw_dense_forward,
    draw_error_backprop,
    draw_feedforward_network,
    draw_neuron,
)
from figure_checks import assert_labels_apart, assert_readable_at_column_width


def _patches(fig, gid):
    return [p for p in fig.axes[0].patches if p.get_gid() == gid]


def _texts(fig):
    return [t.get_text() for t in fig.axes[0].texts]


def _all_text(fig):
    return " ".join(_texts(fig))


def test_feedforward_network_nodes_weights_and_biases():
    fig = draw_feedforward_network((3, 4, 2, 2))
    assert isinstance(fig, Figure)
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    assert len(_patches(fig, "node")) == 3 + 4 + 2 + 2
    assert len(_patches(fig, "bias")) == 3  # layers 2-4
    # every node of layer l is connected to every node of layer l+1, plus the bias edges
    edges = _patches(fig, "edge")
    assert len(edges) == 3 * 4 + 4 * 2 + 2 * 2 + (4 + 2 + 2)
    text = _all_text(fig)
    for name in ("W}_{H_1}", "W}_{H_2}", "W}_{H_3}", "X_{D}", "O_{M}^2", "O_{N}^3", "O_{Z}^4", "T_{Z}"):
        assert name in text, name
    assert draw_feedforward_network(bias=False) is not None
    assert len(_patches(draw_feedforward_network(bias=False), "bias")) == 0


def test_feedforward_network_bad_input():
    with pytest.raises(ValueError, match="4 layers"):
        draw_feedforward_network((3, 3, 3, 3, 3))
    with pytest.raises(ValueError, match="at least 4"):
        draw_feedforward_network((3, 3))
    with pytest.raises(ValueError, match=r"nodes_shown\[1\] must be an integer >= 1"):
        draw_feedforward_network((3, 0, 3, 3))
    with pytest.raises(TypeError, match="nodes_shown"):
        draw_feedforward_network("3333")


@pytest.mark.parametrize("n", [1, 2, 4])
def test_error_backprop_one_node_k_and_n_upper_nodes(n):
    fig = draw_error_backprop(n)
    assert len(_patches(fig, "node")) == n + 1
    assert len(_patches(fig, "error")) == n  # one red arrow per node z, into node k
    text = _all_text(fig)
    assert "W_{Zk}" in text if n >= 2 else "W_{zk}" in text
    assert text.count("f'(Net_") == n + 1  # n node labels and the sum at node k
    assert r"\Delta E_k^{L-1}" in text


def test_error_backprop_bad_input():
    with pytest.raises(ValueError, match="n_upper"):
        draw_error_backprop(0)
    with pytest.raises(TypeError, match="n_upper"):
        draw_error_backprop(2.5)


@pytest.mark.parametrize("sizes", [(4, 3, 3, 2), (5, 4, 3), (2, 3, 4, 3, 2)])
def test_dense_forward_and_backward_node_counts(sizes):
    n_edges = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    fwd = draw_dense_forward(sizes)
    assert len(_patches(fwd, "node")) == sum(sizes)
    assert len(_patches(fwd, "edge")) == n_edges
    bwd = draw_dense_backward(sizes)
    assert len(_patches(bwd, "node")) == sum(sizes)
    assert len(_patches(bwd, "error")) == n_edges
    # backward arrows point from layer l+1 back to layer l: their tails lie to the right
    for arrow in _patches(bwd, "error"):
        (x0, _), (x1, _) = arrow._posA_posB
        assert x0 > x1


def test_dense_layer_names():
    text = _all_text(draw_dense_forward((4, 3, 3, 3, 2)))
    for name in ("layer $l-1$", "layer $l$", "layer $l+1$", "layer $L$", "layer $L+1$", "W^{L+1}", "b^{l}"):
        assert name in text, name
    text = _all_text(draw_dense_backward((4, 3, 3, 2)))
    assert r"\delta^{L+1}" in text and r"\partial W^{L}" in text


def test_dense_bad_input():
    with pytest.raises(ValueError, match="at least 3"):
        draw_dense_forward((3, 2))
    with pytest.raises(ValueError, match="at most 12"):
        draw_dense_backward((3, 20, 2))
    with pytest.raises(ValueError, match=r"layer_sizes\[2\]"):
        draw_dense_forward((3, 2, -1))


@pytest.mark.parametrize("n", [1, 3, 5])
def test_neuron(n):
    fig = draw_neuron(n)
    # n inputs, the sum node and the output node
    assert len(_patches(fig, "node")) == n + 2
    assert len(_patches(fig, "bias")) == 1
    assert len(_patches(fig, "activation")) == 1
    text = _all_text(fig)
    assert text.count("j}^l$") == n  # one weight label w_ij^l per input
    for name in ("b_j^l", "z_j^l", r"\sigma", "a_j^l"):
        assert name in text, name
    with pytest.raises(ValueError, match="n_inputs"):
        draw_neuron(0)


@pytest.mark.parametrize("fig", [draw_feedforward_network((3, 3, 3, 2)), draw_feedforward_network((4, 2, 3, 3)),
                                 draw_error_backprop(3), draw_error_backprop(5)],
                         ids=["fig-a1", "fig-a1-other", "fig-a2", "fig-a2-five"])
def test_part1_figures_are_readable_at_the_column_width(fig):
    # every label >= 10 pt in a figure the column does not shrink, and inside the figure
    assert_readable_at_column_width(fig, fig.axes[0].texts, inside=fig.axes[0].texts)


@pytest.mark.parametrize("fig", [draw_dense_forward(), draw_dense_forward((2, 3, 4, 3, 2)), draw_dense_backward(),
                                 draw_dense_backward((2, 3, 4, 3, 2)), draw_neuron(), draw_neuron(5)],
                         ids=["fig-3-2", "fig-3-2-five", "fig-3-4", "fig-3-4-five", "fig-3-3", "fig-3-3-five"])
def test_part3_diagrams_are_readable_inside_and_apart_at_the_column_width(fig):
    assert_readable_at_column_width(fig, fig.axes[0].texts, inside=fig.axes[0].texts)
    assert_labels_apart(fig, fig.axes[0].texts)
