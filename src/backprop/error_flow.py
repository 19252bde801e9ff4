"""The error flowing backward through a small sigmoid network (book: "Backpropagating the error").

The layers are numbered 1 (input) ... L (output).  For one input x and target y the
network computes, for l = 2 ... L (book Eqs. A.2, A.3, one sample, column form),

    z^l = W^l a^{l-1} + b^l,   a^l = f(z^l),   a^1 = x,

and the error is sent back (book Eqs. A.4-A.6, A.15-A.17):

    dE/da^L     = a^L - y                                   (A.4, A.15)
    delta^l     = dE/da^l * f'(z^l) = dE/da^l * a^l (1 - a^l)   (the bracket of A.6)
    dE/da^{l-1} = (W^l)^T delta^l                           (A.5, A.6, A.16, A.17)

Shapes, with D_l nodes in layer l: x (D_1,), y (D_L,), W^l (D_l, D_{l-1}), b^l (D_l,),
a^l, z^l, dE/da^l, delta^l (D_l,).  The weights are given as a list ``weights`` with
``weights[0] = W^2`` (seed 000's W_H1), ``weights[1] = W^3`` (W_H2), and so on.

:func:`trace_error_flow` does the whole computation; :func:`loss_from_layer` gives the loss as a
function of one layer's output, which is what a finite-difference check of dE/da^l
needs; :func:`example_network` draws seeded weights.  The classroom widget that steps the
error back one layer at a time is :func:`backprop.explorers.error_flow_explorer`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from backprop._validation import array_bytes, as_float_array, check_memory, check_positive_int, check_seed, check_sequence
from backprop.activations import sigmoid
from backprop.losses import half_squared_error

__all__ = [
    "ErrorFlow",
    "trace_error_flow",
    "loss_from_layer",
    "backpropagate_error",
    "example_network",
]


@dataclass(frozen=True)
class ErrorFlow:
    """Every quantity of the forward and backward run, one entry per layer (index 0 = layer 1).

    ``nets[0]`` and ``deltas[0]`` are ``None``: the input layer has no pre-activation z and no activation function.
    """

    outputs: list
    nets: list
    errors: list
    deltas: list
    loss: float

    @property
    def n_layers(self) -> int:
        return len(self.outputs)


def _check_network(weights: Sequence[np.ndarray], biases: Sequence[np.ndarray], n_in: int) -> tuple[list, list]:
    if isinstance(weights, np.ndarray) or not isinstance(weights, (list, tuple)) or len(weights) == 0:
        raise TypeError("weights must be a non-empty list of matrices W^2, ..., W^L, each of shape (D_l, D_{l-1})")
    if not isinstance(biases, (list, tuple)) or len(biases) != len(weights):
        got = len(biases) if isinstance(biases, (list, tuple)) else type(biases).__name__
        raise ValueError(f"biases must be a list with one vector per weight matrix ({len(weights)}); got {got}")
    Ws, bs = [], []
    width = n_in
    for i, (W, b) in enumerate(zip(weights, biases)):
        W = as_float_array(f"weights[{i}]", W, ndim=2)
        if W.shape[1] != width:
            hint = " (it looks transposed: W^l has shape (D_l, D_{l-1}))" if W.shape[0] == width else ""
            raise ValueError(f"weights[{i}] has shape {W.shape} but layer {i + 1} has {width} nodes, so "
                             f"(any, {width}) was expected{hint}")
        Ws.append(W)
        bs.append(as_float_array(f"biases[{i}]", b, shape=(W.shape[0],)))
        width = W.shape[0]
    return Ws, bs


def _forward(x: np.ndarray, Ws: list, bs: list, start: int = 0) -> tuple[list, list]:
    outputs, nets = [x], [None]
    for W, b in zip(Ws[start:], bs[start:]):
        net = W @ outputs[-1] + b  # Eq. A.3: z_i = sum_j W_ij a_j + b_i
        nets.append(net)
        outputs.append(sigmoid(net))  # Eq. A.2
    return outputs, nets


def trace_error_flow(x: np.ndarray, target: np.ndarray, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]) -> ErrorFlow:
    """Run the sigmoid network forward on one input, then send the error back.

    Implements book Eqs. (A.2)-(A.6) and (A.15)-(A.17): returns a^l, z^l,
    dE/da^l and delta^l = dE/da^l * f'(z^l) for every layer, with
    E = sum_z 1/2 (T_z - O_z^L)^2 (Eq. A.1).  x (D_1,), target (D_L,),
    weights[l-2] = W^l (D_l, D_{l-1}), biases[l-2] = d^l (D_l,).
    The input layer's dE/da^1 = dE/dx is included; its delta is None.

    Implements: Eqs. {eq-part1-net-column}, {eq-part1-output-error}, {eq-part1-delta-def}, {eq-part1-backprop-index}, {eq-part1-backprop-matrix}, {eq-part1-four-layer-errors} (seed 000 Eqs. A.2-A.6, A.15-A.17)
    """
    x = as_float_array("x", x, ndim=1)
    Ws, bs = _check_network(weights, biases, x.shape[0])
    target = as_float_array("target", target, shape=(Ws[-1].shape[0],))
    outputs, nets = _forward(x, Ws, bs)
    n = len(outputs)
    errors: list = [None] * n
    deltas: list = [None] * n
    errors[-1] = outputs[-1] - target  # Eq. A.4
    for l in range(n - 1, 0, -1):
        deltas[l] = errors[l] * outputs[l] * (1.0 - outputs[l])  # dE/da^l .* f'(z^l), f' = a(1-a)
        errors[l - 1] = Ws[l - 1].T @ deltas[l]  # Eq. A.6: dE/da^{l-1} = W^T delta^l
    loss = half_squared_error(outputs[-1][None, :], target[None, :])  # Eq. A.1
    return ErrorFlow(outputs=outputs, nets=nets, errors=errors, deltas=deltas, loss=loss)


def loss_from_layer(output: np.ndarray, layer: int, target: np.ndarray, weights: Sequence[np.ndarray],
                    biases: Sequence[np.ndarray]) -> float:
    """E (Eq. A.1) as a function of the activation a^layer of one layer (layers numbered from 1).

    The rest of the network is run forward from that layer; finite differences of this
    function with respect to ``output`` give dE/da^layer independently of
    the backward formulas.  output (D_layer,), target (D_L,).

    Implements: Eq. {eq-part1-loss} (seed 000 Eq. A.1)
    """
    layer = check_positive_int("layer", layer)
    if isinstance(weights, (list, tuple)) and layer > len(weights) + 1:
        raise ValueError(f"layer must be between 1 and L = {len(weights) + 1}; got {layer}")
    output = as_float_array("output", output, ndim=1)
    n_in = np.shape(weights[0])[1] if isinstance(weights, (list, tuple)) and weights else output.shape[0]
    Ws, bs = _check_network(weights, biases, n_in)
    want = Ws[layer - 2].shape[0] if layer >= 2 else n_in
    if output.shape[0] != want:
        raise ValueError(f"output has shape {output.shape} but layer {layer} has {want} nodes")
    target = as_float_array("target", target, shape=(Ws[-1].shape[0],))
    outputs, _ = _forward(output, Ws, bs, start=layer - 1)
    return half_squared_error(outputs[-1][None, :], target[None, :])


def backpropagate_error(delta: np.ndarray, W: np.ndarray) -> np.ndarray:
    """dE/da^{l-1} = W^T delta^l (book Eq. A.6), for a batch with one sample per row.

    delta (N, D_l) holds dE/da^l * f'(z^l); W (D_l, D_{l-1}) is the layer's weight
    matrix.  Returns dE/da^{l-1} (N, D_{l-1}) = delta @ W, the row form of W^T delta.

    Implements: Eqs. {eq-part1-backprop-rows}, {eq-part1-chain-result} (seed 000 Eq. A.6)
    """
    delta = as_float_array("delta", delta, ndim=2)
    W = as_float_array("W", W, ndim=2)
    if delta.shape[1] != W.shape[0]:
        hint = "; W looks transposed: it must have shape (D_l, D_{l-1})" if delta.shape[1] == W.shape[1] else ""
        raise ValueError(f"delta has {delta.shape[1]} columns (shape {delta.shape}) but W has shape {W.shape}, "
                         f"so D_l = {W.shape[0]} columns were expected{hint}")
    return delta @ W


def example_network(sizes: Sequence[int] = (3, 4, 3, 2), seed: int = 0) -> tuple[list, list]:
    """Seeded weights W^l (D_l, D_{l-1}) and biases d^l (D_l,) drawn from N(0, 1).

    sizes (D_1, ..., D_L), at least 2 layers; seed an integer >= 0 for ``np.random.default_rng``.
    """
    sizes = [check_positive_int(f"sizes[{i}]", s) for i, s in enumerate(check_sequence("sizes", sizes, "(3, 4, 3, 2)"))]
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least 2 layers; got {tuple(sizes)}")
    seed = check_seed("seed", seed)
    check_memory(f"example_network(sizes={tuple(sizes)}): the weights and biases", sum(array_bytes((a + 1, b)) for a, b in zip(sizes[:-1], sizes[1:])))
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=(b, a)) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(size=b) for b in sizes[1:]]
    return weights, biases
