"""The activation table: f and f' side by side for sigmoid, tanh, ReLU and leaky ReLU."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from backprop._validation import check_array_memory, check_positive_int
from backprop.activations import leaky_relu, leaky_relu_prime, relu, relu_prime, sigmoid, sigmoid_prime, tanh, tanh_prime
from backprop.figures.layout import COLUMN_WIDTH

__all__ = ["draw_activation_table"]

_TABLE = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "leaky_relu": (leaky_relu, leaky_relu_prime),
}


def draw_activation_table(alpha: float = 0.1, points: int = 401) -> Figure:
    """One figure, f and f' side by side for sigmoid, tanh, ReLU and leaky ReLU (slope alpha).

    Four rows of two panels at the column's width, one row per activation: f on the left,
    f' on the right.  At the kink z = 0 the derivative panels mark the value the package uses.
    """
    points = check_positive_int("points", points)
    check_array_memory(f"draw_activation_table(points={points}): eight curves and their line copies", (points,), copies=24)
    fig = Figure(figsize=(COLUMN_WIDTH, 9.6), layout="constrained")
    axes = fig.subplots(4, 2)
    z = np.linspace(-4.0, 4.0, points)
    zero = np.zeros(1)
    for k, (name, (f, fprime)) in enumerate(_TABLE.items()):
        extra = (alpha,) if name == "leaky_relu" else ()
        data = {"z": z, "f": f(z, *extra), "fprime": fprime(z, *extra), "slope": float(fprime(zero, *extra)[0])}
        ax_f, ax_d = axes[k, 0], axes[k, 1]
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
