"""What the two CNNs of Part III share: input checks, batched prediction, the hidden activation.

A module of the models package only (its leading underscore): :class:`CNNBase` is the base
class of :class:`backprop.models.LeNet` and :class:`backprop.models.Net004`.
"""

from __future__ import annotations

import numpy as np

from backprop._parallel import get_num_threads
from backprop._validation import as_float_array, check_labels, inputs_already_checked
from backprop.activations import relu_backward, relu_forward, sigmoid_backward, sigmoid_forward
from backprop.models._second_process import start_second_half


def check_dtype(dtype) -> np.dtype:
    try:
        dtype = np.dtype(dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"dtype must be a floating-point type such as np.float32 or np.float64; got {dtype!r:.60}") from exc
    if dtype.kind != "f":
        raise TypeError(f"dtype must be a floating-point type such as np.float32 or np.float64; got {dtype}")
    return dtype


#: With two or more threads, training steps on batches of at least this many samples run
#: their second half in a second process (:meth:`CNNBase._loss_and_grads_in_halves`).
HALVES_MIN_BATCH = 64


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

    def _part_loss_and_grads(self, x: np.ndarray, y: np.ndarray, n_total: int) -> tuple[float, dict]:
        raise NotImplementedError

    def _loss_and_grads_in_halves(self, x: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        """The mean loss over the batch and every parameter's gradient.

        With one thread (the default) the batch goes through the layers in one piece.  With
        ``bp.set_num_threads(n)``, n >= 2, a batch of N >= :data:`HALVES_MIN_BATCH`
        samples goes in two nearly equal parts, the second (N // 2 - N // 32 samples: 30 of
        64) in a worker process (``backprop.models._second_process``) while this process
        computes the first: each part's loss and gradients are its sums divided by N, and
        the first part's are added to the second's.  The results agree with one thread's to
        rounding (the sums go in another order), and are the same to the last bit for every
        n >= 2.
        """
        x = self._check_x(x)
        y = check_labels("y", y, n_samples=x.shape[0], n_classes=self.n_classes)
        self._check_params()
        n = x.shape[0]
        with inputs_already_checked():  # x and the parameters are checked; each layer checks its output
            if get_num_threads() < 2 or n < HALVES_MIN_BATCH:
                loss, grads = self._part_loss_and_grads(x, y, n)
            else:
                h = n // 2 + n // 32  # the worker's part a little smaller: it also pays the pipe (about 3 samples' time)
                second = start_second_half(self, x[h:], y[h:], n) if type(self).__module__.startswith("backprop.") else None
                try:
                    loss, grads = self._part_loss_and_grads(x[:h], y[:h], n)
                except BaseException:
                    if second is not None:
                        second.discard()
                    raise
                loss_b, grads_b = second.result() if second is not None else self._part_loss_and_grads(x[h:], y[h:], n)
                loss = loss + loss_b
                grads = {k: g + grads_b[k] for k, g in grads.items()}
        return loss, {k: g.astype(self.dtype, copy=False) for k, g in grads.items()}

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
