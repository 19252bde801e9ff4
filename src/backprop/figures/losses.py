"""The losses of Part II side by side: each loss of one prediction and its gradient, for one target."""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np
from matplotlib.figure import Figure

from backprop._validation import STEP_OPS, as_float_array, check_real, check_sequence, check_work
from backprop.figures.layout import COLUMN_WIDTH

__all__ = ["draw_losses"]

Curve = tuple[Callable, Callable, np.ndarray]


def draw_losses(curves: Mapping[str, Curve], target: float = 1.0, *,
                loss_limits=(0.0, 2.5), grad_limits=(-4.0, 3.0)) -> Figure:
    """Each loss (left) and its derivative (right) as functions of one prediction, for ``target``.

    ``curves``: ``{name: (loss, grad, predictions)}``, where ``loss(y_hat, y)`` and
    ``grad(y_hat, y)`` take ``(1, 1)`` arrays (the package's signature) and ``predictions`` is
    the 1-D grid to draw over.  A name starting with "MAPE" is dashed (it coincides with MAE).
    """
    if not isinstance(curves, Mapping):
        raise TypeError(f"curves must be a dict {{name: (loss, grad, predictions)}}; got {type(curves).__name__}")
    if not curves:
        raise ValueError("curves must map at least one loss name to (loss, grad, predictions); got none")
    target = check_real("target", target)
    loss_limits, grad_limits = _limits("loss_limits", loss_limits), _limits("grad_limits", grad_limits)
    checked = {}
    for name, curve in curves.items():
        where = f"curves[{name!r}]"
        curve = check_sequence(where, curve, "(bp.mse, bp.mse_grad, predictions)")
        if not isinstance(name, str) or len(curve) != 3 or not (callable(curve[0]) and callable(curve[1])):
            raise ValueError(f"{where} must be (loss, grad, predictions) under a string name; got {curve!r}")
        grid = as_float_array(f"{where}[2] (the predictions)", curve[2], ndim=1).astype(float, copy=False)
        check_work(f"draw_losses({where} of {grid.size} predictions)", 2 * grid.size * STEP_OPS, "fewer predictions")
        checked[name] = (curve[0], curve[1], grid)
    y = np.array([[target]])
    fig = Figure(figsize=(COLUMN_WIDTH, 3.4), layout="constrained", facecolor="white")
    ax_loss, ax_grad = fig.subplots(1, 2)
    for name, (loss, grad, grid) in checked.items():
        style = "--" if name.startswith("MAPE") else "-"
        ax_loss.plot(grid, [loss(np.array([[p]]), y) for p in grid], style, label=name)
        ax_grad.plot(grid, [grad(np.array([[p]]), y)[0, 0] for p in grid], style, label=name)
    ax_loss.set(xlabel="prediction", ylabel="loss", title=f"losses for the target y = {target:g}", ylim=loss_limits)
    ax_grad.set(xlabel="prediction", ylabel="dE/dprediction", title="their gradients", ylim=grad_limits)
    ax_loss.axvline(target, color="0.8", linewidth=0.8)
    ax_grad.axhline(0.0, color="0.8", linewidth=0.8)
    ax_loss.legend()
    return fig


def _limits(name: str, value) -> tuple[float, float]:
    """A (low, high) pair of finite numbers with low < high, for an axis."""
    pair = check_sequence(name, value, "(0.0, 2.5)")
    if len(pair) != 2:
        raise ValueError(f"{name} must be a (low, high) pair; got {len(pair)} values")
    low, high = check_real(f"{name}[0]", pair[0]), check_real(f"{name}[1]", pair[1])
    if not low < high:
        raise ValueError(f"{name} must be (low, high) with low < high; got {(low, high)}")
    return low, high
