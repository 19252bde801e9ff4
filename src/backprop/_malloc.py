"""Keep freed memory for reuse: the C allocator's thresholds, set once at import.

A training step allocates the same large temporaries every time (LeNet's im2col matrix is
7 MB in float64, its maps 1.8 MB each) and frees them at its end.  With glibc's default
settings the allocator hands such blocks back to the operating system after every step
(``munmap``, or trimming the top of the heap) and the next step takes them again, one page
fault per 4 KiB page; on the virtual machine this book was measured on, that made a float64
LeNet step about 1.8 times slower and left the second thread (``bp.set_num_threads(2)``)
slower than one.  :func:`keep_freed_memory` raises the two thresholds so that blocks up to
32 MiB come from the heap and up to 256 MiB of freed heap is kept for the next step: the
process keeps at most that much more memory than it uses, and every number computed is the
same.  ``import backprop`` calls it on Linux with glibc, unless the environment variable
``BACKPROP_KEEP_FREED_MEMORY`` is ``0``; elsewhere (macOS, Windows, the browser) it does
nothing.  ``benchmarks/NOTES.md`` has the measurements.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

__all__ = ["keep_freed_memory", "keep_freed_memory_unless_refused"]

_M_TRIM_THRESHOLD = -1  # glibc's <malloc.h>
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 32 * 2**20  # the largest glibc accepts on 64-bit systems
TRIM_THRESHOLD_BYTES = 256 * 2**20


def keep_freed_memory() -> bool:
    """Ask glibc's malloc to serve blocks up to 32 MiB from its heap and to keep up to 256 MiB
    of freed heap instead of returning it to the system; True if it could (Linux with glibc)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no thresholds to set)
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))


def keep_freed_memory_unless_refused() -> bool:
    """What ``import backprop`` does: :func:`keep_freed_memory`, unless the environment variable
    ``BACKPROP_KEEP_FREED_MEMORY`` is ``0`` (then nothing, and False)."""
    raw = os.environ.get("BACKPROP_KEEP_FREED_MEMORY", "").strip()
    if raw not in ("", "0", "1"):
        raise ValueError(f"the environment variable BACKPROP_KEEP_FREED_MEMORY must be 0 or 1; got {raw!r}")
    return raw != "0" and keep_freed_memory()
