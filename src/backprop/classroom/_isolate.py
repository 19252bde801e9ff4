"""Run a check in a child process that can be killed: student code cannot hang the notebook.

``run_isolated(job, time_limit)`` forks; the child runs ``job(calls)``, where
``calls(fn, args, kwargs, where)`` is how the job calls the student's function: the child
tells the parent when each call starts and ends, so the parent can kill the child when a
call outlives the time limit, whatever the student's code does (a bare ``except:`` around
a loop, ``sys.exit()``, ``os._exit()``, a segfault, a flood of output).  What the child's
Python code prints is kept, up to :data:`OUTPUT_CAP` characters, and handed back; its
file descriptors 1 and 2 go to ``/dev/null``.

Where ``os.fork`` is missing (Windows) the job runs in this process with the thread
timeout of ``_runner.call_with_limit``; where nothing can be stopped (Pyodide,
``sys.platform == "emscripten"``) it runs directly, and the result says so.
"""

from __future__ import annotations

import io
import os
import pickle
import select
import signal
import struct
import sys
import time
import warnings
from dataclasses import dataclass
from typing import Any, Callable

from backprop.classroom._runner import Outcome, call_with_limit

__all__ = ["OUTPUT_CAP", "Isolated", "run_isolated", "can_fork", "NO_LIMIT_NOTE"]

OUTPUT_CAP = 2000
"""Characters of the student's printed output shown under the cell; the rest is counted, not shown."""

SLACK = 60.0
"""Seconds the checker's own work (references, diagnosis) may take between two calls."""

NO_LIMIT_NOTE = "note: this platform (Pyodide) can neither fork nor time out, so the function ran directly, without a time limit"


class _CappedText(io.TextIOBase):
    """A stdout that keeps the first OUTPUT_CAP characters and counts the rest."""

    def __init__(self, cap: int = OUTPUT_CAP) -> None:
        self.cap, self.kept, self.dropped = cap, [], 0
        self._size = 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        room = self.cap - self._size
        if room > 0:
            self.kept.append(text[:room])
            self._size += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def text(self) -> str:
        out = "".join(self.kept)
        if self.dropped:
            out += f"\n[... {self.dropped} more characters of output not shown]"
        return out


@dataclass
class Isolated:
    """What the parent learnt: the job's value, or how the child ended."""

    value: Any = None
    output: str = ""
    timed_out: bool = False
    died: str = ""  # "exit code 3" or "signal 11 (SIGSEGV)": the child ended without an answer
    where: str = ""  # the call under way when the child timed out or died (the job's words)
    note: str = ""


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "emscripten"


def _send(fd: int, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    header = struct.pack("!Q", len(data))
    view = memoryview(header + data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


class _Reader:
    def __init__(self, fd: int) -> None:
        self.fd, self.buf = fd, b""

    def message(self, timeout: float):
        """The next message, ``_TIMEOUT`` after ``timeout`` seconds, or ``_EOF``."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buf) >= 8:
                (size,) = struct.unpack("!Q", self.buf[:8])
                if len(self.buf) >= 8 + size:
                    data, self.buf = self.buf[8 : 8 + size], self.buf[8 + size :]
                    return pickle.loads(data)
            left = deadline - time.monotonic()
            if left <= 0:
                return _TIMEOUT
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                return _TIMEOUT
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return _EOF
            self.buf += chunk


_TIMEOUT, _EOF = object(), object()


def _describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = "an unknown signal"
        return f"signal {sig} ({name})"
    if os.WIFEXITED(status):
        return f"exit code {os.WEXITSTATUS(status)}"
    return "an unknown way"


def _child(job: Callable, write_fd: int) -> None:
    """In the forked child: run the job, send its value, end without cleanup."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the notebook's interrupt is the parent's business
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        captured = _CappedText()
        sys.stdout = sys.stderr = captured

        def calls(fn, args, kwargs, where: str) -> Outcome:
            _send(write_fd, ("call", where))
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    import numpy as np

                    with np.errstate(all="ignore"):
                        outcome = Outcome(value=fn(*args, **kwargs))
            except SystemExit as exc:
                outcome = Outcome(error=exc)
            except BaseException as exc:  # noqa: BLE001 -- whatever the student raised, report it
                outcome = Outcome(error=exc)
            _send(write_fd, ("back", where))
            return outcome

        value = job(calls)
        try:
            _send(write_fd, ("value", value, captured.text()))
        except Exception as exc:  # noqa: BLE001 -- an answer that does not pickle
            _send(write_fd, ("value", RuntimeError(f"the check's answer could not be sent back ({exc})"), captured.text()))
    except BaseException:  # noqa: BLE001 -- never let the child return into the notebook's code
        code = 70
    finally:
        os._exit(code)


def run_isolated(job: Callable[[Callable], Any], time_limit: float) -> Isolated:
    """Run ``job(calls)`` where the student's function can be killed; see the module's docstring."""
    if not can_fork():
        if sys.platform == "emscripten":
            def direct(fn, args, kwargs, where):
                try:
                    return Outcome(value=fn(*args, **kwargs))
                except BaseException as exc:  # noqa: BLE001
                    return Outcome(error=exc)

            return Isolated(value=job(direct), note=NO_LIMIT_NOTE)
        return Isolated(value=job(lambda fn, args, kwargs, where: call_with_limit(fn, args, kwargs, time_limit)))

    read_fd, write_fd = os.pipe()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001
            pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # "fork() in a multi-threaded process" (3.12)
        pid = os.fork()
    if pid == 0:  # the child
        os.close(read_fd)
        _child(job, write_fd)
    os.close(write_fd)
    reader = _Reader(read_fd)
    result = Isolated()
    where, in_call = "", False
    finished = False
    try:
        while True:
            msg = reader.message(time_limit if in_call else SLACK)
            if msg is _TIMEOUT:
                result.timed_out, result.where = True, where
                break
            if msg is _EOF:
                break
            if msg[0] == "call":
                where, in_call = msg[1], True
            elif msg[0] == "back":
                in_call = False
            elif msg[0] == "value":
                result.value, result.output = msg[1], msg[2]
                finished = True
                break
    finally:
        os.close(read_fd)
        if not finished:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        _, status = os.waitpid(pid, 0)
    if not finished and not result.timed_out:
        result.died, result.where = _describe_status(status), (where if in_call else "")
    return result
