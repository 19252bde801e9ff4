"""Why backpropagation: what a gradient costs by finite differences and by one backward pass.

:func:`gradient_cost` measures it on a small sigmoid network (``backprop.mlp``): it computes
the gradient of the summed half squared error (book Eq. (A.1)) with respect to every
parameter twice, by centered finite differences (two forward passes per parameter) and by
one forward and one backward pass, and counts the passes that each method runs.  It also
counts the multiply-adds of the matrix products from the shapes: a forward pass of a batch
of N samples does ``F = N * sum_l D_l * D_{l-1}`` of them, the backward pass twice as many
(``dW = delta^T a`` and ``dE/da = delta W`` in every layer, as ``mlp_backward`` computes
them); the elementwise work is left out.  :func:`draw_gradient_cost` plots the ratio of the
two costs against the number of parameters P.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
from matplotlib.figure import Figure

from backprop._validation import STEP_OPS, check_artists, check_sequence, check_work
from backprop.figures.layout import COLUMN_WIDTH
from backprop.gradcheck import numerical_gradient
from backprop.losses import half_squared_error, half_squared_error_grad
from backprop.models.mlp import init_mlp, mlp_backward, mlp_forward

__all__ = ["GradientCost", "parameter_count", "gradient_cost", "draw_gradient_cost"]

FIG_WIDTH = COLUMN_WIDTH  # inches: the text column


def _sizes(sizes: Sequence[int]) -> tuple[int, ...]:
    sizes = tuple(sizes)
    if len(sizes) < 2 or any(not isinstance(s, (int, np.integer)) or s < 1 for s in sizes):
        raise ValueError(f"sizes must be at least two positive ints (D_1, ..., D_L); got {sizes!r}")
    return tuple(int(s) for s in sizes)


def parameter_count(sizes: Sequence[int]) -> int:
    """P = sum over layers of D_l * D_{l-1} weights and D_l biases."""
    sizes = _sizes(sizes)
    return sum(d_out * d_in + d_out for d_in, d_out in zip(sizes[:-1], sizes[1:]))


@dataclass
class GradientCost:
    """The counts of one measurement (see the module docstring); gradients keyed like ``init_mlp``."""

    sizes: tuple[int, ...]
    n_samples: int
    n_params: int
    fd_forward_passes: int
    bp_forward_passes: int
    bp_backward_passes: int
    forward_multiply_adds: int
    backward_multiply_adds: int
    fd_grads: dict = field(repr=False)
    bp_grads: dict = field(repr=False)

    @property
    def fd_multiply_adds(self) -> int:
        return self.fd_forward_passes * self.forward_multiply_adds

    @property
    def bp_multiply_adds(self) -> int:
        return (self.bp_forward_passes * self.forward_multiply_adds
                + self.bp_backward_passes * self.backward_multiply_adds)

    @property
    def ratio(self) -> float:
        """Multiply-adds of finite differences over those of backpropagation."""
        return self.fd_multiply_adds / self.bp_multiply_adds


def gradient_cost(sizes: Sequence[int], n_samples: int = 2, seed: int = 0) -> GradientCost:
    """Both gradients of a ``sizes`` network on ``n_samples`` seeded samples, with the passes counted."""
    sizes = _sizes(sizes)
    if not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive int; got {n_samples!r}")
    n_params = parameter_count(sizes)
    check_work(f"gradient_cost(sizes={tuple(sizes)}, n_samples={n_samples}): {2 * n_params} forward passes of a "
               f"network of {n_params} parameters", 2 * n_params * (2 * int(n_samples) * n_params + 10 * STEP_OPS),
               "smaller sizes or fewer n_samples")
    params = init_mlp(sizes, seed=seed)
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(n_samples, sizes[0]))
    target = rng.uniform(size=(n_samples, sizes[-1]))
    passes = {"forward": 0, "backward": 0}

    def forward():
        passes["forward"] += 1
        return mlp_forward(params, x)

    def loss(_):  # reads params as numerical_gradient perturbs them in place
        return half_squared_error(forward()[0], target, reduction="sum")

    fd_grads = {name: numerical_gradient(loss, value, max_entries=None)
                for name, value in params.items()}
    fd_forward = passes["forward"]

    passes["forward"] = 0
    out, cache = forward()
    passes["backward"] += 1
    _, bp_grads = mlp_backward(half_squared_error_grad(out, target, reduction="sum"), cache)

    forward_ma = n_samples * sum(d_in * d_out for d_in, d_out in zip(sizes[:-1], sizes[1:]))
    return GradientCost(sizes, int(n_samples), parameter_count(sizes), fd_forward,
                        passes["forward"], passes["backward"], forward_ma, 2 * forward_ma,
                        fd_grads, bp_grads)


def draw_gradient_cost(costs: Sequence[GradientCost]) -> Figure:
    """Log-log plot of the cost ratio (finite differences / backpropagation) against P."""
    costs = check_sequence("costs", costs, "[gradient_cost((2, 3, 2)), gradient_cost((3, 4, 2))]")
    check_artists(f"draw_gradient_cost({len(costs)} costs)", 2 * len(costs))
    if not costs or not all(isinstance(c, GradientCost) for c in costs):
        raise TypeError("costs must be a non-empty sequence of GradientCost (from gradient_cost)")
    p = np.array([c.n_params for c in costs], dtype=float)
    ratio = np.array([c.ratio for c in costs])
    fig = Figure(figsize=(FIG_WIDTH, 3.6), facecolor="white", layout="constrained")
    ax = fig.add_subplot()
    line = np.geomspace(p.min(), p.max(), 50)
    ax.plot(line, 2 * line / 3, color="#999999", linewidth=1.2, label="2P / 3")
    ax.plot(p, ratio, "o", color="#c0392b", markersize=6, label="counted")
    for c, pi, ri in zip(costs, p, ratio):
        ax.annotate("-".join(map(str, c.sizes)), (pi, ri), textcoords="offset points",
                    xytext=(6, -12), fontsize=10)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("number of parameters P", fontsize=11)
    ax.set_ylabel("cost ratio, FD / backprop", fontsize=11)
    ax.tick_params(labelsize=10)
    ax.legend(fontsize=10, loc="upper left")
    ax.grid(True, which="major", color="#dddddd", linewidth=0.6)
    ax.set_xlim(p.min() / 2, p.max() * 3)
    ax.set_ylim(ratio.min() / 2.5, ratio.max() * 2)
    return fig
