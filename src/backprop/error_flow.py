"""The error flowing backward through a small sigmoid network (book: "Backpropagating the error").

Seed 000 numbers the layers 1 (input) ... L (output).  For one input x and target T the
network computes, for l = 2 ... L (book Eqs. A.2, A.3, one sample, column form),

    Net^l = W^l O^{l-1} + d^l,   O^l = f(Net^l),   O^1 = x,

and the error is sent back (book Eqs. A.4-A.6, A.15-A.17):

    Delta E^L     = dE/dO^L     = O^L - T                                  (A.4, A.15)
    delta^l       = Delta E^l * f'(Net^l) = Delta E^l * O^l (1 - O^l)      (the bracket of A.6)
    Delta E^{l-1} = dE/dO^{l-1} = (W^l)^T delta^l                          (A.5, A.6, A.16, A.17)

Shapes, with D_l nodes in layer l: x (D_1,), T (D_L,), W^l (D_l, D_{l-1}), d^l (D_l,),
O^l, Net^l, Delta E^l, delta^l (D_l,).  The weights are given as a list ``weights`` with
``weights[0] = W^2`` (seed 000's W_H1), ``weights[1] = W^3`` (W_H2), and so on.

:func:`trace_error_flow` does the whole computation; :func:`loss_from_layer` gives the loss as a
function of one layer's output, which is what a finite-difference check of Delta E^l
needs; :func:`error_flow_explorer` is the classroom widget that steps the error back
one layer at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch

from backprop._validation import array_bytes, as_float_array, check_memory, check_positive_int, check_seed
from backprop.activations import sigmoid

__all__ = [
    "ErrorFlow",
    "trace_error_flow",
    "loss_from_layer",
    "backpropagate_error",
    "example_network",
    "EXPLORER_EXAMPLES",
    "error_flow_step",
    "draw_error_flow",
    "error_flow_explorer",
]


@dataclass(frozen=True)
class ErrorFlow:
    """Every quantity of the forward and backward run, one entry per layer (index 0 = layer 1).

    ``nets[0]`` and ``deltas[0]`` are ``None``: the input layer has no Net and no activation.
    """

    outputs: list
    nets: list
    errors: list
    deltas: list
    loss: float

    @property
    def n_layers(self) -> int:
        return len(self.outputs)


def _check_network(weights: Sequence[np.ndarray], biases: Sequence[np.ndarray], n_in: int) -> tuple[list, list]:
    if isinstance(weights, np.ndarray) or not isinstance(weights, (list, tuple)) or len(weights) == 0:
        raise TypeError("weights must be a non-empty list of matrices W^2, ..., W^L, each of shape (D_l, D_{l-1})")
    if not isinstance(biases, (list, tuple)) or len(biases) != len(weights):
        got = len(biases) if isinstance(biases, (list, tuple)) else type(biases).__name__
        raise ValueError(f"biases must be a list with one vector per weight matrix ({len(weights)}); got {got}")
    Ws, bs = [], []
    width = n_in
    for i, (W, b) in enumerate(zip(weights, biases)):
        W = as_float_array(f"weights[{i}]", W, ndim=2)
        if W.shape[1] != width:
            hint = " (it looks transposed: W^l has shape (D_l, D_{l-1}))" if W.shape[0] == width else ""
            raise ValueError(f"weights[{i}] has shape {W.shape} but layer {i + 1} has {width} nodes, so "
                             f"(any, {width}) was expected{hint}")
        Ws.append(W)
        bs.append(as_float_array(f"biases[{i}]", b, shape=(W.shape[0],)))
        width = W.shape[0]
    return Ws, bs


def _forward(x: np.ndarray, Ws: list, bs: list, start: int = 0) -> tuple[list, list]:
    outputs, nets = [x], [None]
    for W, b in zip(Ws[start:], bs[start:]):
        net = W @ outputs[-1] + b  # Eq. A.3: Net_z = sum_k W_zk O_k + d_z
        nets.append(net)
        outputs.append(sigmoid(net))  # Eq. A.2
    return outputs, nets


def trace_error_flow(x: np.ndarray, target: np.ndarray, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]) -> ErrorFlow:
    """Run the sigmoid network forward on one input, then send the error back.

    Implements book Eqs. (A.2)-(A.6) and (A.15)-(A.17): returns O^l, Net^l,
    Delta E^l = dE/dO^l and delta^l = Delta E^l * f'(Net^l) for every layer, with
    E = sum_z 1/2 (T_z - O_z^L)^2 (Eq. A.1).  x (D_1,), target (D_L,),
    weights[l-2] = W^l (D_l, D_{l-1}), biases[l-2] = d^l (D_l,).
    The input layer's Delta E^1 = dE/dx is included; its delta is None.
    """
    x = as_float_array("x", x, ndim=1)
    Ws, bs = _check_network(weights, biases, x.shape[0])
    target = as_float_array("target", target, shape=(Ws[-1].shape[0],))
    outputs, nets = _forward(x, Ws, bs)
    n = len(outputs)
    errors: list = [None] * n
    deltas: list = [None] * n
    errors[-1] = outputs[-1] - target  # Eq. A.4
    for l in range(n - 1, 0, -1):
        deltas[l] = errors[l] * outputs[l] * (1.0 - outputs[l])  # Delta E^l .* f'(Net^l), f' = O(1-O)
        errors[l - 1] = Ws[l - 1].T @ deltas[l]  # Eq. A.6: Delta E^{l-1} = W^T [Delta E^l .* f'(Net^l)]
    loss = 0.5 * float(np.sum((target - outputs[-1]) ** 2))
    return ErrorFlow(outputs=outputs, nets=nets, errors=errors, deltas=deltas, loss=loss)


def loss_from_layer(output: np.ndarray, layer: int, target: np.ndarray, weights: Sequence[np.ndarray],
                    biases: Sequence[np.ndarray]) -> float:
    """E (Eq. A.1) as a function of the output O^layer of one layer (layers numbered from 1).

    The rest of the network is run forward from that layer; finite differences of this
    function with respect to ``output`` give Delta E^layer = dE/dO^layer independently of
    the backward formulas.  output (D_layer,), target (D_L,).
    """
    layer = check_positive_int("layer", layer)
    if isinstance(weights, (list, tuple)) and layer > len(weights) + 1:
        raise ValueError(f"layer must be between 1 and L = {len(weights) + 1}; got {layer}")
    output = as_float_array("output", output, ndim=1)
    n_in = np.shape(weights[0])[1] if isinstance(weights, (list, tuple)) and weights else output.shape[0]
    Ws, bs = _check_network(weights, biases, n_in)
    want = Ws[layer - 2].shape[0] if layer >= 2 else n_in
    if output.shape[0] != want:
        raise ValueError(f"output has shape {output.shape} but layer {layer} has {want} nodes")
    target = as_float_array("target", target, shape=(Ws[-1].shape[0],))
    outputs, _ = _forward(output, Ws, bs, start=layer - 1)
    return 0.5 * float(np.sum((target - outputs[-1]) ** 2))


def backpropagate_error(delta: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Delta E^{l-1} = W^T delta^l (book Eq. A.6), for a batch with one sample per row.

    delta (N, D_l) holds Delta E^l * f'(Net^l); W (D_l, D_{l-1}) is the layer's weight
    matrix.  Returns Delta E^{l-1} (N, D_{l-1}) = delta @ W, the row form of W^T delta.
    """
    delta = as_float_array("delta", delta, ndim=2)
    W = as_float_array("W", W, ndim=2)
    if delta.shape[1] != W.shape[0]:
        hint = "; W looks transposed: it must have shape (D_l, D_{l-1})" if delta.shape[1] == W.shape[1] else ""
        raise ValueError(f"delta has {delta.shape[1]} columns (shape {delta.shape}) but W has shape {W.shape}, "
                         f"so D_l = {W.shape[0]} columns were expected{hint}")
    return delta @ W


