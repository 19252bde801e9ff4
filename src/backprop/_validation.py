"""Input checks that speak to a student.

Every public function of the package validates its arrays with these helpers, so a
shape mistake fails at the call that made it, with a message that names the argument,
what was expected and what came.  No silent broadcasting into a wrong result.
"""

from __future__ import annotations

import contextlib
import functools
import numbers
import threading

import numpy as np

__all__ = [
    "as_float_array",
    "check_same_shape",
    "check_positive_int",
    "check_choice",
    "check_bool",
    "check_index",
    "check_sequence",
    "check_real",
    "check_optional_str",
    "check_data",
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
    "memory_budget",
    "MEMORY_BUDGET_BYTES",
    "check_work",
    "set_work_budget",
    "work_budget",
    "WORK_BUDGET_OPS",
    "STEP_OPS",
    "TRAIN_STEP_OPS",
    "training_ops",
    "check_loop_work",
    "ARTIST_BYTES",
]

#: The largest single allocation (in bytes) that any function of the package makes before it
#: refuses with a ``MemoryError`` saying what was asked and how much it would need.  One place
#: for the whole package; change it at run time with ``backprop.set_memory_budget(4 * 2**30)``
#: (``backprop.MEMORY_BUDGET_BYTES`` reads and writes this same value).
MEMORY_BUDGET_BYTES: int = 2**30  # 1 GiB

#: The most work (in estimated elementary floating-point operations) that one call of the
#: package may do before it refuses, with a ``ValueError`` naming the argument that asked for
#: it (``epochs``, ``points``, ...), the estimate, the budget and how to raise it.  At about
#: 10**9 operations a second (numpy on one core) 10**12 is some 15 minutes: anything a student
#: can type (``train(..., epochs=10**9)``) is refused at once instead of freezing the kernel,
#: while the book's longest training run stays two orders of magnitude below.  Change it with
#: ``backprop.set_work_budget(10**13)`` (``backprop.WORK_BUDGET_OPS`` is the same value).
WORK_BUDGET_OPS: int = 10**12

#: What one step of a Python-level loop (one SGD step, one epoch of the one-neuron run, one
#: entry of a loop-based reference implementation) counts for in a work estimate: the
#: interpreter's overhead of a few function calls, some 10 microseconds.
STEP_OPS: int = 10**4

#: What one step of :func:`backprop.train` counts for beyond its arithmetic: the calls,
#: checks and bookkeeping of one mini-batch (about a millisecond).
TRAIN_STEP_OPS: int = 10**6

#: The speed the messages assume to translate an estimate into time.
OPS_PER_SECOND: float = 1e9


def _check_budget(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 1:
        raise (TypeError if not isinstance(value, numbers.Real) or isinstance(value, bool) else ValueError)(
            f"{name} must be a number >= 1; got {value!r}"
        )
    return int(value)


def set_memory_budget(n_bytes: int) -> int:
    """Set :data:`MEMORY_BUDGET_BYTES` (an integer >= 1) and return the previous value."""
    global MEMORY_BUDGET_BYTES
    n_bytes = check_positive_int("n_bytes", n_bytes)
    previous, MEMORY_BUDGET_BYTES = MEMORY_BUDGET_BYTES, n_bytes
    return previous


def memory_budget() -> int:
    """The memory budget in bytes now in force (:data:`MEMORY_BUDGET_BYTES`)."""
    return MEMORY_BUDGET_BYTES


def set_work_budget(n_ops: int) -> int:
    """Set :data:`WORK_BUDGET_OPS` (a number >= 1 of estimated operations) and return the previous value."""
    global WORK_BUDGET_OPS
    n_ops = _check_budget("n_ops", n_ops)
    previous, WORK_BUDGET_OPS = WORK_BUDGET_OPS, n_ops
    return previous


def work_budget() -> int:
    """The work budget in estimated operations now in force (:data:`WORK_BUDGET_OPS`)."""
    return WORK_BUDGET_OPS


def _format_bytes(n: float) -> str:
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} bytes"


def _format_seconds(s: float) -> str:
    for unit, size in (("years", 365 * 86400), ("days", 86400), ("hours", 3600), ("minutes", 60)):
        if s >= size:
            return f"{s / size:.3g} {unit}"
    return f"{s:.2g} seconds"


