"""Cross-entropy computed from logits, in forms that never overflow (book: "Cross-entropy meets sigmoid and softmax").

Two fused pairs, each an output activation and its cross-entropy taken together, because
together their gradient is the simple "prediction minus target":

* softmax + categorical cross-entropy (seed 003 section 3.2, seed 004 page 4):
  ``L = -(1/N) sum_n sum_k t_nk log softmax(z_n)_k``, gradient ``(softmax(z) - t) / N``
  (Eq. {eq-part2-ce-softmax-delta});
* sigmoid + binary cross-entropy (seed 002 Eq. 2.14, 3.23):
  ``L = -(1/N) sum_n sum_k [y log sigma(z) + (1 - y) log(1 - sigma(z))]``, gradient
  ``(sigma(z) - y) / N`` (Eq. {eq-part2-ce-sigmoid-delta}).

Shapes (book notation page): N samples, K classes or outputs.
    logits  (N, K)   the net input z of the output layer, one sample per row
    target  (N,) integer class labels 0..K-1, or (N, K) rows of probabilities (one-hot)
    y       (N, K)   binary targets in [0, 1] for the sigmoid outputs
Reduction: ``"mean"`` (the default) divides the sum over samples (and over the K outputs)
by N only; ``"sum"`` does not divide.  Every gradient matches its reduction.

The stable forms rest on two identities: ``log sum_k exp(z_k) = m + log sum_k exp(z_k - m)``
with ``m = max_k z_k`` (log-sum-exp), and ``-log sigma(z) = max(-z, 0) + log(1 + exp(-|z|))``
(softplus).  Neither ever exponentiates a positive number, so logits of +-1000 give exact
losses where the naive forms return inf or nan (see :func:`naive_softmax_cross_entropy`).
"""

from __future__ import annotations

import numpy as np

from backprop._validation import (
    as_float_array,
    check_choice,
    check_labels,
    check_same_shape,
    finite_result,
    reduction_dtype,
    refuse_labels_as_targets,
)
from backprop.activations import sigmoid
from backprop.data import one_hot

__all__ = [
    "logsumexp",
    "log_softmax",
    "softmax_cross_entropy",
    "softmax_cross_entropy_backward",
    "sigmoid_bce",
    "sigmoid_bce_backward",
    "naive_softmax_cross_entropy",
    "naive_sigmoid_bce",
]

REDUCTIONS = ("sum", "mean")


# --------------------------------------------------------------------------- log-sum-exp
@finite_result("logsumexp")
def logsumexp(z: np.ndarray) -> np.ndarray | float:
    """log(sum_k exp(z_k)) over the last axis, computed as m + log(sum_k exp(z_k - m)), m = max_k z_k.

    z (K,) -> a float; z (N, K) -> (N,).  Exact for any finite logits: the largest term of
    the shifted sum is exp(0) = 1, so the sum lies in [1, K] and neither overflows nor
    underflows to 0.  Book Eq. {eq-part2-ce-logsumexp}.

    Implements: Eq. {eq-part2-ce-logsumexp}
    """
    z = as_float_array("z", z, ndim=(1, 2))
    z = z.astype(reduction_dtype(z), copy=False)
    m = np.max(z, axis=-1, keepdims=True)
    out = m[..., 0] + np.log(np.sum(np.exp(z - m), axis=-1))
    return float(out) if z.ndim == 1 else out


@finite_result("log_softmax")
def log_softmax(z: np.ndarray) -> np.ndarray:
    """log softmax(z)_k = z_k - logsumexp(z), row by row: z (K,) or (N, K) -> same shape.

    Every entry is <= 0; ``np.exp(log_softmax(z))`` is the softmax, exact for logits of +-1000.
    Book Eq. {eq-part2-ce-ce-logits} (log s_k = z_k - log sum_j exp(z_j)).

    Implements: Eq. {eq-part2-ce-logsumexp}
    """
    z = as_float_array("z", z, ndim=(1, 2))
    z = z.astype(reduction_dtype(z), copy=False)
    shifted = z - np.max(z, axis=-1, keepdims=True)  # subtract m first: (z_k - m) - log sum exp(z - m) is exact
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


# --------------------------------------------------------------------------- targets
def _logits_and_targets(logits: object, target: object) -> tuple[np.ndarray, np.ndarray]:
    """Validate (N, K) logits and turn labels (N,) or probability rows (N, K) into (N, K) floats."""
    logits = as_float_array("logits", logits, ndim=2)
    logits = logits.astype(reduction_dtype(logits), copy=False)  # float16 is summed in float32
    n, k = logits.shape
    if isinstance(target, (list, tuple)):
        try:
            target = np.asarray(target)
        except ValueError as exc:  # ragged lists
            raise TypeError(f"target must be a rectangular array; got a ragged {type(target).__name__}") from exc
    if isinstance(target, np.ndarray) and target.dtype.kind in "iu":
        labels = check_labels("target", target, n_samples=n, n_classes=k, samples_of="logits")
        return logits, one_hot(labels, k)
    if isinstance(target, np.ndarray) and target.dtype.kind == "f" and target.ndim == 1:
        raise ValueError(
            f"target of shape {target.shape} holds floats: pass integer class labels (N,) = ({n},) "
            f"(convert them with .astype(int)) or one-hot rows (N, K) = ({n}, {k})"
        )
    t = as_float_array("target", target, ndim=2)
    check_same_shape("logits", logits, "target", t)
    bad = (t < 0) | (t > 1)
    if np.any(bad):
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            "target must hold probabilities in [0, 1] (one-hot rows), or be integer class labels (N,); "
            f"got {t[where]:g} at index {where}"
        )
    sums = t.sum(axis=1)
    if not np.allclose(sums, 1.0, rtol=0, atol=1e-9):
        bad = int(np.argmax(np.abs(sums - 1.0)))
        raise ValueError(
            f"each row of target must sum to 1 (a one-hot or probability row); row {bad} sums to {sums[bad]:.6g}. "
            "The gradient softmax(z) - t needs sum_k t_k = 1"
        )
    return logits, t


