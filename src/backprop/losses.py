"""Loss functions and their gradients with respect to the prediction.

Every loss states its reduction over the batch of N samples: ``"sum"`` adds the
per-sample losses, ``"mean"`` divides that sum by N.  The gradient always matches the
stated reduction, so ``"mean"`` gradients carry the factor 1/N.
Shapes: ``output`` and ``target`` are (N, K), one sample per row.
"""

from __future__ import annotations

import numpy as np

from backprop._validation import as_float_array, check_choice, check_same_shape

__all__ = ["half_squared_error", "half_squared_error_grad"]

REDUCTIONS = ("sum", "mean")


def _pair(output: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    output = as_float_array("output", output, ndim=2)
    target = as_float_array("target", target, ndim=2)
    check_same_shape("output", output, "target", target)
    return output, target


def half_squared_error(output: np.ndarray, target: np.ndarray, reduction: str = "sum") -> float:
    """E = sum_n sum_z 1/2 (T_z - O_z)^2 (book Eq. A.1 for each sample).

    reduction="sum" (seed 000's E, summed over the batch) or "mean" (divided by N).
    """
    output, target = _pair(output, target)
    check_choice("reduction", reduction, REDUCTIONS)
    total = 0.5 * float(np.sum((target - output) ** 2))
    return total / output.shape[0] if reduction == "mean" else total


def half_squared_error_grad(output: np.ndarray, target: np.ndarray, reduction: str = "sum") -> np.ndarray:
    """dE/dO = O - T (book Eq. A.4), divided by N when reduction="mean". Shape (N, K)."""
    output, target = _pair(output, target)
    check_choice("reduction", reduction, REDUCTIONS)
    grad = output - target
    return grad / output.shape[0] if reduction == "mean" else grad
