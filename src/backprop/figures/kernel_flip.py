"""The figure of "Convolution, correlation and shapes": the kernel flip.

:func:`kernel_flip_data` pairs the pixels of one window with the kernel weights that a
cross-correlation (book Eq. {eq-part3-correlation}) and a true convolution (book Eq.
{eq-part3-convolution}) multiply them by; :func:`draw_kernel_flip` draws the two pairings.
x is (H, W), k is (KH, KW).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from backprop._validation import as_float_array, check_artists, check_finite_result, check_index
from backprop.figures._grid import FILL, INK, TITLE_PT, WINDOW_COLOURS, canvas, grid, outline

__all__ = ["kernel_flip_data", "draw_kernel_flip"]


def kernel_flip_data(x: np.ndarray, k: np.ndarray, i: int = 0, j: int = 0) -> dict:
    """The window of output (i, j) and the weight that each operation puts on each of its pixels.

    Returns ``window`` (KH, KW), ``correlation_weights`` (k itself), ``convolution_weights``
    (k turned by 180 degrees), and the two sums ``correlation`` and ``convolution``: entry
    (i, j) of the valid x star k and of the valid x * k.
    """
    x, k = (as_float_array(n, v, ndim=2).astype(float, copy=False) for n, v in (("x", x), ("k", k)))
    i, j = check_index("i", i), check_index("j", j)
    kh, kw = k.shape
    if not (0 <= i <= x.shape[0] - kh and 0 <= j <= x.shape[1] - kw):
        raise ValueError(f"(i, j) must be a valid window of the {x.shape} image and {k.shape} kernel, "
                         f"got ({i}, {j})")
    window = x[i:i + kh, j:j + kw]
    flipped = k[::-1, ::-1]
    sums = check_finite_result("kernel_flip_data(x, k)", np.array([np.sum(window * k), np.sum(window * flipped)]))
    return {"window": window, "correlation_weights": k, "convolution_weights": flipped,
            "correlation": float(sums[0]), "convolution": float(sums[1])}


def _fmt(v: float) -> str:
    return f"{v:g}"


def draw_kernel_flip(x=None, k=None, i: int = 0, j: int = 0) -> Figure:
    """Fig.: the same window under the kernel as it is (correlation) and turned (convolution)."""
    x = np.arange(9.0).reshape(3, 3) if x is None else as_float_array("x", x, ndim=2).astype(float, copy=False)
    k = np.array([[1.0, 2.0], [3.0, 4.0]]) if k is None else as_float_array("k", k, ndim=2).astype(float, copy=False)
    check_artists(f"draw_kernel_flip(x of shape {x.shape}, k of shape {k.shape})", 4 * (x.size + k.size))
    data = kernel_flip_data(x, k, i, j)
    i, j = int(i), int(j)
    kh, kw = k.shape
    fig = canvas(5.2)
    axes = fig.subplots(2, 2, gridspec_kw={"width_ratios": [1, 1]})
    rows = [("correlation x ⋆ k", "kernel k", data["correlation_weights"], data["correlation"]),
            ("convolution x ∗ k", "rot180(k)", data["convolution_weights"], data["convolution"])]
    for row, (name, kname, weights, total) in enumerate(rows):
        grid(axes[row, 0], [[_fmt(v) for v in r] for r in weights], title=kname,
             fills={(a, b): FILL for a in range(kh) for b in range(kw)})
        axes[row, 0].set_ylim(x.shape[0] + 0.15, -0.15)  # the same cell size as the image
        axes[row, 0].set_xlim(-0.15, max(kw, x.shape[1]) + 0.15)
        labels = [[_fmt(v) for v in r] for r in x]
        for a in range(kh):
            for b in range(kw):
                labels[i + a][j + b] = f"{_fmt(x[i + a, j + b])}·{_fmt(weights[a, b])}"
        grid(axes[row, 1], labels, title=f"{name}:\nwindow ({i}, {j}) sums to {_fmt(total)}",
             fills={(i + a, j + b): FILL for a in range(kh) for b in range(kw)})
        outline(axes[row, 1], i, j, kh, kw, WINDOW_COLOURS[1])
    fig.text(0.5, 0.03, "each cell: pixel · weight; the convolution turns the kernel by 180°",
             ha="center", fontsize=TITLE_PT - 1, color=INK)
    fig.subplots_adjust(left=0.03, right=0.97, top=0.88, bottom=0.09, wspace=0.25, hspace=0.35)
    return fig
