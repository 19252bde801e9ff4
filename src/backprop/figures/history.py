"""Training curves: the loss and accuracy per epoch of a :class:`backprop.training.History`."""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.figure import Figure

from backprop.figures.layout import COLUMN_WIDTH
from backprop.training import History

__all__ = ["plot_history"]


def plot_history(history: History, title: str | None = None):
    """Loss and accuracy curves of a :class:`History`, as a ``matplotlib.figure.Figure``.

    Left: the mean training loss per epoch.  Right: training and (if recorded) test
    accuracy per epoch.  The figure is the text column's width
    (:data:`backprop.figures.layout.COLUMN_WIDTH`), so its labels keep their point sizes.
    A long title is wrapped onto two lines.
    """
    if not isinstance(history, History) or history.epochs == 0:
        raise ValueError("history must be a History with at least one epoch (as returned by train)")
    epochs = np.arange(1, history.epochs + 1)
    fig = Figure(figsize=(COLUMN_WIDTH, 3.0))
    ax_loss, ax_acc = fig.subplots(1, 2)
    ax_loss.plot(epochs, history.train_loss, marker="o", ms=3, color="C0")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("mean training loss")
    ax_loss.set_yscale("log")
    ax_loss.grid(True, alpha=0.3)
    ax_acc.plot(epochs, history.train_accuracy, marker="o", ms=3, color="C0", label="train")
    if history.test_accuracy:
        ax_acc.plot(epochs, history.test_accuracy, marker="s", ms=3, color="C1", label="test")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("accuracy")
    ax_acc.set_ylim(0, 1.02)
    ax_acc.grid(True, alpha=0.3)
    ax_acc.legend(loc="lower right")
    if title:
        fig.suptitle("\n".join(textwrap.fill(line, 76) for line in title.split("\n")), fontsize=11)
    fig.tight_layout()
    return fig
