"""The second half of a training step, in a second process (``bp.set_num_threads(2)``).

A CNN training step is hundreds of small numpy calls.  Two threads of one Python process
share them badly: each call holds the interpreter lock while Python runs between the
numpy kernels, a 2-D ``np.matmul`` holds it throughout, and waking the other core for a
short call costs about what the call saves (``benchmarks/NOTES.md``).  So with two or more
threads a model's training step on a batch of at least ``HALVES_MIN_BATCH`` samples
(:mod:`backprop.models._cnn`) sends its second half to one worker process, which runs the
same forward and backward pass on it while this process runs the first half; the two
halves' sums are then added.  Per step the worker receives the model (its parameters),
the half batch and the memory and work budgets, pickled, and sends back the half's loss
and gradients, or the error it raised, which is raised here with its own message.

The worker is started on first use (a new ``python`` running :func:`serve_stdio`, about a
second; it imports no script of the user's) with one BLAS thread and one layer thread,
talks through its standard input and output, and ends with this process.  Where it cannot
start (the browser, a platform without processes) or once it has died, the second half is
computed here: the same numbers, without the speed.
"""

from __future__ import annotations

import atexit
import os
import pickle
import struct
import subprocess
import sys
import threading

__all__ = ["start_second_half", "SecondHalf", "serve_stdio"]

_lock = threading.Lock()  # one step at a time talks to the worker
_state: dict = {"process": None, "failed": False}
_HEADER = struct.Struct("<Q")  # each message: its length, then the pickled bytes


def _send(stream, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream):
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError("the second-half worker closed its pipe")
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the second-half worker closed its pipe")
    return pickle.loads(data)


def _serve(incoming, outgoing) -> None:  # the worker's loop
    import backprop as bp
    from backprop._validation import inputs_already_checked

    bp.set_num_threads(1)
    while True:
        try:
            model, x, y, n_total, (memory, work) = _receive(incoming)
        except EOFError:
            return
        try:
            bp.set_memory_budget(memory)
            bp.set_work_budget(work)
            with inputs_already_checked():  # checked by the caller, as in one process
                reply = ("ok", model._part_loss_and_grads(x, y, n_total))
        except Exception as error:  # sent back and raised there
            reply = ("error", error)
        _send(outgoing, reply)


def _process():
    """The running worker, started if needed (a plain ``python -c``, so that no script of
    the user's is imported a second time); None if it cannot run here."""
    if _state["failed"] or sys.platform == "emscripten":
        return None
    process = _state["process"]
    if process is not None and process.poll() is None:
        return process
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "BACKPROP_NUM_THREADS": "1"}
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", "from backprop.models._second_process import serve_stdio; serve_stdio()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
        )
    except OSError:
        _state["failed"] = True
        return None
    _widen_pipe(process.stdin)
    _state["process"] = process
    return process


#: Bytes a pipe to the worker holds (Linux's default is 64 KiB): a half batch of LeNet's
#: float32 digits is about 110 KB pickled, and with the default the sender waits until the
#: worker, just woken, has read the first 64 KiB; with 1 MiB the whole request is one copy.
PIPE_BYTES = 1 << 20


def _widen_pipe(stream) -> None:
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (ImportError, OSError, ValueError):  # not Linux, or a smaller limit: the default pipe works, a little slower
        pass


def _forget() -> None:  # on fork
    _state["process"] = None


def _died() -> None:  # the worker's pipe closed: compute every half here from now on
    _state.update(process=None, failed=True)


def _stop() -> None:
    process = _state["process"]
    _forget()
    if process is not None:
        try:
            process.stdin.close()
            process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            process.kill()


atexit.register(_stop)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget)


class SecondHalf:
    """A half batch handed to the worker: :meth:`result` waits for its (loss, grads)."""

    def __init__(self, process, model, x, y, n_total):
        self.process, self.model, self.x, self.y, self.n_total = process, model, x, y, n_total

    def _reply(self):
        """The worker's reply, (kind, value); ("here", None) if the worker died."""
        try:
            return _receive(self.process.stdout)
        except (EOFError, OSError, pickle.UnpicklingError):  # the worker died: compute the half here
            _died()
            return "here", None
        except BaseException:  # interrupted while waiting (Ctrl-C): its reply would reach the next step
            _stop()
            raise
        finally:
            _lock.release()

    def discard(self) -> None:
        """Wait for the worker's reply and drop it (the first half failed)."""
        self._reply()

    def result(self):
        kind, value = self._reply()
        if kind == "here":
            return self.model._part_loss_and_grads(self.x, self.y, self.n_total)
        if kind == "error":
            raise value
        return value


def start_second_half(model, x, y, n_total: int) -> SecondHalf | None:
    """Send the samples x, y (a half of a batch of n_total) to the worker; None if there is
    none (compute the half here instead)."""
    from backprop._validation import memory_budget, work_budget

    if not _lock.acquire(blocking=False):  # another thread is using the worker
        return None
    try:
        process = _process()
        if process is not None:
            _send(process.stdin, (model, x, y, n_total, (memory_budget(), work_budget())))
            return SecondHalf(process, model, x, y, n_total)  # the lock is released with its reply
    except (OSError, pickle.PicklingError):  # a dead worker, or a model that cannot be pickled
        _stop()
    except BaseException:  # interrupted while sending: a half message would confuse the worker
        _stop()
        _lock.release()
        raise
    _lock.release()
    return None


def serve_stdio() -> None:
    """The worker's entry point: requests on standard input, replies on standard output."""
    incoming, outgoing = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # anything printed goes to stderr, never into the replies
    _serve(incoming, outgoing)