def training_ops(params: dict, sample_shape: tuple, n_train: int, n_eval: int, epochs: int, batch_size: int) -> int:
    """Estimated operations of ``epochs`` epochs of mini-batch SGD (see :func:`backprop.train`).

    Per sample, a forward pass costs about two operations per weight use (a multiply and an
    add), the backward pass twice that: 6 per weight use for a training sample, 2 for a
    sample only evaluated (the accuracies after each epoch, on ``n_eval`` samples).  A dense
    weight is used once per sample; a convolution kernel (a 4-D parameter) once per output
    position, counted for a valid convolution followed by 2x2 pooling, as in the book's CNNs.
    Each of the ``epochs * ceil(n_train / batch_size)`` steps adds :data:`TRAIN_STEP_OPS`.
    """
    hw = [int(d) for d in sample_shape[1:]] if len(sample_shape) == 3 else None
    uses = 0
    for p in params.values():
        size = int(np.size(p))
        if np.ndim(p) == 4 and hw:
            out = [max(d - k + 1, 1) for d, k in zip(hw, np.shape(p)[2:])]
            uses += size * out[0] * out[1]
            hw = [max(o // 2, 1) for o in out]
        else:
            uses += size
    steps = int(epochs) * -(-int(n_train) // int(batch_size))
    return int(epochs) * (6 * int(n_train) + 2 * int(n_eval)) * uses + steps * TRAIN_STEP_OPS


def check_loop_work(fn: str, inputs: str, n_steps: int, per_step: int) -> None:
    """A loop-based reference does one Python-level step (about STEP_OPS) per output entry: refuse hours of it."""
    check_work(
        f"{fn}({inputs}): {n_steps} Python-level steps", n_steps * (STEP_OPS + 2 * per_step),
        f"smaller inputs: {fn} is a reference for small checks; the vectorised {fn.replace('_naive', '')} computes the same",
    )


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
            f"(backprop.MEMORY_BUDGET_BYTES); ask for less (smaller inputs, a smaller batch, fewer points or nodes), or raise the "
            f"budget if your machine has the memory: backprop.set_memory_budget({int(n_bytes) + 1})"
        )


def check_work(what: str, n_ops: float, ask_less: str) -> None:
    """Raise ``ValueError`` when ``n_ops`` (an estimate of the operations a call would do) exceeds the work budget.

    ``what`` names the call and the arguments that set its cost, e.g.
    "train(epochs=1000000000, 1000 samples of 64, batch_size=16, 2410 parameters)";
    ``ask_less`` says what to lower, naming the argument ("fewer epochs").  Checked before any
    work is done, so nothing a student types can freeze the kernel.
    """
    budget = WORK_BUDGET_OPS
    if n_ops > budget:
        raise ValueError(
            f"{what} would do about {float(n_ops):.2g} operations (some {_format_seconds(n_ops / OPS_PER_SECOND)} at "
            f"{OPS_PER_SECOND:.0e} a second), more than the work budget of {float(budget):.2g} operations "
            f"(backprop.WORK_BUDGET_OPS, some {_format_seconds(budget / OPS_PER_SECOND)}); ask for less ({ask_less}), "
            f"or raise the budget if you mean to wait: backprop.set_work_budget({int(n_ops) + 1})"
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
    """``np.isfinite(a).all()``, in the calling thread: one pass at memory speed (about 40
    microseconds for LeNet's largest maps in float32), less than handing half of it to
    another thread costs."""
    return bool(np.isfinite(a).all())


_FINITE_DEPTH = threading.local()
_INPUTS_CHECKED = threading.local()


@contextlib.contextmanager
def inputs_already_checked():
    """Inside: :func:`as_float_array` skips its finite check (every other check stays).

    For a model's pass through its own layers, where every array a layer receives is the
    model's input or a parameter (both checked by the model on entry) or the output of the
    layer before, which that layer's :func:`finite_result` has just checked.  Each number
    is then checked once, not twice, and an overflow is still reported by the layer where
    it happened.  Per thread, like numpy's error state.
    """
    previous = getattr(_INPUTS_CHECKED, "on", False)
    _INPUTS_CHECKED.on = True
    try:
        yield
    finally:
        _INPUTS_CHECKED.on = previous


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
    return check_int_at_least(name, seed, 0, hint="; None draws a fresh seed")


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
    if finite and not getattr(_INPUTS_CHECKED, "on", False) and not all_finite(value):
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


def check_int_at_least(name: str, value: object, low: int, hint: str = "") -> int:
    """Return ``value`` as an int, or raise naming ``name`` if it is not an integer >= ``low``."""
    if type(value) is int and value >= low:  # the common case first (bool is not of type int)
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {low}; got {value!r} ({type(value).__name__}){hint}")
    if value < low:
        raise ValueError(f"{name} must be an integer >= {low}; got {value}")
    return int(value)


def check_positive_int(name: str, value: object) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= 1."""
    return check_int_at_least(name, value, 1)


def check_choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices`` (strings), else raise ``TypeError`` or ``ValueError``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {', '.join(repr(c) for c in choices)}; got {_describe_value(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(repr(c) for c in choices)}; got {value!r}")
    return value  # type: ignore[return-value]


def check_bool(name: str, value: object) -> bool:
    """Return ``value`` if it is True or False (numpy's bools too), else raise ``TypeError``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {_describe_value(value)}")
    return bool(value)


def check_index(name: str, value: object) -> int:
    """Return ``value`` as an int if it is an integer (not a bool), else raise ``TypeError``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {_describe_value(value)}")
    return int(value)


def check_sequence(name: str, value: object, example: str) -> list:
    """Return ``value`` as a list if it is a sequence (a tuple, list or 1-D array), else raise ``TypeError``."""
    if isinstance(value, np.ndarray) and value.ndim == 1:
        return list(value)
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, (tuple, list, range)):
        raise TypeError(f"{name} must be a sequence such as {example}; got {_describe_value(value)}")
    return list(value)


def check_real(name: str, value: object) -> float:
    """Return ``value`` as a float if it is a finite real number (not a bool), else raise naming ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a finite number; got {_describe_value(value)}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    return float(value)


def check_optional_str(name: str, value: object) -> str | None:
    """Return ``value`` if it is a string or None (a figure's title, a label), else raise ``TypeError``."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a string or None; got {_describe_value(value)}")
    return value


def check_data(name: str, data: object, keys: tuple[str, ...], made_by: str) -> dict:
    """Return ``data`` if it is a dict holding ``keys`` (what ``made_by`` returns), else raise ``TypeError``.

    For the figure functions of the explorers, which draw the dict their data function returned.
    """
    if not isinstance(data, dict):
        raise TypeError(f"{name} must be the dict returned by {made_by}; got {_describe_value(data)}")
    missing = [k for k in keys if k not in data]
    if missing:
        raise TypeError(f"{name} must be the dict returned by {made_by}; it lacks the key(s) {', '.join(map(repr, missing))}")
    return data


def _describe_value(value: object) -> str:
    if isinstance(value, np.ndarray):
        return _describe(value)
    text = repr(value)
    return f"{text if len(text) <= 60 else text[:57] + '...'} ({type(value).__name__})"


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
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, the argument's name used in the messages; got {_describe_value(name)}")
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
