"""The losses of Part II side by side: each loss of one prediction and its gradient, for one target."""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np
from matplotlib.figure import Figure

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
    if not curves:
        raise ValueError("curves must map at least one loss name to (loss, grad, predictions); got none")
    y = np.array([[float(target)]])
    fig = Figure(figsize=(COLUMN_WIDTH, 3.4), layout="constrained", facecolor="white")
    ax_loss, ax_grad = fig.subplots(1, 2)
    for name, curve in curves.items():
        if len(curve) != 3 or not (callable(curve[0]) and callable(curve[1])):
            raise ValueError(f"curves[{name!r}] must be (loss, grad, predictions); got {curve!r}")
        loss, grad, grid = curve
        grid = np.asarray(grid, dtype=float)
        style = "--" if name.startswith("MAPE") else "-"
        ax_loss.plot(grid, [loss(np.array([[p]]), y) for p in grid], style, label=name)
        ax_grad.plot(grid, [grad(np.array([[p]]), y)[0, 0] for p in grid], style, label=name)
    ax_loss.set(xlabel="prediction", ylabel="loss", title=f"losses for the target y = {target:g}", ylim=loss_limits)
    ax_grad.set(xlabel="prediction", ylabel="dE/dprediction", title="their gradients", ylim=grad_limits)
    ax_loss.axvline(float(target), color="0.8", linewidth=0.8)
    ax_grad.axhline(0.0, color="0.8", linewidth=0.8)
    ax_loss.legend()
    return fig
