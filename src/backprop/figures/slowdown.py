"""The learning-slowdown figure: one sigmoid neuron trained on squared error and on cross-entropy."""

from __future__ import annotations

from matplotlib.figure import Figure

from backprop._validation import check_data
from backprop.figures.layout import COLUMN_WIDTH

__all__ = ["draw_slowdown"]


def draw_slowdown(data: dict) -> Figure:
    """Three panels at the column's width: the squared-error run's loss and the cross-entropy
    run's loss side by side, below them both runs' outputs a, each against the epoch."""
    check_data("data", data, ("epoch", "squared", "cross_entropy", "start_output", "w0", "b0", "y"), "slowdown_curves(...)")
    fig = Figure(figsize=(COLUMN_WIDTH, 5.6), layout="constrained")
    grid = fig.add_gridspec(2, 2)
    ax_sq, ax_ce = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
    ax_out = fig.add_subplot(grid[1, :])
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
    fig.suptitle(f"one sigmoid neuron from w0 = {data['w0']:.2f}, b0 = {data['b0']:.2f}\n"
                 f"(start output a0 = {data['start_output']:.3f})")
    return fig
