"""Two-dimensional cross-correlation and true convolution of single arrays (book:
"Convolution, correlation and shapes", Eqs. {eq-part3-correlation} and ({eq-part3-convolution})).

For an input x (H, W) and a kernel k (KH, KW):

* cross-correlation (what every framework's "conv" layer computes; seed 002 Eqs. 3.1-3.2)

      (x star k)[i, j] = sum_{m, n} x[i + m, j + n] k[m, n]

* true convolution (seed 000 Eq. A.22, seed 002 Eq. 3.3, seed 004)

      (x * k)[i, j] = sum_{m, n} x[i + KH-1 - m, j + KW-1 - n] k[m, n]

  (valid indices from 0; the signal-processing form sum_m x[t - m] k[m] with the output
  index t = i + KH - 1 at the window's bottom-right corner), which is the correlation with the kernel turned by 180 degrees:
  ``convolve2d(x, k) == correlate2d(x, rot180(k))``.

The three modes follow ``scipy.signal.correlate2d`` / ``convolve2d`` exactly:

* ``"valid"``: only windows that lie inside x, output (H - KH + 1, W - KW + 1);
* ``"full"``: every overlap of at least one entry (x zero-padded by KH - 1 and KW - 1 on
  each side), output (H + KH - 1, W + KW - 1);
* ``"same"``: output (H, W), the centre of the full output.  For correlation it starts at
  row KH // 2 of the full output, for convolution at row (KH - 1) // 2 (the two differ
  for even kernels, as in scipy).

The fast path is a strided window view and one ``einsum``: no Python loop over pixels.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from backprop._validation import as_float_array, check_choice, check_loop_work, finite_result

__all__ = ["rot180", "correlate2d", "convolve2d", "correlate2d_naive"]

_MODES = ("valid", "full", "same")


def rot180(k: np.ndarray) -> np.ndarray:
    """The kernel turned by 180 degrees: ``k[::-1, ::-1]`` on the last two axes.

    Works for a single (KH, KW) kernel and for stacks such as (F, C, KH, KW).

    Implements: Eq. {eq-part3-rot180}
    """
    k = as_float_array("k", k, allow_empty=True)
    if k.ndim < 2:
        raise ValueError(f"k must have at least 2 dimensions (KH, KW); got shape {k.shape}")
    return k[..., ::-1, ::-1]


def _check_pair(x: object, k: object, mode: str) -> tuple[np.ndarray, np.ndarray]:
    x = as_float_array("x", x, ndim=2)
    k = as_float_array("k", k, ndim=2)
    check_choice("mode", mode, _MODES)
    if mode == "valid" and (k.shape[0] > x.shape[0] or k.shape[1] > x.shape[1]):
        raise ValueError(
            f"in 'valid' mode the kernel k (KH, KW) = {k.shape} must fit inside the input x (H, W) = {x.shape}; "
            "use mode='full' or 'same', or a smaller kernel"
        )
    return x, k


def _correlate_valid(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    windows = sliding_window_view(x, k.shape)  # (H', W', KH, KW), a view
    return np.einsum("ijmn,mn->ij", windows, k)


def _correlate(x: np.ndarray, k: np.ndarray, mode: str, same_start: tuple[int, int]) -> np.ndarray:
    if mode == "valid":
        return _correlate_valid(x, k)
    kh, kw = k.shape
    padded = np.pad(x, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    full = _correlate_valid(padded, k)
    if mode == "full":
        return full
    r, c = same_start
    return full[r : r + x.shape[0], c : c + x.shape[1]]


@finite_result("correlate2d")
def correlate2d(x: np.ndarray, k: np.ndarray, mode: str = "valid") -> np.ndarray:
    """Cross-correlation ``out[i, j] = sum_{m,n} x[i+m, j+n] k[m, n]`` (Eq. {eq-part3-correlation}).

    x (H, W), k (KH, KW).  ``mode`` is "valid" (H-KH+1, W-KW+1), "full" (H+KH-1, W+KW-1)
    or "same" (H, W), with scipy.signal.correlate2d's definitions (indices outside x read 0).

    Implements: Eq. {eq-part3-correlation}
    """
    x, k = _check_pair(x, k, mode)
    return _correlate(x, k, mode, (k.shape[0] // 2, k.shape[1] // 2))


@finite_result("convolve2d")
def convolve2d(x: np.ndarray, k: np.ndarray, mode: str = "valid") -> np.ndarray:
    """True convolution ``out[i, j] = sum_{m,n} x[i+KH-1-m, j+KW-1-n] k[m, n]`` (Eq. {eq-part3-convolution}).

    Computed as the correlation with ``rot180(k)``.  x (H, W), k (KH, KW); modes and
    output shapes as in :func:`correlate2d`, with scipy.signal.convolve2d's definitions.

    Implements: Eq. {eq-part3-convolution}
    """
    x, k = _check_pair(x, k, mode)
    return _correlate(x, k[::-1, ::-1], mode, ((k.shape[0] - 1) // 2, (k.shape[1] - 1) // 2))


def correlate2d_naive(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Loop-based valid cross-correlation: the reference the fast path is tested against.

    Implements: Eq. {eq-part3-correlation}
    """
    x, k = _check_pair(x, k, "valid")
    kh, kw = k.shape
    check_loop_work("correlate2d_naive", f"x of shape {x.shape} and k of shape {k.shape}", (x.shape[0] - kh + 1) * (x.shape[1] - kw + 1), 500 * kh * kw)
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1), dtype=np.result_type(x, k))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            total = 0.0
            for m in range(kh):
                for n in range(kw):
                    total += x[i + m, j + n] * k[m, n]
            out[i, j] = total
    return out
