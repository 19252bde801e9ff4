"""The learning-slowdown explorer of the chapter "Cross-entropy meets sigmoid and softmax", headless."""

import numpy as np
import pytest

from backprop.explorers import slowdown_explorer
from backprop.slowdown import slowdown_curves


def test_explorer_recomputes_for_new_start():
    explorer = slowdown_explorer()
    data = explorer.update()
    assert (data["w0"], data["b0"]) == (2.0, 2.0)
    np.testing.assert_array_equal(data["squared"]["loss"], slowdown_curves(2.0, 2.0)["squared"]["loss"])
    data = explorer.update(w0=-1.0, b0=0.5)
    assert (data["w0"], data["b0"]) == (-1.0, 0.5)
    np.testing.assert_allclose(data["start_output"], 1.0 / (1.0 + np.exp(0.5)), rtol=1e-14)
    expected = slowdown_curves(-1.0, 0.5)
    np.testing.assert_array_equal(data["cross_entropy"]["output"], expected["cross_entropy"]["output"])
    np.testing.assert_array_equal(explorer.figure.axes[0].lines[0].get_ydata(), expected["squared"]["loss"])
    assert explorer.values() == {"w0": -1.0, "b0": 0.5}


def test_explorer_rejects_unknown_controls():
    with pytest.raises(TypeError, match="unknown control"):
        slowdown_explorer().update(w=1.0)


def test_sliders_update_on_release():
    # one change retrains two neurons and redraws three panels (~0.2 s): a drag must not queue
    # a recomputation for every intermediate value
    explorer = slowdown_explorer()
    assert set(explorer.controls) == {"w0", "b0"}
    for name, slider in explorer.controls.items():
        assert slider.continuous_update is False, f"slider {name} updates while it is dragged"
