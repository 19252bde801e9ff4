"""Drawing helpers shared by the figure builders: labelled cell grids on a white canvas.

Every figure is at most the column width (``backprop.figures.layout.COLUMN_WIDTH``),
its lettering is at least 10 pt at that width, and its background is white with dark ink,
so it stays readable when the book's theme is dark.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from backprop.figures.layout import COLUMN_WIDTH as COLUMN_FIGURE_WIDTH

INK = "#111111"
FAINT = "#8c8c8c"
GRID = "#9e9e9e"
FILL = "#dbe9f6"  # light blue: cells that take part
STRONG = "#f4a582"  # light red: the one cell the figure is about
# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
WINDOW_COLOURS = ("#E69F00", "#0072B2", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")
LABEL_PT = 11.0
TITLE_PT = 12.0


def canvas(height: float, width: float = COLUMN_FIGURE_WIDTH) -> Figure:
    """A white figure of ``width`` x ``height`` inches (width at most the column's)."""
    if width > COLUMN_FIGURE_WIDTH:
        raise ValueError(f"width must be at most the column width {COLUMN_FIGURE_WIDTH} in, got {width}")
    return Figure(figsize=(width, height), facecolor="white")


def grid(ax, labels, *, title=None, fills=None, faint=(), size=LABEL_PT):
    """Draw ``labels`` (a list of rows of strings) as a table of unit cells on ``ax``.

    ``fills`` maps (row, col) to a face colour, ``faint`` lists cells whose text is grey.
    Row 0 is at the top, as in an array. Returns the text objects.
    """
    fills = fills or {}
    rows, cols = len(labels), len(labels[0])
    texts = []
    for r in range(rows):
        for c in range(cols):
            ax.add_patch(Rectangle((c, r), 1, 1, facecolor=fills.get((r, c), "white"),
                                   edgecolor=GRID, linewidth=0.8))
            colour = FAINT if (r, c) in faint else INK
            texts.append(ax.text(c + 0.5, r + 0.5, labels[r][c], ha="center", va="center",
                                 fontsize=size, color=colour))
    ax.set_xlim(-0.15, cols + 0.15)
    ax.set_ylim(rows + 0.15, -0.15)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        texts.append(ax.set_title(title, fontsize=TITLE_PT, color=INK))
    return texts


def outline(ax, row, col, height, width, colour, *, inset=0.0, linewidth=2.5, style="-"):
    """A rectangle around the cells ``row..row+height-1``, ``col..col+width-1``."""
    return ax.add_patch(Rectangle((col + inset, row + inset), width - 2 * inset, height - 2 * inset,
                                  fill=False, edgecolor=colour, linewidth=linewidth, linestyle=style))


def sub(name: str, *indices: int) -> str:
    """``sub("w", 1, 2)`` -> mathtext w with subscript 12."""
    return f"${name}_{{{''.join(str(i) for i in indices)}}}$"
