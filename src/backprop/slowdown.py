"""The learning slowdown of squared error with a sigmoid output, against cross-entropy.

One sigmoid neuron a = sigma(w x + b) learns to map the input x to the target y by gradient
descent, once on the half squared error E = (a - y)^2 / 2 and once on the binary
cross-entropy C = -[y log a + (1 - y) log(1 - a)] (seed 002 section 2.5.1: MSE "tends to
suffer from slow learning speed ... when it is incorporated with Sigmoid").  Their
gradients with respect to the net input z = w x + b are

    dE/dz = (a - y) a (1 - a)      (book Eq. eq-part2-ce-slow-squared)
    dC/dz = a - y                  (book Eq. eq-part2-ce-sigmoid-delta)

so from a saturated start (a near 1 while y = 0) the factor a (1 - a) ~ 0 stalls the
squared error while the cross-entropy learns fastest where it is most wrong.

:func:`train_sigmoid_neuron` runs one of the two; :func:`slowdown_curves` runs both from
the same start (the data of the book's figure and widget); :func:`draw_slowdown` draws it;
:func:`slowdown_explorer` wires both to sliders for the start w0, b0.
"""

from __future__ import annotations

import numbers

import numpy as np
from matplotlib.figure import Figure

from backprop._validation import check_array_memory, check_artists, check_choice, check_positive_int, check_seed
from backprop.activations import sigmoid_backward, sigmoid_forward
from backprop.cross_entropy import sigmoid_bce, sigmoid_bce_backward
from backprop.losses import half_squared_error, half_squared_error_grad

__all__ = ["LOSSES", "train_sigmoid_neuron", "slowdown_curves", "draw_slowdown", "slowdown_explorer"]

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
    (sigmoid_bce_backward).  Then dw = dz * x, db = dz (Eq. eq-part2-ce-neuron-grads) and
    w <- w - learning_rate * dw, b <- b - learning_rate * db (seed 002 Eq. 3.75-3.76).

    Returns arrays of length epochs + 1 (entry 0 is the start): ``loss`` (the loss being
    minimised), ``output`` (a), ``w``, ``b``, ``dz`` (the gradient at the net input).
    """
    check_choice("loss", loss, LOSSES)
    w, b = _real("w0", w0), _real("b0", b0)
    x = _real("x", x)
    y = _real("y", y, 0.0, 1.0)
    learning_rate = _real("learning_rate", learning_rate, positive=True)
    epochs = check_positive_int("epochs", epochs)
    check_array_memory(f"train_sigmoid_neuron(epochs={epochs}): the five recorded curves", (epochs + 1,), copies=5)
    target = np.array([[y]])
    rec = {key: np.empty(epochs + 1) for key in ("loss", "output", "w", "b", "dz")}
    for epoch in range(epochs + 1):
        z = np.array([[w * x + b]])
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


def draw_slowdown(data: dict) -> Figure:
    """Three panels side by side: the squared-error run's loss, the cross-entropy run's loss,
    and both runs' outputs a, each against the epoch."""
    fig = Figure(figsize=(11.0, 3.4), layout="constrained")
    ax_sq, ax_ce, ax_out = fig.subplots(1, 3)
    epoch = data["epoch"]
    runs = (("squared", "half squared error", "tab:red", ax_sq), ("cross_entropy", "cross-entropy", "tab:blue", ax_ce))
    for key, label, color, ax in runs:
        _ = ax.plot(epoch, data[key]["loss"], color=color)
        ax.set_ylim(bottom=0.0)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.set_title(f"trained on {label}")
        _ = ax_out.plot(epoch, data[key]["output"], color=color, label=f"trained on {label}")
    ax_out.set_xlabel("epoch")
    ax_out.set_ylabel("output a")
    ax_out.set_ylim(-0.02, 1.02)
    ax_out.set_title(f"the neuron's output (target y = {data['y']:g})")
    ax_out.legend()
    fig.suptitle(f"one sigmoid neuron from w0 = {data['w0']:.2f}, b0 = {data['b0']:.2f} (start output a0 = {data['start_output']:.3f})")
    return fig


def slowdown_explorer(w0: float = 2.0, b0: float = 2.0, epochs: int = 300):
    """A :class:`backprop.widgets.Explorer` with sliders for the starting weight w0 and bias b0.

    One change retrains both neurons (2 x 300 steps) and redraws three panels, about 0.2 s
    (more on a busy machine), so the sliders update on release (``continuous_update=False``):
    a drag then costs one recomputation instead of a queue of them.
    """
    import ipywidgets

    from backprop.widgets import Explorer

    controls = {
        "w0": ipywidgets.FloatSlider(value=w0, min=-4.0, max=4.0, step=0.25, description="start w0",
                                     continuous_update=False),
        "b0": ipywidgets.FloatSlider(value=b0, min=-4.0, max=4.0, step=0.25, description="start b0",
                                     continuous_update=False),
    }
    return Explorer(lambda w0, b0: slowdown_curves(w0, b0, epochs=epochs), draw_slowdown, controls)
