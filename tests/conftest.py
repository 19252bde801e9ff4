"""Shared pytest configuration: nbval options are set here so that a bare `pytest` checks the notebooks."""

import os

import matplotlib

# Notebook kernels inherit this. OpenBLAS on one thread: (1) the LeNet chapter's float32 training
# depends on the summation order, which changes between one thread and several, so every machine
# must use the count the stored outputs were made with; (2) two xdist workers, each running a
# kernel with multi-threaded BLAS on 2 cores, spin-wait on each other: LeNet took 10 minutes
# instead of 20 seconds. Small matrices are also faster on one thread.
os.environ["OPENBLAS_NUM_THREADS"] = "1"

matplotlib.use("Agg")


def pytest_collection_modifyitems(config, items):
    """Keep each file on one xdist worker (``--dist loadgroup``), except where a test says otherwise.

    ``dev.py test`` schedules by ``xdist_group``: a file's tests share module fixtures (the
    built book, a browser) and a notebook's nbval cells must run in order in one kernel, so
    each file is one group. A test may name its own group (the student edition's run of
    each notebook), so that the longest file is shared by both workers.
    """
    import pytest

    for item in items:
        if not any(mark.name == "xdist_group" for mark in item.iter_markers()):
            item.add_marker(pytest.mark.xdist_group(name=item.nodeid.split("::", 1)[0]))
