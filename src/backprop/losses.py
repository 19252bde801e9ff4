"""Loss functions and their gradients with respect to the prediction.

Every loss states its reduction over the batch of N samples: ``"sum"`` adds the
per-sample losses, ``"mean"`` divides that sum by N.  The gradient always matches the
stated reduction, so ``"mean"`` gradients carry the factor 1/N.
Shapes: ``output`` and ``target`` are (N, K), one sample per row.

The per-sample loss always *sums* over the K outputs; only the batch axis is averaged.
So ``mse`` is the mean over N of the sum over K (CONTRIBUTING's ``mse_grad``), and
``l2`` (seed 002 Eq. 2.6, a sum of squares) is the same quantity with reduction "sum".
Book chapter: "Loss functions" (seed 002 section 2.5, Eqs. 2.3-2.14).

Where a loss is undefined we raise ``ValueError`` instead of returning NaN or inf:
MAPE with a zero target, MSLE with a value <= -1 (log of a non-positive number), and
the cross-entropies where a probability of 0 meets a label that needs it (log 0).
There is no clipping.  Terms 0 * log 0 are 0 (their limit), so a one-hot target with an
output of exactly 0 in a wrong class is fine.
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
from backprop.data import one_hot

__all__ = [
    "half_squared_error",
    "half_squared_error_grad",
    "mse",
    "mse_grad",
    "msle",
    "msle_grad",
    "l2",
    "l2_grad",
    "l1",
    "l1_grad",
    "mae",
    "mae_grad",
    "mape",
    "mape_grad",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "categorical_cross_entropy",
    "categorical_cross_entropy_grad",
]

REDUCTIONS = ("sum", "mean")


def _pair(output: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    output = as_float_array("output", output, ndim=2)
    refuse_labels_as_targets("target", target, output.shape)
    target = as_float_array("target", target, ndim=2)
    check_same_shape("output", output, "target", target)
    return _at_least_float32(output), _at_least_float32(target)


def _at_least_float32(a: np.ndarray) -> np.ndarray:
    """float16 is computed (and summed) in float32: a float16 sum overflows past 65504."""
    return a.astype(reduction_dtype(a), copy=False)


def half_squared_error(output: np.ndarray, target: np.ndarray, reduction: str = "sum") -> float:
    """E = sum_n sum_z 1/2 (T_z - O_z)^2 (book Eq. A.1 for each sample).

    reduction="sum" (seed 000's E, summed over the batch) or "mean" (divided by N).

    Implements: Eqs. {eq-part1-loss}, {eq-part2-reduction} (seed 000 Eq. A.1)
    """
    output, target = _pair(output, target)
    check_choice("reduction", reduction, REDUCTIONS)
    total = 0.5 * float(np.sum((target - output) ** 2, dtype=reduction_dtype(output)))
    return total / output.shape[0] if reduction == "mean" else total


def half_squared_error_grad(output: np.ndarray, target: np.ndarray, reduction: str = "sum") -> np.ndarray:
    """dE/dO = O - T (book Eq. A.4), divided by N when reduction="mean". Shape (N, K).

    Implements: Eq. {eq-part1-output-error} (seed 000 Eq. A.4)
    """
    output, target = _pair(output, target)
    check_choice("reduction", reduction, REDUCTIONS)
    grad = output - target
    return grad / output.shape[0] if reduction == "mean" else grad


def _reduce(per_entry: np.ndarray, reduction: str) -> float:
    check_choice("reduction", reduction, REDUCTIONS)
    total = float(np.sum(per_entry, dtype=reduction_dtype(per_entry)))
    return total / per_entry.shape[0] if reduction == "mean" else total


def _scale(grad: np.ndarray, reduction: str) -> np.ndarray:
    check_choice("reduction", reduction, REDUCTIONS)
    return grad / grad.shape[0] if reduction == "mean" else grad


def _first_bad(mask: np.ndarray) -> str:
    idx = tuple(int(i) for i in np.argwhere(mask)[0])
    return f"{int(mask.sum())} entr{'y' if mask.sum() == 1 else 'ies'}, the first at index {idx}"


# ----------------------------------------------------------------- squared errors
def mse(output: np.ndarray, target: np.ndarray, reduction: str = "mean") -> float:
    """L = 1/N sum_n sum_k (O_nk - T_nk)^2 (Eq. {eq-part2-mse}; seed 002 Eq. 2.4).

    reduction="mean" (default: divided by N) or "sum".

    Implements: Eqs. {eq-part2-mse}, {eq-part2-reduction}
    """
    output, target = _pair(output, target)
    return _reduce((output - target) ** 2, reduction)


def mse_grad(output: np.ndarray, target: np.ndarray, reduction: str = "mean") -> np.ndarray:
    """dL/dO = 2 (O - T) / N for reduction="mean", 2 (O - T) for "sum" (Eq. {eq-part2-mse-grad}). Shape (N, K).

    Implements: Eq. {eq-part2-mse-grad}
    """
    output, target = _pair(output, target)
    return _scale(2.0 * (output - target), reduction)


def l2(output: np.ndarray, target: np.ndarray, reduction: str = "sum") -> float:
    """L = sum_n sum_k (T_nk - O_nk)^2 (Eq. {eq-part2-l2}; seed 002 Eq. 2.6).

    The *square* of the Euclidean norm of T - O, not its square root (see the erratum in
    the chapter "Loss functions").  Default reduction "sum", as the source writes it; with
    reduction="mean" it equals :func:`mse`.

    Implements: Eq. {eq-part2-l2}
    """
    return mse(output, target, reduction)


def l2_grad(output: np.ndarray, target: np.ndarray, reduction: str = "sum") -> np.ndarray:
    """dL/dO = 2 (O - T) (reduction "sum"), divided by N for "mean" (Eq. {eq-part2-l2}). Shape (N, K).

    Implements: Eq. {eq-part2-l2}
    """
    return mse_grad(output, target, reduction)


def _log1p_domain(name: str, a: np.ndarray) -> None:
    bad = a <= -1.0
    if np.any(bad):
        raise ValueError(
            f"{name} has values <= -1 ({_first_bad(bad)}, value {a[bad][0]:g}): MSLE takes log(1 + {name}), "
            "which is undefined there; MSLE is meant for targets and predictions >= 0"
        )


def msle(output: np.ndarray, target: np.ndarray, reduction: str = "mean") -> float:
    """L = 1/N sum_n sum_k (log(1 + O_nk) - log(1 + T_nk))^2 (Eq. {eq-part2-msle}).

    Seed 002 Eq. 2.5 writes log(y_hat - 1): an erratum.  Raises ``ValueError`` for values
    <= -1, where the logarithm is undefined.  reduction="mean" (default) or "sum".

    Implements: Eq. {eq-part2-msle}
    """
    output, target = _pair(output, target)
    _log1p_domain("output", output)
    _log1p_domain("target", target)
    return _reduce((np.log1p(output) - np.log1p(target)) ** 2, reduction)


def msle_grad(output: np.ndarray, target: np.ndarray, reduction: str = "mean") -> np.ndarray:
    """dL/dO = 2 (log(1 + O) - log(1 + T)) / (1 + O), divided by N for "mean" (book Eq.
    {eq-part2-msle-grad}). Shape (N, K).

    Implements: Eq. {eq-part2-msle-grad}
    """
    output, target = _pair(output, target)
    _log1p_domain("output", output)
    _log1p_domain("target", target)
    return _scale(2.0 * (np.log1p(output) - np.log1p(target)) / (1.0 + output), reduction)


# ----------------------------------------------------------------- absolute errors
def l1(output: np.ndarray, target: np.ndarray, reduction: str = "sum") -> float:
    """L = sum_n sum_k |T_nk - O_nk| (Eq. {eq-part2-l1}; seed 002 Eq. 2.7).

    Default reduction "sum", as the source; with reduction="mean" it equals :func:`mae`.

    Implements: Eq. {eq-part2-l1}
    """
    output, target = _pair(output, target)
    return _reduce(np.abs(output - target), reduction)


def l1_grad(output: np.ndarray, target: np.ndarray, reduction: str = "sum") -> np.ndarray:
    """dL/dO = sign(O - T), divided by N for "mean" (Eq. {eq-part2-mae}). Shape (N, K).

    Where O == T, |.| has no derivative; we return 0, a valid subgradient (any value in
    [-1, 1] is).

    Implements: Eq. {eq-part2-mae}
    """
    output, target = _pair(output, target)
    return _scale(np.sign(output - target), reduction)


def mae(output: np.ndarray, target: np.ndarray, reduction: str = "mean") -> float:
    """L = 1/N sum_n sum_k |T_nk - O_nk| (Eq. {eq-part2-mae}; seed 002 Eq. 2.8).

    Implements: Eq. {eq-part2-l1}
    """
    return l1(output, target, reduction)


def mae_grad(output: np.ndarray, target: np.ndarray, reduction: str = "mean") -> np.ndarray:
    """dL/dO = sign(O - T) / N for "mean" (0 where O == T, a subgradient; Eq. {eq-part2-mae}). Shape (N, K).

    Implements: Eq. {eq-part2-mae}
    """
    return l1_grad(output, target, reduction)


def _nonzero_target(target: np.ndarray) -> None:
    bad = target == 0.0
    if np.any(bad):
        raise ValueError(
            f"target contains zeros ({_first_bad(bad)}): MAPE divides by the target, so it is undefined "
            "there; use MAE, or drop those samples"
        )


def mape(output: np.ndarray, target: np.ndarray, reduction: str = "mean") -> float:
    """L = 100/N sum_n sum_k |(T_nk - O_nk) / T_nk| (Eq. {eq-part2-mape}; seed 002 Eq. 2.9).

    In percent.  Raises ``ValueError`` if any target is 0.  reduction="mean" (default) or "sum".

    Implements: Eq. {eq-part2-mape}
    """
    output, target = _pair(output, target)
    _nonzero_target(target)
    return _reduce(100.0 * np.abs((target - output) / target), reduction)


def mape_grad(output: np.ndarray, target: np.ndarray, reduction: str = "mean") -> np.ndarray:
    """dL/dO = 100 sign(O - T) / |T|, divided by N for "mean" (0 where O == T; Eq. {eq-part2-mape}). Shape (N, K).

    Implements: Eq. {eq-part2-mape}
    """
    output, target = _pair(output, target)
    _nonzero_target(target)
    return _scale(100.0 * np.sign(output - target) / np.abs(target), reduction)


# ----------------------------------------------------------------- cross-entropies
def _probabilities(name: str, p: np.ndarray) -> None:
    bad = (p < 0.0) | (p > 1.0)
    if np.any(bad):
        raise ValueError(
            f"{name} must hold probabilities in [0, 1]; it has {_first_bad(bad)} (value {p[bad][0]:g}). "
            "Did you pass logits? Apply sigmoid or softmax first"
        )


def _bce_pair(output: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    output, target = _pair(output, target)
    _probabilities("output", output)
    _probabilities("target", target)
    bad = ((output == 0.0) & (target > 0.0)) | ((output == 1.0) & (target < 1.0))
    if np.any(bad):
        raise ValueError(
            f"output is exactly 0 where target > 0, or exactly 1 where target < 1 ({_first_bad(bad)}): "
            "the loss has log(0) = -inf there. Compute the loss from the logits instead "
            "(the chapter on cross-entropy), which never forms log(0)"
        )
    return output, target


def binary_cross_entropy(output: np.ndarray, target: np.ndarray, reduction: str = "mean") -> float:
    """E = -1/N sum_n sum_k [T log O + (1 - T) log(1 - O)] (Eq. {eq-part2-bce}; seed 002 Eq. 2.14).

    output = predicted probabilities y_hat in [0, 1], target = labels y in [0, 1] (0/1 or
    soft), both (N, K): K independent yes/no outputs.  Terms 0 log 0 count as 0.  Raises
    ``ValueError`` for values outside [0, 1] and where the loss is infinite.
    reduction="mean" (default) or "sum".

    Implements: Eqs. {eq-part2-bce}, {eq-part2-nll}
    """
    output, target = _bce_pair(output, target)
    pos = np.where(target > 0, target * np.log(np.where(target > 0, output, 1.0)), 0.0)
    neg = np.where(target < 1, (1.0 - target) * np.log(np.where(target < 1, 1.0 - output, 1.0)), 0.0)
    return _reduce(-(pos + neg), reduction)


def binary_cross_entropy_grad(output: np.ndarray, target: np.ndarray, reduction: str = "mean") -> np.ndarray:
    """dL/dO = -T/O + (1 - T)/(1 - O), divided by N for "mean" (Eq. {eq-part2-bce-grad};
    seed 002 Eq. 3.26).  A term whose factor T (or 1 - T) is 0 contributes 0.  Shape (N, K).

    Implements: Eq. {eq-part2-bce-grad}
    """
    output, target = _bce_pair(output, target)
    pos = np.where(target > 0, target / np.where(target > 0, output, 1.0), 0.0)
    neg = np.where(target < 1, (1.0 - target) / np.where(target < 1, 1.0 - output, 1.0), 0.0)
    return _scale(-pos + neg, reduction)


def _cce_pair(output: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    output = _at_least_float32(as_float_array("output", output, ndim=2))
    _probabilities("output", output)
    n, k = output.shape
    if isinstance(target, (list, tuple)):
        try:
            target = np.asarray(target)
        except ValueError as exc:  # ragged lists
            raise TypeError(f"target must be a rectangular array; got a ragged {type(target).__name__}") from exc
    if isinstance(target, np.ndarray) and target.dtype.kind == "f" and target.ndim == 1:
        raise ValueError(
            f"target of shape {target.shape} holds floats: pass integer class labels (N,) = ({n},) "
            f"(convert them with .astype(int)) or one-hot rows (N, K) = ({n}, {k})"
        )
    if isinstance(target, np.ndarray) and target.dtype.kind in "iu":
        target = check_labels("target", target, n_samples=n, n_classes=k, samples_of="output")
        target = one_hot(target, k)
    else:
        target = as_float_array("target", target, ndim=2)
        check_same_shape("output", output, "target", target)
        _probabilities("target", target)
    bad = (output == 0.0) & (target > 0.0)
    if np.any(bad):
        raise ValueError(
            f"output is exactly 0 in a class that the target needs ({_first_bad(bad)}): the loss has "
            "log(0) = -inf there. Compute it from the logits instead (the chapter on cross-entropy)"
        )
    return output, target


def categorical_cross_entropy(output: np.ndarray, target: np.ndarray, reduction: str = "mean") -> float:
    """E = -1/N sum_n sum_k T_nk log O_nk (Eq. {eq-part2-cce}; seed 003 section 3.2 without 1/N).

    output (N, K): predicted class probabilities, e.g. softmax outputs.  target: either
    (N, K) probabilities (one-hot rows) or integer labels (N,) in 0..K-1.  Terms 0 log 0
    count as 0.  reduction="mean" (default) or "sum" (seed 003's J).  The rows of output
    are not required to sum to 1: each entry is a free variable here, as in a
    finite-difference check; chain with softmax for the constrained case.

    Implements: Eq. {eq-part2-cce}
    """
    output, target = _cce_pair(output, target)
    terms = np.where(target > 0, target * np.log(np.where(target > 0, output, 1.0)), 0.0)
    return _reduce(-terms, reduction)


def categorical_cross_entropy_grad(output: np.ndarray, target: np.ndarray, reduction: str = "mean") -> np.ndarray:
    """dL/dO_nk = -T_nk / O_nk, divided by N for "mean" (Eq. {eq-part2-cce}). Shape (N, K).

    Each O_nk is treated as a free variable; chain with :func:`backprop.softmax_backward`
    to get the gradient with respect to the logits, which is (softmax - T)/N.

    Implements: Eq. {eq-part2-cce}
    """
    output, target = _cce_pair(output, target)
    return _scale(-np.where(target > 0, target / np.where(target > 0, output, 1.0), 0.0), reduction)


for _name in __all__:  # finite inputs give a finite loss and gradient, or an error naming the function
    globals()[_name] = finite_result(_name)(globals()[_name])
del _name
