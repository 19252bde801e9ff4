"""backprop: the library behind the executable textbook on backpropagation.

Every public name is importable from the top level (``from backprop import dense_forward``).
Each module holds one concept; each backward function names the book equation it implements.
Shapes use the letters defined on the book's notation page (N, D, C, H, W, F, KH, KW).
"""

from backprop.activations import sigmoid, sigmoid_backward, sigmoid_forward, sigmoid_prime
from backprop.dense import dense_backward, dense_forward
from backprop.gradcheck import assert_gradients_close, numerical_gradient, relative_error
from backprop.losses import half_squared_error, half_squared_error_grad

# Part I: the multilayer perceptron and its data (see backprop.mlp, backprop.data)
from backprop.data import DigitsSplit, load_digits_split, one_hot
from backprop.mlp import MLP, init_mlp, mlp_backward, mlp_forward, mlp_loss_and_grads
from backprop.progress import EpochProgress, format_epoch_line
from backprop.training import History, accuracy, apply_weight_decay, check_labels, sgd_step, train
# Part II: more activations and losses (see backprop.activations, backprop.losses)
from backprop.activations import relu, relu_backward, relu_forward, relu_prime
# Part III: convolution and pooling (see backprop.conv, backprop.pooling, backprop.lenet)

__version__ = "0.1.0"
