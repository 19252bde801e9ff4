"""The shared training loop: mini-batch stochastic gradient descent (book Eq. A.10).

Every model the book trains (the multilayer perceptron of Part I, LeNet of Part III)
follows one protocol (:mod:`backprop.models.protocol`), so that this one loop trains them
all: ``model.params`` (a dict of float arrays, updated in place),
``model.loss_and_grads(x, y) -> (loss, grads)`` (integer labels y (N,), the loss a **mean
over N**, grads with the keys and shapes of params) and ``model.predict(x) -> labels (N,)``.

One step of SGD is Eq. A.10 applied to every parameter at once,
``P <- P - learning_rate * dL/dP``.  Weight decay (L2 regularisation) adds
``weight_decay * W`` to the gradient of every parameter whose name starts with
``"W"`` or ``"w"`` (weights and kernels, not biases): that is the gradient of
``loss + weight_decay / 2 * sum ||W||^2``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from backprop._validation import _describe, as_float_array, check_labels, check_positive_int, check_seed, check_work, training_ops
from backprop.models.protocol import check_model
from backprop.progress import EpochProgress

__all__ = ["History", "train", "accuracy", "apply_weight_decay", "sgd_step", "check_labels"]


@dataclass
class History:
    """Per-epoch records of :func:`train`, one entry per epoch.

    train_loss      the mean over the epoch's samples of the model's loss, as seen by the
                    mini-batches during the epoch (the data loss, without the weight-decay
                    penalty)
    train_accuracy  the share of training samples classified correctly after the epoch
    test_accuracy   the same on the test set after the epoch (empty if no test set)
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)

    @property
    def epochs(self) -> int:
        """How many epochs were recorded."""
        return len(self.train_loss)


def accuracy(predicted: np.ndarray, labels: np.ndarray) -> float:
    """The share of entries where ``predicted`` equals ``labels`` (both (N,) integer arrays)."""
    labels = check_labels("labels", labels)
    predicted = check_labels("predicted", np.asarray(predicted), n_samples=labels.shape[0])
    return float(np.mean(predicted == labels))


def _is_weight(name: str) -> bool:
    return name[:1] in ("W", "w")


def apply_weight_decay(params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray], weight_decay: float) -> dict:
    """Return new gradients: ``grads[name] + weight_decay * params[name]`` for weights.

    A parameter is a weight when its name starts with ``"W"`` or ``"w"``; the gradients of
    all other parameters (biases) are returned unchanged.  This is the gradient of
    ``loss + weight_decay / 2 * sum over weights of ||W||^2``.  A gradient or parameter
    with NaN or inf, or a sum that overflows, raises ``FloatingPointError`` naming it.

    Implements: Eq. {eq-part2-ce-weight-decay}
    """
    return _weight_decay(params, grads, weight_decay, "")


def _weight_decay(params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray], weight_decay: object, where: str) -> dict:
    weight_decay = _check_nonnegative("weight_decay", weight_decay)
    grads = _check_grads(params, grads, where)
    out = {}
    for name, g in grads.items():
        if weight_decay and _is_weight(name):
            _check_finite_param(name, params[name], where)
            with np.errstate(over="ignore", invalid="ignore"):
                g = g + weight_decay * params[name]
            if not np.all(np.isfinite(g)):
                raise FloatingPointError(
                    f"gradient {name!r} plus weight_decay * {name} overflowed{where}; "
                    f"try a smaller weight_decay (got {weight_decay}) or a smaller learning_rate"
                )
        out[name] = g
    return out


def sgd_step(params: dict, grads: Mapping[str, np.ndarray], learning_rate: float) -> None:
    """Eq. A.10 for every parameter, in place: ``params[name] -= learning_rate * grads[name]``.

    ``learning_rate`` must be a finite number > 0.  Every gradient is checked, and every
    new value computed, before any parameter changes: a NaN or inf in a gradient, or an
    update that overflows, raises ``FloatingPointError`` naming the parameter and leaves
    ``params`` as they were.

    Implements: Eqs. {eq-part1-update-gd}, {eq-part2-ce-update} (seed 000 Eq. A.10)
    """
    learning_rate = _check_learning_rate(learning_rate)
    _sgd_update(params, grads, learning_rate, "")


def _sgd_update(params: dict, grads: Mapping[str, np.ndarray], learning_rate: float, where: str) -> None:
    grads = _check_grads(params, grads, where)
    new = {}
    for name, g in grads.items():
        _check_finite_param(name, params[name], where)
        with np.errstate(over="ignore", invalid="ignore"):
            value = (params[name] - learning_rate * g).astype(params[name].dtype, copy=False)
        if not np.all(np.isfinite(value)):
            raise FloatingPointError(
                f"the update of parameter {name!r} overflowed{where} (learning_rate * gradient is too large "
                f"for {params[name].dtype}); the parameters were left unchanged; try a smaller learning_rate "
                f"(got {learning_rate})"
            )
        new[name] = value
    for name, value in new.items():  # write only once every new value is known to be finite
        params[name][...] = value


def _check_learning_rate(value: object) -> float:
    value = _check_nonnegative("learning_rate", value)
    if value == 0:
        raise ValueError("learning_rate must be > 0; got 0.0 (nothing would change)")
    return value