def _scale(reduction: str, n: int) -> float:
    check_choice("reduction", reduction, REDUCTIONS)
    return 1.0 / n if reduction == "mean" else 1.0


# --------------------------------------------------------------------------- softmax + categorical CE
@finite_result("softmax_cross_entropy")
def softmax_cross_entropy(logits: np.ndarray, target: np.ndarray, reduction: str = "mean") -> float:
    """L = -sum_n sum_k t_nk log softmax(z_n)_k, divided by N when reduction="mean" (the default).

    logits (N, K); target: integer labels (N,) or one-hot / probability rows (N, K).
    Computed through :func:`log_softmax` (Eq. {eq-part2-ce-ce-logits}), so logits of +-1000
    give the exact loss.

    Implements: Eq. {eq-part2-ce-ce-logits}
    """
    logits, t = _logits_and_targets(logits, target)
    scale = _scale(reduction, logits.shape[0])
    return float(-np.sum(t * log_softmax(logits)) * scale)


@finite_result("softmax_cross_entropy_backward")
def softmax_cross_entropy_backward(logits: np.ndarray, target: np.ndarray, reduction: str = "mean") -> np.ndarray:
    """dL/dz = (softmax(z) - t) / N for reduction="mean" (Eq. {eq-part2-ce-softmax-delta};
    seed 003 section 3.2 "delta^L = y - t", seed 004 page 4 "delta = S - Y").

    logits (N, K); target: integer labels (N,) or rows (N, K) that sum to 1 (the identity
    needs sum_k t_k = 1).  Returns dlogits (N, K); with reduction="sum" there is no 1/N.

    Implements: Eq. {eq-part2-ce-softmax-delta}
    """
    logits, t = _logits_and_targets(logits, target)
    scale = _scale(reduction, logits.shape[0])
    return (np.exp(log_softmax(logits)) - t) * scale


# --------------------------------------------------------------------------- sigmoid + binary CE
def _logits_and_binary(logits: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    logits = as_float_array("logits", logits, ndim=2)
    refuse_labels_as_targets("y", y, logits.shape)
    y = as_float_array("y", y, ndim=2)
    check_same_shape("logits", logits, "y", y)
    logits, y = logits.astype(reduction_dtype(logits), copy=False), y.astype(reduction_dtype(y), copy=False)
    bad = (y < 0) | (y > 1)
    if np.any(bad):
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"y must hold binary targets (probabilities) in [0, 1]; got {y[where]:g} at index {where}")
    return logits, y


@finite_result("sigmoid_bce")
def sigmoid_bce(logits: np.ndarray, y: np.ndarray, reduction: str = "mean") -> float:
    """L = -sum_n sum_k [y log sigma(z) + (1 - y) log(1 - sigma(z))], divided by N for "mean".

    logits, y (N, K).  Each term is written as softplus(z) - y z =
    max(z, 0) - y z + log(1 + exp(-|z|)) (Eq. {eq-part2-ce-bce-logits}; seed 002 Eqs. 2.14
    and 3.23), which is exact for logits of +-1000.

    Implements: Eqs. {eq-part2-ce-bce}, {eq-part2-ce-bce-logits}
    """
    logits, y = _logits_and_binary(logits, y)
    scale = _scale(reduction, logits.shape[0])
    per_entry = np.maximum(logits, 0.0) - y * logits + np.log1p(np.exp(-np.abs(logits)))
    return float(np.sum(per_entry) * scale)


@finite_result("sigmoid_bce_backward")
def sigmoid_bce_backward(logits: np.ndarray, y: np.ndarray, reduction: str = "mean") -> np.ndarray:
    """dL/dz = (sigma(z) - y) / N for reduction="mean" (Eq. {eq-part2-ce-sigmoid-delta};
    the correct form of seed 002 Eq. 3.37-3.39 before the factor a^L).

    logits, y (N, K) -> dlogits (N, K); with reduction="sum" there is no 1/N.

    Implements: Eq. {eq-part2-ce-sigmoid-delta}
    """
    logits, y = _logits_and_binary(logits, y)
    scale = _scale(reduction, logits.shape[0])
    return (sigmoid(logits) - y) * scale


# --------------------------------------------------------------------------- the naive forms, for comparison
def naive_softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> float:
    """The textbook formula -mean_n log(exp(z_n,label) / sum_k exp(z_nk)), evaluated literally.

    Only for the book's comparison: exp(1000) overflows to inf and inf/inf is nan.
    Do not train with it; use :func:`softmax_cross_entropy`.
    """
    logits = as_float_array("logits", logits, ndim=2)
    labels = check_labels("labels", labels, n_samples=logits.shape[0], n_classes=logits.shape[1], samples_of="logits")
    e = np.exp(logits)
    p = e / e.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(logits.shape[0]), labels])))


def naive_sigmoid_bce(logits: np.ndarray, y: np.ndarray) -> float:
    """The textbook formula -mean_n sum_k [y log a + (1 - y) log(1 - a)], a = 1/(1 + exp(-z)), literally.

    Only for the book's comparison: a rounds to exactly 0 or 1 for |z| > 37, log(0) = -inf,
    and 0 * log(0) is nan.  Use :func:`sigmoid_bce`.
    """
    logits, y = _logits_and_binary(logits, y)
    a = 1.0 / (1.0 + np.exp(-logits))
    return float(-np.sum(y * np.log(a) + (1.0 - y) * np.log(1.0 - a)) / logits.shape[0])
