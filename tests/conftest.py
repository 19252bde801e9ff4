"""Shared pytest configuration: nbval options are set here so that a bare `pytest` checks the notebooks."""

import matplotlib

matplotlib.use("Agg")
