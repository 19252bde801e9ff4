"""Classroom explorers: ipywidgets controls wired to a pure function and a figure.

Every explorer in the book is an :class:`Explorer`.  The math lives in a pure
``compute(**values) -> data`` function elsewhere in the package; ``draw(data) -> Figure``
turns that data into a matplotlib figure; the explorer only wires the controls to both.

* In a live notebook, :meth:`Explorer.show` displays the first figure as an ordinary
  output, then the controls; moving a control recomputes and replaces that figure in place
  (``display_id``), so no figure ever piles up.
* In the published HTML (no kernel), the first figure is a plain image and shows even
  without any JavaScript.
* Tests call :meth:`Explorer.update` headlessly and assert on the data it computed.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from matplotlib.figure import Figure

__all__ = ["Explorer"]


class Explorer:
    """Controls -> ``compute(**values)`` -> ``draw(data)`` -> figure.

    Parameters
    ----------
    compute : pure function of the control values (keyword arguments) returning the data
        to show; it must not touch widgets or matplotlib.
    draw : function of that data returning a ``matplotlib.figure.Figure``; build it with
        ``Figure(...)`` rather than ``pyplot`` so that Jupyter does not show it twice.
    controls : mapping from ``compute``'s keyword names to ipywidgets value widgets.
    """

    def __init__(self, compute: Callable[..., Any], draw: Callable[[Any], Figure], controls: Mapping[str, Any]):
        if not controls:
            raise ValueError("controls must name at least one widget")
        self.compute = compute
        self.draw = draw
        self.controls = dict(controls)
        self.data: Any = None
        self.figure: Figure | None = None
        self._handle = None

    def values(self) -> dict[str, Any]:
        """The controls' current values, by keyword name."""
        return {name: widget.value for name, widget in self.controls.items()}

    def update(self, **overrides: Any) -> Any:
        """Set the given controls (headless use), recompute, redraw; return the new data.

        Unknown names raise ``TypeError`` that lists the known ones.
        """
        unknown = sorted(set(overrides) - set(self.controls))
        if unknown:
            raise TypeError(f"unknown control(s) {unknown}; this explorer has {sorted(self.controls)}")
        self._silent = True
        try:
            for name, value in overrides.items():
                self.controls[name].value = value
        finally:
            self._silent = False
        self.data = self.compute(**self.values())
        self.figure = self.draw(self.data)
        if self._handle is not None:
            self._handle.update(self.figure)
        return self.data

    _silent = False

    def _on_change(self, _change: Any) -> None:
        if not self._silent:
            self.update()

    def widget(self):
        """The controls in one box (ipywidgets.VBox)."""
        import ipywidgets

        return ipywidgets.VBox(list(self.controls.values()))

    def show(self) -> None:
        """Display the first figure, then the controls, and make them live."""
        from IPython.display import display

        self.update()
        self._handle = display(self.figure, display_id=True)
        for widget in self.controls.values():
            widget.observe(self._on_change, names="value")
        display(self.widget())
