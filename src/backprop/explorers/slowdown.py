"""The learning-slowdown explorer of the chapter "Cross-entropy meets sigmoid and softmax".

:func:`slowdown_data` (:func:`backprop.slowdown.slowdown_curves`) trains one sigmoid neuron
from a start (w0, b0) on both losses, :func:`draw_slowdown` draws the runs
(:func:`backprop.figures.draw_slowdown`), :func:`slowdown_explorer` puts sliders on w0 and b0.
"""

from __future__ import annotations

from backprop.explorers.explorer import Explorer
from backprop.figures.slowdown import draw_slowdown
from backprop.slowdown import slowdown_curves

__all__ = ["slowdown_data", "draw_slowdown", "slowdown_explorer"]

slowdown_data = slowdown_curves


def slowdown_explorer(w0: float = 2.0, b0: float = 2.0, epochs: int = 300):
    """A :class:`backprop.explorers.Explorer` with sliders for the starting weight w0 and bias b0.

    One change retrains both neurons (2 x 300 steps) and redraws three panels, so the
    sliders update on release (``continuous_update=False``): a drag then costs one
    recomputation instead of a queue of them.
    """
    import ipywidgets

    controls = {
        "w0": ipywidgets.FloatSlider(value=w0, min=-4.0, max=4.0, step=0.25, description="start w0",
                                     continuous_update=False),
        "b0": ipywidgets.FloatSlider(value=b0, min=-4.0, max=4.0, step=0.25, description="start b0",
                                     continuous_update=False),
    }
    return Explorer(lambda w0, b0: slowdown_data(w0, b0, epochs=epochs), draw_slowdown, controls)
