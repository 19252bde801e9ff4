"""What the two CNNs of Part III share: input checks, batched prediction, the hidden activation.

A module of the models package only (its leading underscore): :class:`CNNBase` is the base
class of :class:`backprop.models.LeNet` and :class:`backprop.models.Net004`.
"""

from __future__ import annotations

import numpy as np

from backprop._validation import as_float_array, inputs_already_checked
from backprop.activations import relu_backward, relu_forward, sigmoid_backward, sigmoid_forward


def check_dtype(dtype) -> np.dtype:
    try:
        dtype = np.dtype(dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"dtype must be a floating-point type such as np.float32 or np.float64; got {dtype!r:.60}") from exc
    if dtype.kind != "f":
        raise TypeError(f"dtype must be a floating-point type such as np.float32 or np.float64; got {dtype}")
    return dtype


class CNNBase:
    """Shared plumbing: input checks, batched prediction, parameter counting."""

    params: dict[str, np.ndarray]
    n_classes = 10
    input_size = 28

    def _validate_x(self, x: np.ndarray) -> np.ndarray:
        """x checked under its own name (errors never name an inner layer's argument), dtype kept."""
        x = as_float_array("x", x, ndim=4)
        want = (1, self.input_size, self.input_size)
        if x.shape[1:] != want:
            raise ValueError(f"x has shape {x.shape} but (N, 1, {self.input_size}, {self.input_size}) was expected")
        return x

    def _check_x(self, x: np.ndarray) -> np.ndarray:
        return self._validate_x(x).astype(self.dtype, copy=False)

    def _check_params(self) -> None:
        """Every parameter finite (they may have been changed by hand), checked once per pass."""
        for name, value in self.params.items():
            as_float_array(f"params[{name!r}]", value, allow_empty=True)

    def _forward(self, x: np.ndarray) -> tuple[np.ndarray, dict]:
        raise NotImplementedError

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, dict]:
        """The network's outputs (N, K) for the samples x, and the caches of every layer."""
        x = self._check_x(x)
        self._check_params()
        with inputs_already_checked():  # x and the parameters are checked; each layer checks its output
            return self._forward(x)

    @property
    def n_params(self) -> int:
        """Total number of learned numbers, counted from the arrays themselves."""
        return int(sum(p.size for p in self.params.values()))

    def scores(self, x: np.ndarray, batch_size: int = 500) -> np.ndarray:
        """The network's outputs (N, K) (sigmoid outputs or logits), computed in chunks to bound memory."""
        x = self._check_x(x)
        return np.concatenate([self.forward(x[i : i + batch_size])[0] for i in range(0, len(x), batch_size)])

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predicted labels (N,): the index of the largest output."""
        return self.scores(x).argmax(axis=1)


ACTIVATIONS = ("sigmoid", "tanh", "relu")


def act_forward(name: str, z: np.ndarray) -> tuple[np.ndarray, tuple]:
    if name == "sigmoid":
        a, cache = sigmoid_forward(z)
    elif name == "tanh":
        a = np.tanh(z)
        cache = a
    else:
        a, cache = relu_forward(z)
    return a, (name, cache)


def act_backward(da: np.ndarray, cache: tuple) -> np.ndarray:
    name, inner = cache
    if name == "sigmoid":
        return sigmoid_backward(da, inner)
    if name == "tanh":
        return da * (1.0 - inner * inner)
    return relu_backward(da, inner)
