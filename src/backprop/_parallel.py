"""Threads for the big layer calls, without changing a single bit of their results.

``set_num_threads(n)`` (default 1, or the environment variable ``BACKPROP_NUM_THREADS``
read at import) sets how many threads the conv, pooling and activation layers may use.
numpy releases the GIL in its ufuncs, copies and matrix products, so two Python threads
working on two halves of a batch run on two cores.

Only work whose result does not depend on how it is split is ever split: elementwise
operations and copies on sample ranges, and products done sample by sample (each sample's
product is the same BLAS call whatever the chunk it falls in).  Reductions over the batch
(a kernel gradient summed over samples, a bias gradient) stay in one thread, in the same
order as with one thread.  So every result is the same to the last bit with 1, 2 or more
threads, and the book's stored outputs (made with one) do not depend on the setting.
With one thread, or for calls smaller than :data:`MIN_BYTES`, no pool is involved: the
function is called once on the whole range.
"""

from __future__ import annotations

import contextvars
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from backprop._validation import check_positive_int

__all__ = ["set_num_threads", "get_num_threads", "map_over_batch", "map_rows", "run_together", "MIN_BYTES"]

#: Calls on less data than this (in bytes) run in one thread: below it, handing work to
#: another thread (tens of microseconds) costs about what it saves.
MIN_BYTES = 256 * 1024

_num_threads = 1
_pool: ThreadPoolExecutor | None = None  # _num_threads - 1 threads, made on first use
_in_worker = threading.local()  # a pool thread never waits for the pool (no deadlock)


def set_num_threads(n: int) -> int:
    """Let the layers use ``n`` threads (an integer >= 1); returns the previous count.

    Results are bit-for-bit the same for every ``n``.  This does not change the threads of
    the BLAS library itself (use ``threadpoolctl`` or ``OPENBLAS_NUM_THREADS`` for those).
    """
    global _num_threads, _pool
    n = check_positive_int("n (the number of threads)", n)
    previous, _num_threads = _num_threads, n
    if _pool is not None and n != previous:
        _pool.shutdown(wait=True)
        _pool = None
    return previous


def get_num_threads() -> int:
    """The thread count set by :func:`set_num_threads` (1 by default)."""
    return _num_threads


def _threads_for(nbytes: int) -> int:
    if _num_threads == 1 or nbytes < MIN_BYTES or getattr(_in_worker, "busy", False):
        return 1
    return _num_threads


def _submit(fn, *args):
    """Run ``fn(*args)`` on a pool thread, with the caller's numpy error state (a context variable)."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=_num_threads - 1, thread_name_prefix="backprop")
    return _pool.submit(contextvars.copy_context().run, _as_worker, fn, *args)


def _as_worker(fn, *args):
    _in_worker.busy = True
    try:
        return fn(*args)
    finally:
        _in_worker.busy = False


def map_over_batch(fn, n_items: int, nbytes: int) -> None:
    """Call ``fn(start, stop)`` on contiguous ranges that together cover ``range(n_items)``.

    ``fn`` writes its part of the result into arrays allocated by the caller; it must give
    the same values however the range is cut (elementwise work, copies, one product per
    item).  ``nbytes``, the size of the data involved, decides whether to split at all:
    with one thread, or below :data:`MIN_BYTES`, it is one call ``fn(0, n_items)``.
    """
    k = min(_threads_for(nbytes), n_items)
    if k <= 1:
        fn(0, n_items)
        return
    bounds = [n_items * i // k for i in range(k + 1)]
    futures = [_submit(fn, bounds[i], bounds[i + 1]) for i in range(1, k)]
    try:
        fn(bounds[0], bounds[1])  # the first range on the calling thread
    finally:
        for future in futures:
            future.exception()  # waits for every range, even after an error here
    for future in futures:
        future.result()  # re-raises an error of a pool thread


def map_rows(kernel, out, *arrays):
    """``kernel(*arrays, out)`` for an elementwise kernel and arrays of one shape; returns ``out``
    (a numpy scalar for 0-d arrays, as a ufunc would).

    The kernel writes into ``out``; it is called on ranges of rows (the first axis) of
    every array when threads are allowed and the arrays are C-contiguous (so that every
    range goes through numpy's same contiguous loop, whose values do not depend on where a
    range starts or ends).
    """
    if out.ndim == 0:  # views of shape (1,): the kernel's temporaries stay arrays
        kernel(*(a.reshape(1) for a in arrays), out.reshape(1))
        return out[()]
    if not all(a.flags.c_contiguous for a in (out, *arrays)):
        kernel(*arrays, out)
    else:
        map_over_batch(lambda s, e: kernel(*(a[s:e] for a in arrays), out[s:e]), len(out), out.nbytes * (1 + len(arrays)))
    return out


def run_together(first, second, nbytes: int):
    """``(first(), second())``: the two at the same time when threads are allowed.

    For two independent computations (each unchanged, so the results are the same bits);
    ``second`` runs on a pool thread, ``first`` on the calling one.
    """
    if _threads_for(nbytes) == 1:
        return first(), second()
    future = _submit(second)
    try:
        a = first()
    finally:
        future.exception()  # waits for second(), even after an error of first()
    return a, future.result()  # re-raises an error of second()


def _from_environment() -> int:
    raw = os.environ.get("BACKPROP_NUM_THREADS", "").strip()
    if not raw:
        return 1
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"the environment variable BACKPROP_NUM_THREADS must be an integer >= 1; got {raw!r}")
    return int(raw)


set_num_threads(_from_environment())
