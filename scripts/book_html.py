"""Sphinx extension of the book (``sphinx.local_extensions`` in ``_config.yml``): pages that work offline.

1. **The live-widget manager from the npm registry.** myst-nb loads the ipywidgets HTML
   manager (``@jupyter-widgets/html-manager``) and RequireJS from CDNs by default
   (``nb_ipywidgets_js``). When ``npm`` is available, this extension fetches both packages
   once with ``npm pack`` (exact versions below) into ``node_modules/.book-widget-assets/``
   (git-ignored), copies the files the pages need into ``_build/html/_static/widgets/``
   and points ``nb_ipywidgets_js`` at them. Without ``npm`` (or offline on the first
   build) it keeps myst-nb's CDN: only the live controls need it, since the first figure of
   every widget is a plain image in the page.
2. **One copy of each inline script.** With Sphinx 7.4, the inline configuration scripts
   of sphinx-thebe and sphinx-togglebutton end up twice in every page; the second
   ``const THEBE_JS_URL`` is a JavaScript error. Exact duplicates are dropped.
3. **Erratum boxes that ``{ref}`` can name.** CONTRIBUTING.md puts a label right before an
   admonition (``(erratum-002-3-39)=`` then ``:::{admonition} Erratum: ...``). Sphinx only
   gives titles to labels on sections, figures, tables and code blocks, so a bare
   ``{ref}`erratum-002-3-39``` fails ("A title or caption not found"). This extension
   registers such labels with the admonition's title as the link text.

4. **"Run in the browser".** Every notebook page's launch menu gets a first entry that opens the
   chapter in the book's own JupyterLite tab (``lite/``, built by ``scripts/build_lite.py``). The
   link is relative to the page (``../../lite/lab/index.html?path=book/part1/x.ipynb``), so it
   works from any page depth and under a sub-path such as GitHub Pages' ``/REPO/``; the theme's
   ``jupyterlite_url`` option would need one absolute URL for every page.

MathJax itself comes from the PyPI package ``sphinx-mathjax-offline`` (another extension).
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "node_modules" / ".book-widget-assets"
# ipywidgets 8 pairs with html-manager 1.x; both exact, so every build serves the same files.
PACKAGES = {"@jupyter-widgets/html-manager": "1.0.15", "requirejs": "2.3.7"}
LAYOUT = 3  # bump when the folder layout below changes
STATIC_SUBDIR = "widgets"
REQUIRE_JS = f"{STATIC_SUBDIR}/require.js"
MANAGER_DIR = "@jupyter-widgets/html-manager/dist"  # the AMD module path the manager expects
EMBED_JS = f"{STATIC_SUBDIR}/{MANAGER_DIR}/embed-amd.js"


def _tarball_name(package: str, version: str) -> str:
    return f"{package.lstrip('@').replace('/', '-')}-{version}.tgz"


def fetch_widget_assets(cache: Path = CACHE) -> Path | None:
    """The folder holding ``require.js`` and the manager's ``dist/`` (fetched with npm if needed), or None."""
    ready = cache / "ready"
    if ready.exists() and ready.read_text() == repr((PACKAGES, LAYOUT)):
        return cache
    npm = shutil.which("npm")
    if npm is None:
        logger.info("[book_html] npm not found: the live widget controls load their manager from a CDN")
        return None
    if cache.exists():
        shutil.rmtree(cache)
    downloads = cache / "tarballs"
    downloads.mkdir(parents=True)
    specs = [f"{name}@{version}" for name, version in PACKAGES.items()]
    try:
        # offline, fail fast rather than retry: the CDN fallback is fine for a first build
        subprocess.run([npm, "pack", "--silent", "--fetch-retries=1", "--fetch-timeout=30000",
                        "--pack-destination", str(downloads), *specs], cwd=downloads,
                       check=True, capture_output=True, text=True, timeout=120)
    except (subprocess.SubprocessError, OSError) as exc:
        logger.info(f"[book_html] `npm pack {' '.join(specs)}` failed ({exc}); the widget manager stays on the CDN")
        return None
    with tarfile.open(downloads / _tarball_name("@jupyter-widgets/html-manager", PACKAGES[
            "@jupyter-widgets/html-manager"])) as tar:
        # embed-amd.js (which holds libembed-amd), its icon fonts and its licence; not the other bundles
        members = [m for m in tar.getmembers()
                   if m.isfile() and m.name.startswith("package/dist/") and not m.name.endswith(".map")
                   and Path(m.name).name not in ("embed.js", "libembed-amd.js")]
        for m in members:
            target = cache / MANAGER_DIR / Path(m.name).name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(tar.extractfile(m).read())
    with tarfile.open(downloads / _tarball_name("requirejs", PACKAGES["requirejs"])) as tar:
        (cache / "require.js").write_bytes(tar.extractfile("package/require.js").read())
    shutil.rmtree(downloads)
    ready.write_text(repr((PACKAGES, LAYOUT)))
    return cache


