"""The sliding-kernel explorer of the chapter "Convolution, correlation and shapes".

A kernel slides over a small image with a chosen stride and zero padding; the reader
picks one output cell and sees the window it reads, the products summed, and the output
shape H' = floor((H + 2p - KH)/s) + 1.  :func:`sliding_kernel_data` is the pure math
(tested headlessly), :func:`draw_sliding_kernel` turns it into a figure and
:func:`sliding_kernel_explorer` wires both to ipywidgets through
:class:`backprop.explorers.Explorer`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from backprop._validation import check_artists, check_data, check_index, check_positive_int
from backprop.conv import check_padding, conv2d_forward, conv_output_size
from backprop.figures.layout import COLUMN_WIDTH, fit_cell_labels

__all__ = ["sliding_kernel_data", "draw_sliding_kernel", "sliding_kernel_explorer"]


def _demo_image(height: int, width: int) -> np.ndarray:
    """A small deterministic image: entry (r, c) holds r*width + c + 1, so every pixel is readable."""
    return np.arange(1.0, height * width + 1.0).reshape(height, width)


def _demo_kernel(size: int) -> np.ndarray:
    """A small deterministic kernel with distinct entries, none symmetric under rot180."""
    k = np.arange(1.0, size * size + 1.0).reshape(size, size)
    return np.where(k % 2 == 0, -1.0, 1.0) * k / (size * size)


def sliding_kernel_data(
    height: int = 5,
    width: int = 5,
    kernel: int = 3,
    stride: int = 1,
    padding: int = 0,
    row: int = 0,
    col: int = 0,
) -> dict:
    """Everything the explorer shows, as plain numbers.

    Returns a dict with ``image`` (H, W), ``padded`` (H + 2p, W + 2p), ``kernel`` (KH, KW),
    ``output`` (H', W') computed by :func:`backprop.conv2d_forward` (cross-correlation),
    ``out_shape``, the chosen cell ``(row, col)`` (clipped into the output), its ``window``
    ``(r0, r1, c0, c1)`` in padded coordinates (rows r0..r1-1, cols c0..c1-1), the window's
    values ``window_values``, ``value`` = sum(window_values * kernel), and ``formula``, the
    output-size formula with the numbers filled in.
    """
    height = check_positive_int("height", height)
    width = check_positive_int("width", width)
    kernel = check_positive_int("kernel", kernel)
    stride = check_positive_int("stride", stride)
    padding = check_padding(padding)
    check_artists(
        f"sliding_kernel_data(height={height}, width={width}, padding={padding}): the padded image, kernel and output grids",
        2 * ((height + 2 * padding) * (width + 2 * padding) + kernel * kernel + height * width),
    )
    out_h = conv_output_size(height, kernel, stride, padding)
    out_w = conv_output_size(width, kernel, stride, padding)
    image = _demo_image(height, width)
    k = _demo_kernel(kernel)
    output = conv2d_forward(image[None, None], k[None, None], np.zeros(1), stride=stride, padding=padding)[0][0, 0]
    row = min(max(check_index("row", row), 0), out_h - 1)
    col = min(max(check_index("col", col), 0), out_w - 1)
    padded = np.pad(image, padding)
    r0, c0 = row * stride, col * stride
    window = padded[r0 : r0 + kernel, c0 : c0 + kernel]
    q_h = (height + 2 * padding - kernel) / stride
    q_w = (width + 2 * padding - kernel) / stride
    formula = (
        f"H' = floor(({height} + 2*{padding} - {kernel}) / {stride}) + 1 = floor({q_h:.4g}) + 1 = {out_h}, "
        f"W' = floor(({width} + 2*{padding} - {kernel}) / {stride}) + 1 = floor({q_w:.4g}) + 1 = {out_w}"
    )
    return {
        "image": image,
        "padded": padded,
        "kernel": k,
        "output": output,
        "out_shape": (out_h, out_w),
        "stride": stride,
        "padding": padding,
        "row": row,
        "col": col,
        "window": (r0, r0 + kernel, c0, c0 + kernel),
        "window_values": window.copy(),
        "value": float(np.sum(window * k)),
        "formula": formula,
        "unused_rows": height + 2 * padding - ((out_h - 1) * stride + kernel),
        "unused_cols": width + 2 * padding - ((out_w - 1) * stride + kernel),
    }


def _grid(ax, values: np.ndarray, title: str, fmt: str, highlight=None, pad: int = 0) -> tuple:
    """Draw ``values`` as a table of cells; return (ax, the cell labels, the number of columns)."""
    h, w = values.shape
    ax.set_xlim(-0.5, w - 0.5)
    ax.set_ylim(h - 0.5, -0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=12)
    texts = []
    for r in range(h):
        for c in range(w):
            is_pad = pad and (r < pad or c < pad or r >= h - pad or c >= w - pad)
            ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor="#eeeeee" if is_pad else "white", edgecolor="#999999"))
            color = "#777777" if is_pad else "black"
            texts.append(ax.text(c, r, format(values[r, c], fmt), ha="center", va="center", fontsize=12, color=color))
    if highlight is not None:
        r0, r1, c0, c1 = highlight
        ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), c1 - c0, r1 - r0, fill=False, edgecolor="tab:red", linewidth=3))
    ax.set_aspect("equal")
    return ax, texts, w


def draw_sliding_kernel(data: dict) -> Figure:
    """The padded input with the chosen window (left), the kernel and the output with the chosen cell (right).

    Sized for the book's text column (COLUMN_WIDTH), labels of 12 pt (smaller only when a
    large input makes its cells too narrow), the output-size formula on its own lines.
    """
    keys = ("padded", "kernel", "output", "padding", "stride", "row", "col", "image", "window", "out_shape", "formula", "value")
    check_data("data", data, keys, "sliding_kernel_data(...)")
    padded, kernel, output = data["padded"], data["kernel"], data["output"]
    p, s = data["padding"], data["stride"]
    left = padded.shape[1]
    right = max(kernel.shape[1], output.shape[1]) + 1
    rows = max(padded.shape[0], kernel.shape[0] + output.shape[0] + 2)
    fig = Figure(figsize=(COLUMN_WIDTH, 1.8 + COLUMN_WIDTH * rows / (left + right) * 0.92))
    grid = fig.add_gridspec(2, 2, width_ratios=[left, right], height_ratios=[kernel.shape[0] + 1, output.shape[0] + 1])
    ax_in = fig.add_subplot(grid[:, 0])
    ax_k = fig.add_subplot(grid[0, 1])
    ax_out = fig.add_subplot(grid[1, 1])
    r, c = data["row"], data["col"]
    labelled = [
        _grid(ax_in, padded, f"input {data['image'].shape}, padding {p}", ".0f", data["window"], pad=p),
        _grid(ax_k, kernel, f"kernel {kernel.shape}", ".2f"),
        _grid(ax_out, output, f"output {data['out_shape']}, stride {s}", ".1f", (r, r + 1, c, c + 1)),
    ]
    formula_h, formula_w = data["formula"].split(", W' = ")
    lines = [f"out[{r}, {c}] = sum(window * kernel) = {data['value']:.2f}", formula_h, "W' = " + formula_w]
    if data.get("note"):
        lines.append(data["note"])
    fig.suptitle("\n".join(lines), fontsize=12)
    fig.tight_layout()
    fit_cell_labels(fig, labelled)
    return fig


def sliding_kernel_explorer(height: int = 6, width: int = 6, kernel: int = 3, stride: int = 1, padding: int = 0):
    """An :class:`backprop.explorers.Explorer` with sliders for H, W, kernel size, stride, padding and the output cell."""
    import ipywidgets as widgets

    from backprop.explorers.explorer import Explorer

    def slider(label, value, lo, hi):
        return widgets.IntSlider(value=value, min=lo, max=hi, description=label, continuous_update=False)

    controls = {
        "height": slider("H", height, 1, 9),
        "width": slider("W", width, 1, 9),
        "kernel": slider("kernel", kernel, 1, 5),
        "stride": slider("stride", stride, 1, 4),
        "padding": slider("padding", padding, 0, 3),
        "row": slider("out row", 0, 0, 11),
        "col": slider("out col", 0, 0, 11),
    }
    return Explorer(_safe_data, draw_sliding_kernel, controls)


def _safe_data(**values) -> dict:
    """Like :func:`sliding_kernel_data`, but a kernel larger than the padded input shrinks to fit.

    A slider can always reach that state, and a live widget should show something rather
    than raise; the ``note`` entry says what happened.
    """
    fits = min(values["height"], values["width"]) + 2 * values["padding"]
    note = ""
    if values["kernel"] > fits:
        note = f"kernel {values['kernel']} does not fit the padded input ({fits}); shown with kernel {fits}"
        values = {**values, "kernel": fits}
    data = sliding_kernel_data(**values)
    data["note"] = note
    return data
