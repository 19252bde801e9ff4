"""The models the book trains, each following the model protocol of :mod:`backprop.models.protocol`.

* :class:`MLP` (Part I): the D-M-N-Z sigmoid network of seed 000, Fig. A.1, with its
  functions ``init_mlp``, ``mlp_forward``, ``mlp_backward``, ``mlp_loss_and_grads``;
* :class:`SoftmaxClassifier` (Part II): dense + ReLU layers, softmax and cross-entropy, and
  :func:`relu_network_forward`, the forward run of such a network up to its logits;
* :class:`LeNet` (Part III): seed 000's LeNet, Sec. A.3; :class:`Net004`: seed 004's network.

Numpy only, like the math modules: no figure and no widget is imported here.
"""

from backprop.models.classifiers import SoftmaxClassifier, relu_network_forward
from backprop.models.lenet import LayerShape, LeNet, conv_param_count, dense_param_count, lenet_layer_shapes
from backprop.models.mlp import MLP, init_mlp, mlp_backward, mlp_forward, mlp_loss_and_grads
from backprop.models.net004 import Net004
from backprop.models.protocol import Model, check_model

__all__ = [
    "Model",
    "check_model",
    "MLP",
    "init_mlp",
    "mlp_forward",
    "mlp_backward",
    "mlp_loss_and_grads",
    "SoftmaxClassifier",
    "relu_network_forward",
    "LeNet",
    "Net004",
    "LayerShape",
    "lenet_layer_shapes",
    "conv_param_count",
    "dense_param_count",
]
