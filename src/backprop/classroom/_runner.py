"""Run a student's function safely: a time limit per call, warnings silenced, errors caught.

The checker must never crash and never hang the notebook.  On the main thread of a Unix
process (a Jupyter kernel, pytest) the call is interrupted by ``signal.setitimer``; the
interrupt is a ``BaseException`` so a student's ``except Exception`` cannot swallow it.
Elsewhere (Windows, a worker thread) the call runs in a daemon thread that is abandoned
when the limit passes, so the notebook stays usable either way.
"""

from __future__ import annotations

import re
import signal
import threading
import time
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

__all__ = ["Outcome", "call_with_limit", "brief_exception"]

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


class _TimeLimit(BaseException):
    """Raised inside the student's function when its time is up."""


@dataclass
class Outcome:
    """What one call produced: a value, an exception, or a timeout."""

    value: Any = None
    error: BaseException | None = None
    timed_out: bool = False


def brief_exception(exc: BaseException, limit: int = 160) -> str:
    """``"ValueError: shapes (3,4) and (3,4) not aligned"``: one line, no memory addresses."""
    text = " ".join(str(exc).split())
    text = _ADDRESS.sub("0x...", text)
    if len(text) > limit:
        text = text[: limit - 3].rstrip() + "..."
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def _call(fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _with_alarm(fn: Callable[..., Any], args: tuple, kwargs: dict, limit: float) -> Outcome:
    def on_alarm(signum, frame):  # noqa: ARG001
        raise _TimeLimit()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    start = time.monotonic()
    outer = (0.0, 0.0)
    try:
        outer = signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            return Outcome(value=_call(fn, args, kwargs))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _TimeLimit:
        return Outcome(timed_out=True)
    except Exception as exc:  # the student's error, reported, never re-raised
        return Outcome(error=exc)
    finally:
        signal.signal(signal.SIGALRM, previous)
        if outer[0] > 0:  # someone else's timer was running: give it back what is left
            signal.setitimer(signal.ITIMER_REAL, max(outer[0] - (time.monotonic() - start), 1e-3), outer[1])


def _with_thread(fn: Callable[..., Any], args: tuple, kwargs: dict, limit: float) -> Outcome:
    box: dict[str, Outcome] = {}

    def target() -> None:
        try:
            box["out"] = Outcome(value=_call(fn, args, kwargs))
        except Exception as exc:
            box["out"] = Outcome(error=exc)

    worker = threading.Thread(target=target, name="backprop-classroom-check", daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        return Outcome(timed_out=True)
    return box.get("out", Outcome(error=RuntimeError("the function stopped without returning")))


def call_with_limit(fn: Callable[..., Any], args: tuple, kwargs: dict, limit: float) -> Outcome:
    """Call ``fn(*args, **kwargs)`` for at most ``limit`` seconds; never raises."""
    on_main = threading.current_thread() is threading.main_thread()
    if on_main and hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM"):
        try:
            return _with_alarm(fn, args, kwargs, limit)
        except ValueError:  # signal handlers refused (an embedded interpreter)
            pass
    return _with_thread(fn, args, kwargs, limit)