# --- the classroom explorer -------------------------------------------------------------

EXPLORER_SIZES = (3, 4, 3, 2)
EXPLORER_EXAMPLES = {
    "x = (1, 0, 1), T = (1, 0)": (np.array([1.0, 0.0, 1.0]), np.array([1.0, 0.0])),
    "x = (0, 1, 0), T = (0, 1)": (np.array([0.0, 1.0, 0.0]), np.array([0.0, 1.0])),
    "x = (1, 1, 1), T = (1, 1)": (np.array([1.0, 1.0, 1.0]), np.array([1.0, 1.0])),
}


def example_network(sizes: Sequence[int] = EXPLORER_SIZES, seed: int = 0) -> tuple[list, list]:
    """Seeded weights W^l (D_l, D_{l-1}) and biases d^l (D_l,) drawn from N(0, 1).

    sizes (D_1, ..., D_L), at least 2 layers; seed an integer >= 0 for ``np.random.default_rng``.
    """
    sizes = [check_positive_int(f"sizes[{i}]", s) for i, s in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes must list at least 2 layers; got {tuple(sizes)}")
    seed = check_seed("seed", seed)
    check_memory(f"example_network(sizes={tuple(sizes)}): the weights and biases", sum(array_bytes((a + 1, b)) for a, b in zip(sizes[:-1], sizes[1:])))
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=(b, a)) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(size=b) for b in sizes[1:]]
    return weights, biases


