"""Helpers shared by the exercise blocks: case sizes, factor words, small independent formulas."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from backprop.classroom._registry import Case

BATCH_SIZES = (1, 4, 5, 3, 6)
"""Batch sizes of the five cases of a batch exercise: N = 1 first, then batches."""

LAYER_SIZES = ((2, 3), (3, 5), (2, 4), (4, 3), (3, 2))
"""(K, D) of the five cases of a layer exercise: K outputs, D inputs, never equal."""

BIG_LOGITS = np.array([[1000.0, -1000.0, 999.0], [-1000.0, -1000.0, -999.0]])
"""Logits of +-1000: exact answers exist, a naive np.exp overflows."""


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The stable sigmoid, written here independently of the package."""
    out = np.empty_like(z, dtype=float)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def softmax(z: np.ndarray) -> np.ndarray:
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def onehot(labels: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((labels.shape[0], k))
    out[np.arange(labels.shape[0]), labels] = 1.0
    return out


def batch_factors(n: int, k: int | None = None) -> dict:
    out = {float(n): "N, the batch size"}
    if k is not None and k != n:
        out.setdefault(float(k), "K, the number of outputs; the mean is over N only")
        out.setdefault(float(n * k), "N*K; the mean is over N only, not over all N*K entries")
    return out


def no_mean_factors(n: int, what: str) -> dict:
    """The factor N of a per-sample answer (none for N = 1): each sample's ``what`` is its own."""
    return {float(n): f"N, the batch size; each sample's {what} is its own, no mean here"} if n > 1 else {}


def batch_cases(sizes: Sequence, draw: Callable[..., tuple], factors: Callable[[int], dict] | None = None) -> list[Case]:
    """One :class:`Case` per batch size of :data:`BATCH_SIZES`, zipped with ``sizes``.

    ``sizes`` holds each case's other sizes, an int (K) or a tuple ((K, D)); ``draw(n, *size)``
    returns the case's arguments (drawing from the exercise's generator) and ``factors(n)``
    its factor words (none when ``factors`` is None).
    """
    out = []
    for n, size in zip(BATCH_SIZES, sizes):
        args = draw(n, *(size if isinstance(size, tuple) else (size,)))
        out.append(Case(args, factors=factors(n) if factors else {}, n=n))
    return out


def shape(a) -> str:
    return str(tuple(np.shape(a)))


def summary(text: str):
    """Decorator: give a hint function the one-line summary the exercises page shows."""

    def wrap(fn):
        fn.summary = text
        return fn

    return wrap
