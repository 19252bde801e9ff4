"""Weight initialisation: the bounds of the uniform initialisers and the fans they depend on.

A weight array is drawn from U[-a, a].  Glorot & Bengio (2010) choose
a = sqrt(6 / (fan_in + fan_out)) (Eq. {eq-part3-glorot}), so that the variance a^2 / 3 =
2 / (fan_in + fan_out) keeps the signal's scale from layer to layer; seed 000's Table A.1
prints zeta = sqrt(1 / (fan_in + fan_out)) (its Eq. A.21), Glorot's bound divided by sqrt(6).
A dense layer W (D_out, D_in) has fan_in = D_in and fan_out = D_out; a conv layer with
kernels (F, C, k, k) has fan_in = C k k and fan_out = F k k (:func:`conv_fans`).
"""

from __future__ import annotations

import numpy as np

from backprop._validation import check_positive_int

__all__ = ["glorot_bound", "table_a1_bound", "conv_fans", "BOUNDS", "uniform_init"]


def glorot_bound(fan_in: int, fan_out: int) -> float:
    """Glorot & Bengio (2010): U[-a, a] with a = sqrt(6 / (fan_in + fan_out)), variance 2 / (fan_in + fan_out).

    Implements: Eq. {eq-part3-glorot}
    """
    fan_in, fan_out = check_positive_int("fan_in", fan_in), check_positive_int("fan_out", fan_out)
    return float(np.sqrt(6.0 / (fan_in + fan_out)))


def table_a1_bound(fan_in: int, fan_out: int) -> float:
    """Seed 000 Eq. (A.21): zeta = sqrt(1 / (fan_in + fan_out)), Glorot's bound divided by sqrt(6).

    Implements: Eq. {eq-part3-zeta} (seed 000 Eq. A.21)
    """
    fan_in, fan_out = check_positive_int("fan_in", fan_in), check_positive_int("fan_out", fan_out)
    return float(np.sqrt(1.0 / (fan_in + fan_out)))


def conv_fans(in_channels: int, out_channels: int, kernel_size: int) -> tuple[int, int]:
    """(fan_in, fan_out) of a conv layer: (C * k * k, F * k * k), as in seed 000 Table A.1."""
    c = check_positive_int("in_channels", in_channels)
    f = check_positive_int("out_channels", out_channels)
    k = check_positive_int("kernel_size", kernel_size)
    return c * k * k, f * k * k


#: init name -> bound(fan_in, fan_out), the choices of the models' ``init`` argument
BOUNDS = {"table_a1": table_a1_bound, "glorot": glorot_bound}


def uniform_init(rng: np.random.Generator, bound: float, shape: tuple[int, ...], dtype=np.float64) -> np.ndarray:
    """An array of ``shape`` drawn from U[-bound, bound] by ``rng``, cast to ``dtype``."""
    return rng.uniform(-bound, bound, size=shape).astype(dtype, copy=False)
