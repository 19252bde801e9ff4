"""Every static figure of the book, drawn by code; each function returns a ``matplotlib.figure.Figure``.

* :mod:`~backprop.figures.network`: dense networks (seed 000 Fig. A.1, A.2; seed 002 Fig. 3.2-3.4);
* :mod:`~backprop.figures.cnn`: convolutional networks (seed 000 Fig. A.3; seed 002 Fig. 2.1, 3.1);
* :mod:`~backprop.figures.history`: training curves of a :class:`backprop.training.History`;
* :mod:`~backprop.figures.activations`: the table of activations and their derivatives;
* :mod:`~backprop.figures.losses`: the losses of Part II and their gradients side by side;
* :mod:`~backprop.figures.slowdown`: the learning slowdown of squared error against cross-entropy;
* :mod:`~backprop.figures.lenet`: the LeNet chapter's digits, confusion matrix, kernels, feature maps
  and training curves;
* :mod:`~backprop.figures.layout`: the one column width every figure is drawn at.

Importing this package loads matplotlib (``import backprop`` alone does not).  Notebooks
write ``from backprop.figures import draw_lenet``.
"""

from backprop.figures.activations import draw_activation_table
from backprop.figures.cnn import draw_cnn_architecture, draw_conv_network, draw_lenet
from backprop.figures.conv_backprop import (
    draw_full_convolution,
    draw_pixel_windows,
    draw_shared_weight,
    draw_stride_dilation,
)
from backprop.figures.cost import draw_gradient_cost
from backprop.figures.history import plot_history
from backprop.figures.kernel_flip import draw_kernel_flip
from backprop.figures.layout import COLUMN_WIDTH, MIN_LABEL_PT, fit_cell_labels
from backprop.figures.lenet import (
    draw_confusion,
    draw_digit_grid,
    draw_feature_maps,
    draw_kernels,
    draw_misclassified,
    plot_history_comparison,
)
from backprop.figures.losses import draw_losses
from backprop.figures.network import (
    draw_dense_backward,
    draw_dense_forward,
    draw_error_backprop,
    draw_feedforward_network,
    draw_neuron,
)
from backprop.figures.pooling_routing import draw_max_pool_routing
from backprop.figures.slowdown import draw_slowdown

__all__ = [
    "COLUMN_WIDTH",
    "MIN_LABEL_PT",
    "fit_cell_labels",
    # Part I
    "draw_feedforward_network",
    "draw_error_backprop",
    "plot_history",
    "draw_gradient_cost",
    # Part II
    "draw_activation_table",
    "draw_losses",
    "draw_slowdown",
    "draw_dense_forward",
    "draw_dense_backward",
    "draw_neuron",
    # Part III
    "draw_cnn_architecture",
    "draw_conv_network",
    "draw_lenet",
    "draw_kernel_flip",
    "draw_shared_weight",
    "draw_pixel_windows",
    "draw_full_convolution",
    "draw_stride_dilation",
    "draw_max_pool_routing",
    "draw_digit_grid",
    "draw_confusion",
    "draw_misclassified",
    "draw_kernels",
    "draw_feature_maps",
    "plot_history_comparison",
]
