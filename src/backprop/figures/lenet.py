"""The figures of the LeNet chapter: digits, a confusion matrix, learned kernels, feature maps, curves.

Every builder takes the numbers the chapter computed (images, counts, arrays of a trained
network, training histories) and returns a ``matplotlib.figure.Figure``
:data:`~backprop.figures.layout.COLUMN_WIDTH` wide, so it is shown at its natural size and no
lettering is below 10 pt.  The background is white with dark ink, so a figure stays readable
when the book's theme is dark.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from backprop._validation import (
    as_float_array,
    check_artists,
    check_index,
    check_labels,
    check_optional_str,
    check_real,
    check_sequence,
)
from backprop.figures.layout import COLUMN_WIDTH
from backprop.training import History

__all__ = [
    "draw_digit_grid",
    "draw_confusion",
    "draw_misclassified",
    "draw_kernels",
    "draw_feature_maps",
    "plot_history_comparison",
]

TITLE_PT = 12.0
LABEL_PT = 11.0
INK = "#111111"


def _canvas(height: float) -> Figure:
    return Figure(figsize=(COLUMN_WIDTH, height), facecolor="white")


def _images(name: str, images, ndim: int = 3) -> np.ndarray:
    """``images`` as a float array of ``ndim`` dimensions; a channel axis of size 1 is dropped."""
    arr = as_float_array(name, images, ndim=(ndim, ndim + 1))
    if arr.ndim == ndim + 1 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be a non-empty array of {ndim} dimensions (N, H, W) or (N, 1, H, W); "
                         f"got shape {np.shape(images)}")
    return arr


def _labels(name: str, labels, n: int) -> np.ndarray:
    return check_labels(name, labels, n_samples=n, samples_of="images")


def draw_digit_grid(images, labels, *, title: str | None = None) -> Figure:
    """One row of digits, each titled with its label (at most 10, so each stays legible).

    ``images``: ``(N, 28, 28)`` or ``(N, 1, 28, 28)``; ``labels``: ``N`` integers.
    """
    imgs = _images("images", images)
    labs = _labels("labels", labels, len(imgs))
    title = check_optional_str("title", title)
    if len(imgs) > 10:
        raise ValueError(f"images must hold at most 10 digits (one row at the column width); got {len(imgs)}")
    fig = _canvas(1.35 if title is None else 1.7)
    axes = fig.subplots(1, 10, squeeze=False)[0]
    for ax in axes:
        ax.axis("off")
    for ax, img, lab in zip(axes, imgs, labs):
        ax.imshow(img, cmap="gray_r")
        ax.set_title(str(int(lab)), fontsize=TITLE_PT, color=INK)
    if title:
        fig.suptitle(title, fontsize=TITLE_PT, color=INK)
    return fig


def draw_confusion(confusion, *, title: str | None = None, dark_above: float | None = None) -> Figure:
    """The confusion matrix: row ``t``, column ``p`` counts the digits of class ``t`` predicted as ``p``.

    ``confusion``: a square array of non-negative integer counts.  Nonzero counts are written
    in their cells (white on the dark cells above ``dark_above``, by default half the largest count).
    """
    try:
        conf = np.asarray(confusion)
    except ValueError as exc:  # ragged lists
        raise TypeError(f"confusion must be a square array of integer counts; got a ragged {type(confusion).__name__}") from exc
    if conf.ndim != 2 or conf.shape[0] != conf.shape[1] or not np.issubdtype(conf.dtype, np.integer) \
            or conf.size == 0 or (conf < 0).any():
        raise ValueError(f"confusion must be a non-empty square array of non-negative integer counts; got shape "
                         f"{conf.shape}, dtype {conf.dtype}")
    k = conf.shape[0]
    check_artists(f"draw_confusion(confusion of shape {conf.shape})", k * k)
    title = check_optional_str("title", title)
    threshold = conf.max() / 2 if dark_above is None else check_real("dark_above", dark_above)
    fig = _canvas(5.6)
    ax = fig.subplots()
    ax.imshow(conf, cmap="Blues")
    for (t, p), count in np.ndenumerate(conf):
        if count:
            ax.text(p, t, str(int(count)), ha="center", va="center", fontsize=10,
                    color="white" if count > threshold else INK)
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.tick_params(labelsize=LABEL_PT)
    ax.set_xlabel("predicted class", fontsize=LABEL_PT)
    ax.set_ylabel("true class", fontsize=LABEL_PT)
    if title:
        ax.set_title(title, fontsize=TITLE_PT)
    fig.tight_layout()
    return fig


def draw_misclassified(images, true, predicted, *, per_row: int = 8, limit: int = 24,
                       title: str = "misclassified test digits (true -> predicted)") -> Figure:
    """The first ``limit`` digits of ``images``, ``per_row`` a row, each titled ``true -> predicted``."""
    imgs = _images("images", images)
    t = _labels("true", true, len(imgs))
    p = _labels("predicted", predicted, len(imgs))
    if not (isinstance(per_row, int) and 1 <= per_row <= 10):
        raise ValueError(f"per_row must be an int from 1 to 10 (legible at the column width); got {per_row!r}")
    if not (isinstance(limit, int) and limit >= 1):
        raise ValueError(f"limit must be a positive int; got {limit!r}")
    shown = min(limit, len(imgs))
    rows = (shown + per_row - 1) // per_row
    fig = _canvas(1.2 * rows + 0.5)
    axes = fig.subplots(rows, per_row, squeeze=False).ravel()
    for ax in axes:
        ax.axis("off")
    for ax, img, ti, pi in zip(axes, imgs[:shown], t, p):
        ax.imshow(img, cmap="gray_r")
        ax.set_title(f"{int(ti)} -> {int(pi)}", fontsize=TITLE_PT, color=INK)
    fig.suptitle(title, fontsize=TITLE_PT, color=INK)
    return fig


def _kernel(ax, k: np.ndarray) -> None:
    lim = float(np.abs(k).max()) or 1.0
    ax.imshow(k, cmap="RdBu_r", vmin=-lim, vmax=lim)
    ax.axis("off")


def draw_kernels(W1, W2) -> Figure:
    """The learned kernels of two convolution layers, each with its own colour scale (blue < 0 < red).

    ``W1``: ``(F1, 1, k, k)``, the first layer (one row); ``W2``: ``(F2, F1, k, k)``, one row per
    output map and one column per input map.  At most 5 kernels a row, so each stays legible.
    """
    w1, w2 = as_float_array("W1", W1, ndim=4), as_float_array("W2", W2, ndim=4)
    if w1.shape[1] != 1:
        raise ValueError(f"W1 must have the shape (F1, 1, k, k) of a first convolution layer; got {w1.shape}")
    if w2.shape[1] != w1.shape[0]:
        raise ValueError(f"W2 must have the shape (F2, {w1.shape[0]}, k, k) (one input map per W1 kernel); "
                         f"got {w2.shape}")
    f1, f2 = w1.shape[0], w2.shape[0]
    if f1 > 5:
        raise ValueError(f"W1 must have at most 5 kernels (one row at the column width); got {f1}")
    check_artists(f"draw_kernels(W2 of shape {w2.shape})", 20 * (f2 + 1) * (f1 + 1))  # ~20 artists an axes
    fig = _canvas(1.05 * (f2 + 1) + 0.3)
    grid = fig.add_gridspec(f2 + 1, f1 + 1)
    for m in range(f1):
        ax = fig.add_subplot(grid[0, m + 1])
        _kernel(ax, w1[m, 0])
        ax.set_title(f"C1 kernel {m + 1}", fontsize=LABEL_PT, color=INK)
    for n in range(f2):
        for m in range(f1):
            ax = fig.add_subplot(grid[n + 1, m + 1])
            _kernel(ax, w2[n, m])
        label_ax = fig.add_subplot(grid[n + 1, 0])
        label_ax.axis("off")
        label_ax.text(1.0, 0.5, f"C2 map {n + 1}", fontsize=LABEL_PT, ha="right", va="center",
                      color=INK, transform=label_ax.transAxes)
    return fig


def draw_feature_maps(image, activations: Mapping[str, np.ndarray], probabilities, *,
                      label: int | None = None,
                      maps: Sequence[str] = ("C1", "P1", "C2", "P2"), hidden: str = "hidden") -> Figure:
    """One digit on its way through a CNN: the input, each layer's maps, the hidden units, the softmax.

    ``image``: ``(28, 28)`` (or ``(1, 28, 28)``); ``activations``: the dict of
    ``feature_maps`` for that one digit (each map array ``(1, C, H, W)``, the hidden units
    ``(1, D)``); ``probabilities``: the softmax over the classes.
    """
    img = as_float_array("image", image, ndim=(2, 3))
    if img.ndim == 3 and img.shape[0] == 1:
        img = img[0]
    if img.ndim != 2:
        raise ValueError(f"image must be one digit of shape (H, W) or (1, H, W); got {np.shape(image)}")
    label = None if label is None else check_index("label", label)
    maps = check_sequence("maps", maps, '("C1", "P1", "C2", "P2")')
    if not maps or not all(isinstance(name, str) for name in [*maps, hidden]):
        raise TypeError(f"maps must be a non-empty sequence of layer names and hidden one name (strings); "
                        f"got maps={maps!r}, hidden={hidden!r}")
    if not isinstance(activations, Mapping):
        raise TypeError(f"activations must be the dict returned by feature_maps(x); got {type(activations).__name__}")
    missing = [name for name in (*maps, hidden) if name not in activations]
    if missing:
        raise ValueError(f"activations must hold {list(maps) + [hidden]}; missing {missing}")
    layers = {name: as_float_array(f"activations[{name!r}]", activations[name], ndim=4)[0] for name in maps}
    units = as_float_array(f"activations[{hidden!r}]", activations[hidden], ndim=2)[0]
    probs = as_float_array("probabilities", probabilities).ravel()
    if probs.size < 2 or not np.isclose(probs.sum(), 1.0):
        raise ValueError(f"probabilities must be a softmax over at least 2 classes (summing to 1); got {probs!r}")
    counts = [layers[name].shape[0] for name in maps]
    cols = max(max(counts), 6)
    check_artists(f"draw_feature_maps(activations with {sum(counts)} maps)",
                  20 * cols * (len(maps) + 2) + units.size + probs.size)
    fig = _canvas(1.35 * (len(maps) + 2) + 0.1)
    grid = fig.add_gridspec(len(maps) + 2, cols)
    ax = fig.add_subplot(grid[0, 0])
    ax.imshow(img, cmap="gray_r")
    ax.set_title("input" if label is None else f"input (a {int(label)})", fontsize=TITLE_PT, loc="left")
    ax.axis("off")
    for row, (name, count) in enumerate(zip(maps, counts), start=1):
        layer = layers[name]
        for m in range(count):
            ax = fig.add_subplot(grid[row, m])
            ax.imshow(layer[m], cmap="viridis")
            if m == 0:
                ax.set_title(f"{name}: {count} maps", fontsize=TITLE_PT, loc="left")
            ax.axis("off")
    half = cols // 2
    ax = fig.add_subplot(grid[-1, 0:half])
    ax.bar(range(units.size), units, color="C2")
    ax.set_title(f"hidden layer ({units.size} units)", fontsize=TITLE_PT)
    ax.tick_params(labelsize=LABEL_PT)
    ax = fig.add_subplot(grid[-1, half:])
    ax.bar(range(probs.size), probs, color="C1")
    ax.set_xticks(range(probs.size))
    ax.set_title(f"softmax: predicted {int(probs.argmax())}", fontsize=TITLE_PT)
    ax.tick_params(labelsize=LABEL_PT)
    fig.tight_layout()
    return fig


def plot_history_comparison(histories: Mapping[str, History], *, loss_label: str = "mean training loss",
                            title: str | None = None, chance: float | None = None) -> Figure:
    """The training loss (left) and test accuracy (right) per epoch of several runs, one colour each.

    ``histories``: ``{legend label: History}``, each with test accuracies recorded;
    ``chance``: an accuracy to mark with a dotted line (0.1 for ten classes).
    """
    if not isinstance(histories, Mapping):
        raise TypeError(f"histories must be a dict {{legend label: History}}; got {type(histories).__name__}")
    if not histories or not all(isinstance(h, History) and h.epochs and h.test_accuracy
                                for h in histories.values()):
        raise ValueError("histories must map labels to Histories with at least one epoch and test accuracies; "
                         f"got {histories!r}")
    if not all(isinstance(name, str) for name in histories):
        raise TypeError(f"histories must be keyed by legend labels (strings); got {list(histories)!r}")
    check_artists(f"plot_history_comparison({len(histories)} histories)", 4 * len(histories))
    loss_label = check_optional_str("loss_label", loss_label) or ""
    title = check_optional_str("title", title)
    chance = None if chance is None else check_real("chance", chance)
    fig = _canvas(3.6 if title else 3.2)
    ax_loss, ax_acc = fig.subplots(1, 2)
    for i, (name, hist) in enumerate(histories.items()):
        epochs = np.arange(1, hist.epochs + 1)
        ax_loss.plot(epochs, hist.train_loss, marker="o", ms=3, color=f"C{i}", label=name)
        ax_acc.plot(epochs, hist.test_accuracy, marker="s", ms=3, color=f"C{i}", label=name)
    if chance is not None:
        ax_acc.axhline(chance, color="grey", linestyle=":", label="chance")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel(loss_label)
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("test accuracy")
    ax_acc.set_ylim(0, 1)
    for ax in (ax_loss, ax_acc):
        ax.grid(True, alpha=0.3)
    ax_loss.legend(fontsize=10)
    ax_acc.legend(loc="upper left", fontsize=10)
    if title:
        fig.suptitle(title, fontsize=TITLE_PT)
    fig.tight_layout()
    return fig
