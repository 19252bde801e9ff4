"""Classroom tools: auto-checked coding exercises.

In a chapter's notebook the student writes a function and calls the checker on it::

    from backprop.classroom import check

    def sigmoid_prime(z):
        ### BEGIN SOLUTION
        s = 1.0 / (1.0 + np.exp(-z))
        return s * (1.0 - s)
        ### END SOLUTION

    check(sigmoid_prime)        # -> sigmoid_prime: passed (5 random cases)

The exercise is found by the function's name (or ``check(fn, exercise="id")``); the ids
and signatures are listed in :data:`EXERCISES` and in CONTRIBUTING.md.  The checker runs
the function on seeded random cases against the package's reference, never raises and
never hangs (a time limit per case), and answers in one deterministic line: passed, not
done yet (the stub of the student edition), or what is wrong, diagnosed from the numbers.
A teacher adds an exercise with :func:`register_exercise` (see "Adding an exercise" on
the book's teaching page).
"""

from backprop.classroom._check import DEFAULT_TIME_LIMIT, CheckResult, FailedCase, check
from backprop.classroom._progress import Progress, progress
from backprop.classroom._registry import EXERCISES, Case, Exercise, exercise_ids, register_exercise, resolve_refs
from backprop.classroom._score import Row, score, score_notebook

__all__ = [
    "check", "CheckResult", "FailedCase", "progress", "Progress", "EXERCISES", "Exercise", "Case", "exercise_ids",
    "register_exercise", "resolve_refs", "score", "score_notebook", "Row", "DEFAULT_TIME_LIMIT",
]
