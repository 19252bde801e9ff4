"""The "run in the browser" tab: JupyterLite with the Pyodide kernel, served by the book's own site.

``scripts/build_lite.py`` builds ``_build/html/lite`` after the book (``tests/bookbuild.py`` does
it for the test run). The checks on files need nothing; the browser checks serve the whole site
on 127.0.0.1 under a sub-path (``/backprop-book/``, as GitHub Pages serves a project) and run
headless Chromium with every other host unresolvable
(``--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"``). Offline they prove:

* every chapter page's launch link targets a notebook the lite site holds;
* a chapter opened from its launch link gets a Pyodide kernel that reaches idle, and its MyST
  markup renders (jupyterlab-myst);
* the chapter's setup cell installs ``backprop`` from the site, and the only requests that leave
  127.0.0.1 are exactly the compiled wheels of the lock that its imports need (numpy,
  matplotlib, scipy, ...: the Pyodide CDN, pinned by sha256; here they fail, as they must);
* in a smoke notebook, moving an ipywidgets slider changes a Python-computed output and an image
  (a PNG built in pure Python, since numpy and matplotlib cannot load offline).

``BACKPROP_LITE_ONLINE=1`` adds a test for machines with internet: every chapter runs to the
end in the browser with the CDN reachable.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import re
import sys
import tarfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from test_book_build import built_book  # noqa: F401  (the shared session build)
from test_browser import CHROMIUM_ARGS, find_chromium, skip_or_fail

from bookbuild import ROOT, build_book

sys.path.insert(0, str(ROOT / "scripts"))
import build_lite  # noqa: E402

import repository  # noqa: E402

SUBPATH = "/backprop-book"
BLOCK_OTHER_HOSTS = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'
BOOT_TIMEOUT_MS = 600_000  # Pyodide boots in ~20 s on a laptop; a loaded 2-core CI machine is much slower
ONLINE = os.environ.get("BACKPROP_LITE_ONLINE", "") == "1"
LAUNCH = re.compile(r'href="([^"]*lite/lab/index\.html\?path=[^"]+)"')


@pytest.fixture(scope="module")
def lite(built_book: Path) -> Path:  # noqa: F811
    build = build_book()
    if build.lite_returncode != 0:
        pytest.fail(f"scripts/build_lite.py failed (exit code {build.lite_returncode}):\n{build.lite_log[-6000:]}")
    return built_book / "lite"


def served_lock(lite: Path) -> dict:
    return json.loads((lite / "static" / "pyodide" / "pyodide-lock.json").read_text())


def npm_lock() -> dict:
    with tarfile.open(build_lite.pyodide_tarball()) as tar:
        return json.loads(tar.extractfile("package/pyodide-lock.json").read())


# ------------------------------------------------------------------ the files


def test_the_kernel_and_the_site_use_the_one_pinned_pyodide(lite: Path) -> None:
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION as kernel_version

    served = json.loads((lite / "static" / "pyodide" / "package.json").read_text())
    assert served["name"] == "pyodide"
    assert kernel_version == build_lite.PYODIDE_VERSION == served["version"], (
        f"jupyterlite-pyodide-kernel expects Pyodide {kernel_version}, scripts/build_lite.py pins "
        f"{build_lite.PYODIDE_VERSION}, the site serves {served['version']}")
    assert f'"{served["version"]}"' in (lite / "static" / "pyodide" / "pyodide.mjs").read_text(), \
        "pyodide.mjs is not the runtime of that version"
    settings = json.loads((lite / "jupyter-lite.json").read_text())["jupyter-config-data"]["litePluginSettings"][
        build_lite.KERNEL_PLUGIN]
    assert settings["pyodideUrl"] == "./static/pyodide/pyodide.mjs", "the runtime must come from the site, not a CDN"
    assert settings["disablePyPIFallback"] is True
    assert all(u.startswith("./") for u in settings["pipliteUrls"]), settings["pipliteUrls"]


def test_the_lock_serves_pure_wheels_itself_and_pins_compiled_ones_to_the_cdn(lite: Path) -> None:
    original, lock = npm_lock()["packages"], served_lock(lite)["packages"]
    assert set(lock) == set(original)
    local = 0
    for name, entry in lock.items():
        if entry["file_name"].startswith("https://"):
            assert entry["file_name"] == build_lite.PYODIDE_CDN + original[name]["file_name"], name
            assert entry["sha256"] == original[name]["sha256"], f"{name}: the CDN file must keep the lock's sha256"
        else:
            path = lite / "static" / "pyodide" / entry["file_name"]
            assert path.is_file(), f"{name}: the lock names {entry['file_name']}, which the site lacks"
            assert entry["file_name"].endswith("-none-any.whl") and original[name]["file_name"].endswith("-none-any.whl")
            assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], f"{name}: sha256 of the served wheel"
            assert f"-{original[name]['version']}-" in entry["file_name"], f"{name}: not the lock's version"
            local += 1
    needed = build_lite.closure(lock, build_lite.KERNEL_ROOTS + build_lite.book_roots(lock))
    leaving = sorted(n for n in needed if lock[n]["file_name"].startswith("https://"))
    assert leaving and all(not original[n]["file_name"].endswith("-none-any.whl") for n in leaving), \
        f"only compiled wheels may come from the CDN: {leaving}"
    assert {"numpy", "matplotlib"} <= set(leaving) and local >= 10


def test_the_site_serves_the_package_ipywidgets_and_every_chapter(lite: Path) -> None:
    index = json.loads((lite / "pypi" / "all.json").read_text())
    for name in ["backprop", "ipywidgets", "comm", "jupyterlab-widgets", "mlxtend"]:
        assert name in index, f"{name} is not in the site's piplite index"
        (release,) = index[name]["releases"].values()
        assert (lite / "pypi" / release[0]["filename"]).is_file()
    assert index["backprop"]["releases"].keys() == {"0.1.0"}
    assert build_lite.toc_notebooks() and all((lite / "files" / nb).is_file() for nb in build_lite.toc_notebooks())
    extensions = {e["name"] for e in json.loads((lite / "jupyter-lite.json").read_text())[
        "jupyter-config-data"]["federated_extensions"]}
    assert {"jupyterlab-myst", "@jupyter-widgets/jupyterlab-manager", "@jupyterlite/pyodide-kernel-extension"} <= extensions
    size = sum(p.stat().st_size for p in lite.rglob("*") if p.is_file())
    assert size < 80e6, f"lite/ is {size / 1e6:.0f} MB (target: under 80 MB)"


def launch_links(built_book: Path) -> dict[str, str]:  # noqa: F811
    """``{page: href}`` of the "run in the browser" entry of every notebook page."""
    links = {}
    for nb in build_lite.toc_notebooks():
        page = built_book / nb.replace(".ipynb", ".html")
        found = LAUNCH.findall(page.read_text(encoding="utf-8"))
        assert len(set(found)) == 1, f"{page.relative_to(built_book)}: expected one lite launch link, found {found}"
        links[nb.replace(".ipynb", ".html")] = found[0].replace("&amp;", "&")
    return links


def test_every_chapter_launch_link_targets_its_notebook(built_book: Path, lite: Path) -> None:  # noqa: F811
    links = launch_links(built_book)
    assert len(links) == len(build_lite.toc_notebooks())
    contents = {f["path"] for f in json.loads((lite / "api" / "contents" / "book" / "all.json").read_text())["content"]}
    for page, href in links.items():
        assert not re.match(r"(https?:)?//|/", href), f"{page}: {href} must be relative (GitHub Pages sub-path)"
        # resolved the way a browser does, from the page, under a sub-path
        url = urlsplit(urljoin(f"https://owner.github.io{SUBPATH}/{page}", href))
        assert url.path == f"{SUBPATH}/lite/lab/index.html", f"{page}: {href} resolves to {url.path}"
        (path,) = parse_qs(url.query)["path"]
        assert path == page.replace(".html", ".ipynb"), f"{page} opens {path}"
        assert (lite / "files" / path).is_file(), f"{page}: {path} is not in lite/files"
        assert (lite / "api" / "contents" / Path(path).parent / "all.json").is_file()
    assert {str(Path(nb).parent) for nb in build_lite.toc_notebooks()} <= contents, contents


# ------------------------------------------------------------------ the browser


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """The build served under SUBPATH only, with the MIME types Pyodide needs."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript",
                      ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json"}

    def translate_path(self, path):
        if not path.startswith(SUBPATH + "/"):
            return "/nonexistent-outside-the-sub-path"
        return super().translate_path(path[len(SUBPATH):])

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(built_book: Path, lite: Path):  # noqa: F811
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SubPathHandler, directory=str(built_book)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}{SUBPATH}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def launch_chromium(p, offline: bool):
    executable = find_chromium()
    if executable is None:
        skip_or_fail("no Chromium found (looked for /usr/bin/chromium, chromium, chromium-browser)")
    try:
        return p.chromium.launch(executable_path=executable, headless=True,
                                 args=CHROMIUM_ARGS + ([BLOCK_OTHER_HOSTS] if offline else []))
    except Exception as exc:  # noqa: BLE001
        skip_or_fail(f"Chromium at {executable} did not start: {exc}")