def _check_nonnegative(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number >= 0; got {value!r} ({type(value).__name__})")
    value = float(value)
    if not (np.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0; got {value}")
    return value


def _check_finite_param(name: str, p: np.ndarray, where: str) -> None:
    if not np.all(np.isfinite(p)):
        raise FloatingPointError(
            f"parameter {name!r} already holds NaN or inf{where}; re-initialise the model "
            "and train with a smaller learning_rate"
        )


def _check_grads(params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray], where: str = "") -> dict:
    """Return the gradients as float arrays of their parameters' shapes, every entry finite, or raise."""
    if not isinstance(grads, Mapping):
        raise TypeError(f"loss_and_grads must return (loss, grads) with grads a dict; got a {type(grads).__name__}")
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of parameter arrays; got a {type(params).__name__}")
    if set(grads) != set(params):
        raise ValueError(
            f"the gradients' names {sorted(grads)} differ from the parameters' names {sorted(params)}"
        )
    out = {}
    for name, g in grads.items():
        if not isinstance(params[name], np.ndarray) or params[name].dtype.kind != "f":
            raise TypeError(f"params[{name!r}] must be a float numpy array; got {_describe(params[name])}")
        if np.shape(g) != np.shape(params[name]):
            raise ValueError(f"gradient {name!r} has shape {np.shape(g)} but parameter {name!r} has shape {params[name].shape}")
        g = as_float_array(f"gradient {name!r}", g, allow_empty=True, finite=False)
        if not np.all(np.isfinite(g)):
            bad = int(g.size - np.count_nonzero(np.isfinite(g)))
            raise FloatingPointError(
                f"gradient {name!r} has {bad} NaN or infinite value(s){where}; the parameters were left unchanged. "
                "An overflow in the forward or backward pass: try a smaller learning_rate"
            )
        out[name] = g
    return out


def _check_x(name: str, x: object) -> np.ndarray:
    x = as_float_array(name, x)
    if x.ndim < 2:
        raise ValueError(f"{name} must have one sample per row, shape (N, ...) with at least 2 dims; got shape {x.shape}")
    return x


def train(
    model: Any,
    x_train: np.ndarray,
    y_train: np.ndarray,
    *,
    epochs: int,
    learning_rate: float,
    batch_size: int,
    seed: int,
    x_test: np.ndarray | None = None,
    y_test: np.ndarray | None = None,
    weight_decay: float = 0.0,
    progress: bool = True,
) -> History:
    """Train ``model`` by mini-batch SGD (Eq. A.10 with the mean gradient over each batch).

    x_train (N, ...) float, y_train (N,) integer labels.  Each epoch visits the training
    samples in an order drawn from ``np.random.default_rng(seed)`` (so two runs with the
    same seed and the same initial model give the same History) in batches of
    ``batch_size`` (the last batch may be smaller).  Each step calls
    ``model.loss_and_grads`` on the batch, adds ``weight_decay * W`` to the gradient of
    every weight (names starting with "W" or "w", see :func:`apply_weight_decay`) and
    updates ``model.params`` in place.  After each epoch it records the epoch's mean
    training loss, the training accuracy and, when ``x_test``/``y_test`` are given, the
    test accuracy; with ``progress=True`` it prints one deterministic line per epoch.
    Returns the :class:`History`.  A loss that becomes NaN or infinite stops training with
    a ``FloatingPointError`` that suggests a smaller learning rate.
    """
    check_model(model)
    x_train = _check_x("x_train", x_train)
    y_train = check_labels("y_train", y_train, n_samples=x_train.shape[0])
    epochs = check_positive_int("epochs", epochs)
    batch_size = check_positive_int("batch_size", batch_size)
    learning_rate = _check_learning_rate(learning_rate)
    weight_decay = _check_nonnegative("weight_decay", weight_decay)
    seed = check_seed("seed", seed)
    if (x_test is None) != (y_test is None):
        raise ValueError("give both x_test and y_test, or neither")
    if x_test is not None:
        x_test = _check_x("x_test", x_test)
        y_test = check_labels("y_test", y_test, n_samples=x_test.shape[0])
        if x_test.shape[1:] != x_train.shape[1:]:
            raise ValueError(f"x_test has samples of shape {x_test.shape[1:]} but x_train has {x_train.shape[1:]}")
    n_eval = x_train.shape[0] + (0 if x_test is None else x_test.shape[0])
    ops = training_ops(model.params, x_train.shape[1:], x_train.shape[0], n_eval, epochs, batch_size)
    check_work(
        f"train(epochs={epochs}, batch_size={batch_size}) on {x_train.shape[0]} samples of shape {x_train.shape[1:]} "
        f"with {sum(int(np.size(p)) for p in model.params.values())} parameters", ops,
        "fewer epochs, fewer samples, a larger batch_size or a smaller model",
    )

    rng = np.random.default_rng(seed)
    n = x_train.shape[0]
    history = History()
    bar = EpochProgress(epochs, enabled=progress)
    step = 0
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            step += 1
            where = f" at step {step} (epoch {epoch}, samples {start}..{start + idx.size - 1} of the epoch's order)"
            result = model.loss_and_grads(x_train[idx], y_train[idx])
            if not isinstance(result, tuple) or len(result) != 2:
                raise TypeError(f"model.loss_and_grads must return (loss, grads); got {_describe(result)}")
            loss, grads = result
            try:
                loss = float(loss)
            except (TypeError, ValueError) as exc:
                raise TypeError(f"model.loss_and_grads must return a number as its loss; got {loss!r}") from exc
            if not np.isfinite(loss):
                raise FloatingPointError(
                    f"the loss became {loss}{where}; the parameters were left unchanged; "
                    f"try a smaller learning_rate (got {learning_rate})"
                )
            _sgd_update(model.params, _weight_decay(model.params, grads, weight_decay, where), learning_rate, where)
            total += loss * idx.size
        history.train_loss.append(total / n)
        history.train_accuracy.append(accuracy(model.predict(x_train), y_train))
        test_acc = None
        if x_test is not None:
            test_acc = accuracy(model.predict(x_test), y_test)
            history.test_accuracy.append(test_acc)
        bar.update(epoch, history.train_loss[-1], history.train_accuracy[-1], test_acc)
    return history
