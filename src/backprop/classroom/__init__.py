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
"""

from backprop.classroom._check import DEFAULT_TIME_LIMIT, CheckResult, check
from backprop.classroom._registry import EXERCISES, Exercise, exercise_ids

__all__ = ["check", "CheckResult", "EXERCISES", "Exercise", "exercise_ids", "DEFAULT_TIME_LIMIT"]
