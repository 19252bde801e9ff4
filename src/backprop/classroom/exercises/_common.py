"""Helpers shared by the exercise blocks: case sizes, factor words, small independent formulas."""

from __future__ import annotations

import numpy as np

BATCH_SIZES = (1, 4, 5, 3, 6)
"""Batch sizes of the five cases of a batch exercise: N = 1 first, then batches."""

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


def shape(a) -> str:
    return str(tuple(np.shape(a)))


def summary(text: str):
    """Decorator: give a hint function the one-line summary the exercises page shows."""

    def wrap(fn):
        fn.summary = text
        return fn

    return wrap
