"""Input checks that speak to a student.

Every public function of the package validates its arrays with these helpers, so a
shape mistake fails at the call that made it, with a message that names the argument,
what was expected and what came.  No silent broadcasting into a wrong result.
"""

from __future__ import annotations

import functools
import numbers
import threading

import numpy as np

from backprop._parallel import map_over_batch

__all__ = [
    "as_float_array",
    "check_same_shape",
    "check_positive_int",
    "check_choice",
    "check_labels",
    "refuse_labels_as_targets",
    "check_seed",
    "check_cache",
    "check_finite_result",
    "all_finite",
    "finite_result",
    "reduction_dtype",
    "check_memory",
    "check_array_memory",
    "check_artists",
    "array_bytes",
    "set_memory_budget",
    "MEMORY_BUDGET_BYTES",
    "ARTIST_BYTES",
]

#: The largest single allocation (in bytes) that any function of the package makes before it
#: refuses with a ``MemoryError`` saying what was asked and how much it would need.  One place
#: for the whole package; change it at run time with
#: ``backprop._validation.MEMORY_BUDGET_BYTES = 4 * 2**30`` (or :func:`set_memory_budget`).
MEMORY_BUDGET_BYTES: int = 2**30  # 1 GiB


def set_memory_budget(n_bytes: int) -> int:
    """Set :data:`MEMORY_BUDGET_BYTES` (an integer >= 1) and return the previous value."""
    global MEMORY_BUDGET_BYTES
    n_bytes = check_positive_int("n_bytes", n_bytes)
    previous, MEMORY_BUDGET_BYTES = MEMORY_BUDGET_BYTES, n_bytes
    return previous


def _format_bytes(n: float) -> str:
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} bytes"


def check_memory(what: str, n_bytes: float) -> None:
    """Raise ``MemoryError`` when ``n_bytes`` (an estimate, before allocating) exceeds the budget.

    ``what`` says what was asked, e.g. "the im2col matrix (C*KH*KW, N*H'*W') = (75, 1200000)
    of float64 for conv2d_forward(x of shape ...)".  The message names the budget and how to
    raise it.
    """
    budget = MEMORY_BUDGET_BYTES
    if n_bytes > budget:
        raise MemoryError(
            f"{what} needs {_format_bytes(n_bytes)}, more than the memory budget of {_format_bytes(budget)} "
            f"(backprop._validation.MEMORY_BUDGET_BYTES); ask for less (smaller inputs, a smaller batch, fewer points or nodes), or raise the "
            f"budget if your machine has the memory: backprop._validation.MEMORY_BUDGET_BYTES = {int(n_bytes) + 1}"
        )


#: Estimated memory of one drawn matplotlib artist (a circle, line, arrow or text with its
#: transforms and renderer state).  Figure builders and explorers multiply it by the number
#: of shapes they would draw and check the product against :data:`MEMORY_BUDGET_BYTES`, so
#: that a diagram of a million nodes is refused instead of freezing the kernel.
ARTIST_BYTES: int = 16 * 2**10


def array_bytes(shape: tuple, dtype: object = np.float64, copies: int = 1) -> int:
    """Bytes of ``copies`` arrays of ``shape`` and ``dtype``, in exact integer arithmetic (no overflow)."""
    n = 1
    for d in shape:
        n *= max(int(d), 0)
    return n * np.dtype(dtype).itemsize * int(copies)


def check_array_memory(what: str, shape: tuple, dtype: object = np.float64, copies: int = 1) -> None:
    """:func:`check_memory` for ``copies`` arrays of ``shape``; ``what`` names them and who asks."""
    shape = tuple(int(d) for d in shape)
    n_bytes = array_bytes(shape, dtype, copies)
    if n_bytes <= MEMORY_BUDGET_BYTES:  # the common case: no message to build
        return
    label = f"{what}, shape {shape} of {np.dtype(dtype).name}" + (f" ({copies} arrays of it)" if copies != 1 else "")
    check_memory(label, n_bytes)


def check_artists(what: str, n_artists: int) -> None:
    """Refuse a figure of ``n_artists`` shapes whose estimated memory (:data:`ARTIST_BYTES` each) exceeds the budget."""
    check_memory(f"{what} ({int(n_artists)} shapes to draw, about {ARTIST_BYTES // 1024} KiB each)", int(n_artists) * ARTIST_BYTES)


