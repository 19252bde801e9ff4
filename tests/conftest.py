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
