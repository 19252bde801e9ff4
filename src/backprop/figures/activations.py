"""The activation table: f and f' side by side for sigmoid, tanh, ReLU and leaky ReLU."""

from __future__ import annotations

from matplotlib.figure import Figure

from backprop.explorers.activation import ACTIVATIONS, activation_data
from backprop.figures.layout import COLUMN_WIDTH

__all__ = ["draw_activation_table"]


def draw_activation_table(alpha: float = 0.1, points: int = 401) -> Figure:
    """One figure, f and f' side by side for sigmoid, tanh, ReLU and leaky ReLU (slope alpha).

    Two rows of four panels: (f, f') of sigmoid and tanh on top, of ReLU and leaky ReLU
    below.  At the kink z = 0 the derivative panels mark the value the package uses.
    """
    fig = Figure(figsize=(11, 5), layout="constrained")
    axes = fig.subplots(2, 4)
    for k, name in enumerate(ACTIVATIONS):
        data = activation_data(name, 0.0, alpha, points)
        ax_f, ax_d = axes[k // 2, 2 * (k % 2)], axes[k // 2, 2 * (k % 2) + 1]
        _ = ax_f.plot(data["z"], data["f"], color="C0")
        _ = ax_f.set_title(f"{name}: f(z)" + (f", alpha = {alpha:g}" if name == "leaky_relu" else ""))
        kink = name in ("relu", "leaky_relu")
        if kink:  # draw each side of the jump separately, and the value at 0 as a dot
            neg, pos = data["z"] < 0, data["z"] > 0
            _ = ax_d.plot(data["z"][neg], data["fprime"][neg], color="C1")
            _ = ax_d.plot(data["z"][pos], data["fprime"][pos], color="C1")
            _ = ax_d.plot([0.0], [data["slope"]], "o", color="C3", label=f"f'(0) = {data['slope']:g}")
            _ = ax_d.legend(loc="center right")
        else:
            _ = ax_d.plot(data["z"], data["fprime"], color="C1")
        _ = ax_d.set_title(f"{name}: f'(z)")
        for ax in (ax_f, ax_d):
            ax.axhline(0.0, color="0.8", linewidth=0.8)
            ax.axvline(0.0, color="0.8", linewidth=0.8)
            _ = ax.set_xlabel("z")
    return fig
