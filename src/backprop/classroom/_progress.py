"""``progress()``: in a notebook, what is done, not done and failing."""

from __future__ import annotations

import contextlib
import inspect
import io
from dataclasses import dataclass

from backprop.classroom._registry import EXERCISES

__all__ = ["Progress", "progress"]


@dataclass(frozen=True)
class Progress:
    """The exercises of a notebook by state; its repr is a short table."""

    done: tuple[str, ...]
    failing: tuple[tuple[str, str], ...]  # (id, the checker's message)
    not_done: tuple[str, ...]

    @property
    def total(self) -> int:
        return len(self.done) + len(self.failing) + len(self.not_done)

    def __str__(self) -> str:
        lines = [f"progress: {len(self.done)} of {self.total} exercises done"]
        lines.append("  done:     " + (", ".join(self.done) or "-"))
        if self.failing:
            lines.append("  failing:")
            lines.extend(f"    {ex}: {msg}" for ex, msg in self.failing)
        else:
            lines.append("  failing:  -")
        lines.append("  not done: " + (", ".join(self.not_done) or "-"))
        return "\n".join(lines)

    __repr__ = __str__


def _chapter_ids(chapter: str) -> list[str]:
    chapter = chapter.removesuffix(".ipynb")
    ids = [e.id for e in EXERCISES.values() if e.chapter == chapter or e.chapter.split("/")[-1] == chapter]
    if not ids:
        chapters = sorted({e.chapter for e in EXERCISES.values()})
        raise ValueError(f"progress: chapter must be one of {chapters} (or its last part); got {chapter!r}")
    return ids


def progress(chapter: str | None = None, namespace: dict | None = None) -> Progress:
    """Check every exercise of this notebook and say which are done, failing and not done.

    The exercises are those of ``chapter`` (``"part2/activations"`` or ``"activations"``);
    without it, those of every chapter with an exercise function defined in ``namespace``
    (the notebook's variables, by default the caller's globals).  A function that is not
    defined, or still raises ``NotImplementedError``, is not done; the others are checked
    now (quietly: what they print is not shown).
    """
    from backprop.classroom._check import check

    if namespace is None:
        frame = inspect.currentframe()
        namespace = frame.f_back.f_globals if frame is not None and frame.f_back is not None else {}
    if chapter is not None:
        ids = _chapter_ids(chapter)
    else:
        chapters = [e.chapter for e in EXERCISES.values() if callable(namespace.get(e.id))]
        ids = [e.id for e in EXERCISES.values() if e.chapter in chapters] or list(EXERCISES)
    done, failing, not_done = [], [], []
    for ex_id in ids:
        fn = namespace.get(ex_id)
        if not callable(fn):
            not_done.append(ex_id)
            continue
        with contextlib.redirect_stdout(io.StringIO()):
            result = check(fn, exercise=ex_id)
        if result.passed:
            done.append(ex_id)
        elif result.status == "not done yet":
            not_done.append(ex_id)
        else:
            failing.append((ex_id, result.message))
    return Progress(tuple(done), tuple(failing), tuple(not_done))
