"""The step-backward explorer of "Backpropagating the error": its data, its figure, its controls."""

import numpy as np
import pytest

from backprop.error_flow import example_network, loss_from_layer
from backprop.explorers import EXPLORER_EXAMPLES, error_flow_explorer
from backprop.explorers import error_flow_data as error_flow_step
from backprop.gradcheck import assert_gradients_close, numerical_gradient
from figure_checks import assert_readable_at_column_width


def test_explorer_steps_down_and_reveals_layers():
    explorer = error_flow_explorer()
    assert explorer.controls["layer"].value == 4  # starts at the output layer L
    data = explorer.update(layer=4)
    assert data["revealed"] == [False, False, False, True]
    data = explorer.update(layer=2)
    assert data["revealed"] == [False, True, True, True]
    assert explorer.controls["layer"].min == 2 and explorer.controls["layer"].max == 4
    assert r"(W^{3})^T" in data["equation"]
    # the figure shows 3 + 4 + 3 + 2 nodes and one red arrow per weight of W^3 (3 x 4)
    patches = explorer.figure.axes[0].patches
    assert sum(p.get_gid() == "node" for p in patches) == 12
    assert sum(p.get_gid() == "error" for p in patches) == 12
    texts = [t.get_text() for t in explorer.figure.axes[0].texts]
    flow = data["flow"]
    assert f"∂E/∂a={flow.errors[1][0]:+.3f}\nδ={flow.deltas[1][0]:+.3f}" in texts
    assert sum(t.startswith("∂E/∂a=") for t in texts) == 4 + 3 + 2  # layers 2, 3, 4 only
    explorer.update(layer=4)
    texts = [t.get_text() for t in explorer.figure.axes[0].texts]
    assert sum(t.startswith("∂E/∂a=") for t in texts) == 2


@pytest.mark.parametrize("example", list(EXPLORER_EXAMPLES))
def test_explorer_values_are_the_gradients(example):
    explorer = error_flow_explorer()
    data = explorer.update(layer=2, example=example)
    x, target = EXPLORER_EXAMPLES[example]
    np.testing.assert_array_equal(data["target"], target)
    weights, biases = example_network()
    flow = data["flow"]
    np.testing.assert_allclose(flow.errors[3], flow.outputs[3] - target, rtol=1e-14)  # Eq. A.4
    for layer in (2, 3):
        numeric = numerical_gradient(lambda o: loss_from_layer(o, layer, target, weights, biases),
                                     flow.outputs[layer - 1].copy())
        assert_gradients_close(flow.errors[layer - 1], numeric, tol=1e-7, name=f"Delta E^{layer}")


def test_examples_give_different_errors():
    a = error_flow_step(4, list(EXPLORER_EXAMPLES)[0])["flow"].errors[3]
    b = error_flow_step(4, list(EXPLORER_EXAMPLES)[1])["flow"].errors[3]
    assert not np.allclose(a, b)


def test_explorer_bad_values():
    with pytest.raises(ValueError, match="layer must be an integer from 2 to L = 4"):
        error_flow_step(1, list(EXPLORER_EXAMPLES)[0])
    with pytest.raises(ValueError, match="example must be one of"):
        error_flow_step(3, "x = (9, 9, 9)")
    with pytest.raises(TypeError, match="unknown control"):
        error_flow_explorer().update(depth=3)


def test_layer_slider_updates_only_when_released():
    explorer = error_flow_explorer()
    assert explorer.controls["layer"].continuous_update is False


def test_figure_labels_stay_readable_at_the_column_width():
    # every label >= 10 pt in a figure the column does not shrink, and inside the figure
    from backprop.explorers import draw_error_flow

    fig = draw_error_flow(error_flow_step(2, list(EXPLORER_EXAMPLES)[0]))
    assert_readable_at_column_width(fig, fig.axes[0].texts, inside=fig.axes[0].texts)
