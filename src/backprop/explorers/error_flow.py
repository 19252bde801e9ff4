"""The error-flow explorer of the chapter "Backpropagating the error".

A slider steps the error of a small 3-4-3-2 sigmoid network back one layer at a time:
:func:`error_flow_data` runs :func:`backprop.error_flow.trace_error_flow` and says which
layers have their dE/da so far, :func:`draw_error_flow` draws the network with a, dE/da
and delta at its nodes, :func:`error_flow_explorer` wires both to the controls.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch

from backprop._validation import check_choice, check_data
from backprop.error_flow import ErrorFlow, example_network, trace_error_flow
from backprop.explorers.explorer import Explorer
from backprop.figures.layout import COLUMN_WIDTH, MIN_LABEL_PT

__all__ = ["EXPLORER_EXAMPLES", "error_flow_data", "draw_error_flow", "error_flow_explorer"]

EXPLORER_SIZES = (3, 4, 3, 2)
EXPLORER_EXAMPLES = {
    "x = (1, 0, 1), T = (1, 0)": (np.array([1.0, 0.0, 1.0]), np.array([1.0, 0.0])),
    "x = (0, 1, 0), T = (0, 1)": (np.array([0.0, 1.0, 0.0]), np.array([0.0, 1.0])),
    "x = (1, 1, 1), T = (1, 1)": (np.array([1.0, 1.0, 1.0]), np.array([1.0, 1.0])),
}


def error_flow_data(layer: int, example: str, seed: int = 0) -> dict:
    """What the explorer shows after the error has been sent back down to ``layer``.

    The network is :func:`example_network` (sizes 3-4-3-2, ``seed``), run on one of
    :data:`EXPLORER_EXAMPLES`.  Returns ``{"layer", "flow", "revealed", "equation", "x", "target"}``:
    ``revealed[i]`` tells whether layer i+1 already has its dE/da (layers >= ``layer``).
    """
    L = len(EXPLORER_SIZES)
    if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or not 2 <= layer <= L:
        raise ValueError(f"layer must be an integer from 2 to L = {L}; got {layer!r}")
    check_choice("example", example, tuple(EXPLORER_EXAMPLES))
    x, target = EXPLORER_EXAMPLES[example]
    weights, biases = example_network(EXPLORER_SIZES, seed)
    flow = trace_error_flow(x, target, weights, biases)
    if layer == L:
        equation = r"$\partial E/\partial a^{L} = a^{L} - y$  (A.4)"
    else:
        equation = (rf"$\partial E/\partial a^{{{layer}}} = (W^{{{layer + 1}}})^T\,"
                    rf"\delta^{{{layer + 1}}}$  (A.6)")
    revealed = [i + 1 >= layer for i in range(L)]
    return {"layer": int(layer), "flow": flow, "revealed": revealed, "equation": equation, "x": x, "target": target}


_LABEL_PT = MIN_LABEL_PT


def draw_error_flow(data: dict) -> Figure:
    """The network with a at every node and, on the layers reached so far, dE/da and delta."""
    check_data("data", data, ("layer", "flow", "revealed", "equation", "x", "target"), "error_flow_data(...)")
    flow: ErrorFlow = data["flow"]
    layer = data["layer"]
    sizes = [o.shape[0] for o in flow.outputs]
    spacing, dx, radius = 1.3, 3.0, 0.42
    xs = [dx * i for i in range(len(sizes))]
    height = max(sizes) * spacing
    x_lo, x_hi = -1.2, xs[-1] + 2.75  # room right of the output layer for its dE/da, delta
    y_lo, y_hi = -height / 2 - 1.35, height / 2 + 0.75
    # one data unit is as long across as up, so the nodes are circles
    fig = Figure(figsize=(COLUMN_WIDTH, COLUMN_WIDTH * (y_hi - y_lo) / (x_hi - x_lo)), facecolor="white")
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.axis("off")
    pt = 72.0 * COLUMN_WIDTH / (x_hi - x_lo)  # points per data unit
    pos = [[(x, ((n - 1) / 2.0 - i) * spacing) for i in range(n)] for n, x in zip(sizes, xs)]
    for l in range(len(sizes) - 1):
        active = l + 1 == layer  # the bundle that the last step (layer+1 -> layer) crossed
        for a in pos[l]:
            for b in pos[l + 1]:
                if active:
                    arrow = FancyArrowPatch(b, a, arrowstyle="-|>", mutation_scale=10, color="#c0392b",
                                            linewidth=1.3, shrinkA=radius * pt, shrinkB=radius * pt, zorder=2)
                    arrow.set_gid("error")
                else:
                    arrow = FancyArrowPatch(a, b, arrowstyle="-", color="#bbbbbb", linewidth=0.7,
                                            shrinkA=radius * pt, shrinkB=radius * pt, zorder=1)
                ax.add_patch(arrow)
    for l, column in enumerate(pos):
        current = l + 1 == layer
        for i, (x, y) in enumerate(column):
            face = "#fde4c8" if data["revealed"][l] else "#eeeeee"
            circle = Circle((x, y), radius, facecolor=face, edgecolor="#c0392b" if current else "black",
                            linewidth=2.4 if current else 1.0, zorder=3)
            circle.set_gid("node")
            ax.add_patch(circle)
            ax.text(x, y, f"{flow.outputs[l][i]:.2f}", ha="center", va="center", fontsize=_LABEL_PT, zorder=4)
            if data["revealed"][l]:
                lines = [f"∂E/∂a={flow.errors[l][i]:+.3f}"]
                if flow.deltas[l] is not None:
                    lines.append(f"δ={flow.deltas[l][i]:+.3f}")
                # beside the node, on the side away from the red arrows: left of the layer the
                # error has just reached (its arrowheads come in from the right), right elsewhere
                left = current and l < len(pos) - 1
                ax.text(x - radius - 0.05 if left else x + radius + 0.05, y - 0.08, "\n".join(lines),
                        ha="right" if left else "left", va="top", fontsize=_LABEL_PT, color="#c0392b",
                        linespacing=1.1, zorder=4, bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=0.5))
        title = "layer 1 (input)" if l == 0 else f"layer {l + 1}" + (" = L" if l == len(pos) - 1 else "")
        ax.text(xs[l], height / 2 + 0.35, title, ha="center", va="center", fontsize=11,
                fontweight="bold" if current else "normal")
    for (x, y), t in zip(pos[-1], data["target"]):
        ax.text(x + radius + 0.05, y + 0.1, f"y={t:g}", ha="left", va="bottom", fontsize=_LABEL_PT)
    middle = (xs[0] + xs[-1]) / 2
    ax.text(middle, -height / 2 - 0.45, data["equation"] + f"    E = {flow.loss:.4f}", ha="center",
            va="center", fontsize=12)
    ax.text(middle, -height / 2 - 1.0, "node: activation a;  red: ∂E/∂a and δ = ∂E/∂a·f'(z)", ha="center",
            va="center", fontsize=_LABEL_PT, color="#555555")
    return fig


def error_flow_explorer(seed: int = 0):
    """The explorer: a slider "layer" (L down to 2) and an input/target choice.

    ``explorer.update(layer=3, example=...)`` returns the data of :func:`error_flow_data`.
    """
    import ipywidgets

    L = len(EXPLORER_SIZES)
    controls = {
        "layer": ipywidgets.IntSlider(value=L, min=2, max=L, step=1, description="layer",
                                      continuous_update=False),
        "example": ipywidgets.Dropdown(options=list(EXPLORER_EXAMPLES), value=next(iter(EXPLORER_EXAMPLES)),
                                       description="input"),
    }
    return Explorer(lambda layer, example: error_flow_data(layer, example, seed), draw_error_flow, controls)


error_flow_step = error_flow_data  # alias
