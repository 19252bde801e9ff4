"""Threads for the big layer calls, without changing a single bit of their results.

``set_num_threads(n)`` (default 1, or the environment variable ``BACKPROP_NUM_THREADS``
read at import) sets how many threads the conv, pooling and activation layers may use.
numpy releases the GIL in its ufuncs, copies and matrix products, so two Python threads
working on two halves of a batch run on two cores.

Only work whose result does not depend on how it is split is ever split: elementwise
operations and copies on ranges of samples, products done one sample (or one channel) at
a time (each is the same BLAS call whatever the range it falls in), and the finite checks
(a logical AND).  Sums over the batch (a kernel gradient summed over samples, a bias
gradient) stay in one thread, in the same order as with one thread.  So every layer's
result is the same to the last bit with 1, 2 or more threads.  (A CNN's training step on a
batch of 64 or more goes further with two or more threads: its second half runs in a
worker process, see ``backprop.models._second_process``; the book's stored outputs are made
with one thread.)
With one thread, or for calls smaller than :data:`MIN_BYTES`, no pool is involved: the
function is called once on the whole range.
"""

from __future__ import annotations

import contextvars
import os
import queue
import threading

from backprop._layout import memory_order

__all__ = ["set_num_threads", "get_num_threads", "map_over_batch", "map_rows", "MIN_BYTES"]

#: Calls on less data than this (in bytes) run in one thread: below it, handing work to
#: another thread (30-100 microseconds on the 2-core machine the book was measured on, whose
#: idle core must be woken) costs about what it saves.  With 4 MiB, LeNet's float64 im2col
#: matrices and maps are shared out and its float32 ones are not (benchmarks/NOTES.md).
MIN_BYTES = 4 * 1024 * 1024


def _from_environment() -> int:  # read once, at import
    raw = os.environ.get("BACKPROP_NUM_THREADS", "").strip()
    if not raw:
        return 1
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"the environment variable BACKPROP_NUM_THREADS must be an integer >= 1; got {raw!r}")
    return int(raw)


_num_threads = _from_environment()


class _Worker:
    """A pool thread: runs one task at a time, in the caller's context (its numpy error
    state is a context variable), and reports the end of each (None, or the error).

    Two C-level queues, no futures: a hand-off costs about 15 microseconds.
    """

    def __init__(self):
        self.tasks, self.done = queue.SimpleQueue(), queue.SimpleQueue()
        threading.Thread(target=self._loop, name="backprop-worker", daemon=True).start()

    def _loop(self):
        while True:
            context, fn, args = self.tasks.get()
            try:
                context.run(fn, *args)
                self.done.put(None)
            except BaseException as error:  # handed to the caller, who raises it
                self.done.put(error)

    def start(self, fn, *args) -> None:
        self.tasks.put((contextvars.copy_context(), fn, args))

    def wait(self):
        return self.done.get()


_workers: list[_Worker] = []  # made on first use, never more than needed
_busy = threading.Lock()  # held while the pool works: any other caller (a task itself, another thread) runs alone


def _forget_workers() -> None:  # a forked child has none of its parent's threads
    global _busy
    _workers.clear()
    _busy = threading.Lock()


os.register_at_fork(after_in_child=_forget_workers)


def set_num_threads(n: int) -> int:
    """Let the layers use ``n`` threads (an integer >= 1); returns the previous count.

    Every layer gives bit-for-bit the same results for every ``n``.  The two CNN models,
    given a batch of at least 64 samples with ``n >= 2``, send its second part to a worker
    process (``backprop.models._second_process``): the same bits for every ``n >= 2``, the
    same numbers as one thread to rounding.  This does not change the threads of the BLAS
    library itself (use ``threadpoolctl`` or ``OPENBLAS_NUM_THREADS`` for those).
    """
    from backprop._validation import check_positive_int  # not at the top: _validation imports this module

    global _num_threads
    n = check_positive_int("n (the number of threads)", n)
    previous, _num_threads = _num_threads, n
    return previous


def get_num_threads() -> int:
    """The thread count set by :func:`set_num_threads` (1 by default)."""
    return _num_threads


def _run(tasks, first):
    """Start every ``(fn, *args)`` of ``tasks`` on its own pool thread, call ``first()`` here, wait for all."""
    while len(_workers) < len(tasks):
        _workers.append(_Worker())
    for worker, (fn, *args) in zip(_workers, tasks):
        worker.start(fn, *args)
    try:
        result = first()
    finally:
        errors = [worker.wait() for worker in _workers[: len(tasks)]]  # every task ends, even after an error here
    for error in errors:
        if error is not None:
            raise error
    return result


def map_over_batch(fn, n_items: int, nbytes: int) -> None:
    """Call ``fn(start, stop)`` on contiguous ranges that together cover ``range(n_items)``.

    ``fn`` writes its part of the result into arrays allocated by the caller; it must give
    the same values however the range is cut (elementwise work, copies, one product per
    item).  ``nbytes``, the size of the data involved, decides whether to split at all:
    with one thread, or below :data:`MIN_BYTES`, it is one call ``fn(0, n_items)``.
    """
    k = min(_num_threads, n_items) if nbytes >= MIN_BYTES else 1
    if k <= 1 or not _busy.acquire(blocking=False):
        fn(0, n_items)
        return
    try:
        bounds = [n_items * i // k for i in range(k + 1)]
        _run([(fn, bounds[i], bounds[i + 1]) for i in range(1, k)], lambda: fn(bounds[0], bounds[1]))
    finally:
        _busy.release()


def map_rows(kernel, out, *arrays):
    """``kernel(*arrays, out)`` for an elementwise kernel and arrays of one shape; returns ``out``
    (a numpy scalar for 0-d arrays, as a ufunc would).

    The kernel writes into ``out``; it is called on ranges of rows of every array when
    threads are allowed and the arrays are dense blocks of memory laid out in the same
    order (C-contiguous, or the batch-last maps of the CNN layers, which are seen in their
    memory order first): every range then goes through numpy's same contiguous loop, whose
    values do not depend on where a range starts or ends.
    """
    if out.ndim == 0:  # views of shape (1,): the kernel's temporaries stay arrays
        kernel(*(a.reshape(1) for a in arrays), out.reshape(1))
        return out[()]
    order = memory_order(out)
    if order is None or any(a.shape != out.shape or memory_order(a) != order for a in arrays):
        kernel(*arrays, out)
        return out
    views = [a.transpose(order) for a in (out, *arrays)]
    first, rest = views[0], views[1:]
    map_over_batch(lambda s, e: kernel(*(a[s:e] for a in rest), first[s:e]), len(first), out.nbytes * (1 + len(arrays)))
    return out
