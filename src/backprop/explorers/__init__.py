"""Every classroom explorer of the book: ipywidgets controls wired to a pure function and a figure.

One module per topic, each with ``<topic>_data`` (the math, tested headlessly),
``draw_<topic>`` (its figure) and ``<topic>_explorer`` (the widget, an :class:`Explorer`):

* :mod:`~backprop.explorers.error_flow` (Part I, "Backpropagating the error");
* :mod:`~backprop.explorers.training` (Part I, "Updating the parameters");
* :mod:`~backprop.explorers.activation` (Part II, "Activation functions");
* :mod:`~backprop.explorers.slowdown` (Part II, "Cross-entropy");
* :mod:`~backprop.explorers.sliding_kernel` (Part III, "Convolution");
* :mod:`~backprop.explorers.pooling` (Part III, "Backprop through pooling").

The older names ``activation_explorer_data``, ``draw_activation_explorer``,
``make_activation_explorer``, ``error_flow_step``, ``pooling_routes``, ``draw_pooling_routes``
and ``digits_training_curves`` still work (aliases).

Importing this package loads matplotlib (``import backprop`` alone does not); ipywidgets is
imported only when an explorer is built.  Notebooks write
``from backprop.explorers import pooling_explorer``.
"""

from backprop.explorers.activation import (
    ACTIVATIONS,
    activation_data,
    activation_explorer,
    activation_explorer_data,
    draw_activation,
    draw_activation_explorer,
    make_activation_explorer,
)
from backprop.explorers.error_flow import (
    EXPLORER_EXAMPLES,
    draw_error_flow,
    error_flow_data,
    error_flow_explorer,
    error_flow_step,
)
from backprop.explorers.explorer import Explorer
from backprop.explorers.pooling import draw_pooling, draw_pooling_routes, pooling_data, pooling_explorer, pooling_routes
from backprop.explorers.sliding_kernel import draw_sliding_kernel, sliding_kernel_data, sliding_kernel_explorer
from backprop.explorers.slowdown import draw_slowdown, slowdown_data, slowdown_explorer
from backprop.explorers.training import digits_training_curves, draw_training, training_data, training_explorer

__all__ = [
    "Explorer",
    # Part I
    "error_flow_data",
    "draw_error_flow",
    "error_flow_explorer",
    "EXPLORER_EXAMPLES",
    "training_data",
    "draw_training",
    "training_explorer",
    # Part II
    "ACTIVATIONS",
    "activation_data",
    "draw_activation",
    "activation_explorer",
    "slowdown_data",
    "draw_slowdown",
    "slowdown_explorer",
    # Part III
    "sliding_kernel_data",
    "draw_sliding_kernel",
    "sliding_kernel_explorer",
    "pooling_data",
    "draw_pooling",
    "pooling_explorer",
]