def _use_local_widget_manager(app, config) -> None:
    assets = fetch_widget_assets()
    app.env_book_widget_assets = assets  # type: ignore[attr-defined]
    if assets is None:
        return
    config.nb_ipywidgets_js = {
        REQUIRE_JS: {},
        # the manager loads the base and control widgets from its own bundle; the CDN attribute
        # only serves third-party widget libraries, which the book does not use
        EMBED_JS: {"data-jupyter-widgets-cdn": "https://cdn.jsdelivr.net/npm/"},
    }


def _copy_widget_assets(app, exc) -> None:
    assets = getattr(app, "env_book_widget_assets", None)
    if exc is not None or assets is None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / STATIC_SUBDIR
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(assets, target, ignore=shutil.ignore_patterns("ready", "tarballs"))


# The widget controls typeset their labels with the MathJax 2 call MathJax.Hub.Queue(["Typeset", Hub, el]);
# the book runs MathJax 3, which has no Hub ("Cannot read properties of undefined (reading 'Queue')").
# Once MathJax 3 has replaced the config object (deferred script, before DOMContentLoaded), give it
# a Hub whose Queue typesets with the MathJax 3 API. Registered before the manager's listeners.
MATHJAX2_SHIM = """
document.addEventListener("DOMContentLoaded", function () {
  var mj = window.MathJax;
  if (!mj || mj.Hub || !mj.typesetPromise) { return; }
  mj.Hub = {Queue: function () {
    [].slice.call(arguments).forEach(function (job) {
      if (Array.isArray(job) && job[0] === "Typeset" && job[2]) {
        mj.startup.promise.then(function () { return mj.typesetPromise([job[2]]); });
      }
    });
  }};
});"""


def _fix_page_scripts(app, pagename, templatename, context, doctree) -> None:
    """Drop exact duplicates of a script; tell RequireJS where the local widget manager lives."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        # the same inline script may come once with filename None and once with ""
        key = (getattr(js, "filename", str(js)) or "", tuple(sorted((getattr(js, "attributes", None) or {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique
    names = [getattr(js, "filename", str(js)) or "" for js in scripts]
    if f"_static/{REQUIRE_JS}" in names:
        # The manager loads itself as the AMD module "@jupyter-widgets/html-manager/dist/libembed-amd"
        # and finds its icon fonts next to it: resolve module names under _static/widgets/.
        from sphinx.builders.html._assets import _JavaScript

        config = ('var require = {baseUrl: (document.documentElement.dataset.content_root || "") + '
                  f'"_static/{STATIC_SUBDIR}/"}};')
        scripts.insert(names.index(f"_static/{REQUIRE_JS}"), _JavaScript(None, body=config + MATHJAX2_SHIM))


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
    app.connect("config-inited", _use_local_widget_manager, priority=100)
    app.connect("html-page-context", _fix_page_scripts, priority=900)
    app.connect("build-finished", _copy_widget_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
