"""backprop: the library behind the executable textbook on backpropagation.

The package is built in layers, and its folders show them:

* the math, derived in the book and asserted by its cells: :mod:`~backprop.activations`,
  :mod:`~backprop.dense`, :mod:`~backprop.losses`, :mod:`~backprop.error_flow` (Part I);
  :mod:`~backprop.cross_entropy`, :mod:`~backprop.slowdown` (Part II);
  :mod:`~backprop.correlation`, :mod:`~backprop.conv`, :mod:`~backprop.pooling`,
  :mod:`~backprop.init` (Part III); :mod:`~backprop.gradcheck` (checking);
* :mod:`backprop.models`: the networks the book trains (MLP, SoftmaxClassifier, LeNet, Net004)
  and their protocol; :mod:`~backprop.training`, :mod:`~backprop.data`, :mod:`~backprop.mnist`,
  :mod:`~backprop.progress`: the loop that trains them and their data;
* :mod:`backprop.figures` (static figures) and :mod:`backprop.explorers` (classroom widgets),
  loaded only when first used: ``import backprop`` imports numpy and nothing heavier;
* :mod:`backprop.classroom`: the exercise checker.

Notebooks write ``import backprop as bp`` (``bp.dense_forward``) for the math, models and
training, ``from backprop.figures import draw_lenet``, ``from backprop.explorers import
pooling_explorer`` and ``from backprop.classroom import check``.  Shapes use the letters of
the book's notation page (N, D, C, H, W, F, KH, KW).
"""

from __future__ import annotations

import importlib

# Part I: the feed-forward network
from backprop.activations import sigmoid, sigmoid_backward, sigmoid_forward, sigmoid_prime
from backprop.dense import dense_backward, dense_forward
from backprop.error_flow import ErrorFlow, backpropagate_error, example_network, loss_from_layer, trace_error_flow
from backprop.losses import half_squared_error, half_squared_error_grad
from backprop.models.mlp import MLP, init_mlp, mlp_backward, mlp_forward, mlp_loss_and_grads

# Part II: activations, losses and cross-entropy
from backprop.activations import (
    leaky_relu,
    leaky_relu_backward,
    leaky_relu_forward,
    leaky_relu_prime,
    relu,
    relu_backward,
    relu_forward,
    relu_prime,
    softmax,
    softmax_backward,
    softmax_forward,
    softmax_jacobian,
    tanh,
    tanh_backward,
    tanh_forward,
    tanh_prime,
)
from backprop.cross_entropy import (
    log_softmax,
    logsumexp,
    naive_sigmoid_bce,
    naive_softmax_cross_entropy,
    sigmoid_bce,
    sigmoid_bce_backward,
    softmax_cross_entropy,
    softmax_cross_entropy_backward,
)
from backprop.losses import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    categorical_cross_entropy,
    categorical_cross_entropy_grad,
    l1,
    l1_grad,
    l2,
    l2_grad,
    mae,
    mae_grad,
    mape,
    mape_grad,
    mse,
    mse_grad,
    msle,
    msle_grad,
)
from backprop.models.classifiers import SoftmaxClassifier, relu_network_forward
from backprop.slowdown import slowdown_curves, train_sigmoid_neuron

# Part III: convolution, pooling and LeNet
from backprop.conv import (
    conv2d_backward,
    conv2d_backward_naive,
    conv2d_forward,
    conv2d_forward_naive,
    conv_output_size,
)
from backprop.correlation import convolve2d, correlate2d, correlate2d_naive, rot180
from backprop.init import conv_fans, glorot_bound, table_a1_bound
from backprop.models.lenet import LayerShape, LeNet, conv_param_count, dense_param_count, lenet_layer_shapes
from backprop.models.net004 import Net004
from backprop.pooling import (
    avg_pool2d_backward,
    avg_pool2d_backward_naive,
    avg_pool2d_forward,
    avg_pool2d_forward_naive,
    max_pool2d_backward,
    max_pool2d_backward_naive,
    max_pool2d_forward,
    max_pool2d_forward_naive,
    pool_output_size,
)

# checking derivatives
from backprop.gradcheck import assert_gradients_close, numerical_gradient, numerical_jacobian, relative_error

# training and data
from backprop.data import DigitsSplit, load_digits_split, one_hot
from backprop.mnist import augment_with_shifts, load_idx, load_mnist_idx, load_mnist_subset, shift_images
from backprop.progress import EpochProgress, format_epoch_line
from backprop.training import History, accuracy, apply_weight_decay, check_labels, sgd_step, train

# guards shared by every function: one memory budget for every allocation, one work budget
# for every loop (bp.MEMORY_BUDGET_BYTES and bp.WORK_BUDGET_OPS read and write the live values)
from backprop._validation import memory_budget, set_memory_budget, set_work_budget, work_budget

# threads for the big layer calls (bit-identical for every count) and a CNN step's second half
from backprop._parallel import get_num_threads, set_num_threads
# freed memory kept for the next step: the same numbers, without page faults on every step
from backprop._malloc import keep_freed_memory_unless_refused

