"""Small data sets that ship with installed packages (nothing is downloaded).

``load_digits_split`` gives scikit-learn's 1,797 handwritten digits (8x8 pixels, 10
classes) as float64 rows scaled to [0, 1], split into a training and a test set by a
stratified, seeded split, so every class appears in both and every run gets the same
split.  ``one_hot`` turns integer labels into the target vectors T of book Eq. A.1.

Shapes: x (N, D) with D = 64 pixels, labels (N,) integers in 0..9, targets (N, K).
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from backprop._validation import check_array_memory, check_labels, check_positive_int, check_seed

__all__ = ["DigitsSplit", "load_digits_split", "one_hot"]

N_CLASSES = 10


class DigitsSplit(NamedTuple):
    """A training and a test set: x float64 (N, 64) in [0, 1], y int64 labels (N,)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def one_hot(labels: np.ndarray, n_classes: int, dtype=np.float64) -> np.ndarray:
    """T[n, k] = 1 if labels[n] == k else 0: the targets T of Eq. A.1, shape (N, K) with K = n_classes.

    labels (N,) integers in 0..K-1; ``dtype`` a floating-point type (float64 unless given).
    """
    n_classes = check_positive_int("n_classes", n_classes)
    labels = check_labels("labels", labels, n_classes=n_classes)
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(f"dtype must be a floating-point type such as np.float32 or np.float64; got {dtype}")
    check_array_memory(
        f"one_hot(labels of shape {labels.shape}, n_classes={n_classes}): the targets (N, K)", (labels.shape[0], n_classes), dtype
    )
    targets = np.zeros((labels.shape[0], n_classes), dtype=dtype)
    targets[np.arange(labels.shape[0]), labels] = 1.0
    return targets


def load_digits_split(test_size: float = 0.25, seed: int = 0) -> DigitsSplit:
    """sklearn's 8x8 digits, pixels / 16 (so in [0, 1]), split stratified by class.

    test_size: the share of samples in the test set, strictly between 0 and 1.
    seed: the seed of the split; the same seed gives the same split on every run.
    Every one of the 10 classes is present in both parts (the split is stratified).
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(f"test_size must be a float between 0 and 1; got {test_size!r} ({type(test_size).__name__})")
    if not 0.0 < float(test_size) < 1.0:
        raise ValueError(f"test_size must be strictly between 0 and 1 (a share of the samples); got {test_size}")
    seed = check_seed("seed", seed)
    digits = load_digits()
    x = digits.data.astype(np.float64) / 16.0
    y = digits.target.astype(np.int64)
    n_test = int(round(float(test_size) * y.shape[0]))
    if n_test < N_CLASSES or y.shape[0] - n_test < N_CLASSES:
        raise ValueError(
            f"test_size={test_size} leaves {n_test} test and {y.shape[0] - n_test} training samples; "
            f"each part needs at least one sample of each of the {N_CLASSES} classes"
        )
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=n_test, random_state=int(seed), stratify=y
    )
    return DigitsSplit(
        np.ascontiguousarray(x_train), np.ascontiguousarray(y_train), np.ascontiguousarray(x_test), np.ascontiguousarray(y_test)
    )
