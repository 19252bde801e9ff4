"""The fully connected (dense) layer, book equations A.3, A.6 and A.11-A.14.

Shapes (book notation page): N samples in a batch, D_in inputs, D_out outputs.
    x   (N, D_in)       one sample per row
    W   (D_out, D_in)   W[z, k] connects input k to output z, as W_zk in seed 000
    b   (D_out,)
    out (N, D_out)      out = x W^T + b, i.e. Net_z = sum_k W_zk O_k + d_z for each row
"""

from __future__ import annotations

import numpy as np

from backprop._caches import DenseCache
from backprop._validation import as_float_array, check_array_memory, check_cache, finite_result

__all__ = ["dense_forward", "dense_backward", "DenseCache"]


@finite_result("dense_forward")
def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, DenseCache]:
    """Net = x W^T + b (Eq. {eq-part1-net-row}: seed 000's A.3, one row per sample).

    x (N, D_in), W (D_out, D_in), b (D_out,) -> out (N, D_out).
    Returns ``(out, cache)``; pass ``cache`` (a :class:`DenseCache`) unchanged to :func:`dense_backward`.

    Implements: Eqs. {eq-part1-net}, {eq-part1-net-row}, {eq-part1-update-net}, {eq-part2-ce-dense-forward}, {eq-part2-ce-neuron} (seed 000 Eq. A.3)
    """
    x = as_float_array("x", x, ndim=2)
    W = as_float_array("W", W, ndim=2)
    n_out, n_in = W.shape
    if x.shape[1] != n_in:
        hint = ""
        if x.shape[1] == n_out and n_out != n_in:
            hint = f"; did you pass W transposed? (W.T, of shape {W.T.shape}, would fit x)"
        raise ValueError(
            f"x has {x.shape[1]} features per sample (shape {x.shape}) but W has shape {W.shape}, "
            f"read as (D_out, D_in), so it expects D_in = {n_in}{hint}"
        )
    b = as_float_array("b", b, shape=(n_out,))
    check_array_memory(f"dense_forward(x of shape {x.shape}, W of shape {W.shape}): the output (N, D_out)", (x.shape[0], n_out), np.result_type(x, W, b))
    out = x @ W.T + b
    return out, DenseCache(x, W)


@finite_result("dense_backward")
def dense_backward(dout: np.ndarray, cache: DenseCache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of :func:`dense_forward`.

    Implements book Eq. (A.6) for the error sent back, ``dx = dout W`` ({eq-part1-backprop-rows},
    the row form of W^T [Delta E * f']), and Eqs. (A.11)-(A.14) for the weights,
    ``dW = dout^T x`` ({eq-part1-update-batch}: "error at the rear end times input at the
    front end", summed over the batch), and the bias gradient that seed 000 never writes
    out, ``db = sum_n dout[n]`` ({eq-part1-update-bias-grad}).

    dout (N, D_out) -> dx (N, D_in), dW (D_out, D_in), db (D_out,).
    The sums run over the batch: if the loss is a mean over N, ``dout`` already
    carries the 1/N.

    Implements: Eqs. {eq-part1-backprop-rows}, {eq-part1-update-weight-grad}, {eq-part1-update-bias-grad}, {eq-part1-update-outer}, {eq-part1-update-batch}, {eq-part2-ce-output-grads}, {eq-part2-ce-hidden-grads}, {eq-part2-ce-input-grad} (seed 000 Eqs. A.6, A.18-A.20)
    """
    x, W = check_cache(cache, DenseCache, "dense_backward")
    dout = as_float_array("dout", dout, ndim=2)
    expected = (x.shape[0], W.shape[0])
    if dout.shape != expected:
        hint = "; it looks transposed: did you forget a .T?" if dout.shape == expected[::-1] else ""
        raise ValueError(f"dout has shape {dout.shape} but the layer's output had shape {expected} (N, D_out){hint}")
    dx = dout @ W
    dW = dout.T @ x
    db = dout.sum(axis=0)
    return dx, dW, db
