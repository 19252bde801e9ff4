"""The activation explorer of the chapter "Activation functions and their derivatives".

Pick an activation f, move the point z0: the left panel shows f with its tangent line
at z0, t(z) = f(z0) + f'(z0) (z - z0); the right panel shows f' with the point
(z0, f'(z0)).  :func:`activation_data` is the pure math (tested headlessly),
:func:`draw_activation` turns it into a figure, :func:`activation_explorer`
wires both to ipywidgets through :class:`backprop.explorers.Explorer`.
"""

from __future__ import annotations

import numbers
from typing import Callable

import numpy as np
from matplotlib.figure import Figure

from backprop._validation import check_array_memory, check_choice, check_data, check_positive_int
from backprop.activations import (
    check_alpha,
    leaky_relu,
    leaky_relu_prime,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    tanh,
    tanh_prime,
)
from backprop.explorers.explorer import Explorer
from backprop.figures.layout import COLUMN_WIDTH

__all__ = ["ACTIVATIONS", "activation_data", "draw_activation", "activation_explorer"]

#: name -> (f, f') for the explorer; leaky ReLU takes its slope alpha as a second argument.
ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "leaky_relu": (leaky_relu, leaky_relu_prime),
}

Z_RANGE = (-4.0, 4.0)


def activation_data(function: str = "sigmoid", z0: float = 0.5, alpha: float = 0.1, points: int = 401) -> dict:
    """Curves of f and f' on [-4, 4] and the tangent line of f at z0.

    Returns a dict with ``z`` (points,), ``f``, ``fprime``, ``tangent`` (same shape),
    and the scalars ``z0``, ``f0`` = f(z0), ``slope`` = f'(z0), ``name`` and ``alpha``
    (used by leaky ReLU only).  Raises ``ValueError`` for an unknown function name, a
    z0 outside [-4, 4], an alpha < 0 or fewer than 2 points (``TypeError`` for a
    non-number alpha or a non-integer count of points).
    """
    check_choice("function", function, tuple(ACTIVATIONS))
    if isinstance(z0, bool) or not isinstance(z0, numbers.Real) or not Z_RANGE[0] <= z0 <= Z_RANGE[1]:
        raise ValueError(f"z0 must be a number in [{Z_RANGE[0]:g}, {Z_RANGE[1]:g}]; got {z0!r}")
    alpha = check_alpha(alpha)
    if check_positive_int("points", points) < 2:
        raise ValueError(f"points must be at least 2 (the curves need two ends); got {points}")
    check_array_memory(f"activation_data(points={points}): the curves z, f, f' and the tangent (and their line copies)", (points,), copies=12)
    f, fprime = ACTIVATIONS[function]
    extra = (alpha,) if function == "leaky_relu" else ()
    z = np.linspace(Z_RANGE[0], Z_RANGE[1], points)
    point = np.array([float(z0)])
    f0 = float(f(point, *extra)[0])
    slope = float(fprime(point, *extra)[0])
    return {
        "name": function,
        "alpha": float(alpha),
        "z": z,
        "f": f(z, *extra),
        "fprime": fprime(z, *extra),
        "z0": float(z0),
        "f0": f0,
        "slope": slope,
        "tangent": f0 + slope * (z - float(z0)),
    }


def draw_activation(data: dict) -> Figure:
    """Two panels: f with its tangent at z0 (left), f' with the point (z0, f'(z0)) (right)."""
    fig = Figure(figsize=(COLUMN_WIDTH, 3.4), layout="constrained")
    check_data("data", data, ("name", "z", "f", "fprime", "tangent", "z0", "f0", "slope"), "activation_data(...)")
    ax_f, ax_d = fig.subplots(1, 2)
    z = data["z"]
    _ = ax_f.plot(z, data["f"], color="C0", label="f(z)")
    _ = ax_f.plot(z, data["tangent"], color="C3", linestyle="--", label="tangent at z0")
    _ = ax_f.plot([data["z0"]], [data["f0"]], "o", color="C3")
    lo, hi = float(np.min(data["f"])), float(np.max(data["f"]))
    pad = 0.15 * (hi - lo + 1e-9)
    _ = ax_f.set_ylim(lo - pad, hi + pad)
    _ = ax_f.set_title(f"{data['name']}: f({data['z0']:.2f}) = {data['f0']:.3f}")
    _ = ax_f.set_xlabel("z")
    _ = ax_f.legend(loc="upper left")
    _ = ax_d.plot(z, data["fprime"], color="C1", label="f'(z)")
    _ = ax_d.plot([data["z0"]], [data["slope"]], "o", color="C3")
    _ = ax_d.set_title(f"f'({data['z0']:.2f}) = {data['slope']:.3f}, the tangent's slope")
    _ = ax_d.set_xlabel("z")
    _ = ax_d.legend(loc="upper left")
    for ax in (ax_f, ax_d):
        ax.axhline(0.0, color="0.8", linewidth=0.8)
        ax.axvline(0.0, color="0.8", linewidth=0.8)
    return fig


def activation_explorer(function: str = "sigmoid", z0: float = 0.5, alpha: float = 0.1) -> Explorer:
    """An :class:`~backprop.explorers.Explorer` with a function menu and sliders for z0 and alpha.

    Every change redraws the two-panel figure as a PNG, which takes longer than the interval
    between a dragged slider's events; so the sliders update on release
    (``continuous_update=False``) rather than queueing redraws.
    """
    import ipywidgets

    controls = {
        "function": ipywidgets.Dropdown(options=list(ACTIVATIONS), value=function, description="f"),
        "z0": ipywidgets.FloatSlider(value=z0, min=Z_RANGE[0], max=Z_RANGE[1], step=0.05, description="z0",
                                     continuous_update=False),
        "alpha": ipywidgets.FloatSlider(value=alpha, min=0.0, max=0.5, step=0.01, description="alpha (leaky)",
                                        continuous_update=False),
    }
    return Explorer(activation_data, draw_activation, controls)


# aliases
activation_explorer_data = activation_data
draw_activation_explorer = draw_activation
make_activation_explorer = activation_explorer
