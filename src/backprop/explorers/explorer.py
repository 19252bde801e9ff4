"""Classroom explorers: ipywidgets controls wired to a pure function and a figure.

Every explorer in the book is an :class:`Explorer`.  The math lives in a pure
``compute(**values) -> data`` function elsewhere in the package; ``draw(data) -> Figure``
turns that data into a matplotlib figure; the explorer only wires the controls to both.

* In a live notebook, :meth:`Explorer.show` displays one widget: the figure (an
  ``ipywidgets.Image``) above the controls; moving a control recomputes and redraws it.
* In the published HTML (no kernel, so no live controls) the same output shows
  *snapshots* instead: the states the text asks the reader to try, drawn one under the
  other, each labelled with its control values, and a line saying where the controls come
  alive.  The output carries both: the widget view for Jupyter, an HTML figure for every
  reader without a kernel (the book's build renders the HTML one, see ``_config.yml``).
* Tests call :meth:`Explorer.update` headlessly and assert on the data it computed, and
  :meth:`Explorer.snapshots` on the snapshots' data.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any, Callable, Mapping, Sequence

from matplotlib.figure import Figure

__all__ = ["Explorer", "SNAPSHOT_NOTE"]

#: The line under an explorer's snapshots in the HTML book.
SNAPSHOT_NOTE = ("Snapshots of the explorer at the states suggested in the text. In a running "
                 "notebook (JupyterLab, Binder, Colab or the in-browser version) the controls "
                 "move the figure.")
_MAX_SNAPSHOTS = 6


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
        if self._image is not None:
            self._image.value = base64.b64decode(_png(self.figure))
        return self.data

    _silent = False

    def _on_change(self, _change: Any) -> None:
        if not self._silent:
            self.update()

    def widget(self):
        """The figure (``ipywidgets.Image``) above the controls, in one ``ipywidgets.VBox``."""
        import ipywidgets

        if self._image is None:
            self._image = ipywidgets.Image(format="png", layout=ipywidgets.Layout(max_width="100%"))
        return ipywidgets.VBox([self._image, *self.controls.values()])

    _image = None

    def _label(self, values: Mapping[str, Any]) -> str:
        def fmt(v: Any) -> str:
            return f"{v:g}" if isinstance(v, float) else str(v)

        return ", ".join(f"{name} = {fmt(v)}" for name, v in values.items())

    def snapshots(self, states: Sequence[Mapping[str, Any]] | None = None) -> list[tuple[dict, Any]]:
        """``(values, data)`` for each state: the current values with that state's overrides.

        The controls are left as they were.  Unknown control names raise ``TypeError``; at
        most six states (each is computed and drawn once per page).
        """
        states = [{}] if states is None else list(states)
        if not states or len(states) > _MAX_SNAPSHOTS:
            raise ValueError(f"states must hold 1 to {_MAX_SNAPSHOTS} dicts of control values; got {len(states)}")
        base = self.values()
        out = []
        try:
            for state in states:
                if not isinstance(state, Mapping):
                    raise TypeError(f"each state must be a dict of control values; got {type(state).__name__}")
                self.update(**{**base, **state})
                out.append((self.values(), self.data))
        finally:
            self.update(**base)
        return out

    def snapshot_html(self, states: Sequence[Mapping[str, Any]] | None = None) -> str:
        """An HTML figure of the snapshots: one PNG per state, labelled, with alt text and a note."""
        parts = []
        for values, data in self.snapshots(states):
            label = self._label(values)
            png = _png(self.draw(data))
            parts.append(
                f'<p class="explorer-snapshot-label"><strong>{html.escape(label)}</strong></p>'
                f'<img src="data:image/png;base64,{png}" alt="{html.escape(self.alt)} '
                f'({html.escape(label)})" style="max-width: 100%; height: auto;"/>'
            )
        return ('<figure class="explorer-snapshots">' + "".join(parts)
                + f"<figcaption>{html.escape(SNAPSHOT_NOTE)}</figcaption></figure>")

    alt = "The explorer's figure"

    def show(self, snapshots: Sequence[Mapping[str, Any]] | None = None, alt: str | None = None) -> None:
        """Display the live explorer; readers without a kernel see ``snapshots`` instead.

        ``snapshots`` lists the states (dicts of control values) to draw for them, by
        default the current one; ``alt`` describes the figure for screen readers.
        """
        from IPython.display import display

        if alt is not None:
            self.alt = str(alt)
        static = self.snapshot_html(snapshots)
        view = self.widget()
        self.update()
        for widget in self.controls.values():
            widget.observe(self._on_change, names="value")
        bundle = dict(view._repr_mimebundle_())
        bundle["text/html"] = static
        bundle["text/plain"] = f"Explorer with controls {', '.join(self.controls)} (live in a running notebook)"
        display(bundle, raw=True)


def _png(figure: Figure) -> str:
    """The figure as a base64 PNG with no software or date metadata (the same bytes on every run)."""
    buf = io.BytesIO()
    figure.savefig(buf, format="png", metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode("ascii")
