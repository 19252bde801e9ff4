"""Convolutional networks drawn by code: the figures whose images the sources lost.

* :func:`draw_cnn_architecture`: seed 002, Fig. 2.1 (input image -> convolution layer ->
  pooling -> flatten -> dense layers -> output).
* :func:`draw_conv_network`: seed 002, Fig. 3.1, in the source's notation (image
  :math:`I`, kernel bank :math:`k^{p,q}`, maps :math:`C^{p,q}`, pooling :math:`P^{p,q}`,
  flattened :math:`a^{l-1}`, dense layers :math:`l \\dots L`, classification :math:`L+1`).
* :func:`draw_lenet`: seed 000, Fig. A.3 (LeNet for 28x28 digits). Every map size on it is
  computed by :func:`backprop.models.lenet_layer_shapes` from the layer parameters, never typed in.

Every function returns a ``matplotlib.figure.Figure`` with a white background (so it stays
readable when the book's theme is dark), :data:`~backprop.figures.layout.COLUMN_WIDTH` wide
with lettering of 10 pt or more.  The pictures are too long for one row at that width, so each
runs in two: the feature extraction above, the classification below (a step down to the right,
or for LeNet a line break, as in a text).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle

from backprop._validation import check_artists, check_positive_int
from backprop.figures.layout import COLUMN_WIDTH
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
_FONT = 10  # points: the smallest lettering of the book (figures.layout.MIN_LABEL_PT)


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


def _finish(fig, ax, xmax: float, ymin: float, ymax: float | None, width: float = COLUMN_WIDTH) -> Figure:
    """Crop the canvas to its content and size the figure so that data units stay square.

    ``ymax=None`` ends the figure just above its highest text, measured once drawn.
    """
    if ymax is None:
        _finish(fig, ax, xmax, ymin, ax.get_ylim()[1], width)
        renderer = FigureCanvasAgg(fig).get_renderer()
        inverse = ax.transData.inverted()
        ymax = max(inverse.transform((0, t.get_window_extent(renderer).y1))[1] for t in ax.texts) + 0.1
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


def _arrow(ax, x0, x1, y, label=None, *, label_y=None, size=_FONT):
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


def _link(ax, points, label=None, *, label_xy=None, ha="center"):
    """An arrow along the polyline ``points`` (the last segment carries the head), optionally labelled."""
    xs, ys = zip(*points)
    if len(points) > 2:
        ax.plot(xs[:-1], ys[:-1], color="#424242", lw=1.3, solid_capstyle="butt")
    ax.add_patch(
        FancyArrowPatch(points[-2], points[-1], arrowstyle="-|>", mutation_scale=14, color="#424242", lw=1.3,
                        shrinkA=0, shrinkB=0)
    )
    if label:
        _text(ax, *label_xy, label, ha=ha)


def _brace(ax, x0, x1, y, label):
    ax.plot([x0, x0, x1, x1], [y + 0.12, y, y, y + 0.12], color="#616161", lw=1.1)
    _text(ax, (x0 + x1) / 2, y - 0.3, label, size=_FONT, style="italic")


# --------------------------------------------------------------------------- the figures


def draw_cnn_architecture(*, feature_maps: int = 4, dense_layers: int = 2, classes: int = 4) -> Figure:
    """Seed 002, Fig. 2.1: the architecture of a convolutional neural network.

    Input image -> convolution layer (``feature_maps`` maps, then ReLU) -> pooling ->
    flatten -> ``dense_layers`` fully connected layers -> output (``classes`` scores).
    The feature extraction runs in the upper row, the classification one step down to the right.
    """
    feature_maps = check_positive_int("feature_maps", feature_maps)
    dense_layers = check_positive_int("dense_layers", dense_layers)
    classes = check_positive_int("classes", classes)
    check_artists(f"draw_cnn_architecture(dense_layers={dense_layers}, classes={classes})", 40 + dense_layers * (7 + 49) + 8 * classes)
    fig, ax = _canvas(COLUMN_WIDTH, 4.0, 16.0, 9.5)
    y1, y2 = 6.6, 2.5  # the two rows
    # upper row: feature extraction
    _, x1, top = _image(ax, 0.1, y1, 2.2)
    _text(ax, 1.2, top + 0.55, "Input image\n$(H, W, C)$")
    _arrow(ax, x1 + 0.15, x1 + 1.45, y1, "conv\n+ ReLU", label_y=y1 + 0.55)
    x0, x1, top = _maps(ax, x1 + 1.6, y1, 2.2, feature_maps, "conv")
    _text(ax, (x0 + x1) / 2, top + 0.55, f"Convolution layer\n{feature_maps} feature maps")
    conv_left = x0
    _arrow(ax, x1 + 0.15, x1 + 1.3, y1, "pool", label_y=y1 + 0.35)
    x0, x1, top = _maps(ax, x1 + 1.45, y1, 1.3, feature_maps, "pool")
    _text(ax, (x0 + x1) / 2, top + 0.55, "Pooling layer\n(downsampled)")
    pool_right, pool_mid = x1, (x0 + x1) / 2
    _brace(ax, conv_left, pool_right, y1 - 1.5, "feature extraction")
    # lower row: classification, fed by the flattened maps
    fx = pool_right + 0.5
    x0, x1, top = _vector(ax, fx, y2, 3.2, "flat", cells=11)
    _text(ax, x0 - 0.2, y2, "Flatten\n(column vector)", ha="right")
    _link(ax, [(pool_mid, y1 - 0.75), (fx + 0.11, top + 0.15)])
    flat_left = x0
    previous = [(x1 - 0.15, y) for y in np.linspace(y2 - 1.3, y2 + 1.3, 5)]
    x = x1 + 1.25
    dense_left = x
    for _ in range(dense_layers):
        centres = _neurons(ax, x, y2, 7, "dense", spacing=0.5, radius=0.17, ellipsis_at=5)
        _connect(ax, previous, centres, radius=0.17)
        previous = centres
        x += 1.3
    _text(ax, (dense_left + x - 1.3) / 2, y2 + 2.15, "Fully connected\ndense layers")
    spacing = min(0.6, 3.4 / max(classes - 1, 1))
    outputs = _neurons(ax, x, y2, classes, "output", spacing=spacing, radius=min(0.2, 0.4 * spacing))
    _connect(ax, previous, outputs, radius=0.17)
    for i, (xo, yo) in enumerate(outputs):
        _text(ax, xo + 0.35, yo, f"class {i + 1}", ha="left")
    _text(ax, x + 0.3, y2 + 2.15, "Output")
    _brace(ax, flat_left, x + 0.25, y2 - 2.0, "classification")
    return _finish(fig, ax, x + 1.75, y2 - 2.55, None)


def draw_conv_network(*, kernels: int = 4, dense_width: int = 5, classes: int = 3) -> Figure:
    """Seed 002, Fig. 3.1: the convolutional network of Sec. 3, in the source's notation.

    Image :math:`I_{m,n}` -> kernel bank :math:`k^{p,q}_{u,v}` -> convolution maps
    :math:`C^{p,q}_{m,n}` (Eq. 3.3-3.4, ReLU :math:`\\sigma`) -> max pooling
    :math:`P^{p,q}_{m,n}` (Eq. 3.5) -> flattened :math:`a^{l-1}_i = f(P^{p,q})` (Eq. 3.6) ->
    dense layers :math:`l, \\dots, L` -> classification layer :math:`L+1`.  The convolution
    part runs in the upper row, the dense part one step down to the right.
    """
    kernels = check_positive_int("kernels", kernels)
    dense_width = check_positive_int("dense_width", dense_width)
    classes = check_positive_int("classes", classes)
    check_artists(
        f"draw_conv_network(kernels={kernels}, dense_width={dense_width}, classes={classes})",
        40 + 3 * (dense_width + 2) ** 2 + (dense_width + 2) * classes + classes,
    )
    fig, ax = _canvas(COLUMN_WIDTH, 4.0, 16.0, 9.5)
    n = dense_width + 1  # one slot is the vertical ellipsis
    half = (n - 1) * 0.5 / 2
    y2 = 0.9 + half + 0.3
    y1 = y2 + half + 2.6
    # upper row: convolution and pooling
    _, x1, top = _image(ax, 0.1, y1, 2.2)
    _text(ax, 1.2, top + 0.4, "image $I_{m,n}$")
    # the kernel bank sits above the arrow that applies it
    kx = x1 + 0.75
    _, kx1, ktop = _maps(ax, kx, y1 + 1.3, 0.55, kernels, "kernel", step=0.1)
    _text(ax, (kx + kx1) / 2, ktop + 0.45, "kernels $k^{p,q}_{u,v}$")
    _arrow(ax, x1 + 0.15, x1 + 2.05, y1, r"$\ast$, $+b^{p,q}$, $\sigma$", label_y=y1 - 0.45)
    x0, x1, top = _maps(ax, x1 + 2.2, y1, 2.0, kernels, "conv")
    _text(ax, (x0 + x1) / 2, top + 0.5, "convolution\n$C^{p,q}_{m,n}$")
    _arrow(ax, x1 + 0.15, x1 + 1.25, y1, "max", label_y=y1 + 0.3)
    x0, x1, top = _maps(ax, x1 + 1.4, y1, 1.1, kernels, "pool")
    _text(ax, (x0 + x1) / 2, top + 0.5, "pooling\n$P^{p,q}_{m,n}$")
    pool_right, pool_mid = x1, (x0 + x1) / 2
    # lower row: the flattened vector and the dense layers
    fx = pool_right + 0.6
    x0, x1, vtop = _vector(ax, fx, y2, 2 * half + 0.6, "flat", cells=12)
    _text(ax, x0 - 0.2, y2, "flattened\n$a^{l-1}_i$", ha="right")
    _link(ax, [(pool_mid, y1 - 0.7), (fx + 0.11, vtop + 0.15)], "$f$",
          label_xy=((pool_mid + fx) / 2 + 0.35, (y1 - 0.7 + vtop) / 2 + 0.1), ha="left")
    previous = [(x1 - 0.15, y) for y in np.linspace(y2 - half, y2 + half, 5)]
    x = x1 + 1.3
    dense_left = x
    below = y2 - half - 0.55
    for name in ("$l$", "$L$"):
        centres = _neurons(ax, x, y2, n, "dense", spacing=0.5, radius=0.16, ellipsis_at=n - 2)
        _connect(ax, previous, centres, radius=0.16)
        _text(ax, x, below, f"layer {name}")
        previous = centres
        if name == "$l$":
            _text(ax, x + 0.9, below, "⋯", size=_FONT + 4)
            x += 1.8
    _text(ax, (dense_left + x) / 2 + 0.4, y2 + half + 0.6, "fully connected dense layers")
    x += 1.5
    spacing = min(0.65, 2 * half / max(classes - 1, 1))
    outputs = _neurons(ax, x, y2, classes, "output", spacing=spacing, radius=min(0.2, 0.4 * spacing))
    _connect(ax, previous, outputs, radius=0.16)
    for i, (xo, yo) in enumerate(outputs):
        _text(ax, xo + 0.35, yo, rf"$\hat y_{i + 1}$", ha="left")
    _text(ax, x, below - 0.6, "classification\nlayer $L+1$")
    right = x + 1.2
    return _finish(fig, ax, right, below - 1.05, None)


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
    average of the source (weights fixed at 1/4).  The layers run in two lines, like a
    text: the input and the first convolution and pooling above, the rest below.
    """
    shapes = lenet_layer_shapes(input_size=input_size, conv_channels=conv_channels, kernel_size=kernel_size,
                                pool_size=pool_size, num_classes=num_classes)
    n_blocks = len(shapes)
    check_artists(f"draw_lenet(conv_channels={tuple(conv_channels)}, num_classes={num_classes})", 30 * n_blocks + 4 * num_classes)
    fig, ax = _canvas(COLUMN_WIDTH, 4.0, 16.0, 12.0)
    largest = max(s.height for s in shapes)
    gap = 2.1

    def side(s: LayerShape) -> float:
        return 0.7 + 2.0 * s.height / largest

    ops = {
        "conv": f"conv {kernel_size}×{kernel_size}\nsigmoid",
        "pool": f"avg {pool_size}×{pool_size}",
    }
    # the first line ends with the convolution after the first pooling layer
    first_pool = next(i for i, s in enumerate(shapes) if s.kind == "pool")
    lines = [shapes[:first_pool + 2], shapes[first_pool + 2:]]
    y_line = []
    tall = [max(side(s) if s.kind in ("input", "conv", "pool") else 3.0 for s in line) for line in lines]
    y2 = 1.3 + tall[1] / 2
    y1 = y2 + tall[1] / 2 + 3.1 + tall[0] / 2
    y_line = [y1, y2]
    ends, starts = [], []
    for row, (line, yc) in enumerate(zip(lines, y_line)):
        caption_y = yc - tall[row] / 2 - 0.65
        x = 0.1 if row == 0 else 1.0
        for i, s in enumerate(line):
            if s.kind == "input":
                _, x1, top = _image(ax, x, yc, side(s))
                caption = "input"
            elif s.kind in ("conv", "pool"):
                _, x1, top = _maps(ax, x, yc, side(s), s.channels, s.kind, step=0.11 if s.kind == "conv" else 0.09)
                caption = f"{s.name}\n{'convolution' if s.kind == 'conv' else 'avg pooling'}"
            elif s.kind == "flat":
                _, x1, top = _vector(ax, x, yc, 3.0, "flat", cells=12)
                caption = "flatten"
            else:
                shown = min(s.channels, 10)
                spacing = 3.2 / max(shown - 1, 1) if shown > 1 else 0.4
                spacing = min(spacing, 0.6)
                centres = _neurons(ax, x + 0.2, yc, shown, "output", spacing=spacing, radius=min(0.15, 0.4 * spacing))
                _connect(ax, [(x - gap + 0.6, y) for y in np.linspace(yc - 1.5, yc + 1.5, 6)], centres, radius=0.15)
                if s.channels <= 10:
                    for d, (xo, yo) in enumerate(centres):
                        _text(ax, xo + 0.3, yo, str(d), ha="left")
                x1, top = x + 0.4, yc + (shown - 1) * spacing / 2 + 0.15
                caption = f"{s.name}\noutput"
            _text(ax, (x + x1) / 2, top + 0.45, s.label, size=_FONT + 1, weight="bold")
            _text(ax, (x + x1) / 2, caption_y, caption)
            if i == 0:
                starts.append((x + x1) / 2)
            if i + 1 < len(line):
                nxt = line[i + 1]
                if nxt.kind in ops:
                    _arrow(ax, x1 + 0.1, x1 + gap - 0.1, yc, ops[nxt.kind], label_y=yc - 0.75)
                    x = x1 + gap
                elif nxt.kind == "flat":
                    _arrow(ax, x1 + 0.1, x1 + 1.1, yc)
                    x = x1 + 1.2
                else:
                    x = x1 + 1.5
            ends.append(x1)
        ends[-len(line):] = [x1]
    # the line break: from the end of the first line down and back to the start of the second
    x_end = ends[0]
    mid = y1 - tall[0] / 2 - 1.6
    top2 = y2 + tall[1] / 2 + 0.15
    nxt = lines[1][0]
    _link(ax, [(x_end + 0.1, y1), (x_end + 0.6, y1), (x_end + 0.6, mid), (starts[1], mid), (starts[1], top2)])
    if nxt.kind in ops:  # the operation sits on the line, in a white box
        ax.text((x_end + 0.6 + starts[1]) / 2, mid, ops[nxt.kind], fontsize=_FONT, color=_TEXT, ha="center",
                va="center", bbox=dict(boxstyle="square,pad=0.2", facecolor="white", edgecolor="none"))
    right = max(ends[0] + 0.9, ends[1] + 0.7)
    return _finish(fig, ax, right, 0.0, None)
