"""The multilayer perceptron of seed 000, Fig. A.1: a D-M-N-Z sigmoid network.

Each layer is a dense layer (book Eq. A.3) followed by the sigmoid (Eq. A.2); the loss is
the half squared error of Eq. A.1.  The forward pass keeps each layer's cache; the
backward pass walks the layers in reverse and applies, per layer,

    dNet = dO * O (1 - O)                  the "Delta .* f'(Net)" of Eqs. A.16-A.17
    dW   = dNet^T O_prev                   Eqs. A.18-A.20 ("error at the rear end times
                                           the input at the front end"), summed over N
    db   = sum_n dNet[n]                   the bias gradient seed 000 never writes out
    dO_prev = dNet W                       Eq. A.6 in row form, the next layer's Delta

Parameters are named ``W1, b1, W2, b2, ...``: ``W1`` is the source's W_H1 (M, D), ``W2``
is W_H2 (N_3, M), ``W3`` is W_H3 (K, N_3), where seed 000 calls the third layer's width N
and the number of outputs Z.  In the arrays' shapes below N is the batch size (the book's
notation page) and K the number of outputs: x (N, D), outputs (N, K), one sample per row
(the source uses one column vector per sample).
"""

from __future__ import annotations

import numbers
from typing import Sequence

import numpy as np

from backprop._caches import MLPCache
from backprop._validation import (
    array_bytes,
    as_float_array,
    check_cache,
    check_labels,
    check_memory,
    check_seed,
    refuse_labels_as_targets,
)
from backprop.activations import sigmoid_backward, sigmoid_forward
from backprop.data import one_hot
from backprop.dense import dense_backward, dense_forward
from backprop.init import glorot_bound, uniform_init
from backprop.losses import half_squared_error, half_squared_error_grad

__all__ = [
    "MLP",
    "init_mlp",
    "mlp_forward",
    "mlp_backward",
    "mlp_loss_and_grads",
]


def _check_sizes(sizes: Sequence[int]) -> tuple[int, ...]:
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be a sequence of layer widths such as (64, 32, 16, 10); got {sizes!r}")
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output width, e.g. (64, 10); got {tuple(sizes)}")
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 1:
            raise ValueError(f"every layer width in sizes must be an integer >= 1; got {tuple(sizes)}")
    return tuple(int(s) for s in sizes)


def _n_layers(params: dict) -> int:
    if not isinstance(params, dict) or "W1" not in params:
        raise TypeError("params must be a dict with keys W1, b1, W2, b2, ... as made by init_mlp")
    n = 0
    while f"W{n + 1}" in params:
        n += 1
    return n


def init_mlp(sizes: Sequence[int], seed: int = 0) -> dict[str, np.ndarray]:
    """Parameters of a sigmoid network with layer widths ``sizes`` = (D, M, N, Z) (or any length >= 2).

    ``W{l}`` (sizes[l], sizes[l-1]) is drawn from U[-r, r] with r = sqrt(6 / (fan_in +
    fan_out)) (Glorot's uniform bound, :func:`backprop.init.glorot_bound`) using ``np.random.default_rng(seed)``;
    ``b{l}`` (sizes[l],) starts at zero.
    """
    sizes = _check_sizes(sizes)
    seed = check_seed("seed", seed)
    check_memory(
        f"init_mlp(sizes={sizes}): the weights and biases",
        sum(array_bytes((a + 1, b)) for a, b in zip(sizes[:-1], sizes[1:])),
    )
    rng = np.random.default_rng(seed)
    params: dict[str, np.ndarray] = {}
    for l in range(1, len(sizes)):
        fan_in, fan_out = sizes[l - 1], sizes[l]
        params[f"W{l}"] = uniform_init(rng, glorot_bound(fan_in, fan_out), (fan_out, fan_in))
        params[f"b{l}"] = np.zeros(fan_out)
    return params


