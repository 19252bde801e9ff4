"""Diagrams of dense networks, drawn by code (the sources' images are missing).

* :func:`draw_feedforward_network`: seed 000 Fig. A.1, the 4-layer D-M-N-Z network.
* :func:`draw_error_backprop`: seed 000 Fig. A.2, the error of the nodes z of layer L
  flowing back through the weights W_zk to one node k of layer L-1.
* :func:`draw_dense_forward`: seed 002 Fig. 3.2, the forward run through the fully
  connected layers l ... L+1.
* :func:`draw_neuron`: seed 002 Fig. 3.3, one neuron j (inputs, weights, bias, sum,
  activation, output).
* :func:`draw_dense_backward`: seed 002 Fig. 3.4, the backward run through the same layers.

Every function returns a ``matplotlib.figure.Figure`` with a white background (readable
on a dark page).  Every node circle carries the gid ``"node"`` (and every bias node the
gid ``"bias"``), so a test can count them: ``[p for p in fig.axes[0].patches if
p.get_gid() == "node"]``.
"""

from __future__ import annotations

import math
from typing import Sequence

from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from backprop._validation import check_artists, check_bool, check_positive_int
from backprop.figures.layout import COLUMN_WIDTH

__all__ = [
    "draw_feedforward_network",
    "draw_error_backprop",
    "draw_dense_forward",
    "draw_neuron",
    "draw_dense_backward",
]

NODE_RADIUS = 0.22
COLORS = {
    "input": "#dbe9f6",
    "hidden": "#fde4c8",
    "output": "#d5f0d5",
    "bias": "#eeeeee",
    "edge": "#555555",
    "error": "#c0392b",
}


def _figure(width: float, height: float | None, xlim: tuple[float, float], ylim: tuple[float, float]):
    """A white figure with one borderless axes of equal aspect; ``height=None`` fits the limits exactly."""
    if height is None:
        height = width * (ylim[1] - ylim[0]) / (xlim[1] - xlim[0])
    fig = Figure(figsize=(width, height), facecolor="white")
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_facecolor("white")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def _node(ax, x: float, y: float, text: str = "", color: str = COLORS["hidden"], gid: str = "node", r: float = NODE_RADIUS, fontsize: int = 10):
    circle = Circle((x, y), r, facecolor=color, edgecolor="black", linewidth=1.2, zorder=3)
    circle.set_gid(gid)
    ax.add_patch(circle)
    if text:
        ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=4)
    return circle


def _arrow(ax, start, end, color: str = COLORS["edge"], lw: float = 0.8, style: str = "-|>", shrink: float = 16.0, ls: str = "-", gid: str = "edge"):
    arrow = FancyArrowPatch(
        start, end, arrowstyle=style, mutation_scale=9, color=color, linewidth=lw, linestyle=ls,
        shrinkA=shrink, shrinkB=shrink, zorder=2,
    )
    arrow.set_gid(gid)
    ax.add_patch(arrow)
    return arrow


def _column(n: int, spacing: float = 0.8) -> list[float]:
    """y positions of n nodes centred on 0, top to bottom."""
    return [((n - 1) / 2.0 - i) * spacing for i in range(n)]


def _column_with_ellipsis(n: int, spacing: float) -> tuple[list[float], float | None]:
    """y positions of n nodes of which the last stands for the whole layer, and of the ellipsis before it.

    For n >= 2 the column has n + 1 slots: nodes 1 ... n-1, a vertical ellipsis, the last
    node; for n = 1 one node and no ellipsis (``None``).
    """
    if n < 2:
        return _column(n, spacing), None
    ys = _column(n + 1, spacing)
    return ys[: n - 1] + [ys[n]], ys[n - 1]


def _numbered(n: int, last: str, single: str | None = None) -> list[str]:
    """Labels 1 ... n-1 and ``last`` for the column of :func:`_column_with_ellipsis` (``single`` when n = 1)."""
    if n < 2 and single is not None:
        return [single]
    return [str(i + 1) for i in range(n - 1)] + [last]


