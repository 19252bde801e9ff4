"""The activation explorer: headless updates, asserting on the computed data."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from backprop import sigmoid
from backprop.explorers import activation_data as activation_explorer_data
from backprop.explorers import activation_explorer as make_activation_explorer
from backprop.gradcheck import numerical_gradient


def test_explorer_tangent_slope_is_the_derivative():
    explorer = make_activation_explorer()
    for name, z0 in [("sigmoid", 0.5), ("tanh", -1.2), ("relu", 2.0), ("leaky_relu", -0.75)]:
        data = explorer.update(function=name, z0=z0)
        assert data["name"] == name and data["z0"] == z0
        # the slope shown is the finite-difference slope of the curve shown
        f = lambda z: float(activation_explorer_data(name, float(z[0]), data["alpha"])["f0"])  # noqa: E731
        num = numerical_gradient(f, np.array([z0]))[0]
        assert data["slope"] == pytest.approx(num, rel=1e-7)
        # the tangent line touches f at z0 and has that slope
        i = int(np.argmin(np.abs(data["z"] - z0)))
        assert data["tangent"][i] == pytest.approx(data["f0"] + data["slope"] * (data["z"][i] - z0), rel=1e-12)
        assert isinstance(explorer.figure, Figure)


def test_explorer_values():
    explorer = make_activation_explorer()
    data = explorer.update(function="sigmoid", z0=0.0)
    assert data["f0"] == 0.5 and data["slope"] == 0.25
    np.testing.assert_allclose(data["f"], sigmoid(data["z"]), rtol=1e-15)
    data = explorer.update(function="relu", z0=0.0)
    assert data["slope"] == 0.0  # the convention ReLU'(0) = 0
    np.testing.assert_array_equal(data["tangent"], np.zeros_like(data["z"]))
    data = explorer.update(function="leaky_relu", z0=-2.0, alpha=0.25)
    assert data["f0"] == -0.5 and data["slope"] == 0.25


def test_explorer_bad_inputs():
    with pytest.raises(ValueError, match="function must be one of 'sigmoid', 'tanh', 'relu', 'leaky_relu'; got 'gelu'"):
        activation_explorer_data("gelu", 0.0)
    with pytest.raises(ValueError, match=r"z0 must be a number in \[-4, 4\]; got 9"):
        activation_explorer_data("tanh", 9)
    with pytest.raises(TypeError, match="unknown control"):
        make_activation_explorer().update(beta=1.0)
    with pytest.raises(ValueError, match=r"alpha \(the slope for z < 0\) must be a finite number >= 0; got -0.5"):
        activation_explorer_data("relu", 0.0, alpha=-0.5)
    with pytest.raises(TypeError, match=r"alpha \(the slope for z < 0\) must be a real number; got 'x'"):
        activation_explorer_data("sigmoid", 0.0, alpha="x")
    with pytest.raises(ValueError, match="points must be at least 2"):
        activation_explorer_data("tanh", 0.0, points=1)
    with pytest.raises(TypeError, match="points must be an integer >= 1; got 1.5"):
        activation_explorer_data("tanh", 0.0, points=1.5)


def test_sliders_update_on_release():
    # each change redraws a two-panel PNG (~0.1 s): sliders update on release, not per drag event
    explorer = make_activation_explorer()
    sliders = {name: w for name, w in explorer.controls.items() if hasattr(w, "continuous_update")}
    assert set(sliders) == {"z0", "alpha"}
    for name, slider in sliders.items():
        assert slider.continuous_update is False, f"slider {name} updates while it is dragged"
