"""The pooling explorer of the chapter "Backprop through pooling".

The reader picks average or max pooling, the window size and the stride, and sees where the
error of the pooled map goes: the input (with each window's winner framed for max pooling),
the pooled map, the error that arrives at it, and the error sent back to the input.
Overlapping windows (stride < size) show their contributions adding up; inputs in no window
get zero.  :func:`pooling_data` is the pure math (tested headlessly),
:func:`draw_pooling` turns it into a figure and :func:`pooling_explorer` wires both
to ipywidgets through :class:`backprop.explorers.Explorer`.
"""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from backprop._validation import check_artists, check_choice, check_data, check_positive_int, check_seed
from backprop.figures.layout import COLUMN_WIDTH, fit_cell_labels
from backprop.pooling import avg_pool2d_backward, avg_pool2d_forward, max_pool2d_backward, max_pool2d_forward

__all__ = ["pooling_data", "draw_pooling", "pooling_explorer"]

KINDS = ("max", "average")


def pooling_data(kind: str = "max", size: int = 2, stride: int = 2, height: int = 6, width: int = 6, seed: int = 0) -> dict:
    """Pool a small seeded map (values 0.0 .. 9.9 with one decimal) and send back the error 1, 2, 3, ...

    Returns a dict with ``x`` (H, W), ``out`` and ``dout`` (H', W'), ``dx`` (H, W),
    ``winners`` (list of (row, col) of each window's winner, max pooling only, else empty),
    ``windows_per_input`` (H, W: how many windows contain each input), ``out_shape`` and a
    one-line ``rule``.  A window larger than the map is shrunk to fit and ``note`` says so.
    """
    kind = check_choice("kind", kind, KINDS)
    size = check_positive_int("size", size)
    stride = check_positive_int("stride", stride)
    height = check_positive_int("height", height)
    width = check_positive_int("width", width)
    seed = check_seed("seed", seed)
    check_artists(f"pooling_data(height={height}, width={width}): three {height}x{width} grids of cells and labels", 6 * height * width)
    note = ""
    if size > min(height, width):
        note = f"size {size} does not fit in a {height}x{width} map: shrunk to {min(height, width)}"
        size = min(height, width)
    rng = np.random.default_rng(seed)
    x = (rng.integers(0, 100, size=(1, 1, height, width)) / 10.0).astype(float)
    forward, backward = (max_pool2d_forward, max_pool2d_backward) if kind == "max" else (avg_pool2d_forward, avg_pool2d_backward)
    out, cache = forward(x, size, stride)
    dout = np.arange(1.0, out.size + 1.0).reshape(out.shape)
    dx = backward(dout, cache)
    _, count_cache = avg_pool2d_forward(np.zeros_like(x), size, stride)
    windows_per_input = np.rint(avg_pool2d_backward(np.ones_like(out), count_cache) * size * size).astype(int)
    winners = []
    if kind == "max":
        winner = cache[-1][0, 0]
        for (i, j), w in np.ndenumerate(winner):
            u, v = divmod(int(w), size)
            winners.append((i * stride + u, j * stride + v))
        rule = "each window's error goes to its winner (the first maximum in row-major order)"
    else:
        rule = f"each input gets 1/{size * size} of the error of every window that contains it"
    return {
        "kind": kind,
        "size": size,
        "stride": stride,
        "x": x[0, 0],
        "out": out[0, 0],
        "dout": dout[0, 0],
        "dx": dx[0, 0],
        "winners": winners,
        "windows_per_input": windows_per_input[0, 0],
        "out_shape": out.shape[2:],
        "rule": rule,
        "note": note,
    }


def _label(value: float) -> str:
    """A cell's number in at most two decimals, without trailing zeros: 3, 12.5, 0.11."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _grid(ax, values: np.ndarray, title: str, frames=(), label=None) -> tuple:
    """Draw ``values`` as shaded cells with their numbers; return (ax, the labels, the number of columns)."""
    ax.set_title(title, fontsize=12)
    ax.set_xlim(-0.5, values.shape[1] - 0.5)
    ax.set_ylim(values.shape[0] - 0.5, -0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    top = max(float(np.abs(values).max()), 1e-12)
    texts = []
    for (r, c), v in np.ndenumerate(values):
        shade = 0.12 + 0.5 * abs(v) / top if v else 0.0
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=(0.13, 0.4, 0.75, shade), edgecolor="#999999"))
        texts.append(ax.text(c, r, (label or _label)(v), ha="center", va="center", fontsize=12))
    for r, c in frames:
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, edgecolor="crimson", linewidth=2.5))
    ax.set_aspect("equal")
    return ax, texts, values.shape[1]


def draw_pooling(data: dict) -> Figure:
    """Four panels in two rows: input x and the pooled map; the arriving error and the error sent back dL/dx.

    Four panels side by side would need 10 in and halve every label, hence two rows of two.
    """
    check_data("data", data, ("x", "out", "dout", "dx", "winners", "size", "stride", "kind", "out_shape", "rule", "note"), "pooling_data(...)")
    h, w = data["x"].shape
    fig = Figure(figsize=(COLUMN_WIDTH, 1.4 + COLUMN_WIDTH * h / w))
    axes = fig.subplots(2, 2)
    frames = data["winners"]
    k, s = data["size"], data["stride"]
    labelled = [
        _grid(axes[0, 0], data["x"], f"input x {data['x'].shape}", frames, label="{:.1f}".format),
        _grid(axes[0, 1], data["out"], f"{data['kind']}-pooled {tuple(data['out_shape'])}"),
        _grid(axes[1, 0], data["dx"], "error sent back dL/dx", frames),
        _grid(axes[1, 1], data["dout"], "error arriving dL/d(out)"),
    ]
    note = f" ({data['note']})" if data["note"] else ""
    lines = textwrap.wrap(f"{data['kind']} pooling, size {k}, stride {s}: {data['rule']}{note}", 58)
    fig.suptitle("\n".join(lines), fontsize=12)
    fig.tight_layout()
    fit_cell_labels(fig, labelled)
    return fig


def pooling_explorer(kind: str = "max", size: int = 2, stride: int = 2):
    """An :class:`backprop.explorers.Explorer` with a menu for the kind and sliders for size and stride."""
    import ipywidgets as widgets

    from backprop.explorers.explorer import Explorer

    controls = {
        "kind": widgets.Dropdown(options=list(KINDS), value=kind, description="pooling"),
        "size": widgets.IntSlider(value=size, min=1, max=4, description="size", continuous_update=False),
        "stride": widgets.IntSlider(value=stride, min=1, max=4, description="stride", continuous_update=False),
    }
    return Explorer(pooling_data, draw_pooling, controls)


# aliases
pooling_routes = pooling_data
draw_pooling_routes = draw_pooling
