"""A progress report for training whose printed text is the same on every run.

Stored notebook outputs are compared with a fresh execution (nbval, strict), so the
report prints nothing that varies between runs: no elapsed time, no rates, no
carriage returns.  It writes one line per epoch, e.g.::

    epoch  3/10 [###-------] loss 0.1234  train acc 0.9123  test acc 0.9000

Numbers are rounded to 4 decimals.  (A tqdm bar would print its elapsed time and
iteration rate unless told otherwise; a plain line is simpler and always the same.)

The lines go to ``file`` if one is given, else to standard output, with one write and
one flush per line, so that a notebook kernel sends one stream message per epoch and
the stored output never depends on timing.  (Updating one display in place would look
tidier in a notebook, but nbval cannot compare ``update_display_data`` messages.)
"""

from __future__ import annotations

import sys
from typing import TextIO

from backprop._validation import check_positive_int

__all__ = ["EpochProgress", "format_epoch_line"]

BAR_WIDTH = 10


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
    """Writes :func:`format_epoch_line` after each epoch to ``file`` (default: stdout).

    ``enabled=False`` reports nothing, so callers need no ``if``; the lines are kept in
    ``lines`` either way.
    """

    def __init__(self, epochs: int, *, enabled: bool = True, file: TextIO | None = None):
        self.epochs = check_positive_int("epochs", epochs)
        self.enabled = bool(enabled)
        self.file = file
        self.lines: list[str] = []

    def update(
        self, epoch: int, train_loss: float, train_accuracy: float, test_accuracy: float | None = None
    ) -> str:
        """Format, remember and (if enabled) report the line of ``epoch``; return it."""
        line = format_epoch_line(epoch, self.epochs, train_loss, train_accuracy, test_accuracy)
        self.lines.append(line)
        if self.enabled:
            # one write and one flush per line: the split of the output never depends on timing
            out = self.file if self.file is not None else sys.stdout
            out.write(line + "\n")
            out.flush()
        return line
