"""The model protocol: what :func:`backprop.training.train` needs from a model.

Every model the book trains (:class:`~backprop.models.MLP`, :class:`~backprop.models.SoftmaxClassifier`,
:class:`~backprop.models.LeNet`, :class:`~backprop.models.Net004`) has

* ``params``: a ``dict[str, ndarray]`` of float arrays, updated in place by the training loop;
  names starting with ``W`` or ``w`` are weights (weight decay applies to them), the others biases;
* ``loss_and_grads(x, y) -> (loss, grads)``: ``y`` holds integer labels (N,), the loss is a
  **mean over N** and ``grads`` has the keys and shapes of ``params``;
* ``predict(x) -> labels (N,)``.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np

__all__ = ["Model", "check_model"]


@runtime_checkable
class Model(Protocol):
    """Anything with ``params``, ``loss_and_grads(x, y)`` and ``predict(x)`` (see the module docstring)."""

    params: dict[str, np.ndarray]

    def loss_and_grads(self, x: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]: ...

    def predict(self, x: np.ndarray) -> np.ndarray: ...


def check_model(model: Any) -> None:
    """Raise ``TypeError`` naming what is missing unless ``model`` follows the protocol with float parameters."""
    for attr in ("params", "loss_and_grads", "predict"):
        if not hasattr(model, attr):
            raise TypeError(
                f"model must have params, loss_and_grads(x, y) and predict(x) (the book's model protocol); "
                f"{type(model).__name__} has no {attr!r}"
            )
    if not isinstance(model.params, dict) or not model.params:
        raise TypeError(f"model.params must be a non-empty dict of arrays; got {type(model.params).__name__}")
    for name, p in model.params.items():
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
            raise TypeError(f"model.params[{name!r}] must be a float numpy array; got {getattr(p, 'dtype', type(p))}")
