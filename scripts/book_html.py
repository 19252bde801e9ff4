"""Sphinx extension of the book (``sphinx.local_extensions`` in ``_config.yml``): light pages that work offline.

1. **Explorers as snapshots, no widget manager.** A published page has no kernel, so live
   widget controls could only pretend. Every explorer's output carries an HTML figure of
   snapshots besides its widget view (``backprop.explorers.Explorer.show``); the book renders
   that figure (``nb_mime_priority_overrides`` in ``_config.yml`` drops the widget view) and
   this extension turns off myst-nb's ipywidgets manager (``nb_ipywidgets_js``), which would
   otherwise load 3.6 MB of JavaScript into every page with a widget.
2. **One copy of each inline script.** With Sphinx 7.4, the inline configuration scripts
   of sphinx-thebe and sphinx-togglebutton end up twice in every page; the second
   ``const THEBE_JS_URL`` is a JavaScript error. Exact duplicates are dropped.
3. **No fontawesome.js.** The theme loads 1.5 MB of JavaScript to draw 18 icons; book.css
   draws them from the theme's own web fonts instead (a chapter page weighs under 3 MB).
4. **Erratum boxes that ``{ref}`` can name.** CONTRIBUTING.md puts a label right before an
   admonition (``(erratum-002-3-39)=`` then ``:::{admonition} Erratum: ...``). Sphinx only
   gives titles to labels on sections, figures, tables and code blocks, so a bare
   ``{ref}`erratum-002-3-39``` fails ("A title or caption not found"). This extension
   registers such labels with the admonition's title as the link text.

4. **Notebook downloads any Jupyter can read.** The page's download button serves
   ``_sources/<page>.ipynb``, a copy of the MyST notebook. After the build, every such copy
   is rewritten in plain Markdown by ``scripts/myst_markdown.py`` (exercises and erratum
   boxes as bold titles and blockquotes, solutions as ``<details>`` blocks, ``{eq}``,
   ``{ref}``, ``{doc}`` and ``{cite}`` as the numbers and titles of the pages), so JupyterLab,
   Colab or VS Code without the MyST extension show what the page shows.
5. **"Run in the browser".** Every notebook page's launch menu gets a first entry that opens the
   chapter in the book's own JupyterLite tab (``lite/``, built by ``scripts/build_lite.py``). The
   link is relative to the page (``../../lite/lab/index.html?path=book/part1/x.ipynb``), so it
   works from any page depth and under a sub-path such as GitHub Pages' ``/REPO/``; the theme's
   ``jupyterlite_url`` option would need one absolute URL for every page.

MathJax itself comes from the PyPI package ``sphinx-mathjax-offline`` (another extension).
"""

from __future__ import annotations

import re
from pathlib import Path


def _no_widget_manager(app, config) -> None:
    config.nb_ipywidgets_js = {}


def _fix_page_scripts(app, pagename, templatename, context, doctree) -> None:
    """Drop exact duplicates of a script, and the (unused) embedded widget state."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        attributes = getattr(js, "attributes", None) or {}
        if attributes.get("type") == "application/vnd.jupyter.widget-state+json":
            continue  # only the live widget manager reads it, and the book loads none
        # the same inline script may come once with filename None and once with ""
        key = (getattr(js, "filename", str(js)) or "", tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


_FONTAWESOME_JS = re.compile(r'[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>\n?')


def _drop_fontawesome_js(app, exc) -> None:
    """The theme's template loads fontawesome.js into every page; book.css draws the icons instead."""
    if exc is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lighter = _FONTAWESOME_JS.sub("", text)
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")


def _title_labelled_admonitions(app, doctree) -> None:
    """Give every label placed on an admonition the admonition's title, so ``{ref}`label``` works."""
    from docutils import nodes

    std = app.env.get_domain("std")
    docname = app.env.docname
    for name, (doc, labelid) in list(std.anonlabels.items()):
        if doc != docname or name in std.labels:
            continue
        node = doctree.ids.get(labelid)
        if isinstance(node, nodes.Admonition) and node.children and isinstance(node[0], nodes.title):
            std.labels[name] = (docname, labelid, node[0].astext())


def _plain_notebook_downloads(app, exc) -> None:
    """Rewrite the downloadable ``_sources/**/*.ipynb`` of the HTML build in plain Markdown."""
    if exc is not None or app.builder.format != "html":
        return
    import myst_markdown
    import nbformat

    sources = Path(app.outdir) / "_sources"
    if not sources.is_dir():
        return
    labels = myst_markdown.book_labels(Path(app.srcdir))
    for path in sorted(sources.rglob("*.ipynb")):
        docname = path.relative_to(sources).with_suffix("").as_posix()
        nb = nbformat.read(path, as_version=4)
        myst_markdown.convert_notebook(nb, labels, docname, solutions="details")
        nbformat.write(nb, path)


LITE_APP = "lite/lab/index.html"  # scripts/build_lite.py builds _build/html/lite; notebooks under files/
LITE_LABEL = "launch-browser"
LITE_TOOLTIP = ("Run this chapter in your browser: JupyterLite with Python in WebAssembly, nothing to install "
                "(numpy, matplotlib and scipy are downloaded from the Pyodide CDN the first time)")


def lite_launch_url(pagename: str, pathto) -> str:
    """The page-relative link that opens ``pagename``'s notebook in the lite tab."""
    return f"{pathto(LITE_APP, 1)}?path={pagename}.ipynb"


def _add_browser_launch(app, pagename, templatename, context, doctree) -> None:
    """First entry of the launch menu on every notebook page: run it in the lite tab."""
    if app.builder.format != "html" or pagename not in app.env.all_docs:
        return
    if not str(app.env.doc2path(pagename)).endswith(".ipynb"):
        return
    buttons = context.get("header_buttons")
    if buttons is None:
        return
    button = {"type": "link", "text": "Run in the browser", "tooltip": LITE_TOOLTIP,
              "icon": "_static/images/logo_jupyterlite.svg", "url": lite_launch_url(pagename, context["pathto"]),
              "label": LITE_LABEL}
    group = next((b for b in buttons if b.get("label") == "launch-buttons"), None)
    if group is None:
        buttons.append({"type": "group", "tooltip": "Launch interactive content", "icon": "fas fa-rocket",
                        "buttons": [button], "label": "launch-buttons"})
    else:
        group["buttons"].insert(0, button)


def setup(app):
    app.connect("html-page-context", _add_browser_launch, priority=600)  # after the theme's launch menu (501)
    app.connect("doctree-read", _title_labelled_admonitions)
    app.connect("config-inited", _no_widget_manager, priority=100)
    app.connect("html-page-context", _fix_page_scripts, priority=900)
    app.connect("build-finished", _plain_notebook_downloads)
    app.connect("build-finished", _drop_fontawesome_js)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
