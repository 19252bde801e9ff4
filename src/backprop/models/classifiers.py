"""Classifiers of Part II as models of the shared training protocol (book: "Cross-entropy meets sigmoid and softmax").

:func:`relu_network_forward`: the forward run of dense layers with ReLU between them, up to
the logits (the network that "Back through the hidden layers" differentiates by hand);
:class:`SoftmaxClassifier`: that network with a softmax output and the mean cross-entropy,
the network on which the chapter compares weight decay.  The sigmoid
neuron of the learning-slowdown experiment is :func:`backprop.slowdown.train_sigmoid_neuron`.
"""

from __future__ import annotations

import numpy as np

from backprop._validation import (
    array_bytes,
    as_float_array,
    check_labels,
    check_memory,
    check_positive_int,
    check_seed,
    check_sequence,
)
from backprop.activations import relu_backward, relu_forward
from backprop.cross_entropy import softmax_cross_entropy, softmax_cross_entropy_backward
from backprop.dense import dense_backward, dense_forward
from backprop.init import glorot_bound, uniform_init

__all__ = ["relu_network_forward", "SoftmaxClassifier"]


def relu_network_forward(params: dict, x: np.ndarray) -> tuple[list[np.ndarray], list[tuple]]:
    """The forward run of dense layers with ReLU between them, up to the logits of the last layer.

    ``params`` holds ``W1`` (H_1, D), ``b1`` (H_1,), ``W2`` (H_2, H_1), ... as in
    :func:`backprop.dense_forward`; x (N, D), one sample per row.  Layer m computes the net
    input z^m = a^{m-1} (W^m)^T + b^m and, below the last layer, a^m = ReLU(z^m); the last
    layer's z (N, K) has no activation: it is the logits that :func:`backprop.sigmoid_bce`
    and :func:`backprop.softmax_cross_entropy` take.

    Returns ``(nets, caches)``: ``nets[m - 1]`` is z^m (N, H_m), so ``nets[-1]`` is the
    logits; ``caches[m - 1]`` is layer m's pair (DenseCache, ReluCache), with None for the
    last layer's ReLU, for :func:`backprop.dense_backward` and :func:`backprop.relu_backward`
    in reverse order.

    Implements: Eqs. {eq-part2-ce-dense-forward}, {eq-part2-relu} (seed 002 Eqs. 3.10, 3.16)
    """
    if not isinstance(params, dict) or "W1" not in params:
        raise TypeError(f"params must be a dict with keys W1, b1, W2, b2, ... (W1 of shape (H_1, D)); got {params!r:.80}")
    n_layers = 1
    while f"W{n_layers + 1}" in params:
        n_layers += 1
    out = as_float_array("x", x, ndim=2)
    nets, caches = [], []
    for m in range(1, n_layers + 1):
        z, dense_cache = dense_forward(out, params[f"W{m}"], params[f"b{m}"])
        relu_cache = None
        if m < n_layers:
            out, relu_cache = relu_forward(z)
        nets.append(z)
        caches.append((dense_cache, relu_cache))
    return nets, caches


class SoftmaxClassifier:
    """Dense layers with ReLU between them and a softmax output, trained on the mean cross-entropy.

    ``layer_sizes = (D, H_1, ..., K)``; parameters ``W1 (H_1, D), b1 (H_1,), ...`` as in
    :func:`backprop.dense_forward` (z = x W^T + b, one sample per row).  Weights start
    uniform in +-sqrt(6 / (fan_in + fan_out)) from ``np.random.default_rng(seed)``, biases
    at 0.  Follows the model protocol of :func:`backprop.training.train`: ``params``,
    ``loss_and_grads(x, labels)`` (mean over N, gradients by backprop: the softmax delta
    (s - t)/N, then dense_backward and relu_backward layer by layer) and ``predict(x)``.
    """

    def __init__(self, layer_sizes: tuple[int, ...] = (64, 32, 10), seed: int = 0):
        sizes = [check_positive_int("layer_sizes entry", s) for s in check_sequence("layer_sizes", layer_sizes, "(64, 32, 10)")]
        if len(sizes) < 2:
            raise ValueError(f"layer_sizes needs at least (D, K); got {tuple(layer_sizes)}")
        check_memory(
            f"SoftmaxClassifier(layer_sizes={tuple(sizes)}): the weights and biases",
            sum(array_bytes((a + 1, b)) for a, b in zip(sizes[:-1], sizes[1:])),
        )
        rng = np.random.default_rng(check_seed("seed", seed))
        self.layer_sizes = tuple(sizes)
        self.params: dict[str, np.ndarray] = {}
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            self.params[f"W{i}"] = uniform_init(rng, glorot_bound(fan_in, fan_out), (fan_out, fan_in))
            self.params[f"b{i}"] = np.zeros(fan_out)

    @property
    def n_layers(self) -> int:
        return len(self.layer_sizes) - 1

    def _forward(self, x: np.ndarray) -> tuple[np.ndarray, list]:
        x = as_float_array("x", x, shape=(None, self.layer_sizes[0]))
        nets, caches = relu_network_forward(self.params, x)
        return nets[-1], caches

    def logits(self, x: np.ndarray) -> np.ndarray:
        """The output layer's net input z (N, K) for the samples x (N, D)."""
        return self._forward(x)[0]

    def loss_and_grads(self, x: np.ndarray, labels: np.ndarray) -> tuple[float, dict]:
        """Mean cross-entropy over the N samples and its gradient for every parameter.

        x (N, D), labels (N,) int -> (loss, grads) with grads[name] of params[name]'s shape.
        Book Eqs. {eq-part2-ce-softmax-delta} (the output delta (s - t)/N, seed 003 section 3.2),
        {eq-part2-ce-relu-delta} (back through each ReLU, seed 003 section 4) and
        {eq-part2-ce-hidden-grads} (dW = delta^T A, db = sum_n delta; seed 002 Eqs. 3.45-3.59 corrected).

        Implements: Eqs. {eq-part2-ce-softmax-delta}, {eq-part2-ce-relu-delta}, {eq-part2-ce-hidden-grads}, {eq-part2-delta-rule-003} (seed 003 sections 3.2, 4)
        """
        z, caches = self._forward(x)
        labels = check_labels("labels", labels, n_samples=z.shape[0], n_classes=z.shape[1])
        loss = softmax_cross_entropy(z, labels)
        dout = softmax_cross_entropy_backward(z, labels)
        grads: dict[str, np.ndarray] = {}
        for i in range(self.n_layers, 0, -1):
            dense_cache, relu_cache = caches[i - 1]
            if relu_cache is not None:
                dout = relu_backward(dout, relu_cache)
            dout, grads[f"W{i}"], grads[f"b{i}"] = dense_backward(dout, dense_cache)
        return loss, {name: grads[name] for name in self.params}

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The class with the largest logit, (N,) int64."""
        return np.argmax(self.logits(x), axis=1).astype(np.int64)

    def weight_norm(self) -> float:
        """sqrt(sum over weights of ||W||^2), the quantity that weight decay shrinks (biases excluded)."""
        return float(np.sqrt(sum(np.sum(p**2) for name, p in self.params.items() if name.startswith("W"))))