def error_flow_step(layer: int, example: str, seed: int = 0) -> dict:
    """What the explorer shows after the error has been sent back down to ``layer``.

    The network is :func:`example_network` (sizes 3-4-3-2, ``seed``), run on one of
    :data:`EXPLORER_EXAMPLES`.  Returns ``{"layer", "flow", "revealed", "equation", "x", "target"}``:
    ``revealed[i]`` tells whether layer i+1 already has its Delta E (layers >= ``layer``).
    """
    L = len(EXPLORER_SIZES)
    if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)) or not 2 <= layer <= L:
        raise ValueError(f"layer must be an integer from 2 to L = {L}; got {layer!r}")
    if example not in EXPLORER_EXAMPLES:
        raise ValueError(f"example must be one of {list(EXPLORER_EXAMPLES)}; got {example!r}")
    x, target = EXPLORER_EXAMPLES[example]
    weights, biases = example_network(EXPLORER_SIZES, seed)
    flow = trace_error_flow(x, target, weights, biases)
    if layer == L:
        equation = r"$\Delta E^{L} = O^{L} - T$  (A.4)"
    else:
        equation = (rf"$\Delta E^{{{layer}}} = (W^{{{layer + 1}}})^T\,[\Delta E^{{{layer + 1}}} \odot "
                    rf"f'(Net^{{{layer + 1}}})]$  (A.6)")
    revealed = [i + 1 >= layer for i in range(L)]
    return {"layer": int(layer), "flow": flow, "revealed": revealed, "equation": equation, "x": x, "target": target}


# The book shows a figure at its text-column width, about 690 px on a laptop.  At
# matplotlib's 100 dpi a 6.9 in figure is shown at its natural size, so the labels keep their
# point sizes (at least 10 pt); a 10 in figure would shrink them to about two thirds.
FIG_WIDTH = 6.9
_LABEL_PT = 10.0


def draw_error_flow(data: dict) -> Figure:
    """The network with O at every node and, on the layers reached so far, Delta E and delta."""
    flow: ErrorFlow = data["flow"]
    layer = data["layer"]
    sizes = [o.shape[0] for o in flow.outputs]
    spacing, dx, radius = 1.3, 3.0, 0.42
    xs = [dx * i for i in range(len(sizes))]
    height = max(sizes) * spacing
    x_lo, x_hi = -1.2, xs[-1] + 2.25  # room right of the output layer for its Delta E, delta
    y_lo, y_hi = -height / 2 - 1.35, height / 2 + 0.75
    # one data unit is as long across as up, so the nodes are circles
    fig = Figure(figsize=(FIG_WIDTH, FIG_WIDTH * (y_hi - y_lo) / (x_hi - x_lo)), facecolor="white")
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.axis("off")
    pt = 72.0 * FIG_WIDTH / (x_hi - x_lo)  # points per data unit
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
                lines = [f"ΔE={flow.errors[l][i]:+.3f}"]
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
        ax.text(x + radius + 0.05, y + 0.1, f"T={t:g}", ha="left", va="bottom", fontsize=_LABEL_PT)
    middle = (xs[0] + xs[-1]) / 2
    ax.text(middle, -height / 2 - 0.45, data["equation"] + f"    E = {flow.loss:.4f}", ha="center",
            va="center", fontsize=12)
    ax.text(middle, -height / 2 - 1.0, "node: output O;  red: ΔE = ∂E/∂O and δ = ΔE·f'(Net)", ha="center",
            va="center", fontsize=_LABEL_PT, color="#555555")
    return fig


def error_flow_explorer(seed: int = 0):
    """The explorer: a slider "layer" (L down to 2) and an input/target choice.

    ``explorer.update(layer=3, example=...)`` returns the data of :func:`error_flow_step`.
    """
    import ipywidgets

    from backprop.widgets import Explorer

    L = len(EXPLORER_SIZES)
    controls = {
        "layer": ipywidgets.IntSlider(value=L, min=2, max=L, step=1, description="layer",
                                      continuous_update=False),
        "example": ipywidgets.Dropdown(options=list(EXPLORER_EXAMPLES), value=next(iter(EXPLORER_EXAMPLES)),
                                       description="input"),
    }
    return Explorer(lambda layer, example: error_flow_step(layer, example, seed), draw_error_flow, controls)
