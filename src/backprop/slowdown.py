"""The learning slowdown of squared error with a sigmoid output, against cross-entropy.

One sigmoid neuron a = sigma(w x + b) learns to map the input x to the target y by gradient
descent, once on the half squared error E = (a - y)^2 / 2 and once on the binary
cross-entropy C = -[y log a + (1 - y) log(1 - a)] (seed 002 section 2.5.1: MSE "tends to
suffer from slow learning speed ... when it is incorporated with Sigmoid").  Their
gradients with respect to the net input z = w x + b are

    dE/dz = (a - y) a (1 - a)      (Eq. {eq-part2-ce-slow-squared})
    dC/dz = a - y                  (Eq. {eq-part2-ce-sigmoid-delta})

so from a saturated start (a near 1 while y = 0) the factor a (1 - a) ~ 0 stalls the
squared error while the cross-entropy learns fastest where it is most wrong.

:func:`train_sigmoid_neuron` runs one of the two; :func:`slowdown_curves` runs both from
the same start (the data of the book's figure and widget).  The figure is
:func:`backprop.figures.draw_slowdown`, the widget :func:`backprop.explorers.slowdown_explorer`.
"""

from __future__ import annotations

import numbers

import numpy as np

from backprop._validation import STEP_OPS, check_array_memory, check_choice, check_positive_int, check_work
from backprop.activations import sigmoid_backward, sigmoid_forward
from backprop.cross_entropy import sigmoid_bce, sigmoid_bce_backward
from backprop.losses import half_squared_error, half_squared_error_grad

__all__ = ["LOSSES", "train_sigmoid_neuron", "slowdown_curves"]

LOSSES = ("squared", "cross_entropy")


def _real(name: str, value: object, low: float | None = None, high: float | None = None, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} ({type(value).__name__})")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    if positive and value <= 0:
        raise ValueError(f"{name} must be > 0; got {value}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must lie in [{low}, {high}]; got {value}")
    return value


def train_sigmoid_neuron(
    w0: float,
    b0: float,
    *,
    loss: str,
    x: float = 1.0,
    y: float = 0.0,
    learning_rate: float = 0.15,
    epochs: int = 300,
) -> dict[str, np.ndarray]:
    """Gradient descent on one sigmoid neuron a = sigma(w x + b) for one sample (x, y).

    loss="squared": E = (a - y)^2 / 2, dE/dz = (a - y) a (1 - a) (half_squared_error_grad
    then sigmoid_backward); loss="cross_entropy": C from the logit z, dC/dz = a - y
    (sigmoid_bce_backward).  Then dw = dz * x, db = dz (Eq. {eq-part2-ce-neuron-grads}) and
    w <- w - learning_rate * dw, b <- b - learning_rate * db (seed 002 Eq. 3.75-3.76).

    Returns arrays of length epochs + 1 (entry 0 is the start): ``loss`` (the loss being
    minimised), ``output`` (a), ``w``, ``b``, ``dz`` (the gradient at the net input).

    Implements: Eqs. {eq-part2-ce-slow-squared}, {eq-part2-ce-sigmoid-delta}, {eq-part2-ce-neuron-grads}, {eq-part2-ce-update} (seed 002 Eqs. 3.75-3.76)
    """
    check_choice("loss", loss, LOSSES)
    w, b = _real("w0", w0), _real("b0", b0)
    x = _real("x", x)
    y = _real("y", y, 0.0, 1.0)
    learning_rate = _real("learning_rate", learning_rate, positive=True)
    epochs = check_positive_int("epochs", epochs)
    check_work(f"train_sigmoid_neuron(epochs={epochs}), one Python-level step of six calls per epoch", (epochs + 1) * 10 * STEP_OPS, "fewer epochs")
    check_array_memory(f"train_sigmoid_neuron(epochs={epochs}): the five recorded curves", (epochs + 1,), copies=5)
    target = np.array([[y]])
    rec = {key: np.empty(epochs + 1) for key in ("loss", "output", "w", "b", "dz")}
    for epoch in range(epochs + 1):
        z = np.array([[w * x + b]])
        if not np.isfinite(z[0, 0]):
            raise FloatingPointError(
                f"the net input z = w x + b overflowed to {z[0, 0]} at epoch {epoch} (w = {w:.3g}, b = {b:.3g}); "
                f"start from smaller w0, b0 or x, or use a smaller learning_rate (got {learning_rate})"
            )
        a, act_cache = sigmoid_forward(z)
        if loss == "squared":
            value = half_squared_error(a, target)
            dz = sigmoid_backward(half_squared_error_grad(a, target), act_cache)
        else:
            value = sigmoid_bce(z, target)
            dz = sigmoid_bce_backward(z, target)
        dz = float(dz[0, 0])
        for key, v in (("loss", value), ("output", a[0, 0]), ("w", w), ("b", b), ("dz", dz)):
            rec[key][epoch] = v
        w -= learning_rate * dz * x
        b -= learning_rate * dz
    return rec


def slowdown_curves(
    w0: float = 2.0,
    b0: float = 2.0,
    *,
    x: float = 1.0,
    y: float = 0.0,
    learning_rate: float = 0.15,
    epochs: int = 300,
) -> dict:
    """Train the same neuron from (w0, b0) with both losses; the data of the book's figure.

    Returns ``{"epoch": 0..epochs, "squared": {...}, "cross_entropy": {...}, "start_output": a0}``
    where each inner dict is the record of :func:`train_sigmoid_neuron`.
    """
    runs = {
        name: train_sigmoid_neuron(w0, b0, loss=name, x=x, y=y, learning_rate=learning_rate, epochs=epochs)
        for name in LOSSES
    }
    return {
        "epoch": np.arange(runs["squared"]["loss"].size),
        **runs,
        "start_output": float(runs["squared"]["output"][0]),
        "w0": float(w0),
        "b0": float(b0),
        "y": float(y),
    }
