"""The routing figure of "Backprop through pooling": where max pooling sends the error.

:func:`max_pool_routing` computes the pooled map, the error sent back and the winners of a
one-map max pooling with the package's layers; :func:`draw_max_pool_routing` draws them.
x is (H, W), delta = dE/dp is (H', W') with p the pooled map.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from backprop._validation import as_float_array, check_artists
from backprop.figures._grid import GRID, TITLE_PT, canvas
from backprop.pooling import max_pool2d_backward, max_pool2d_forward

__all__ = ["max_pool_routing", "draw_max_pool_routing"]


def max_pool_routing(x: np.ndarray, delta: np.ndarray, size: int = 2) -> dict:
    """``pooled`` (H', W'), ``dx`` (H, W) and ``winners`` (the (r, c) of each window's maximum,
    window by window) of one map pooled with windows = stride = ``size``."""
    x, delta = (as_float_array(n, v, ndim=2).astype(float, copy=False) for n, v in (("x", x), ("delta", delta)))
    pooled, cache = max_pool2d_forward(x[None, None], size)
    dx = max_pool2d_backward(delta[None, None], cache)[0, 0]
    winners = []  # window by window, row-major; in each window the first maximum
    for i, j in np.ndindex(pooled.shape[2:]):
        window = x[size * i:size * i + size, size * j:size * j + size]
        a, b = np.unravel_index(np.argmax(window), window.shape)
        winners.append((size * i + int(a), size * j + int(b)))
    return {"pooled": pooled[0, 0], "dx": dx, "winners": winners, "size": size}


def draw_max_pool_routing(x: np.ndarray, delta: np.ndarray, size: int = 2) -> Figure:
    """Fig.: the input with each window's winner framed, the pooled map, and the two errors."""
    from matplotlib.patches import Rectangle

    data = max_pool_routing(x, delta, size)
    check_artists(f"draw_max_pool_routing(x of shape {np.shape(x)})", 3 * np.size(x))  # a number in each cell
    fig = canvas(6.8)
    axes = fig.subplots(2, 2)
    panels = [(np.asarray(x, float), "input x"), (data["pooled"], "max-pooled p"),
              (data["dx"], "error sent back ∂E/∂x"), (np.asarray(delta, float), "error g = ∂E/∂p")]
    for ax, (grid_values, title) in zip(axes.ravel(), panels):
        top = max(grid_values.max(), 1e-9)
        ax.imshow(grid_values, cmap="Blues", vmin=0, vmax=top)
        for (r, c), v in np.ndenumerate(grid_values):
            ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=12,
                    color="white" if v > 0.6 * top else "black")
        ax.set_title(title, fontsize=TITLE_PT)
        ax.set_xticks([])
        ax.set_yticks([])
    for r, c in data["winners"]:
        for ax in (axes[0, 0], axes[1, 0]):
            ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="crimson", linewidth=2))
    h, w = np.shape(x)
    for ax in (axes[0, 0], axes[1, 0]):
        for t in np.arange(size, h, size) - 0.5:
            ax.axhline(t, color=GRID, linewidth=0.8)
        for t in np.arange(size, w, size) - 0.5:
            ax.axvline(t, color=GRID, linewidth=0.8)
    fig.tight_layout()
    return fig