def check_finite_result(operation: str, value: object) -> object:
    """Raise ``FloatingPointError`` naming ``operation`` if the computed ``value`` has NaN or inf.

    For results computed from finite inputs: an overflow inside the computation must not
    come back as a silent inf or NaN.
    """
    arr = np.asarray(value)
    if arr.dtype.kind in "fc" and not all_finite(arr):
        bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        raise FloatingPointError(
            f"{operation} overflowed: {bad} of its {arr.size} result value(s) are NaN or infinite although every "
            "input is finite; the inputs are too large (or a divisor too small) for their dtype: rescale them, or use float64"
        )
    return value


def all_finite(a: np.ndarray) -> bool:
    """``np.isfinite(a).all()``, shared over the threads (``bp.set_num_threads``) for a big
    C-contiguous array: a logical AND, the same answer however the array is split."""
    if a.ndim == 0 or not a.flags.c_contiguous:
        return bool(np.isfinite(a).all())
    ok = []
    map_over_batch(lambda start, stop: ok.append(bool(np.isfinite(a[start:stop]).all())), len(a), a.nbytes)
    return all(ok)


_FINITE_DEPTH = threading.local()


def finite_result(operation: str):
    """Decorator: the wrapped function's array or float result (or each array of a returned
    tuple; caches are skipped) must be finite, else ``FloatingPointError`` naming ``operation``.

    Every input is validated as finite by :func:`as_float_array`, so a NaN or inf here is an
    overflow inside the computation; numpy's overflow warnings are silenced because the error
    says it better.
    """

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            depth = getattr(_FINITE_DEPTH, "n", 0)
            _FINITE_DEPTH.n = depth + 1
            try:
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                    result = fn(*args, **kwargs)
            finally:
                _FINITE_DEPTH.n = depth
            if depth:  # called inside another checked function: the outermost one checks and names itself
                return result
            parts = result if isinstance(result, tuple) and not hasattr(result, "_fields") else (result,)
            for part in parts:
                if isinstance(part, (np.ndarray, float, np.floating)) and not hasattr(part, "_fields"):
                    check_finite_result(operation, part)
            return result

        return wrapper

    return decorate


def reduction_dtype(a: np.ndarray) -> np.dtype:
    """The dtype to sum ``a`` in: at least float32 (a float16 sum overflows past 65504)."""
    return np.promote_types(a.dtype, np.float32)


