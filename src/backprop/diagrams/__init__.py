"""Figures that the sources refer to but whose images are missing, drawn by code.

``backprop.diagrams.network``: dense networks (seed 000 Fig. A.1, A.2; seed 002 Fig. 3.2-3.4).
``backprop.diagrams.cnn``: convolutional networks (seed 000 Fig. A.3; seed 002 Fig. 2.1, 3.1).
Every function returns a ``matplotlib.figure.Figure``.
"""
