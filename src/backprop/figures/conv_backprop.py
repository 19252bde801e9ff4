"""The figures of "Backprop through a convolution layer": why every gradient is a sum.

Each figure is drawn from a pure data function that the tests (and the chapter) assert on:

* :func:`shared_weight_pairs` / :func:`draw_shared_weight`: one kernel weight meets one
  input pixel in every window, so its gradient sums over all windows (book Eq. {eq-part3-dw}).
* :func:`windows_reading_pixel` / :func:`draw_pixel_windows`: one input pixel is read by
  several windows, each through another weight, so its error sums their contributions
  (book Eq. {eq-part3-dx}).
* :func:`full_convolution_window` / :func:`draw_full_convolution`: the same sum read as the
  zero-padded error under the kernel turned by 180 degrees (book Eq. {eq-part3-dx}).
* :func:`dilate_error` / :func:`draw_stride_dilation`: a stride spreads the error out with
  zeros, so the stride-1 formulas apply (book Eq. {eq-part3-dilate}).

Shapes use the letters of the notation page: the input x is (H, W), the kernel w is
(KH, KW), the error delta = dE/dz is (H', W'), one sample and one channel.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from backprop._validation import check_artists, check_index, check_memory, check_positive_int, check_sequence
from backprop.figures._grid import (
    FILL,
    INK,
    STRONG,
    TITLE_PT,
    WINDOW_COLOURS,
    canvas,
    grid,
    outline,
    sub,
)

__all__ = [
    "shared_weight_pairs",
    "windows_reading_pixel",
    "full_convolution_window",
    "dilate_error",
    "draw_shared_weight",
    "draw_pixel_windows",
    "draw_full_convolution",
    "draw_stride_dilation",
]


def _shape2(name: str, shape) -> tuple[int, int]:
    shape = check_sequence(name, shape, "(4, 4)")
    if len(shape) != 2:
        raise ValueError(f"{name} must be a (rows, columns) pair, got {shape!r}")
    return check_positive_int(f"{name}[0]", shape[0]), check_positive_int(f"{name}[1]", shape[1])


def _out_size(size: int, kernel: int, stride: int, name: str) -> int:
    if kernel > size:
        raise ValueError(f"kernel_shape ({kernel}) is larger than input_shape ({size}) along {name}")
    return (size - kernel) // stride + 1


#: Estimated bytes of one entry ((i, j), (r, t)) of the lists the data functions return.
_PAIR_BYTES = 300


def _windows(fn: str, input_shape, kernel_shape, stride: int) -> tuple[int, int, int, int, int, int]:
    """The validated (h, w, kh, kw, ho, wo); refuses a list of windows past the memory budget."""
    (h, w), (kh, kw) = _shape2("input_shape", input_shape), _shape2("kernel_shape", kernel_shape)
    stride = check_positive_int("stride", stride)
    ho, wo = _out_size(h, kh, stride, "the rows"), _out_size(w, kw, stride, "the columns")
    check_memory(f"{fn}(input_shape={(h, w)}, kernel_shape={(kh, kw)}): a list of {ho * wo} windows", _PAIR_BYTES * ho * wo)
    return h, w, kh, kw, ho, wo


def _check_cells(call: str, *shapes: tuple[int, int]) -> None:
    """Refuse a figure whose grids (a square and a label each cell) would exceed the memory budget."""
    check_artists(f"{call}: grids of shapes {', '.join(map(str, shapes))}", 2 * sum(a * b for a, b in shapes))


def shared_weight_pairs(input_shape, kernel_shape, m: int, q: int, stride: int = 1):
    """Every use of the weight w[m, q]: a list of ((i, j), (r, t)), output window and input pixel.

    Window (i, j) multiplies w[m, q] with x[s*i + m, s*j + q] (book Eq. {eq-part3-conv-layer}),
    so dE/dw[m, q] = sum over the list of delta[i, j] * x[r, t] (book Eq. {eq-part3-dw}).
    """
    h, w, kh, kw, ho, wo = _windows("shared_weight_pairs", input_shape, kernel_shape, stride)
    m, q = check_index("m", m), check_index("q", q)
    if not (0 <= m < kh and 0 <= q < kw):
        raise ValueError(f"(m, q) must index the {kh}x{kw} kernel, got ({m}, {q})")
    return [((i, j), (stride * i + m, stride * j + q)) for i in range(ho) for j in range(wo)]


def windows_reading_pixel(input_shape, kernel_shape, r: int, t: int, stride: int = 1):
    """Every window that reads x[r, t]: a list of ((i, j), (m, q)), window and the weight used.

    Window (i, j) reads x[r, t] through w[r - s*i, t - s*j] when that index lies in the
    kernel, so dE/dx[r, t] = sum over the list of delta[i, j] * w[m, q] (book Eq. {eq-part3-dx}).
    """
    h, w, kh, kw, ho, wo = _windows("windows_reading_pixel", input_shape, kernel_shape, stride)
    r, t = check_index("r", r), check_index("t", t)
    if not (0 <= r < h and 0 <= t < w):
        raise ValueError(f"(r, t) must index the {h}x{w} input, got ({r}, {t})")
    found = []
    for i in range(ho):
        for j in range(wo):
            m, q = r - stride * i, t - stride * j
            if 0 <= m < kh and 0 <= q < kw:
                found.append(((i, j), (m, q)))
    return found


def full_convolution_window(delta: np.ndarray, w: np.ndarray, r: int, t: int) -> dict:
    """The full convolution delta *_full w at (r, t), as the padded error under rot180(w).

    Returns ``padded`` (delta with KH-1 rows and KW-1 columns of zeros on each side),
    ``rotated`` (w turned by 180 degrees), ``window`` (the block of ``padded`` under the
    turned kernel when it sits at (r, t)), ``value`` (the sum of ``window * rotated``, which is
    dE/dx[r, t] of a stride-1 layer, book Eq. {eq-part3-dx}) and ``full`` (the whole result).
    """
    delta, w = np.asarray(delta, dtype=float), np.asarray(w, dtype=float)
    if delta.ndim != 2 or w.ndim != 2:
        raise ValueError(f"delta and w must be 2-D, got shapes {delta.shape} and {w.shape}")
    kh, kw = w.shape
    padded = np.pad(delta, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    rotated = w[::-1, ::-1]
    h, wd = padded.shape[0] - kh + 1, padded.shape[1] - kw + 1
    if not (0 <= r < h and 0 <= t < wd):
        raise ValueError(f"(r, t) must index the {h}x{wd} result, got ({r}, {t})")
    full = np.array([[np.sum(padded[a:a + kh, b:b + kw] * rotated) for b in range(wd)] for a in range(h)])
    window = padded[r:r + kh, t:t + kw]
    return {"padded": padded, "rotated": rotated, "window": window,
            "value": float(np.sum(window * rotated)), "full": full}


def dilate_error(delta: np.ndarray, stride: int) -> np.ndarray:
    """The dilated error of book Eq. {eq-part3-dilate}: stride-1 zeros between the entries.

    delta (..., H', W') -> (..., s(H'-1)+1, s(W'-1)+1), with delta[..., i, j] at (s*i, s*j).
    """
    stride = check_positive_int("stride", stride)
    delta = np.asarray(delta)
    if delta.ndim < 2:
        raise ValueError(f"delta must have at least 2 dimensions (H', W'), got shape {delta.shape}")
    ho, wo = delta.shape[-2:]
    out = np.zeros(delta.shape[:-2] + (stride * (ho - 1) + 1, stride * (wo - 1) + 1), dtype=delta.dtype)
    out[..., ::stride, ::stride] = delta
    return out


def _labels(name: str, rows: int, cols: int) -> list[list[str]]:
    return [[sub(name, r, c) for c in range(cols)] for r in range(rows)]


def draw_shared_weight(input_shape=(4, 4), kernel_shape=(2, 2), m: int = 0, q: int = 1) -> Figure:
    """Fig.: the weight w[m, q] meets one pixel in every window; its gradient adds them all."""
    h, w, kh, kw, ho, wo = _windows("draw_shared_weight", input_shape, kernel_shape, 1)
    _check_cells(f"draw_shared_weight(input_shape={(h, w)}, kernel_shape={(kh, kw)})", (h, w), (kh, kw), (ho, wo))
    pairs = shared_weight_pairs(input_shape, kernel_shape, m, q)
    fig = canvas(3.3)
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [w, kw, wo]})
    x_labels = [["" for _ in range(w)] for _ in range(h)]
    for _, (r, t) in pairs:
        x_labels[r][t] = sub("x", r, t)
    grid(axes[0], x_labels, title=f"input x: the {len(pairs)} pixels\nthat meet " + sub("w", m, q),
         fills={pix: FILL for _, pix in pairs})
    for colour, corner in zip(WINDOW_COLOURS[:2], (pairs[0], pairs[-1])):
        (i, j), _ = corner
        outline(axes[0], i, j, kh, kw, colour)
    grid(axes[1], _labels("w", kh, kw), title="kernel w", fills={(m, q): STRONG})
    grid(axes[2], _labels("δ", ho, wo), title="error δ", fills={ij: FILL for ij, _ in pairs})
    fig.text(0.5, 0.04, f"∂E/∂{sub('w', m, q)} = Σ over all {len(pairs)} windows (i, j) of "
             f"$δ_{{ij}}\\, x_{{i+{m},\\, j+{q}}}$", ha="center", fontsize=TITLE_PT, color=INK)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.78, bottom=0.16, wspace=0.25)
    return fig


def draw_pixel_windows(input_shape=(4, 4), kernel_shape=(3, 3), r: int = 1, t: int = 1) -> Figure:
    """Fig.: x[r, t] is read by several windows, each through another weight; its error adds them."""
    h, w, kh, kw, ho, wo = _windows("draw_pixel_windows", input_shape, kernel_shape, 1)
    _check_cells(f"draw_pixel_windows(input_shape={(h, w)}, kernel_shape={(kh, kw)})", (h, w), (kh, kw), (ho, wo))
    found = windows_reading_pixel(input_shape, kernel_shape, r, t)
    fig = canvas(3.4)
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [w, kw, wo]})
    grid(axes[0], _labels("x", h, w), title=f"input x: {len(found)} windows\nread " + sub("x", r, t),
         fills={(r, t): STRONG})
    for k, ((i, j), _) in enumerate(found):
        outline(axes[0], i, j, kh, kw, WINDOW_COLOURS[k % len(WINDOW_COLOURS)], inset=0.06 + 0.07 * k)
    w_fills, d_fills = {}, {}
    for k, ((i, j), (m, q)) in enumerate(found):
        w_fills[(m, q)] = d_fills[(i, j)] = WINDOW_COLOURS[k % len(WINDOW_COLOURS)] + "80"
    grid(axes[1], _labels("w", kh, kw), title="weight each\nwindow uses", fills=w_fills)
    grid(axes[2], _labels("δ", ho, wo), title="error δ", fills=d_fills)
    terms = " + ".join(f"$δ_{{{i}{j}}} w_{{{m}{q}}}$" for (i, j), (m, q) in found)
    fig.text(0.5, 0.04, f"∂E/∂{sub('x', r, t)} = {terms}", ha="center", fontsize=TITLE_PT, color=INK)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.78, bottom=0.16, wspace=0.25)
    return fig


def draw_full_convolution(error_shape=(2, 2), kernel_shape=(3, 3), r: int = 1, t: int = 1) -> Figure:
    """Fig.: dE/dx as the zero-padded error under the turned kernel (full convolution)."""
    (ho, wo), (kh, kw) = _shape2("error_shape", error_shape), _shape2("kernel_shape", kernel_shape)
    r, t = check_index("r", r), check_index("t", t)
    if not (0 <= r < ho + kh - 1 and 0 <= t < wo + kw - 1):
        raise ValueError(f"(r, t) must index the {ho + kh - 1}x{wo + kw - 1} result, got ({r}, {t})")
    ph, pw = ho + 2 * (kh - 1), wo + 2 * (kw - 1)
    _check_cells(f"draw_full_convolution(error_shape={(ho, wo)}, kernel_shape={(kh, kw)})",
                 (kh, kw), (kh, kw), (ph, pw), (ho + kh - 1, wo + kw - 1))
    fig = canvas(5.6)
    gs = fig.add_gridspec(2, 3, height_ratios=[kh, ph], width_ratios=[kw, max(pw - kw, 1), wo + kw - 1])
    ax_w, ax_rot = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1])
    ax_pad, ax_dx = fig.add_subplot(gs[1, :2]), fig.add_subplot(gs[1, 2])
    grid(ax_w, _labels("w", kh, kw), title="kernel w")
    grid(ax_rot, [[sub("w", kh - 1 - a, kw - 1 - b) for b in range(kw)] for a in range(kh)],
         title="rot180(w)", fills={(a, b): FILL for a in range(kh) for b in range(kw)})
    ax_rot.set_xlim(-0.15, kw + 0.15)
    pad_labels = [["0" for _ in range(pw)] for _ in range(ph)]
    faint = {(a, b) for a in range(ph) for b in range(pw)}
    for i in range(ho):
        for j in range(wo):
            pad_labels[i + kh - 1][j + kw - 1] = sub("δ", i, j)
            faint.discard((i + kh - 1, j + kw - 1))
    grid(ax_pad, pad_labels, title=f"error δ padded with {kh - 1} rings of zeros,\n"
         f"rot180(w) placed at ({r}, {t})", faint=faint,
         fills={(r + a, t + b): FILL for a in range(kh) for b in range(kw)})
    outline(ax_pad, r, t, kh, kw, WINDOW_COLOURS[1])
    grid(ax_dx, [["" for _ in range(wo + kw - 1)] for _ in range(ho + kh - 1)],
         title="∂E/∂x", fills={(r, t): STRONG})
    ax_dx.text(t + 0.5, r + 0.5, sub("x", r, t), ha="center", va="center", fontsize=11, color=INK)
    terms = []
    for i in range(ho):
        for j in range(wo):
            a, b = i + kh - 1 - r, j + kw - 1 - t
            if 0 <= a < kh and 0 <= b < kw:
                terms.append(f"$δ_{{{i}{j}}} w_{{{kh - 1 - a}{kw - 1 - b}}}$")
    fig.text(0.5, 0.03, f"∂E/∂{sub('x', r, t)} = " + " + ".join(terms), ha="center",
             fontsize=TITLE_PT, color=INK)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.92, bottom=0.1, wspace=0.2, hspace=0.35)
    return fig


def draw_stride_dilation(input_shape=(5, 5), kernel_shape=(3, 3), stride: int = 2) -> Figure:
    """Fig.: with stride s the windows start s apart; the dilated error puts each delta there."""
    stride = check_positive_int("stride", stride)
    h, w, kh, kw, ho, wo = _windows("draw_stride_dilation", input_shape, kernel_shape, stride)
    _check_cells(f"draw_stride_dilation(input_shape={(h, w)}, kernel_shape={(kh, kw)}, stride={stride})",
                 (h, w), (ho, wo), (stride * (ho - 1) + 1, stride * (wo - 1) + 1))
    dil = dilate_error(np.ones((ho, wo)), stride)
    fig = canvas(3.3)
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [w, wo + 1.2, dil.shape[1] + 0.8]})
    corners = {(stride * i, stride * j): (i, j) for i in range(ho) for j in range(wo)}
    x_labels = [["" for _ in range(w)] for _ in range(h)]
    for (a, b), (i, j) in corners.items():
        x_labels[a][b] = sub("δ", i, j)
    grid(axes[0], x_labels, title=f"input x: windows start\n{stride} apart (stride {stride})",
         fills={c: FILL for c in corners})
    for k, (i, j) in enumerate(np.ndindex(ho, wo)):
        outline(axes[0], stride * i, stride * j, kh, kw, WINDOW_COLOURS[k % len(WINDOW_COLOURS)],
                inset=0.05 + 0.06 * k)
    grid(axes[1], _labels("δ", ho, wo), title="error δ")
    d_labels = [["0" for _ in range(dil.shape[1])] for _ in range(dil.shape[0])]
    for (a, b), (i, j) in corners.items():
        d_labels[a][b] = sub("δ", i, j)
    grid(axes[2], d_labels, title=f"dilated $\\tilde{{\\delta}}$: {stride - 1} zero{'s' * (stride > 2)}\nbetween entries",
         faint={(a, b) for a in range(dil.shape[0]) for b in range(dil.shape[1])} - set(corners),
         fills={c: FILL for c in corners})
    fig.text(0.5, 0.04, "stride-1 formulas with $\\tilde{\\delta}$:  ∂E/∂w = x ⋆ $\\tilde{\\delta}$,   "
             "∂E/∂x = $\\tilde{\\delta}\\, *_{\\mathrm{full}}\\, w$",
             ha="center", fontsize=TITLE_PT, color=INK)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.78, bottom=0.16, wspace=0.3)
    return fig