def expose_app(route) -> None:
    """Test only: JupyterLab's ``exposeAppInBrowser`` (window.jupyterapp), set in the served config."""
    response = route.fetch()
    data = response.json()
    data.setdefault("jupyter-config-data", {})["exposeAppInBrowser"] = "true"
    route.fulfill(response=response, json=data)


class LiteTab:
    """One browser tab of the lite site, with every request it (and its workers) made."""

    def __init__(self, context, base: str):
        self.base = base
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.responses: dict[str, int] = {}
        context.on("request", lambda r: self.requests.append(r.url))
        context.on("requestfailed", lambda r: self.failed.append(r.url))
        context.on("response", lambda r: self.responses.__setitem__(r.url, r.status))
        context.route("**/jupyter-lite.json", expose_app)
        self.page = context.new_page()

    def external(self) -> set[str]:
        host = urlsplit(self.base).netloc
        return {u for u in self.requests if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != host}

    def open_from_launch_link(self, chapter_page: str, slot: str) -> float:
        """Open the book page, follow its launch link; wait for the kernel to be idle; return seconds."""
        self.page.goto(f"{self.base}/{chapter_page}", wait_until="load", timeout=120_000)
        href = self.page.eval_on_selector('a[href*="lite/lab/index.html"]', "a => a.href")
        start = time.monotonic()
        self.page.goto(href, wait_until="load", timeout=120_000)
        path = parse_qs(urlsplit(href).query)["path"][0]
        self.page.wait_for_function(
            "path => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
            "  return w && w.context && w.context.path === path && w.sessionContext; }", arg=path, timeout=BOOT_TIMEOUT_MS)
        self.page.evaluate(f"() => {{ window.{slot} = window.jupyterapp.shell.currentWidget; }}")
        self.wait_idle(slot)
        return time.monotonic() - start

    def wait_idle(self, slot: str) -> None:
        self.page.wait_for_function(
            f"() => {{ const s = window.{slot}.sessionContext.session;"
            "  return !!(s && s.kernel && s.kernel.status === 'idle'); }", timeout=BOOT_TIMEOUT_MS)

    def execute(self, slot: str, code: str, timeout_ms: int = BOOT_TIMEOUT_MS) -> dict:
        """Run ``code`` in the kernel of the notebook in ``window[slot]``; return status, error and output text."""
        self.page.set_default_timeout(timeout_ms)
        return self.page.evaluate("""async ([slot, code]) => {
          const kernel = window[slot].sessionContext.session.kernel;
          const future = kernel.requestExecute({code, stop_on_error: false});
          const out = [];
          future.onIOPub = msg => {
            const c = msg.content;
            if (c.text) out.push(c.text);
            if (c.data && c.data['text/plain']) out.push(c.data['text/plain']);
            if (c.ename) out.push(c.ename + ': ' + c.evalue);
          };
          const reply = await future.done;
          return {status: reply.content.status, ename: reply.content.ename || '', evalue: reply.content.evalue || '',
                  out: out.join('')};
        }""", [slot, code])


