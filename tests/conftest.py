"""Shared pytest configuration: nbval options are set here so that a bare `pytest` checks the notebooks."""

import os

import matplotlib

# Notebook kernels inherit this. The LeNet chapter's stored float32 outputs were computed with
# OpenBLAS on 2 threads (2, 4 and 8 threads give the same bits; 1 thread sums in another order
# and training drifts by a point of accuracy), so every run uses 2, whatever the machine has.
os.environ["OPENBLAS_NUM_THREADS"] = "2"

matplotlib.use("Agg")