keep_freed_memory_unless_refused()

__version__ = "0.1.0"

__all__ = [
    # Part I: the feed-forward network
    "sigmoid", "sigmoid_prime", "sigmoid_forward", "sigmoid_backward",
    "dense_forward", "dense_backward",
    "half_squared_error", "half_squared_error_grad",
    "ErrorFlow", "trace_error_flow", "loss_from_layer", "backpropagate_error", "example_network",
    "MLP", "init_mlp", "mlp_forward", "mlp_backward", "mlp_loss_and_grads",
    # Part II: activations, losses and cross-entropy
    "relu", "relu_prime", "relu_forward", "relu_backward",
    "tanh", "tanh_prime", "tanh_forward", "tanh_backward",
    "leaky_relu", "leaky_relu_prime", "leaky_relu_forward", "leaky_relu_backward",
    "softmax", "softmax_jacobian", "softmax_forward", "softmax_backward",
    "mse", "mse_grad", "msle", "msle_grad", "l2", "l2_grad", "l1", "l1_grad",
    "mae", "mae_grad", "mape", "mape_grad",
    "binary_cross_entropy", "binary_cross_entropy_grad",
    "categorical_cross_entropy", "categorical_cross_entropy_grad",
    "logsumexp", "log_softmax", "softmax_cross_entropy", "softmax_cross_entropy_backward",
    "sigmoid_bce", "sigmoid_bce_backward", "naive_softmax_cross_entropy", "naive_sigmoid_bce",
    "SoftmaxClassifier", "relu_network_forward", "train_sigmoid_neuron", "slowdown_curves",
    # Part III: convolution, pooling and LeNet
    "correlate2d", "correlate2d_naive", "convolve2d", "rot180",
    "conv_output_size", "conv2d_forward", "conv2d_backward", "conv2d_forward_naive", "conv2d_backward_naive",
    "pool_output_size",
    "avg_pool2d_forward", "avg_pool2d_backward", "avg_pool2d_forward_naive", "avg_pool2d_backward_naive",
    "max_pool2d_forward", "max_pool2d_backward", "max_pool2d_forward_naive", "max_pool2d_backward_naive",
    "glorot_bound", "table_a1_bound", "conv_fans", "conv_param_count", "dense_param_count",
    "LeNet", "Net004", "LayerShape", "lenet_layer_shapes",
    # checking derivatives
    "numerical_gradient", "numerical_jacobian", "relative_error", "assert_gradients_close",
    # training and data
    "History", "train", "sgd_step", "apply_weight_decay", "accuracy", "check_labels",
    "EpochProgress", "format_epoch_line",
    "DigitsSplit", "load_digits_split", "one_hot",
    "load_mnist_subset", "load_mnist_idx", "load_idx", "shift_images", "augment_with_shifts",
    # guards
    "MEMORY_BUDGET_BYTES", "set_memory_budget", "memory_budget",
    "WORK_BUDGET_OPS", "set_work_budget", "work_budget",
    # threads
    "set_num_threads", "get_num_threads",
]

#: Names that are not copies: reading or assigning ``backprop.<name>`` reads or sets the value
#: in :mod:`backprop._validation` that every guard consults (a copy taken at import would go
#: stale after ``set_memory_budget``, and assigning it would change nothing).
_LIVE = {"MEMORY_BUDGET_BYTES": "set_memory_budget", "WORK_BUDGET_OPS": "set_work_budget"}


class _Module(type(importlib)):
    def __setattr__(self, name: str, value) -> None:
        if name in _LIVE:
            getattr(importlib.import_module("backprop._validation"), _LIVE[name])(value)
        else:
            super().__setattr__(name, value)


import sys as _sys  # noqa: E402

_sys.modules[__name__].__class__ = _Module
del _sys

_LAZY_SUBPACKAGES = ("figures", "explorers", "classroom")


def __getattr__(name: str):
    """Load ``backprop.figures``, ``backprop.explorers`` and ``backprop.classroom`` on first use.

    A figure or explorer asked for at the top level (``backprop.draw_lenet``) raises an
    ``AttributeError`` that says which subpackage holds it.
    """
    if name in _LIVE:
        return getattr(importlib.import_module("backprop._validation"), name)
    if name in _LAZY_SUBPACKAGES:
        return importlib.import_module(f"backprop.{name}")
    if name.startswith("_"):
        raise AttributeError(f"module 'backprop' has no attribute {name!r}")
    for package in ("figures", "explorers"):
        module = importlib.import_module(f"backprop.{package}")
        if hasattr(module, name):
            raise AttributeError(
                f"backprop.{name} is not a top-level name: it lives in backprop.{package} "
                f"(write `from backprop.{package} import {name}`)"
            )
    raise AttributeError(f"module 'backprop' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | set(_LAZY_SUBPACKAGES) | {"__version__"})