SMOKE_CELLS = [
    "import sys\nimport pyodide\n\nprint(sys.platform, pyodide.__version__)",
    "import piplite\n\nawait piplite.install(['ipywidgets'])  # from the site's piplite index, no network",
    '''import struct
import zlib

import ipywidgets as widgets


def png(width, height, rgb):
    """A solid-colour PNG built in pure Python (numpy and matplotlib cannot load offline)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = (b"\\x00" + bytes(rgb) * width) * height
    return (b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


slider = widgets.IntSlider(value=3, min=1, max=10, description="n")
result = widgets.HTML()
image = widgets.Image(format="png")


def update(change=None):
    n = slider.value
    result.value = f"sum of squares up to {n} = {sum(k * k for k in range(1, n + 1))}"
    image.value = png(8 * n, 8, (20 * n, 100, 200))


slider.observe(update, names="value")
update()
widgets.VBox([slider, result, image])''',
]


def smoke_notebook() -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {
        "kernelspec": {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}},
        "cells": [{"cell_type": "code", "id": f"smoke-{i}", "metadata": {}, "source": src, "outputs": [],
                   "execution_count": None} for i, src in enumerate(SMOKE_CELLS)]}


@pytest.fixture(scope="module")
def tab(site: str):
    """A lite tab (offline but for 127.0.0.1) in which the first chapter was opened from its launch link."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright Python package is not installed")
    with sync_playwright() as p:
        browser = launch_chromium(p, offline=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        lite_tab = LiteTab(context, site)
        lite_tab.boot_seconds = lite_tab.open_from_launch_link(FIRST_CHAPTER, "__chapter")
        try:
            yield lite_tab
        finally:
            context.close()
            browser.close()


FIRST_CHAPTER = build_lite.toc_notebooks()[0].replace(".ipynb", ".html")


def test_a_chapter_opens_from_its_launch_link_and_its_kernel_reaches_idle(tab: LiteTab) -> None:
    print(f"\nPyodide kernel idle {tab.boot_seconds:.0f} s after following the launch link")
    run = tab.execute("__chapter", "import sys, pyodide\nprint(sys.platform, pyodide.__version__)")
    assert run["status"] == "ok", run
    assert run["out"].split() == ["emscripten", build_lite.PYODIDE_VERSION], "the kernel runs another Pyodide"
    wasm = f"{tab.base}/lite/static/pyodide/pyodide.asm.wasm"
    assert tab.responses.get(wasm) == 200, "the Pyodide runtime was not loaded from the site"
    assert not tab.external(), f"booting the kernel left the site: {sorted(tab.external())}"


def test_myst_markup_renders_in_the_lite_tab(tab: LiteTab) -> None:
    state = tab.page.evaluate("""() => {
      const node = window.__chapter.content.node;
      const rendered = [...node.querySelectorAll('.jp-MarkdownCell .myst')];
      return {cells: window.__chapter.content.model.cells.length, rendered: rendered.length,
              text: rendered.map(e => e.innerText).join('\\n'),
              exercises: node.querySelectorAll('.jp-MarkdownCell .myst-exercise').length,
              math: node.querySelectorAll('.jp-MarkdownCell .katex, .jp-MarkdownCell mjx-container').length};
    }""")
    assert state["rendered"] > 3, state
    for raw in (":::{exercise}", ":::{solution}", "{eq}`", "{ref}`"):
        assert raw not in state["text"], f"MyST markup {raw!r} left unrendered in the lite tab"
    assert state["exercises"] > 0, "the chapter's exercise blocks did not render as blocks"
    assert state["math"] > 0, "no equation typeset in the lite tab"


def test_the_setup_cell_installs_backprop_from_the_site(tab: LiteTab) -> None:
    nb = json.loads((ROOT / build_lite.toc_notebooks()[0]).read_text())
    source = "".join(repository.setup_cell(nb)["source"])
    assert "emscripten" in source
    run = tab.execute("__chapter", source)
    # Offline, the second install (numpy, matplotlib, ... from the Pyodide CDN) cannot load them (Pyodide
    # logs the failed downloads, the cell goes on); the first one, from the site, worked:
    wheel = next((lite_wheel for lite_wheel in tab.responses if re.search(r"/lite/pypi/backprop-[\d.]+-py3-none-any\.whl(\?|$)", lite_wheel)), None)
    assert wheel and tab.responses[wheel] == 200, f"the backprop wheel was not fetched from the site ({run})"
    check = tab.execute("__chapter", "import importlib.metadata as md, importlib.util as iu\n"
                                    "print(md.version('backprop'), md.version('mlxtend'), iu.find_spec('backprop') is not None)")
    assert check["status"] == "ok" and check["out"].split() == ["0.1.0", build_lite.PIPLITE_WHEELS["mlxtend"], "True"], check
    tab.setup_run = run


def test_the_only_requests_leaving_the_site_are_the_pinned_compiled_wheels(tab: LiteTab, lite: Path) -> None:
    run = getattr(tab, "setup_run", None)
    if run is None:
        pytest.fail("the setup-cell test did not run first")
    lock = served_lock(lite)["packages"]
    expected = set(build_lite.compiled_urls(served_lock(lite), build_lite.book_roots(lock)))
    assert expected and all(u.startswith(build_lite.PYODIDE_CDN) for u in expected)
    assert tab.external() == expected, (
        f"requests that left 127.0.0.1: unexpected {sorted(tab.external() - expected)}, "
        f"missing {sorted(expected - tab.external())}")
    assert set(tab.failed) >= expected, "the CDN is blocked here: those requests must have failed"
    numpy = tab.execute("__chapter", "import numpy")
    assert "ModuleNotFoundError" in numpy["ename"], f"offline, numpy cannot have been installed: {numpy}"


def test_a_slider_changes_a_python_computed_output_and_an_image(tab: LiteTab) -> None:
    page = tab.page
    page.evaluate("""async (nb) => {
      const app = window.jupyterapp;
      await app.serviceManager.contents.save('smoke.ipynb', {type: 'notebook', format: 'json', content: nb});
      window.__smoke = await app.commands.execute('docmanager:open', {path: 'smoke.ipynb'});
      await window.__smoke.context.ready;
    }""", smoke_notebook())
    start = time.monotonic()
    tab.wait_idle("__smoke")
    print(f"\nsmoke notebook: kernel idle after {time.monotonic() - start:.0f} s")
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function("""() => { const w = window.__smoke.content.node.querySelector('.widget-html-content');
                                      return w && w.innerText.includes('= 14'); }""", timeout=BOOT_TIMEOUT_MS)
    outputs = page.evaluate("() => window.__smoke.content.widgets.map(c => JSON.stringify(c.model.outputs.toJSON()))")
    assert f"emscripten {build_lite.PYODIDE_VERSION}" in outputs[0], outputs[0]

    def state():
        return page.evaluate("""() => { const n = window.__smoke.content.node;
          const img = n.querySelector('img.widget-image');
          return {text: n.querySelector('.widget-html-content').innerText, src: img.src, width: img.naturalWidth}; }""")

    before = state()
    assert before["text"] == "sum of squares up to 3 = 14" and before["width"] == 24, before
    page.focus(".jp-Notebook .widget-slider .noUi-handle") if page.query_selector(".widget-slider .noUi-handle") \
        else page.focus(".widget-slider input")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => window.__smoke.content.node.querySelector('.widget-html-content').innerText.includes('= 30')",
                           timeout=60_000)
    page.wait_for_function("() => window.__smoke.content.node.querySelector('img.widget-image').naturalWidth === 32",
                           timeout=60_000)
    after = state()
    assert after["text"] == "sum of squares up to 4 = 30" and after["src"] != before["src"], after


# ------------------------------------------------------------------ opt-in: whole chapters, with the CDN


@pytest.mark.skipif(not ONLINE, reason="set BACKPROP_LITE_ONLINE=1 (needs the Pyodide CDN) to run every chapter in the browser")
@pytest.mark.parametrize("notebook", build_lite.toc_notebooks())
def test_every_chapter_runs_to_the_end_in_the_browser(site: str, notebook: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p, offline=False)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        lite_tab = LiteTab(context, site)
        try:
            lite_tab.open_from_launch_link(notebook.replace(".ipynb", ".html"), "__chapter")
            start = time.monotonic()
            lite_tab.page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            lite_tab.page.wait_for_function("""() => { const nb = window.__chapter.content;
              const code = nb.widgets.filter(c => c.model.type === 'code');
              return code.every(c => c.model.executionCount !== null)
                && window.__chapter.sessionContext.session.kernel.status === 'idle'; }""", timeout=1_800_000)
            errors = lite_tab.page.evaluate("""() => window.__chapter.content.widgets
              .filter(c => c.model.type === 'code' && !(c.model.getMetadata('tags') || []).includes('raises-exception'))
              .flatMap(c => c.model.outputs.toJSON().filter(o => o.output_type === 'error')
                .map(o => c.model.sharedModel.getSource().slice(0, 80) + ' -> ' + o.ename + ': ' + o.evalue))""")
            print(f"\n{notebook}: ran in {time.monotonic() - start:.0f} s")
            assert not errors, f"{notebook}: cells failed in the browser:\n" + "\n".join(errors)
            unpinned = {u for u in lite_tab.external() if not u.startswith(build_lite.PYODIDE_CDN)}
            assert not unpinned, f"{notebook}: requests beyond the pinned CDN wheels: {sorted(unpinned)}"
        finally:
            context.close()
            browser.close()
