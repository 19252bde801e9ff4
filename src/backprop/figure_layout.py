"""Figures sized for the book's text column, with cell labels that stay readable.

The book shows a figure at its text-column width (about 690 px on a laptop, 360 px on a
phone).  At matplotlib's 100 dpi a 6.4 in figure is 640 px wide, so it is shown at about its
natural size and a 12 pt label stays about 12 pt; a 10 in figure would halve every label.
"""

from __future__ import annotations

from matplotlib.figure import Figure

COLUMN_FIGURE_WIDTH = 6.4  # inches
CELL_LABEL_SIZE = 12.0  # points, before any shrinking


def fit_cell_labels(fig: Figure, labelled: list) -> None:
    """After layout, shrink each axes' cell labels below 12 pt only if its cells are too narrow for them.

    ``labelled`` holds ``(ax, texts, n_cols)``: an axes drawn as a table of ``n_cols`` columns
    and the labels of its cells.
    """
    for ax, texts, n_cols in labelled:
        ax.apply_aspect()
        cell_pt = 72.0 * ax.get_position().width * fig.get_figwidth() / n_cols
        longest = max((len(t.get_text()) for t in texts), default=1)
        size = min(CELL_LABEL_SIZE, max(5.0, 0.75 * cell_pt / (0.64 * max(longest, 2))))
        for t in texts:
            t.set_fontsize(size)
