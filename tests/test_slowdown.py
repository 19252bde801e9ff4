"""Tests of backprop.slowdown: one sigmoid neuron trained on squared error and on cross-entropy."""

import numpy as np
import pytest

from backprop.figures import draw_slowdown
from backprop.slowdown import slowdown_curves, train_sigmoid_neuron


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@pytest.mark.parametrize("loss", ["squared", "cross_entropy"])
@pytest.mark.parametrize("x,y,w0,b0", [(1.0, 0.0, 2.0, 2.0), (-0.5, 1.0, 0.3, -1.0), (2.0, 0.25, -1.0, 0.5)])
def test_each_step_follows_a_hand_written_gradient_descent(loss, x, y, w0, b0):
    rec = train_sigmoid_neuron(w0, b0, loss=loss, x=x, y=y, learning_rate=0.3, epochs=20)
    w, b = w0, b0
    for epoch in range(21):
        a = _sigmoid(w * x + b)
        if loss == "squared":
            value, dz = 0.5 * (a - y) ** 2, (a - y) * a * (1 - a)
        else:
            value, dz = -(y * np.log(a) + (1 - y) * np.log(1 - a)), a - y
        np.testing.assert_allclose([rec["w"][epoch], rec["b"][epoch]], [w, b], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose([rec["output"][epoch], rec["loss"][epoch], rec["dz"][epoch]], [a, value, dz], rtol=1e-10, atol=1e-15)
        w, b = w - 0.3 * dz * x, b - 0.3 * dz


@pytest.mark.parametrize("loss", ["squared", "cross_entropy"])
def test_dz_is_the_derivative_of_the_loss_by_finite_differences(loss):
    rec = train_sigmoid_neuron(1.5, -0.7, loss=loss, x=0.8, y=0.3, epochs=1)
    h = 1e-6
    f = lambda b: train_sigmoid_neuron(1.5, b, loss=loss, x=0.8, y=0.3, epochs=1)["loss"][0]
    np.testing.assert_allclose(rec["dz"][0], (f(-0.7 + h) - f(-0.7 - h)) / (2 * h), rtol=1e-7)


def test_saturated_start_slows_squared_error_but_not_cross_entropy():
    data = slowdown_curves(2.0, 2.0, epochs=300)
    sq, ce = data["squared"], data["cross_entropy"]
    np.testing.assert_allclose(data["start_output"], _sigmoid(4.0), rtol=1e-14)
    # the first gradient: squared error is damped by a(1 - a) ~ 0.0177, cross-entropy is not
    a0 = _sigmoid(4.0)
    np.testing.assert_allclose([sq["dz"][0], ce["dz"][0]], [a0 * a0 * (1 - a0), a0], rtol=1e-12)
    # after 100 epochs cross-entropy has the output below 0.05; squared error is still above 0.9
    assert ce["output"][100] < 0.05 and sq["output"][100] > 0.9
    # both decrease monotonically here
    assert np.all(np.diff(sq["loss"]) < 0) and np.all(np.diff(ce["loss"]) < 0)
    assert data["epoch"].tolist() == list(range(301))


def test_unsaturated_start_has_no_slowdown():
    data = slowdown_curves(0.5, 0.0, epochs=100)  # a0 = sigma(0.5) = 0.62: a(1 - a) ~ 0.24
    assert data["squared"]["output"][100] < 0.5 * data["start_output"]


def test_draw_slowdown_plots_the_curves():
    data = slowdown_curves(2.0, 2.0, epochs=50)
    fig = draw_slowdown(data)
    ax_sq, ax_ce, ax_out = fig.axes
    np.testing.assert_array_equal(ax_sq.lines[0].get_ydata(), data["squared"]["loss"])
    np.testing.assert_array_equal(ax_ce.lines[0].get_ydata(), data["cross_entropy"]["loss"])
    assert len(ax_out.lines) == 2


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match="loss must be one of 'squared', 'cross_entropy'; got 'mse'"):
        train_sigmoid_neuron(1.0, 1.0, loss="mse")
    with pytest.raises(ValueError, match=r"y must lie in \[0.0, 1.0\]; got 2.0"):
        train_sigmoid_neuron(1.0, 1.0, loss="squared", y=2.0)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        train_sigmoid_neuron(1.0, 1.0, loss="squared", learning_rate=0.0)
    with pytest.raises(TypeError, match="w0 must be a real number"):
        slowdown_curves("2")
    with pytest.raises(ValueError, match="b0 must be finite"):
        slowdown_curves(1.0, float("inf"))
    with pytest.raises(ValueError, match="epochs must be an integer >= 1"):
        slowdown_curves(epochs=0)
