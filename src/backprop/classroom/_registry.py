"""The registry of coding exercises: :class:`Case`, :class:`Exercise`, :func:`register_exercise`.

The exercises themselves live one block each in ``backprop/classroom/exercises/part1.py``,
``part2.py`` and ``part3.py`` (cases, reference, independent formula, known mistakes,
hints and metadata together).  Each exercise draws its cases from a generator seeded by
its id (and, in graded mode, by the student's seed), so the cases, and therefore the
checker's messages, are the same on every run.

Hints cite the book the way its HTML shows it: write ``Eq. (eq-part1-net-row)`` or
``(erratum-000-a33)`` in a hint and the reader sees ``Eq. (1.5)`` or
``(see the box "Erratum: seed 000, Eq. A.33" in Section 9.7.1)``.  A label the book does not define
is an error at registration, not a silent hint.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

__all__ = ["Case", "Exercise", "EXERCISES", "register_exercise", "exercise_ids", "resolve_refs", "DIFFICULTIES"]

DIFFICULTIES = ("easy", "medium", "hard")
KINDS = ("array", "tuple", "int", "float")


@dataclass(frozen=True)
class Case:
    """One call of the student's function: positional and keyword arguments.

    ``factors`` maps a value to the words that explain it (e.g. ``{4.0: "size^2 = 4, ..."}``);
    when the answer is off by exactly that factor the hint quotes the words.
    ``n`` is the batch size of the case (``None`` when the exercise has no batch).
    """

    args: tuple
    kwargs: dict = field(default_factory=dict)
    factors: dict = field(default_factory=dict)
    n: int | None = None


@dataclass(frozen=True)
class Exercise:
    """A coding exercise: how to draw cases, what the answer is, what goes wrong, and what it is for.

    ``mistakes`` pairs a wrong formula with its hint (a sentence, or a function of the
    case's arguments that returns one, e.g. to name their shapes).  The hint is given when
    the student's result equals the wrong formula's, or when the student's function raises
    the very error the wrong formula raises (``delta_next @ W_next.T``: a shape error).
    ``formula`` is an independent formula of the answer (the tests compare it with
    ``reference`` on every case); ``forbidden`` names the package functions that compute
    the answer (a graded check reports a function that calls them as not a solution).
    """

    id: str
    chapter: str
    signature: str
    answer: str
    arg_names: tuple[str, ...]
    cases: Callable[[np.random.Generator], list[Case]]
    reference: Callable[..., Any]
    objective: str = ""
    difficulty: str = "medium"
    minutes: int = 10
    statement_args: tuple[tuple[str, str], ...] = ()
    returns: str = ""
    kind: str = "array"  # "array", "tuple", "int", "float"
    output_names: tuple[str, ...] = ()
    mistakes: tuple[tuple[Callable[..., Any], Any], ...] = ()
    nan_hint: str = ""
    batch: bool = False
    formula: Callable[..., Any] | None = None
    forbidden: tuple[str, ...] = ()
    accept_float32: bool = True

    def draw_cases(self, seed: int | None = None) -> list[Case]:
        """The exercise's cases, the same on every call: seeded by the id (and ``seed``, a student's)."""
        key = zlib.crc32(self.id.encode())
        rng = np.random.default_rng(key if seed is None else [key, int(seed)])
        return self.cases(rng)

    @property
    def mistake_hints(self) -> list[str]:
        """The hints of the known mistakes, as a reader sees them (for the exercises page)."""
        out = []
        for _, words in self.mistakes:
            if callable(words):
                text = getattr(words, "summary", None) or (words.__doc__ or "").strip().splitlines()[0]
            else:
                text = words
            out.append(resolve_refs(text))
        return out


EXERCISES: dict[str, Exercise] = {}
"""Every registered exercise, by id, in the book's order."""

_REF = re.compile(r"\b((?:eq|erratum|sec)-[a-z0-9-]*[a-z0-9])\b")
_EQ_REF = re.compile(r"Eq\. \((eq-[a-z0-9-]*[a-z0-9])\)")


def _book_refs() -> dict:
    from backprop.classroom._book_refs import BOOK_REFS

    return BOOK_REFS