def check_seed(name: str, seed: object) -> int | None:
    """Return ``seed`` (None or an integer >= 0, for ``np.random.default_rng``) or raise naming ``name``."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= 0; got {seed!r} ({type(seed).__name__}); None draws a fresh seed")
    if seed < 0:
        raise ValueError(f"{name} must be an integer >= 0; got {seed}")
    return int(seed)


def check_cache(cache: object, expected: type, backward: str, name: str = "cache") -> tuple:
    """Return ``cache`` if it is the ``expected`` named cache type, else raise ``TypeError``.

    Every forward function returns ``(out, cache)`` with a small named cache type (its
    ``made_by`` attribute names that forward function); its backward function accepts only
    that type, so that passing the layer's output, another layer's cache, ``()`` or ``None``
    fails here instead of returning gradients of the wrong shape.
    """
    if isinstance(cache, expected):
        return cache
    forward = getattr(expected, "made_by", "the forward function")
    made_by = getattr(type(cache), "made_by", None)
    if made_by is not None:
        got = f"a {type(cache).__name__}, the cache of {made_by}, another layer"
    elif cache is None:
        got = "None"
    elif isinstance(cache, np.ndarray):
        got = f"{_describe(cache)} (an array, e.g. the layer's output or input, is not its cache)"
    elif isinstance(cache, (tuple, list, dict)) and len(cache) == 0:
        got = f"an empty {type(cache).__name__}"
    elif isinstance(cache, (tuple, list)):
        got = f"a plain {type(cache).__name__} of length {len(cache)}"
    else:
        got = f"a {type(cache).__name__}"
    raise TypeError(
        f"{name} must be the {expected.__name__} returned by {forward} "
        f"(out, cache = {forward}(...); then {backward}(dout, cache)); got {got}"
    )


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
    if type(value) is not np.ndarray:  # the common case, a plain ndarray, skips these conversions
        value = _to_ndarray(name, value)
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
    if finite and not all_finite(value):
        bad = int(np.size(value) - np.count_nonzero(np.isfinite(value)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s); check the previous step for an overflow")
    return value


def _to_ndarray(name: str, value: object) -> np.ndarray:
    """Lists, tuples and real scalars as ndarrays; ndarray subclasses as :func:`_plain_ndarray` says; else ``TypeError``."""
    if isinstance(value, (list, tuple)):
        try:
            value = np.asarray(value)
        except ValueError as exc:  # ragged lists
            raise TypeError(f"{name} must be a rectangular array of floats; got a ragged {type(value).__name__}") from exc
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        value = np.asarray(value, dtype=float)
    value = _plain_ndarray(name, value)
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a numpy array of floats; got {_describe(value)}")
    return value


def _plain_ndarray(name: str, value: object) -> object:
    """np.matrix (whose * and ** are matrix products, and which never has fewer than 2 axes) is
    refused; masked arrays are refused (their masked entries would be computed with); other
    ndarray subclasses are viewed as plain ndarrays, so every operator means what it means
    for an ndarray.
    """
    if isinstance(value, np.matrix):
        raise TypeError(
            f"{name} is an np.matrix (scipy.sparse hands those out), whose * means a matrix product and "
            f"which is always 2-D: pass np.asarray({name}) (or {name}.toarray() for a sparse matrix)"
        )
    if isinstance(value, np.ma.MaskedArray):
        raise TypeError(f"{name} is a masked array: fill or drop the masked entries and pass a plain ndarray (np.ma.filled)")
    if isinstance(value, np.ndarray) and type(value) is not np.ndarray:
        return value.view(np.ndarray)
    if not isinstance(value, np.ndarray) and hasattr(value, "toarray") and hasattr(value, "nnz"):
        raise TypeError(f"{name} is a scipy.sparse {type(value).__name__}: pass {name}.toarray(), a dense ndarray")
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
    if type(value) is int and value >= 1:  # the common case first (bool is not of type int)
        return value
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


def refuse_labels_as_targets(name: str, target: object, shape: tuple[int, ...]) -> None:
    """Raise ``TypeError`` when integer class labels are given where float targets of ``shape`` (N, K) are needed.

    The advice is to one-hot encode (not ``.astype(float)``, which would give the wrong shape
    or, for integer one-hot rows, is fine: those of the right shape pass on to the float check).
    """
    labels = target
    if isinstance(target, (list, tuple)):
        try:
            labels = np.asarray(target)
        except ValueError:  # ragged: as_float_array says so, naming the argument
            return
    if isinstance(labels, np.ndarray) and not isinstance(labels, np.matrix) and labels.dtype.kind in "iub":
        if labels.shape != tuple(shape):
            k = shape[-1] if len(shape) else "K"
            raise TypeError(
                f"{name} holds integers of shape {labels.shape} (class labels?) but this loss needs one-hot or float "
                f"targets of shape {tuple(shape)} (N, K): one-hot encode them with backprop.one_hot({name}, {k})"
            )


def check_labels(
    name: str, labels: object, n_samples: int | None = None, n_classes: int | None = None, samples_of: str = "x"
) -> np.ndarray:
    """Return ``labels`` as a 1-D int64 array, or raise an error that names ``name``.

    Labels are class indices 0, 1, ..., ``n_classes - 1`` (one per sample, shape (N,));
    ``samples_of`` names the array whose N they must match (in the message).
    """
    if isinstance(labels, (list, tuple)):
        try:
            labels = np.asarray(labels)
        except ValueError as exc:  # ragged lists
            raise TypeError(f"{name} must be a 1-D array of integer class labels; got a ragged {type(labels).__name__}") from exc
    labels = _plain_ndarray(name, labels)
    if not isinstance(labels, np.ndarray):
        raise TypeError(f"{name} must be a numpy array of integer class labels; got a {type(labels).__name__}")
    if labels.dtype.kind not in "iu":
        hint = " (one-hot targets? pass labels.argmax(axis=1))" if labels.ndim == 2 else ""
        raise TypeError(f"{name} must hold integer class labels; got dtype {labels.dtype}{hint}")
    if labels.ndim != 1:
        want = f" = ({n_samples},)" if n_samples is not None else ""
        hint = f" (integer one-hot rows? pass {name}.argmax(axis=1))" if labels.ndim == 2 else ""
        raise ValueError(f"{name} must be 1-D with one class label per sample, shape (N,){want}; got shape {labels.shape}{hint}")
    if labels.size == 0:
        raise ValueError(f"{name} is empty; an empty batch has no loss and no gradient")
    if n_samples is not None and labels.shape[0] != n_samples:
        raise ValueError(f"{name} has {labels.shape[0]} labels but {samples_of} has {n_samples} samples (N); they must match")
    low, high = int(labels.min()), int(labels.max())
    if low < 0 or (n_classes is not None and high >= n_classes):
        rng = f"0..{n_classes - 1}" if n_classes is not None else ">= 0"
        bad = low if low < 0 else high
        where = int(np.argmax(labels == bad))
        of = f" ({samples_of} has K = {n_classes} classes)" if n_classes is not None and samples_of != "x" else ""
        raise ValueError(f"{name} must hold class labels in {rng}; got {bad} at index {where}{of}")
    return labels.astype(np.int64, copy=False)
