"""The one width every figure of the book is drawn at, and cell labels that stay readable.

The book shows a figure at its text-column width (about 690 px on a laptop, 360 px on a
phone).  At matplotlib's 100 dpi a figure :data:`COLUMN_WIDTH` inches wide is 690 px, so it
is shown at its natural size and a 10 pt label stays 10 pt; a 10 in figure would shrink every
label to about two thirds.  Every figure builder of :mod:`backprop.figures` and
:mod:`backprop.explorers` takes its width from here, and no label is below
:data:`MIN_LABEL_PT` (the test ``tests/test_figures.py`` checks both for every builder).
"""

from __future__ import annotations

import numbers

from matplotlib.figure import Figure

__all__ = ["COLUMN_WIDTH", "MIN_LABEL_PT", "CELL_LABEL_SIZE", "fit_cell_labels"]

COLUMN_WIDTH = 6.9  # inches: the text column at 100 dpi
MIN_LABEL_PT = 10.0  # points: the smallest lettering a figure may use
CELL_LABEL_SIZE = 12.0  # points, the size of a table cell's label before any shrinking


def fit_cell_labels(fig: Figure, labelled: list) -> None:
    """After layout, shrink each axes' cell labels below 12 pt only if its cells are too narrow for them.

    ``labelled`` holds ``(ax, texts, n_cols)``: an axes drawn as a table of ``n_cols`` columns
    and the labels of its cells.
    """
    from matplotlib.axes import Axes
    from matplotlib.text import Text

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure; got {type(fig).__name__}")
    if not isinstance(labelled, (list, tuple)):
        raise TypeError(f"labelled must be a list of (ax, texts, n_cols); got {type(labelled).__name__}")
    for i, entry in enumerate(labelled):
        ok = isinstance(entry, (tuple, list)) and len(entry) == 3 and isinstance(entry[0], Axes)
        ok = ok and isinstance(entry[1], (list, tuple)) and all(isinstance(t, Text) for t in entry[1])
        ok = ok and isinstance(entry[2], numbers.Integral) and not isinstance(entry[2], bool) and entry[2] >= 1
        if not ok:
            raise TypeError(f"labelled[{i}] must be (ax, texts, n_cols): an Axes, a list of its Text labels and an integer >= 1; got {entry!r:.80}")
    for ax, texts, n_cols in labelled:
        ax.apply_aspect()
        cell_pt = 72.0 * ax.get_position().width * fig.get_figwidth() / n_cols
        longest = max((len(t.get_text()) for t in texts), default=1)
        size = min(CELL_LABEL_SIZE, max(5.0, 0.75 * cell_pt / (0.64 * max(longest, 2))))
        for t in texts:
            t.set_fontsize(size)
