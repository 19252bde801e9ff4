"""Static figure builders of the book (matplotlib ``Figure`` objects, never pyplot).

Import a builder from its module, e.g.
``from backprop.figures.conv_backprop import draw_shared_weight``. This package imports
nothing heavy itself.
"""
