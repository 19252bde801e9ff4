"""Input checks that speak to a student.

Every public function of the package validates its arrays with these helpers, so a
shape mistake fails at the call that made it, with a message that names the argument,
what was expected and what came.  No silent broadcasting into a wrong result.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_float_array",
    "check_same_shape",
    "check_positive_int",
    "check_choice",
    "check_labels",
]


def _describe(a: object) -> str:
    if isinstance(a, np.ndarray):
        return f"an array of shape {a.shape} and dtype {a.dtype}"
    return f"a {type(a).__name__}"


def as_float_array(
    name: str,
    value: object,
    *,
    ndim: int | tuple[int, ...] | None = None,
    shape: tuple[int | None, ...] | None = None,
    allow_empty: bool = False,
    finite: bool = True,
) -> np.ndarray:
    """Return ``value`` as a float ndarray, or raise an error that names ``name``.

    ``shape`` may contain ``None`` for "any size on this axis".  When the array has the
    transposed shape of what was expected, the message says so.  Integer, boolean,
    complex and object arrays raise ``TypeError``: the book's functions compute
    gradients, which only make sense for real floating-point numbers.
    """
    if isinstance(value, (list, tuple)):
        try:
            value = np.asarray(value)
        except ValueError as exc:  # ragged lists
            raise TypeError(f"{name} must be a rectangular array of floats; got a ragged {type(value).__name__}") from exc
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        value = np.asarray(value, dtype=float)
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a numpy array of floats; got {_describe(value)}")
    if value.dtype.kind != "f":
        kind = {"i": "integer", "u": "unsigned integer", "b": "boolean", "c": "complex", "O": "object"}.get(
            value.dtype.kind, str(value.dtype)
        )
        hint = " (convert it with .astype(float))" if value.dtype.kind in "iub" else ""
        raise TypeError(f"{name} must hold real floating-point numbers; got dtype {value.dtype} ({kind}){hint}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if value.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}; got {value.ndim}-D with shape {value.shape}")
    if shape is not None:
        _check_shape(name, value.shape, shape)
    if not allow_empty and value.size == 0:
        raise ValueError(f"{name} is empty (shape {value.shape}); an empty batch has no loss and no gradient")
    if finite and not np.all(np.isfinite(value)):
        bad = int(np.size(value) - np.count_nonzero(np.isfinite(value)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s); check the previous step for an overflow")
    return value


def _check_shape(name: str, got: tuple[int, ...], want: tuple[int | None, ...]) -> None:
    ok = len(got) == len(want) and all(w is None or g == w for g, w in zip(got, want))
    if ok:
        return
    shown = "(" + ", ".join("any" if w is None else str(w) for w in want) + ("," if len(want) == 1 else "") + ")"
    msg = f"{name} has shape {got} but {shown} was expected"
    if len(got) == 2 and len(want) == 2 and all(w is None or g == w for g, w in zip(got[::-1], want)):
        msg += "; it looks transposed: did you forget a .T?"
    raise ValueError(msg)


def check_same_shape(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have exactly the same shape."""
    if a.shape != b.shape:
        msg = f"{name_a} has shape {a.shape} but {name_b} has shape {b.shape}; they must match exactly"
        if a.ndim == 2 and a.shape == b.shape[::-1]:
            msg += " (one of them looks transposed)"
        raise ValueError(msg)


def check_positive_int(name: str, value: object) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= 1; got {value!r} ({type(value).__name__})")
    if value < 1:
        raise ValueError(f"{name} must be an integer >= 1; got {value}")
    return int(value)


def check_choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(repr(c) for c in choices)}; got {value!r}")
    return value  # type: ignore[return-value]


def check_labels(
    name: str, labels: object, n_samples: int | None = None, n_classes: int | None = None, samples_of: str = "x"
) -> np.ndarray:
    """Return ``labels`` as a 1-D int64 array, or raise an error that names ``name``.

    Labels are class indices 0, 1, ..., ``n_classes - 1`` (one per sample, shape (N,));
    ``samples_of`` names the array whose N they must match (in the message).
    """
    if isinstance(labels, (list, tuple)):
        labels = np.asarray(labels)
    if not isinstance(labels, np.ndarray):
        raise TypeError(f"{name} must be a numpy array of integer class labels; got a {type(labels).__name__}")
    if labels.dtype.kind not in "iu":
        hint = " (one-hot targets? pass labels.argmax(axis=1))" if labels.ndim == 2 else ""
        raise TypeError(f"{name} must hold integer class labels; got dtype {labels.dtype}{hint}")
    if labels.ndim != 1:
        raise ValueError(f"{name} must be 1-D with one class label per sample (N,); got shape {labels.shape}")
    if labels.size == 0:
        raise ValueError(f"{name} is empty; an empty batch has no loss and no gradient")
    if n_samples is not None and labels.shape[0] != n_samples:
        raise ValueError(f"{name} has {labels.shape[0]} labels but {samples_of} has {n_samples} samples (N); they must match")
    low, high = int(labels.min()), int(labels.max())
    if low < 0 or (n_classes is not None and high >= n_classes):
        rng = f"0..{n_classes - 1}" if n_classes is not None else ">= 0"
        bad = low if low < 0 else high
        raise ValueError(f"{name} must hold class labels in {rng}; got {bad}")
    return labels.astype(np.int64, copy=False)
