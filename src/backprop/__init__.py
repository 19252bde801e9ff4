"""backprop: the library behind the executable textbook on backpropagation.

Every public name is importable from the top level (``from backprop import dense_forward``).
Each module holds one concept; each backward function names the book equation it implements.
Shapes use the letters defined on the book's notation page (N, D, C, H, W, F, KH, KW).
"""

from backprop._validation import MEMORY_BUDGET_BYTES, set_memory_budget
from backprop.activations import sigmoid, sigmoid_backward, sigmoid_forward, sigmoid_prime
from backprop.dense import dense_backward, dense_forward
from backprop.gradcheck import assert_gradients_close, numerical_gradient, numerical_jacobian, relative_error
from backprop.losses import half_squared_error, half_squared_error_grad

# Part I: the multilayer perceptron and its data (see backprop.mlp, backprop.data)
from backprop.data import DigitsSplit, load_digits_split, one_hot
from backprop.mlp import (
    MLP,
    digits_training_curves,
    init_mlp,
    mlp_backward,
    mlp_forward,
    mlp_loss_and_grads,
    training_explorer,
)
from backprop.progress import EpochProgress, format_epoch_line
from backprop.training import History, accuracy, apply_weight_decay, check_labels, plot_history, sgd_step, train
from backprop.diagrams.network import (
    draw_dense_backward,
    draw_dense_forward,
    draw_error_backprop,
    draw_feedforward_network,
    draw_neuron,
)
from backprop.error_flow import ErrorFlow, backpropagate_error, error_flow_explorer, loss_from_layer, trace_error_flow
# Part II: more activations and losses (see backprop.activations, backprop.losses)
from backprop.activation_explorer import activation_explorer_data, make_activation_explorer
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
from backprop.cross_entropy import (
    SoftmaxClassifier,
    log_softmax,
    logsumexp,
    naive_sigmoid_bce,
    naive_softmax_cross_entropy,
    sigmoid_bce,
    sigmoid_bce_backward,
    softmax_cross_entropy,
    softmax_cross_entropy_backward,
)
from backprop.slowdown import draw_slowdown, slowdown_curves, slowdown_explorer, train_sigmoid_neuron
# Part III: convolution and pooling (see backprop.conv, backprop.pooling, backprop.lenet)
from backprop.diagrams.cnn import draw_cnn_architecture, draw_conv_network, draw_lenet, lenet_layer_shapes
from backprop.conv import (
    conv2d_backward,
    conv2d_backward_naive,
    conv2d_forward,
    conv2d_forward_naive,
    conv_output_size,
)
from backprop.correlation import convolve2d, correlate2d, correlate2d_naive, rot180
from backprop.lenet import (
    LeNet,
    Net004,
    conv_fans,
    conv_param_count,
    dense_param_count,
    glorot_bound,
    table_a1_bound,
)
from backprop.mnist import augment_with_shifts, load_idx, load_mnist_idx, load_mnist_subset, shift_images
from backprop.pooling_explorer import draw_pooling_routes, pooling_explorer, pooling_routes
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

__version__ = "0.1.0"
