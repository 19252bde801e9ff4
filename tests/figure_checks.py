"""The shared assertion of the figure tests: a figure is readable at the book's text-column width.

The book shows a figure at about 690 px on a laptop; at matplotlib's 100 dpi a figure at most
7 in wide is not shrunk, so a 10 pt label stays 10 pt (backprop.figures.layout).
"""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg

MAX_WIDTH_IN = 7.0
MIN_LABEL_PT = 10.0


def assert_readable_at_column_width(fig, texts, *, inside=()) -> None:
    """``fig`` fits the column unshrunk, every text of ``texts`` is >= 10 pt, every text of ``inside`` lies in the figure."""
    assert fig.get_figwidth() <= MAX_WIDTH_IN, f"the figure is {fig.get_figwidth()} in wide"
    texts = list(texts)
    assert texts, "no text to check"
    small = sorted({(t.get_text(), t.get_fontsize()) for t in texts if t.get_fontsize() < MIN_LABEL_PT})
    assert not small, f"labels below {MIN_LABEL_PT} pt: {small}"
    if inside:
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        box = fig.bbox
        for t in inside:
            e = t.get_window_extent(renderer)
            assert e.x0 >= box.x0 - 1 and e.x1 <= box.x1 + 1 and e.y0 >= box.y0 - 1 and e.y1 <= box.y1 + 1, \
                f"{t.get_text()!r} sticks out of the figure"


def assert_labels_apart(fig, texts) -> None:
    """No two texts of ``texts`` overlap once ``fig`` is drawn (their boxes may touch by a pixel)."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_text().strip()]
    for i, (a, ea) in enumerate(boxes):
        for b, eb in boxes[i + 1:]:
            apart = ea.x1 <= eb.x0 + 1 or eb.x1 <= ea.x0 + 1 or ea.y1 <= eb.y0 + 1 or eb.y1 <= ea.y0 + 1
            assert apart, f"the labels {a!r} and {b!r} overlap"
