"""Seed 004's convolutional network as a model of the shared training protocol (book: "LeNet end to end").

4 then 6 maps of 5x5, 2x2 average pooling, flatten 96, dense 50, dense 10 with softmax and
cross-entropy, Glorot init, zero biases.  The handout leaves the hidden activation ``f``
open; ``activation`` chooses it.  Shapes (book notation page): x (N, 1, 28, 28); kernels
(F, C, KH, KW); dense weights (D_out, D_in); logits (N, K) with K = 10.
"""

from __future__ import annotations

import numpy as np

from backprop._validation import check_choice, check_seed
from backprop.conv import conv2d_backward, conv2d_forward
from backprop.cross_entropy import softmax_cross_entropy, softmax_cross_entropy_backward
from backprop.dense import dense_backward, dense_forward
from backprop.init import BOUNDS, conv_fans, uniform_init
from backprop.models._cnn import ACTIVATIONS, CNNBase, act_backward, act_forward, check_dtype
from backprop.pooling import avg_pool2d_backward, avg_pool2d_forward

__all__ = ["Net004"]


class Net004(CNNBase):
    """Seed 004's network: 4 and 6 maps of 5x5, 2x2 average pooling, dense 50, softmax + cross-entropy.

    Parameters: W1 (4, 1, 5, 5), b1 (4,), W2 (6, 4, 5, 5), b2 (6,), W3 (50, 96), b3 (50,),
    W4 (10, 50), b4 (10,).  Glorot init (seed 004 page 2, with the corrected K^1 bound
    sqrt(6 / ((1 + 4) 5^2))), zero biases.  ``activation`` is the handout's ``f`` in the
    conv and hidden layers ("sigmoid", "tanh" or "relu").  The conv layers correlate where
    the handout convolves (page 2): the same layer with rot180 kernels, as in LeNet.

    Loss: mean over N of the cross-entropy of softmax(logits) against the labels; its
    gradient with respect to the logits is (softmax - onehot) / N (seed 004 page 4,
    "delta = S - Y", with the 1/N of the mean).
    """

    def __init__(self, seed: int = 0, activation: str = "tanh", dtype=np.float64, init: str = "glorot"):
        self.activation = check_choice("activation", activation, ACTIVATIONS)
        check_choice("init", init, tuple(BOUNDS))
        self.init = init
        self.dtype = check_dtype(dtype)
        bound = BOUNDS[init]
        rng = np.random.default_rng(check_seed("seed", seed))
        self.bounds = {
            "W1": bound(*conv_fans(1, 4, 5)),  # sqrt(6 / ((1 + 4) 5^2))
            "W2": bound(*conv_fans(4, 6, 5)),  # sqrt(6 / ((4 + 6) 5^2))
            "W3": bound(96, 50),
            "W4": bound(50, 10),
        }
        self.params = {
            "W1": uniform_init(rng, self.bounds["W1"], (4, 1, 5, 5), self.dtype),
            "b1": np.zeros(4, dtype=self.dtype),
            "W2": uniform_init(rng, self.bounds["W2"], (6, 4, 5, 5), self.dtype),
            "b2": np.zeros(6, dtype=self.dtype),
            "W3": uniform_init(rng, self.bounds["W3"], (50, 96), self.dtype),
            "b3": np.zeros(50, dtype=self.dtype),
            "W4": uniform_init(rng, self.bounds["W4"], (10, 50), self.dtype),
            "b4": np.zeros(10, dtype=self.dtype),
        }

    def _forward(self, x: np.ndarray) -> tuple[np.ndarray, dict]:
        """x (N, 1, 28, 28) -> logits (N, 10), and the caches of every layer."""
        p, f = self.params, self.activation
        c1, conv1 = conv2d_forward(x, p["W1"], p["b1"])  # (N, 4, 24, 24)
        a1, act1 = act_forward(f, c1)
        s1, pool1 = avg_pool2d_forward(a1, 2)  # (N, 4, 12, 12)
        c2, conv2 = conv2d_forward(s1, p["W2"], p["b2"])  # (N, 6, 8, 8)
        a2, act2 = act_forward(f, c2)
        s2, pool2 = avg_pool2d_forward(a2, 2)  # (N, 6, 4, 4)
        flat = s2.reshape(len(x), -1)  # (N, 96)
        z3, fc1 = dense_forward(flat, p["W3"], p["b3"])
        h, act3 = act_forward(f, z3)  # (N, 50)
        logits, fc2 = dense_forward(h, p["W4"], p["b4"])  # (N, 10)
        caches = dict(conv1=conv1, act1=act1, pool1=pool1, conv2=conv2, act2=act2, pool2=pool2, fc1=fc1, act3=act3, fc2=fc2)
        maps = dict(C1=a1, P1=s1, C2=a2, P2=s2, hidden=h, out=logits)
        return logits, {"caches": caches, "maps": maps, "s2_shape": s2.shape}

    def feature_maps(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """The activations of every layer: C1, P1, C2, P2 (N, F, H, W), hidden (N, 50), out = logits (N, 10)."""
        return self.forward(self._check_x(x))[1]["maps"]

    def loss_and_grads(self, x: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        """Mean cross-entropy over the batch and the gradient of every parameter (seed 004 pages 4-5)."""
        return self._loss_and_grads_in_halves(x, y)

    def _part_loss_and_grads(self, x: np.ndarray, y: np.ndarray, n_total: int) -> tuple[float, dict]:
        """The samples x (checked) as a share of a batch of n_total: their summed loss and
        gradients divided by n_total (for the whole batch, the mean itself)."""
        logits, state = self._forward(x)
        c = state["caches"]
        if len(x) == n_total:
            loss = softmax_cross_entropy(logits, y)
            dlogits = softmax_cross_entropy_backward(logits, y)  # (S - Y) / N
        else:  # a half of the batch: its sums, divided by the whole batch's N
            loss = softmax_cross_entropy(logits, y, reduction="sum") / n_total
            dlogits = softmax_cross_entropy_backward(logits, y, reduction="sum") * (1.0 / n_total)
        dh, dW4, db4 = dense_backward(dlogits, c["fc2"])
        dz3 = act_backward(dh, c["act3"])  # delta_1 = W2^T delta .* f'
        dflat, dW3, db3 = dense_backward(dz3, c["fc1"])
        ds2 = dflat.reshape(state["s2_shape"])
        da2 = avg_pool2d_backward(ds2, c["pool2"])  # delta C^2 = 1/4 delta_flatten(ceil(i/2), ceil(j/2)) .* f'
        dc2 = act_backward(da2, c["act2"])
        ds1, dW2, db2 = conv2d_backward(dc2, c["conv2"])
        da1 = avg_pool2d_backward(ds1, c["pool1"])
        dc1 = act_backward(da1, c["act1"])
        _, dW1, db1 = conv2d_backward(dc1, c["conv1"], input_grad=False)
        return loss, dict(W1=dW1, b1=db1, W2=dW2, b2=db2, W3=dW3, b3=db3, W4=dW4, b4=db4)

    def __repr__(self) -> str:
        return (
            f"Net004(28x28 -> C1 4@24x24 -> P1 4@12x12 -> C2 6@8x8 -> P2 6@4x4 -> 96 -> 50 -> 10 softmax, "
            f"activation={self.activation!r}, {self.n_params} parameters, {self.dtype})"
        )