def _connect_layers(ax, positions, xs, label_y: float, labels: Sequence[str], fontsize: int, backward: bool = False, **arrow):
    """Connect every node of each layer to every node of the next, and label each bundle in a box at ``label_y``.

    ``backward`` points the arrows from the later layer to the earlier one; ``arrow`` goes to :func:`_arrow`.
    """
    for layer, label in enumerate(labels):
        for a in positions[layer]:
            for b in positions[layer + 1]:
                _arrow(ax, *((b, a) if backward else (a, b)), **arrow)
        ax.text((xs[layer] + xs[layer + 1]) / 2, label_y, label, ha="center", va="top", fontsize=fontsize,
                bbox=dict(boxstyle="round", facecolor="white", edgecolor="#888888"))


def _check_sizes(name: str, sizes: Sequence[int], min_layers: int = 2) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"{name} must be a sequence of integers >= 1; got {sizes!r}")
    if len(sizes) < min_layers:
        raise ValueError(f"{name} must list at least {min_layers} layers; got {len(sizes)}: {tuple(sizes)}")
    return [check_positive_int(f"{name}[{i}]", s) for i, s in enumerate(sizes)]


def draw_feedforward_network(nodes_shown: Sequence[int] = (3, 3, 3, 2), bias: bool = True) -> Figure:
    """Seed 000 Fig. A.1: the 4-layer network with D, M, N and Z nodes.

    ``nodes_shown[l]`` circles are drawn in layer l (the last one stands for the D-th,
    M-th, N-th or Z-th node, after a vertical ellipsis when there are at least 2).  The
    weight matrices W_H1, W_H2, W_H3 label the connections, and a bias node (d) feeds
    every node of layers 2-4 when ``bias`` is true.
    """
    sizes = _check_sizes("nodes_shown", nodes_shown, min_layers=4)
    if len(sizes) != 4:
        raise ValueError(f"nodes_shown must list the 4 layers of Fig. A.1 (D, M, N, Z); got {len(sizes)}")
    bias = check_bool("bias", bias)
    check_artists(f"draw_feedforward_network(nodes_shown={tuple(sizes)}): nodes, connections and labels",
                  3 * sum(sizes) + sum(a * b for a, b in zip(sizes[:-1], sizes[1:])) + 40)
    letters = [("i", "D", "X"), ("j", "M", "O"), ("k", "N", "O"), ("z", "Z", "O")]
    names = ["Layer 1 (input)\nD nodes", "Layer 2\nM nodes", "Layer 3\nN nodes", "Layer 4 = L (output)\nZ nodes"]
    colors = [COLORS["input"], COLORS["hidden"], COLORS["hidden"], COLORS["output"]]
    xs = [0.0, 2.6, 5.2, 7.8]
    spacing = 0.9
    height = max(sizes) * spacing + 1.6
    fig, ax = _figure(COLUMN_WIDTH, None, (-1.05, 9.75), (-height / 2 - 1.35, height / 2 + 1.3))
    positions = []
    for layer, (n, x) in enumerate(zip(sizes, xs)):
        idx, last, sym = letters[layer]
        ys, ellipsis_y = _column_with_ellipsis(n, spacing)
        if ellipsis_y is not None:
            ax.text(x, ellipsis_y, r"$\vdots$", ha="center", va="center", fontsize=14)
        pos = []
        for y, lab in zip(ys, _numbered(n, last)):
            sup = "" if layer == 0 else f"^{layer + 1}"
            _node(ax, x, y, f"${sym}_{{{lab}}}{sup}$", colors[layer], r=0.27, fontsize=10)
            pos.append((x, y))
        positions.append(pos)
        ax.text(x, height / 2 + 0.5, names[layer], ha="center", va="bottom", fontsize=10)
    _connect_layers(ax, positions, xs, -height / 2 - 0.25, [f"$\\mathbf{{W}}_{{H_{layer + 1}}}$" for layer in range(3)],
                    fontsize=12, lw=0.6, shrink=13)
    if bias:
        for layer in range(1, 4):
            bx, by = xs[layer] - 1.0, height / 2 + 0.1
            _node(ax, bx, by, "$+1$", COLORS["bias"], gid="bias", r=0.23, fontsize=10)
            for (x, y) in positions[layer]:
                _arrow(ax, (bx, by), (x, y), lw=0.6, ls="--", color="#999999", shrink=11)
        ax.text(8.45, height / 2 + 0.1, "biases $d$", fontsize=10, ha="left", va="center", color="#666666")
    for lab, (x, y) in zip(_numbered(sizes[3], "Z"), positions[3]):
        ax.text(x + 0.38, y, f"vs. $T_{{{lab}}}$", ha="left", va="center", fontsize=10)
    ax.text(3.9, -height / 2 - 1.05, r"$E = \sum_z \frac{1}{2}(T_z - O_z^4)^2$", ha="center", va="center", fontsize=11)
    return fig


