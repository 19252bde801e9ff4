"""The book's coding exercises, one module per part, one block per exercise.

Importing a part registers its exercises (``backprop.classroom.register_exercise``) in
the book's order.  Shared helpers (case sizes, factors, small formulas) are in ``_common``.
"""
