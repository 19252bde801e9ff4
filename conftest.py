"""Shared pytest configuration, loaded for every run of the repository (tests/ and the notebooks
of book/; nbval's options are in pyproject.toml, so that a bare `pytest` checks the notebooks)."""

import os

import matplotlib

# Notebook kernels inherit this. OpenBLAS on one thread: (1) the LeNet chapter's float32 training
# depends on the summation order, which changes between one thread and several, so every machine
# must use the count the stored outputs were made with; (2) two xdist workers, each running a
# kernel with multi-threaded BLAS on 2 cores, spin-wait on each other: LeNet took 10 minutes
# instead of 20 seconds. Small matrices are also faster on one thread.
os.environ["OPENBLAS_NUM_THREADS"] = "1"

matplotlib.use("Agg")


# Tests that `dev.py test` may run on either xdist worker, each on its own (node id prefixes).
# Every other test stays with the rest of its file (`--dist loadfile`): a file's tests share
# module fixtures (the built book, a browser) and a notebook's nbval cells must run in order in
# one kernel. The student edition's run of each notebook is the longest file otherwise.
RUN_ON_THEIR_OWN = ("tests/test_student_edition.py::test_every_notebook_of_the_edition_runs_as_handed_out[",)


def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile``, except that the tests of RUN_ON_THEIR_OWN are each a unit of their own.

    (pytest-xdist's ``loadgroup`` would do this with marks, but it renames node ids in a way that
    pytest 9 ignores, so it silently falls back to spreading a notebook's cells over workers.)
    """
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FileUnlessOnTheirOwn(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return nodeid if nodeid.startswith(RUN_ON_THEIR_OWN) else nodeid.split("::", 1)[0]

    return FileUnlessOnTheirOwn(config, log)