def resolve_refs(text: str) -> str:
    """Replace the book's labels in a hint by what the HTML shows; an unknown label raises.

    ``Eq. (eq-part1-net-row)`` -> ``Eq. (1.5)``; ``(erratum-000-a33)`` -> the box's title and
    section; a bare ``sec-...`` or chapter label -> ``Section 2.1`` / ``Chapter 2``.
    """
    from backprop.classroom._numbering import format_ref

    refs = _book_refs()

    def one(label: str) -> str:
        if label not in refs:
            raise KeyError(f"the hint cites the label {label!r}, which the book does not define: {text!r}")
        kind, number, title, _ = refs[label]
        return format_ref(kind, number, title)

    text = _EQ_REF.sub(lambda m: one(m.group(1)), text)
    return _REF.sub(lambda m: one(m.group(1)), text)


def _require(ok: bool, name: str, expected: str, got: Any) -> None:
    if not ok:
        raise ValueError(f"register_exercise: {name} must be {expected}; got {got!r}")


def register_exercise(
    id: str,
    *,
    chapter: str,
    signature: str,
    answer: str,
    arg_names: tuple[str, ...],
    cases: Callable[[np.random.Generator], list[Case]],
    reference: Callable[..., Any],
    objective: str,
    difficulty: str,
    minutes: int,
    statement_args: tuple[tuple[str, str], ...],
    returns: str = "",
    kind: str = "array",
    output_names: tuple[str, ...] = (),
    mistakes: tuple = (),
    nan_hint: str = "",
    batch: bool = False,
    formula: Callable[..., Any] | None = None,
    forbidden: tuple[str, ...] = (),
    accept_float32: bool = True,
    replace: bool = False,
) -> Exercise:
    """Add a coding exercise to the registry and return it.

    ``id`` is the name of the function the student writes (``check(fn)`` finds it by
    ``fn.__name__``); ``chapter`` the notebook without suffix (``"part2/activations"``);
    ``cases(rng)`` returns a list of :class:`Case` drawn from the generator it is given
    (use distinct sizes, N != D != K, and for a batch exercise start with N = 1);
    ``reference(*args, **kwargs)`` the right answer; ``mistakes`` pairs
    ``(wrong_formula, hint)``.  ``objective`` (one sentence), ``difficulty`` ("easy",
    "medium", "hard"), ``minutes`` (expected time) and ``statement_args`` (each argument
    with its shape, e.g. ``("x", "(N, D) float64")``) describe the exercise on the
    "Exercises at a glance" page and in the student edition's statements.
    Raises ``ValueError`` on a duplicate id (unless ``replace=True``) or a malformed field,
    and ``KeyError`` when a hint cites a label the book does not define.
    """
    _require(isinstance(id, str) and id.isidentifier(), "id", "a Python identifier (the function's name)", id)
    _require(replace or id not in EXERCISES, "id", f"new (pass replace=True to replace {id!r})", id)
    _require(isinstance(chapter, str) and "/" in chapter, "chapter", 'a notebook path such as "part2/activations"', chapter)
    _require(difficulty in DIFFICULTIES, "difficulty", f"one of {DIFFICULTIES}", difficulty)
    _require(isinstance(minutes, int) and not isinstance(minutes, bool) and minutes > 0, "minutes", "a positive int", minutes)
    _require(kind in KINDS, "kind", f"one of {KINDS}", kind)
    _require(isinstance(objective, str) and objective.strip().endswith("."), "objective", "one sentence ending with '.'", objective)
    _require(callable(cases) and callable(reference), "cases and reference", "callables", (cases, reference))
    _require(kind != "tuple" or len(output_names) > 1, "output_names", "the names of the tuple's entries", output_names)
    names = tuple(name for name, _ in statement_args)
    _require(names == tuple(arg_names)[: len(names)] and len(names) > 0, "statement_args",
             f"(name, shape) pairs for the arguments {tuple(arg_names)}", statement_args)
    for _, words in mistakes:  # fail now, not in front of a student
        if isinstance(words, str):
            resolve_refs(words)
    if nan_hint:
        resolve_refs(nan_hint)
    ex = Exercise(
        id=id, chapter=chapter, signature=signature, answer=answer, arg_names=tuple(arg_names), cases=cases,
        reference=reference, objective=objective, difficulty=difficulty, minutes=minutes,
        statement_args=tuple(statement_args), returns=returns, kind=kind, output_names=tuple(output_names),
        mistakes=tuple(mistakes), nan_hint=nan_hint, batch=batch, formula=formula, forbidden=tuple(forbidden),
        accept_float32=accept_float32,
    )
    EXERCISES[id] = ex
    return ex


def exercise_ids() -> list[str]:
    """Every registered exercise id, in the book's order."""
    return list(EXERCISES)


def _load_book_exercises() -> None:
    from backprop.classroom.exercises import part1, part2, part3  # noqa: F401 -- registers, in the book's order


_load_book_exercises()
