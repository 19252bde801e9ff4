"""Convolutional networks drawn by code: the figures whose images the sources lost.

* :func:`draw_cnn_architecture`: seed 002, Fig. 2.1 (input image -> convolution layer ->
  pooling -> flatten -> dense layers -> output).
* :func:`draw_conv_network`: seed 002, Fig. 3.1, in the source's notation (image
  :math:`I`, kernel bank :math:`k^{p,q}`, maps :math:`C^{p,q}`, pooling :math:`P^{p,q}`,
  flattened :math:`a^{l-1}`, dense layers :math:`l \\dots L`, classification :math:`L+1`).
* :func:`draw_lenet`: seed 000, Fig. A.3 (LeNet for 28x28 digits). Every map size on it is
  computed by :func:`backprop.models.lenet_layer_shapes` from the layer parameters, never typed in.

Every function returns a ``matplotlib.figure.Figure`` with a white background (so it stays
readable when the book's theme is dark), sized to be clear at the page's width.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle

from backprop._validation import check_artists, check_positive_int
from backprop.models.lenet import LayerShape, lenet_layer_shapes

__all__ = ["draw_cnn_architecture", "draw_conv_network", "draw_lenet"]

# Colour-blind-safe fills and darker edges, one pair per kind of layer.
_COLOURS = {
    "input": ("#f0f0f0", "#252525"),
    "conv": ("#9ecae1", "#08519c"),
    "pool": ("#fdd0a2", "#a63603"),
    "flat": ("#d9d9d9", "#525252"),
    "dense": ("#c7e9c0", "#006d2c"),
    "output": ("#dadaeb", "#54278f"),
    "kernel": ("#fcbba1", "#a50f15"),
}
_TEXT = "#111111"
_FONT = 12


# --------------------------------------------------------------------------- drawing helpers


def _canvas(width: float, height: float, xlim: float, ylim: float):
    fig = Figure(figsize=(width, height), facecolor="white")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_facecolor("white")
    ax.set_xlim(0, xlim)
    ax.set_ylim(0, ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def _finish(fig, ax, xmax: float, ymin: float, ymax: float, width: float = 10.0) -> Figure:
    """Crop the canvas to its content and size the figure so that data units stay square."""
    ax.set_xlim(0, xmax)
    ax.set_ylim(ymin, ymax)
    fig.set_size_inches(width, width * (ymax - ymin) / xmax)
    return fig


def _text(ax, x, y, s, *, size=_FONT, **kw):
    kw.setdefault("ha", "center")
    kw.setdefault("va", "center")
    return ax.text(x, y, s, fontsize=size, color=_TEXT, **kw)


def _maps(ax, x, yc, side, count, kind, *, max_shown=5, step=0.14):
    """A stack of ``count`` square maps (at most ``max_shown`` drawn); returns (x_left, x_right, y_top)."""
    face, edge = _COLOURS[kind]
    shown = max(1, min(count, max_shown))
    for i in reversed(range(shown)):
        ax.add_patch(
            Rectangle((x + i * step, yc - side / 2 + i * step), side, side, facecolor=face, edgecolor=edge, lw=1.2)
        )
    return x, x + side + (shown - 1) * step, yc + side / 2 + (shown - 1) * step


def _vector(ax, x, yc, height, kind, *, cells=12, width=0.22):
    """A column vector of ``cells`` boxes; returns (x_left, x_right, y_top)."""
    face, edge = _COLOURS[kind]
    h = height / cells
    for i in range(cells):
        ax.add_patch(Rectangle((x, yc - height / 2 + i * h), width, h, facecolor=face, edgecolor=edge, lw=0.9))
    return x, x + width, yc + height / 2


def _neurons(ax, x, yc, n, kind, *, spacing=0.42, radius=0.15, ellipsis_at=None):
    """A column of ``n`` neurons (a vertical ellipsis replaces index ``ellipsis_at``); returns their centres."""
    face, edge = _COLOURS[kind]
    ys = yc + (np.arange(n)[::-1] - (n - 1) / 2) * spacing
    centres = []
    for i, y in enumerate(ys):
        if i == ellipsis_at:
            _text(ax, x, y, "⋮", size=_FONT + 2)
            continue
        ax.add_patch(Circle((x, y), radius, facecolor=face, edgecolor=edge, lw=1.2))
        centres.append((x, y))
    return centres


def _connect(ax, left, right, *, radius=0.15, colour="#9e9e9e"):
    for x0, y0 in left:
        for x1, y1 in right:
            ax.plot([x0 + radius, x1 - radius], [y0, y1], color=colour, lw=0.5, zorder=0)


def _arrow(ax, x0, x1, y, label=None, *, label_y=None, size=_FONT - 1):
    ax.add_patch(
        FancyArrowPatch((x0, y), (x1, y), arrowstyle="-|>", mutation_scale=14, color="#424242", lw=1.3, shrinkA=0,
                        shrinkB=0)
    )
    if label:
        _text(ax, (x0 + x1) / 2, y + 0.28 if label_y is None else label_y, label, size=size)


def _digit(size: int = 28) -> np.ndarray:
    """A hand-made 'seven' on a ``size`` x ``size`` grid (no data download)."""
    img = np.zeros((size, size))
    top, left, right = int(0.2 * size), int(0.25 * size), int(0.75 * size)
    img[top:top + max(2, size // 10), left:right] = 1.0
    rows = np.arange(top, int(0.85 * size))
    cols = np.round(np.interp(rows, [top, int(0.85 * size)], [right - 1, int(0.42 * size)])).astype(int)
    for r, c in zip(rows, cols):
        img[r, max(0, c - 1):c + 2] = 1.0
    return img


def _image(ax, x, yc, side, *, edge="#252525"):
    ax.imshow(_digit(), cmap="gray_r", extent=(x, x + side, yc - side / 2, yc + side / 2), interpolation="nearest",
              zorder=1)
    ax.add_patch(Rectangle((x, yc - side / 2), side, side, fill=False, edgecolor=edge, lw=1.2, zorder=2))
    return x, x + side, yc + side / 2


def _brace(ax, x0, x1, y, label):
    ax.plot([x0, x0, x1, x1], [y + 0.12, y, y, y + 0.12], color="#616161", lw=1.1)
    _text(ax, (x0 + x1) / 2, y - 0.3, label, size=_FONT, style="italic")


# --------------------------------------------------------------------------- the figures


def draw_cnn_architecture(*, feature_maps: int = 4, dense_layers: int = 2, classes: int = 4) -> Figure:
    """Seed 002, Fig. 2.1: the architecture of a convolutional neural network.

    Input image -> convolution layer (``feature_maps`` maps, then ReLU) -> pooling ->
    flatten -> ``dense_layers`` fully connected layers -> output (``classes`` scores).
    """
    feature_maps = check_positive_int("feature_maps", feature_maps)
    dense_layers = check_positive_int("dense_layers", dense_layers)
    classes = check_positive_int("classes", classes)
    check_artists(f"draw_cnn_architecture(dense_layers={dense_layers}, classes={classes})", 40 + dense_layers * (7 + 49) + 8 * classes)
    fig, ax = _canvas(10.0, 3.9, 20.0, 7.8)
    yc = 3.9
    _, x1, top = _image(ax, 0.3, yc, 2.4)
    _text(ax, 1.5, top + 0.45, "Input image\n$(H, W, C)$")
    _arrow(ax, x1 + 0.15, x1 + 1.15, yc, "conv\n+ ReLU", label_y=yc + 0.55)
    x0, x1, top = _maps(ax, x1 + 1.35, yc, 2.2, feature_maps, "conv")
    _text(ax, (x0 + x1) / 2, top + 0.5, f"Convolution layer\n{feature_maps} feature maps")
    conv_left = x0
    _arrow(ax, x1 + 0.15, x1 + 1.15, yc, "pool", label_y=yc + 0.35)
    x0, x1, top = _maps(ax, x1 + 1.35, yc, 1.2, feature_maps, "pool")
    _text(ax, (x0 + x1) / 2, top + 0.5, "Pooling layer\n(downsampled)")
    pool_right = x1
    _arrow(ax, x1 + 0.15, x1 + 1.05, yc, "flatten", label_y=yc + 0.35)
    x0, x1, top = _vector(ax, x1 + 1.25, yc, 3.6, "flat")
    _text(ax, (x0 + x1) / 2, top + 0.45, "Flatten\n(column vector)")
    flat_right = x1
    x = x1 + 1.9
    previous = [(x1 - 0.15, y) for y in np.linspace(yc - 1.5, yc + 1.5, 5)]
    dense_left = x
    for _ in range(dense_layers):
        centres = _neurons(ax, x, yc, 7, "dense", spacing=0.55, radius=0.18, ellipsis_at=5)
        _connect(ax, previous, centres, radius=0.18)
        previous = centres
        x += 1.6
    _text(ax, (dense_left + x - 1.6) / 2, yc + 2.55, "Fully connected\ndense layers")
    outputs = _neurons(ax, x, yc, classes, "output", spacing=0.6, radius=0.2)
    _connect(ax, previous, outputs, radius=0.18)
    for i, (xo, yo) in enumerate(outputs):
        _text(ax, xo + 0.55, yo, f"class {i + 1}", size=_FONT - 1, ha="left")
    _text(ax, x + 0.6, yc + 2.55, "Output")
    _brace(ax, conv_left, pool_right, 1.55, "feature extraction")
    _brace(ax, flat_right - 0.2, x + 0.25, 1.55, "classification")
    return _finish(fig, ax, x + 1.9, 0.9, 7.1)


def draw_conv_network(*, kernels: int = 4, dense_width: int = 5, classes: int = 3) -> Figure:
    """Seed 002, Fig. 3.1: the convolutional network of Sec. 3, in the source's notation.

    Image :math:`I_{m,n}` -> kernel bank :math:`k^{p,q}_{u,v}` -> convolution maps
    :math:`C^{p,q}_{m,n}` (Eq. 3.3-3.4, ReLU :math:`\\sigma`) -> max pooling
    :math:`P^{p,q}_{m,n}` (Eq. 3.5) -> flattened :math:`a^{l-1}_i = f(P^{p,q})` (Eq. 3.6) ->
    dense layers :math:`l, \\dots, L` -> classification layer :math:`L+1`.
    """
    kernels = check_positive_int("kernels", kernels)
    dense_width = check_positive_int("dense_width", dense_width)
    classes = check_positive_int("classes", classes)
    check_artists(
        f"draw_conv_network(kernels={kernels}, dense_width={dense_width}, classes={classes})",
        40 + 3 * (dense_width + 2) ** 2 + (dense_width + 2) * classes + classes,
    )
    fig, ax = _canvas(10.0, 4.2, 20.0, 8.4)
    yc = 3.7
    _, x1, top = _image(ax, 0.3, yc, 2.3)
    _text(ax, 1.45, top + 0.4, "image $I_{m,n}$")
    # the kernel bank sits above the arrow that applies it
    kx = x1 + 0.55
    _, kx1, ktop = _maps(ax, kx, yc + 1.55, 0.55, kernels, "kernel", step=0.1)
    _text(ax, (kx + kx1) / 2, ktop + 0.4, "kernels $k^{p,q}_{u,v}$")
    _arrow(ax, x1 + 0.15, x1 + 1.55, yc, r"$\ast$, $+b^{p,q}$, $\sigma$", label_y=yc - 0.4)
    x0, x1, top = _maps(ax, x1 + 1.75, yc, 2.0, kernels, "conv")
    _text(ax, (x0 + x1) / 2, top + 0.45, "convolution\n$C^{p,q}_{m,n}$")
    _arrow(ax, x1 + 0.15, x1 + 1.1, yc, "max", label_y=yc + 0.3)
    x0, x1, top = _maps(ax, x1 + 1.3, yc, 1.1, kernels, "pool")
    _text(ax, (x0 + x1) / 2, top + 0.45, "pooling\n$P^{p,q}_{m,n}$")
    _arrow(ax, x1 + 0.15, x1 + 1.05, yc, "$f$", label_y=yc + 0.3)
    x0, x1, top = _vector(ax, x1 + 1.25, yc, 3.8, "flat")
    _text(ax, (x0 + x1) / 2, top + 0.45, "flattened\n$a^{l-1}_i$")
    previous = [(x1 - 0.15, y) for y in np.linspace(yc - 1.6, yc + 1.6, 5)]
    x = x1 + 1.6
    n = dense_width + 1  # one slot is the vertical ellipsis
    for name in ("$l$", "$L$"):
        centres = _neurons(ax, x, yc, n, "dense", spacing=0.55, radius=0.17, ellipsis_at=n - 2)
        _connect(ax, previous, centres, radius=0.17)
        _text(ax, x, yc - (n - 1) * 0.55 / 2 - 0.55, f"layer {name}")
        previous = centres
        if name == "$l$":
            _text(ax, x + 1.1, yc - (n - 1) * 0.55 / 2 - 0.55, "⋯", size=_FONT + 4)
            x += 2.2
    x += 2.0
    outputs = _neurons(ax, x, yc, classes, "output", spacing=0.65, radius=0.2)
    _connect(ax, previous, outputs, radius=0.17)
    for i, (xo, yo) in enumerate(outputs):
        _text(ax, xo + 0.4, yo, rf"$\hat y_{i + 1}$", ha="left")
    _text(ax, x + 0.2, yc - (n - 1) * 0.55 / 2 - 0.7, "classification\nlayer $L+1$")
    _text(ax, x - 3.1, yc + (n - 1) * 0.55 / 2 + 0.7, "fully connected dense layers")
    return _finish(fig, ax, x + 1.2, yc - (n - 1) * 0.55 / 2 - 1.3, max(ktop + 0.8, yc + (n - 1) * 0.55 / 2 + 1.1))


def draw_lenet(
    *,
    input_size: int = 28,
    conv_channels: Sequence[int] = (6, 12),
    kernel_size: int = 5,
    pool_size: int = 2,
    num_classes: int = 10,
) -> Figure:
    """Seed 000, Fig. A.3: LeNet for digit recognition, with each layer's output size above it.

    The sizes come from :func:`lenet_layer_shapes` with the same parameters: for the
    defaults 28x28 -> C1 6@24x24 -> P1 6@12x12 -> C2 12@8x8 -> P2 12@4x4 -> 192 -> 10.
    Convolutions are valid with stride 1 and the sigmoid of Eq. A.22; pooling is the 2x2
    average of the source (weights fixed at 1/4).
    """
    shapes = lenet_layer_shapes(input_size=input_size, conv_channels=conv_channels, kernel_size=kernel_size,
                                pool_size=pool_size, num_classes=num_classes)
    n_blocks = len(shapes)
    check_artists(f"draw_lenet(conv_channels={tuple(conv_channels)}, num_classes={num_classes})", 30 * n_blocks + 4 * num_classes)
    fig, ax = _canvas(10.0, 3.8, 21.5, 8.2)
    yc = 4.2
    largest = max(s.height for s in shapes)

    def side(s: LayerShape) -> float:
        return 1.0 + 3.0 * s.height / largest

    caption_y = yc - side(shapes[0]) / 2 - 0.8
    x, gap, tops = 0.3, 2.0, []
    for i, s in enumerate(shapes):
        if s.kind == "input":
            _, x1, top = _image(ax, x, yc, side(s))
            caption = "input"
        elif s.kind in ("conv", "pool"):
            _, x1, top = _maps(ax, x, yc, side(s), s.channels, s.kind, step=0.11 if s.kind == "conv" else 0.09)
            caption = f"{s.name}\n{'convolution' if s.kind == 'conv' else 'avg pooling'}"
        elif s.kind == "flat":
            _, x1, top = _vector(ax, x, yc, 3.9, "flat", cells=16)
            caption = "flatten"
        else:
            shown = min(s.channels, 10)
            centres = _neurons(ax, x + 0.2, yc, shown, "output", spacing=0.43, radius=0.17)
            _connect(ax, [(x - gap + 0.2, y) for y in np.linspace(yc - 1.8, yc + 1.8, 6)], centres, radius=0.17)
            if s.channels <= 10:
                for d, (xo, yo) in enumerate(centres):
                    _text(ax, xo + 0.3, yo, str(d), size=_FONT - 2, ha="left")
            x1, top = x + 0.4, yc + (shown - 1) * 0.43 / 2 + 0.17
            caption = f"{s.name}\noutput"
        _text(ax, (x + x1) / 2, top + 0.45, s.label, size=_FONT + 1, weight="bold")
        _text(ax, (x + x1) / 2, caption_y, caption, size=_FONT - 1)
        tops.append(top)
        if i + 1 < n_blocks:
            nxt = shapes[i + 1]
            op = {
                "conv": f"conv {kernel_size}×{kernel_size}\nsigmoid",
                "pool": f"avg {pool_size}×{pool_size}",
                "flat": "",
                "dense": "full",
            }[nxt.kind]
            if nxt.kind != "dense":
                _arrow(ax, x1 + 0.1, x1 + gap - 0.1, yc, op or None, label_y=yc - 0.62, size=_FONT - 2)
        x = x1 + gap
    return _finish(fig, ax, x - gap + 0.9, caption_y - 0.7, max(tops) + 0.9)
