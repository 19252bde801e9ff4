"""Static figure builders of the book (each returns a matplotlib Figure); import from the submodules."""