def draw_error_backprop(n_upper: int = 3) -> Figure:
    """Seed 000 Fig. A.2: the error of the nodes z of layer L flows back to node k of layer L-1.

    ``n_upper`` nodes of layer L are drawn (the last one is node Z, after an ellipsis when
    ``n_upper >= 2``); each sends ``Delta E_z^L f'(Net_z^L)`` back along ``W_zk``, and
    node k adds the shares: ``Delta E_k^{L-1} = sum_z W_zk Delta E_z^L f'(Net_z^L)``
    (book Eq. A.5).
    """
    n = check_positive_int("n_upper", n_upper)
    check_artists(f"draw_error_backprop(n_upper={n})", 6 * n + 20)
    spacing = 1.3
    ys, ellipsis_y = _column_with_ellipsis(n, spacing)
    labels = _numbered(n, "Z", single="z")
    height = (len(ys) + 1) * spacing + 1.5
    fig, ax = _figure(COLUMN_WIDTH, None, (-2.7, 8.6), (-height / 2 - 0.45, height / 2 + 0.55))
    xk, xz = 0.0, 5.0
    _node(ax, xk, 0.0, "$k$", COLORS["hidden"], r=0.35, fontsize=13)
    ax.text(xk, -0.55, "$O_k^{L-1}$", ha="center", va="top", fontsize=11)
    ax.text(xk, 0.9, r"$\Delta E_k^{L-1} = \sum_z W_{zk}\,\Delta E_z^L f'(Net_z^L)$", ha="center", va="bottom",
            fontsize=11, color=COLORS["error"])
    for lab, y in zip(labels, ys):
        _node(ax, xz, y, f"${lab}$", COLORS["output"], r=0.35, fontsize=12)
        _arrow(ax, (xk, 0.0), (xz, y), lw=0.8, color="#999999", shrink=14)
        _arrow(ax, (xz, y - 0.12), (xk, -0.12), lw=1.6, color=COLORS["error"], shrink=16, gid="error")
        t = 0.55
        ax.text(xk + t * (xz - xk), t * y + 0.12, f"$W_{{{lab}k}}$", ha="center", va="bottom", fontsize=11,
                bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none"))
        ax.text(xz + 0.5, y, f"$\\Delta E_{{{lab}}}^L \\cdot f'(Net_{{{lab}}}^L)$", ha="left", va="center",
                fontsize=11, color=COLORS["error"])
    if ellipsis_y is not None:
        ax.text(xz, ellipsis_y, r"$\vdots$", ha="center", va="center", fontsize=16)
    ax.text(xk, height / 2 + 0.2, "layer $L-1$", ha="center", va="center", fontsize=11)
    ax.text(xz, height / 2 + 0.2, "layer $L$", ha="center", va="center", fontsize=11)
    ax.text(2.5, -height / 2 - 0.1, "grey: forward connections;  red: the error flowing back", ha="center",
            va="center", fontsize=10, color="#555555")
    return fig


def _dense_layer_names(n_layers: int) -> list[str]:
    """Layer names of seed 002 Sec. 3: l-1 (flattened input), l, l+1, ..., L, L+1 (classification)."""
    names = ["l-1", "l"]
    middle = n_layers - 4  # layers between l and L
    names += [f"l+{i + 1}" for i in range(middle)]
    names += ["L", "L+1"]
    return names[:n_layers] if n_layers >= 4 else ["l-1", "l", "L+1"][:n_layers]


def _dense_grid(layer_sizes: Sequence[int], name: str):
    sizes = _check_sizes(name, layer_sizes, min_layers=3)
    if max(sizes) > 12:
        raise ValueError(f"{name} allows at most 12 nodes per layer in a readable figure; got {tuple(sizes)}")
    names = _dense_layer_names(len(sizes))
    spacing = 0.8
    xs = [2.3 * i for i in range(len(sizes))]
    height = max(sizes) * spacing
    fig, ax = _figure(COLUMN_WIDTH, None, (-1.0, xs[-1] + 1.5), (-height / 2 - 1.45, height / 2 + 0.85))
    positions = []
    for layer, (n, x) in enumerate(zip(sizes, xs)):
        color = COLORS["input"] if layer == 0 else COLORS["output"] if layer == len(sizes) - 1 else COLORS["hidden"]
        pos = [(x, y) for y in _column(n, spacing)]
        for px, py in pos:
            _node(ax, px, py, "", color)
        positions.append(pos)
    return sizes, names, xs, height, fig, ax, positions


def draw_dense_forward(layer_sizes: Sequence[int] = (4, 3, 3, 2)) -> Figure:
    """Seed 002 Fig. 3.2: the forward run through the fully connected layers l ... L+1.

    ``layer_sizes[0]`` nodes hold the flattened input a^{l-1}; the following layers are
    l, ..., L and the classification layer L+1.  Each arrow bundle is labelled with the
    layer's weights and bias, each layer with ``z = W a + b`` and ``a = sigma(z)``.
    """
    sizes, names, xs, height, fig, ax, positions = _dense_grid(layer_sizes, "layer_sizes")
    _connect_layers(ax, positions, xs, -height / 2 - 0.1, [f"$W^{{{nxt}}},\\ b^{{{nxt}}}$" for nxt in names[1:]],
                    fontsize=10, lw=0.6, shrink=10)
    for layer, (x, name) in enumerate(zip(xs, names)):
        if layer == 0:
            title = f"input $a^{{{name}}}$"
        elif layer == len(sizes) - 1:
            title = f"output $\\hat y = a^{{{name}}}$"
        else:
            title = f"$a^{{{name}}} = \\sigma(z^{{{name}}})$"
        ax.text(x, height / 2 + 0.05, f"layer ${name}$\n{title}", ha="center", va="bottom", fontsize=10)
    ax.text((xs[0] + xs[-1]) / 2, -height / 2 - 1.2, r"forward: $z^l = W^l a^{l-1} + b^l$,  $a^l = \sigma(z^l)$",
            ha="center", va="center", fontsize=10)
    return fig


def draw_neuron(n_inputs: int = 3) -> Figure:
    """Seed 002 Fig. 3.3: one neuron j of layer l.

    ``n_inputs`` input nodes a_i^{l-1} (the last one is a_n^{l-1}, after an ellipsis when
    there are at least 2) are weighted by w_ij^l, summed with the bias b_j^l into
    z_j^l = sum_i w_ij^l a_i^{l-1} + b_j^l, and passed through sigma to a_j^l.
    """
    n = check_positive_int("n_inputs", n_inputs)
    check_artists(f"draw_neuron(n_inputs={n})", 6 * n + 20)
    spacing = 1.0
    ys, ellipsis_y = _column_with_ellipsis(n, spacing)
    labels = _numbered(n, "n", single="1")
    height = max(len(ys) * spacing, 2.5) + 1.2
    fig, ax = _figure(COLUMN_WIDTH, None, (-0.7, 9.0), (-height / 2 - 0.5, height / 2 + 0.55))
    xs_sum, xs_act, xs_out = 3.9, 6.0, 8.3
    for lab, y in zip(labels, ys):
        _node(ax, 0.0, y, f"$a_{{{lab}}}^{{l-1}}$", COLORS["input"], r=0.42, fontsize=10)
        d = math.hypot(xs_sum, y)  # from the input's rim to the sum's rim, so the head shows
        _arrow(ax, (0.42 * xs_sum / d, y - 0.42 * y / d), (xs_sum - 0.45 * xs_sum / d, 0.45 * y / d), lw=1.0, shrink=1)
        t = 0.45
        ax.text(t * xs_sum, (1 - t) * y + 0.08, f"$w_{{{lab}j}}^l$", ha="center", va="bottom", fontsize=10,
                bbox=dict(boxstyle="round,pad=0.12", facecolor="white", edgecolor="none"))
    if ellipsis_y is not None:
        ax.text(0.0, ellipsis_y, r"$\vdots$", ha="center", va="center", fontsize=14)
    _node(ax, xs_sum, 0.0, r"$\Sigma$", COLORS["hidden"], r=0.45, fontsize=16)
    ax.text(xs_sum, -0.6, "$z_j^l$", ha="center", va="top", fontsize=11)
    by = height / 2 - 0.3
    _node(ax, xs_sum, by, "$+1$", COLORS["bias"], gid="bias", r=0.3, fontsize=10)
    _arrow(ax, (xs_sum, by - 0.3), (xs_sum, 0.45), lw=1.0, shrink=1)
    ax.text(xs_sum + 0.3, (by + 0.45) / 2 + 0.1, "$b_j^l$", ha="left", va="center", fontsize=11)
    box = FancyBboxPatch((xs_act - 0.45, -0.4), 0.9, 0.8, boxstyle="round,pad=0.05", facecolor=COLORS["hidden"],
                         edgecolor="black", zorder=3)
    box.set_gid("activation")
    ax.add_patch(box)
    ax.text(xs_act, 0.0, r"$\sigma$", ha="center", va="center", fontsize=16, zorder=4)
    _arrow(ax, (xs_sum + 0.45, 0.0), (xs_act - 0.5, 0.0), lw=1.2, shrink=2)
    _node(ax, xs_out, 0.0, "$a_j^l$", COLORS["output"], r=0.38, fontsize=11)
    _arrow(ax, (xs_act + 0.5, 0.0), (xs_out - 0.38, 0.0), lw=1.2, shrink=1)
    ax.text(4.1, -height / 2 - 0.05, r"$z_j^l = \sum_{i=1}^{n} w_{ij}^l a_i^{l-1} + b_j^l, \quad a_j^l = \sigma(z_j^l)$",
            ha="center", va="center", fontsize=11)
    ax.text(xs_out + 0.6, height / 2 + 0.1, "neuron $j$ of layer $l$", ha="right", va="center", fontsize=10)
    return fig


def draw_dense_backward(layer_sizes: Sequence[int] = (4, 3, 3, 2)) -> Figure:
    """Seed 002 Fig. 3.4: the backward run through the fully connected layers.

    Same layout as :func:`draw_dense_forward`; the red arrows carry the error from the
    loss at the classification layer L+1 back to layer l, each layer labelled with its
    delta = dL/dz and each arrow bundle with the gradients dL/dW and dL/db it yields.
    """
    sizes, names, xs, height, fig, ax, positions = _dense_grid(layer_sizes, "layer_sizes")
    _connect_layers(ax, positions, xs, -height / 2 - 0.1,
                    [f"$\\partial L/\\partial W^{{{nxt}}}$\n$\\partial L/\\partial b^{{{nxt}}}$" for nxt in names[1:]],
                    fontsize=10, backward=True, lw=0.7, color=COLORS["error"], shrink=10, gid="error")
    last = len(sizes) - 1
    for layer, (x, name) in enumerate(zip(xs, names)):
        if layer == 0:
            title = f"$\\partial L / \\partial a^{{{name}}}$"
        else:
            title = f"$\\delta^{{{name}}} = \\partial L / \\partial z^{{{name}}}$"
        ax.text(x, height / 2 + 0.05, f"layer ${name}$\n{title}", ha="center", va="bottom", fontsize=10,
                color=COLORS["error"] if layer else "black")
    ax.text(xs[last] + 0.45, 0.0, r"$\leftarrow L(\hat y, y)$", ha="left", va="center", fontsize=10, color=COLORS["error"])
    ax.text((xs[0] + xs[-1]) / 2, -height / 2 - 1.2,
            r"backward: $\delta^l = \sigma'(z^l) \odot (W^{l+1})^T \delta^{l+1}$,  $\partial L/\partial W^l = \delta^l (a^{l-1})^T$",
            ha="center", va="center", fontsize=10)
    return fig