def mlp_forward(params: dict, x: np.ndarray) -> tuple[np.ndarray, MLPCache]:
    """O^1 = x, then O^{l+1} = sigmoid(O^l W_l^T + b_l) for every layer (Eqs. A.2-A.3).

    x (N, D) -> output (N, K).  Returns ``(output, cache)``; pass the cache to
    :func:`mlp_backward`.

    Implements: Eqs. {eq-part1-net-row}, {eq-part1-sigmoid} (seed 000 Eqs. A.2-A.3)
    """
    n_layers = _n_layers(params)
    x = as_float_array("x", x, ndim=2)
    d_in = params["W1"].shape[1]
    if x.shape[1] != d_in:
        raise ValueError(f"x has {x.shape[1]} features per sample (shape {x.shape}) but the network expects D = {d_in}")
    out, layers = x, []
    for l in range(1, n_layers + 1):
        net, dense_cache = dense_forward(out, params[f"W{l}"], params[f"b{l}"])
        out, act_cache = sigmoid_forward(net)
        layers.append((dense_cache, act_cache))
    return out, MLPCache(tuple(layers))


def mlp_backward(dout: np.ndarray, cache: MLPCache) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Back-propagate dL/dO of the output through the whole network (Eqs. A.15-A.20).

    dout (N, K) is dL/dO^L (e.g. O - T for the summed half squared error, Eq. A.15).
    Returns ``(dx, grads)``: dx (N, D) and ``grads["W{l}"]`` (D_out, D_in) and ``grads["b{l}"]``
    (D_out,) of each layer, summed over the N samples (a mean loss puts its 1/N into ``dout``).
    Per layer: dNet = dO * O (1 - O) (A.13, A.16-A.17), dW = dNet^T O_prev (A.18-A.20),
    db = sum_n dNet (the bias gradient), dO_prev = dNet W (A.6).

    Implements: Eqs. {eq-part1-update-deltas}, {eq-part1-update-network-grads} (seed 000 Eqs. A.15-A.20)
    """
    (layers,) = check_cache(cache, MLPCache, "mlp_backward")
    dout = as_float_array("dout", dout, ndim=2)
    grads: dict[str, np.ndarray] = {}
    for l in range(len(layers), 0, -1):
        dense_cache, act_cache = layers[l - 1]
        dnet = sigmoid_backward(dout, act_cache)
        dout, grads[f"W{l}"], grads[f"b{l}"] = dense_backward(dnet, dense_cache)
    return dout, {name: grads[name] for name in sorted(grads, key=lambda s: (int(s[1:]), s[0] != "W"))}


def mlp_loss_and_grads(
    params: dict, x: np.ndarray, target: np.ndarray, reduction: str = "mean"
) -> tuple[float, dict[str, np.ndarray]]:
    """Half squared error (Eq. A.1) of the network's output against ``target`` and its gradients.

    x (N, D), target (N, K) (e.g. one-hot).  ``reduction="sum"`` is seed 000's E summed
    over the samples; ``"mean"`` divides it (and every gradient) by N.

    Implements: Eq. {eq-part1-loss} (seed 000 Eq. A.1)
    """
    out, cache = mlp_forward(params, x)
    refuse_labels_as_targets("target", target, out.shape)
    target = as_float_array("target", target, ndim=2)
    if target.shape != out.shape:
        raise ValueError(f"target has shape {target.shape} but the network's output has shape {out.shape} (N, K)")
    loss = half_squared_error(out, target, reduction)
    _, grads = mlp_backward(half_squared_error_grad(out, target, reduction), cache)
    return loss, grads


class MLP:
    """A sigmoid network with widths ``sizes`` (e.g. (64, 32, 16, 10)) and the book's model protocol.

    ``params`` (dict, updated in place by :func:`backprop.training.train`; see :mod:`backprop.models.protocol`),
    ``loss_and_grads(x, y)`` with integer labels y (N,) (the loss is the half squared error
    against one-hot targets, a mean over N), ``predict(x)`` (the argmax of the outputs) and
    ``forward(x)`` (the outputs O^L, (N, K)).
    """

    def __init__(self, sizes: Sequence[int], seed: int = 0):
        self.sizes = _check_sizes(sizes)
        self.params = init_mlp(self.sizes, seed)

    @property
    def n_classes(self) -> int:
        return self.sizes[-1]

    def forward(self, x: np.ndarray) -> np.ndarray:
        return mlp_forward(self.params, x)[0]

    def loss_and_grads(self, x: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        x = as_float_array("x", x, ndim=2)
        y = check_labels("y", y, n_samples=x.shape[0], n_classes=self.n_classes)
        return mlp_loss_and_grads(self.params, x, one_hot(y, self.n_classes), reduction="mean")

    def predict(self, x: np.ndarray) -> np.ndarray:
        return np.argmax(self.forward(x), axis=1)

    def __repr__(self) -> str:
        return f"MLP(sizes={self.sizes})"
