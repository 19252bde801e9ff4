"""A progress report for training whose printed text is the same on every run.

Stored notebook outputs are compared with a fresh execution (nbval, strict), so the
report prints nothing that varies between runs: no elapsed time, no rates, no
carriage returns.  It prints one line per epoch, e.g.::

    epoch  3/10 [######--------------] loss 0.1234  train acc 0.9123  test acc 0.9000

Numbers are rounded to 4 decimals.  (A tqdm bar would print its elapsed time and
iteration rate unless told otherwise; a plain line is simpler and always the same.)
"""

from __future__ import annotations

import sys
from typing import TextIO

from backprop._validation import check_positive_int

__all__ = ["EpochProgress", "format_epoch_line"]

BAR_WIDTH = 20


def format_epoch_line(
    epoch: int,
    epochs: int,
    train_loss: float,
    train_accuracy: float,
    test_accuracy: float | None = None,
    width: int = BAR_WIDTH,
) -> str:
    """The line printed after ``epoch`` (1-based) of ``epochs``: a text bar and the metrics.

    The bar has ``width`` characters, ``#`` for the finished share of the epochs and
    ``-`` for the rest.  ``test_accuracy=None`` leaves the test column out.
    """
    epochs = check_positive_int("epochs", epochs)
    epoch = check_positive_int("epoch", epoch)
    if epoch > epochs:
        raise ValueError(f"epoch must be between 1 and epochs = {epochs}; got {epoch}")
    done = (width * epoch) // epochs
    digits = len(str(epochs))
    line = (
        f"epoch {epoch:>{digits}}/{epochs} [{'#' * done}{'-' * (width - done)}] "
        f"loss {train_loss:.4f}  train acc {train_accuracy:.4f}"
    )
    if test_accuracy is not None:
        line += f"  test acc {test_accuracy:.4f}"
    return line


class EpochProgress:
    """Prints :func:`format_epoch_line` after each epoch to ``file`` (default: stdout).

    ``enabled=False`` prints nothing, so callers need no ``if``.
    """

    def __init__(self, epochs: int, *, enabled: bool = True, file: TextIO | None = None):
        self.epochs = check_positive_int("epochs", epochs)
        self.enabled = bool(enabled)
        self.file = file
        self.lines: list[str] = []

    def update(
        self, epoch: int, train_loss: float, train_accuracy: float, test_accuracy: float | None = None
    ) -> str:
        """Format, remember and (if enabled) print the line of ``epoch``; return it."""
        line = format_epoch_line(epoch, self.epochs, train_loss, train_accuracy, test_accuracy)
        self.lines.append(line)
        if self.enabled:
            # one write and one flush per line: a notebook kernel then sends exactly one
            # stream message per epoch, so the stored output is split the same way every run
            out = self.file if self.file is not None else sys.stdout
            out.write(line + "\n")
            out.flush()
        return line
