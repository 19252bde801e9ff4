"""Every page of the built book, opened in headless Chromium with the network cut off.

The book (built once per run by the ``built_book`` fixture) is served on 127.0.0.1 by a
thread running ``http.server``; Playwright drives Debian's Chromium (``/usr/bin/chromium``,
installed by ``.ci/run``). Every request to another host is blocked, as on a train with no
network. For every page the test asserts:

* HTTP 200 for the page and for every image, script, stylesheet and font it loads;
* nothing that the page needs was blocked;
* no JavaScript error in the console;
* every display equation typeset by MathJax (no raw ``$$`` or ``\\[`` left in the text, no
  MathJax error node, at least as many typeset blocks as display equations);
* every image loaded (``naturalWidth > 0``);
* every explorer shows labelled snapshots with alt text and says that a running notebook
  moves it, and no page has a widget view (controls that could not move anything);
* every internal link and the favicon resolve (the target file exists and so does its
  ``#anchor``), and no page links to an (empty) general index;
* a chapter without explorers weighs at most 3 MB (every page's weight is printed).

At a laptop's width (1280 px) and a phone's (400 px) no display or inline equation is wider
than the text column, no code block scrolls sideways and no figure is wider than the column;
at 400 px no page scrolls sideways (a wide table scrolls in its own box). At 1280 px no image
is more than twice as wide as it is shown.

It saves screenshots of a few key pages (one per part) into ``screenshots/`` and prints
where. Without a browser it skips with the reason, except under CI (``CI=true``), where a
missing browser fails.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
import warnings
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from test_book_build import built_book, toc_files  # noqa: F401  (the shared session build)

from bookbuild import ROOT

SCREENSHOTS = Path(os.environ.get("BACKPROP_SCREENSHOTS_DIR", ROOT / "screenshots"))
# One page per part of _toc.yml; the first is the landing page.
KEY_PAGES = [
    "book/intro",
    "book/notation",
    "book/part1/forward_pass",
    "book/part2/cross_entropy",
    "book/part3/lenet",
    "book/appendix/errata",
]
# A chapter page without explorers loads at most this much (MathJax, fonts, figures, the page).
MAX_PAGE_BYTES = 3_000_000
# At 1280 px an image is at most this many times as wide as it is shown (2: a hi-dpi screen).
MAX_IMAGE_SCALE = 2.0
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Hosts whose scripts only drive the live widget controls and Thebe: blocking them must not
# hide anything a reader needs (the widget's first figure is an image in the page).
NON_ESSENTIAL = (
    "https://cdnjs.cloudflare.com/ajax/libs/require.js/",
    "https://cdn.jsdelivr.net/npm/@jupyter-widgets/",
    "https://unpkg.com/@jupyter-widgets/",
    "https://unpkg.com/thebe",
)
# Text that MathJax leaves behind when it did not run (outside code).
RAW_TEX = re.compile(r"\$\$|\\\[|\\\]|\\\(|\\begin\{(equation|align|aligned|gather|split)")


class ScreenshotsSaved(UserWarning):
    """Not a problem: tells where the screenshots of a run are."""


def find_chromium() -> str | None:
    for candidate in (os.environ.get("BACKPROP_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def skip_or_fail(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; under CI the browser test is required (.ci/run installs Debian's chromium)")
    pytest.skip(f"{reason}; install Chromium (Debian: apt-get install chromium) to run the browser test")


def test_a_missing_browser_skips_for_a_reader_and_fails_under_ci(monkeypatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="under CI the browser test is required"):
        skip_or_fail("no Chromium found")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="install Chromium"):
        skip_or_fail("no Chromium found")


# ------------------------------------------------------------------ serving the book


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


@pytest.fixture(scope="module")
def server(built_book: Path):  # noqa: F811
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if executable is None:
        skip_or_fail("no Chromium found (looked for /usr/bin/chromium, chromium, chromium-browser)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright Python package is not installed")
    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001  (a browser that cannot start is "no browser")
            skip_or_fail(f"Chromium at {executable} did not start: {exc}")
        try:
            yield chromium
        finally:
            chromium.close()


# ------------------------------------------------------------------ link targets, read from the files


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key == "id" or (key == "name" and tag == "a"):
                self.ids.add(value or "")


@functools.cache
def anchors_of(path: Path) -> frozenset[str]:
    parser = _Anchors()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


def broken_links(hrefs: list[str], base: str, root: Path) -> list[str]:
    """Internal links (same host) whose file or #anchor does not exist in the build."""
    broken = []
    for href in sorted(set(hrefs)):
        if not href.startswith(base + "/"):
            continue
        parts = urlsplit(href)
        target = root / unquote(parts.path).lstrip("/")
        if parts.path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{href} (no file {target.relative_to(root)})")
            continue
        if parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in anchors_of(target):
            broken.append(f"{href} (no id '{unquote(parts.fragment)}' in {target.relative_to(root)})")
    return broken


# ------------------------------------------------------------------ what is checked inside the page

PAGE_STATE = """
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const skip = 'pre, code, script, style, textarea, .highlight, .cell_input, mjx-container, mjx-assistive-mml';
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement.closest(skip)) texts.push(n.textContent);
  }
  const images = [...document.images].map(img => ({
    src: img.currentSrc || img.src, loaded: img.complete && img.naturalWidth > 0, alt: img.alt,
    visible: img.getClientRects().length > 0}));
  // Explorers: snapshots (labelled images and a caption), and no widget view (dead controls).
  const explorers = [...document.querySelectorAll('figure.explorer-snapshots')].map(f => ({
    id: (f.closest('section') || {}).id || '?',
    images: [...f.querySelectorAll('img')].map(img => img.complete && img.naturalWidth > 0 && !!img.alt),
    labels: f.querySelectorAll('.explorer-snapshot-label').length,
    caption: /running notebook/.test((f.querySelector('figcaption') || {}).textContent || '')}));
  const widgetViews = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"], .jupyter-widgets').length;
  return {
    mathjax: !!(window.MathJax && MathJax.startup),
    text: texts.join(' '),
    displayMath: document.querySelectorAll('div.math').length,
    typesetDisplay: document.querySelectorAll('mjx-container[display="true"]').length,
    typesetAll: document.querySelectorAll('mjx-container').length,
    mathErrors: [...document.querySelectorAll('mjx-merror, [data-mjx-error]')].map(e =>
      e.getAttribute('data-mjx-error') || e.textContent).slice(0, 5),
    images, explorers, widgetViews,
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    icons: [...document.querySelectorAll('link[rel~="icon"]')].map(l => l.href),
  };
}
"""


def check_page(context, base: str, root: Path, name: str, also: dict[str, str] | None = None) -> tuple[list[str], dict]:
    """Open one page; return the list of problems found on it and the page's state.

    ``also`` maps names to more page scripts, evaluated in the same page after
    ``PAGE_STATE``; their results are ``state[name]`` (so that each page loads once).
    """
    problems: list[str] = []
    responses: list[tuple[str, int, str]] = []
    failed: list[str] = []
    console_errors: list[str] = []
    page = context.new_page()
    page.on("response", lambda r: responses.append((r.url, r.status, r.request.resource_type)))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("pageerror", lambda e: console_errors.append(f"uncaught: {e}"))

    def on_console(msg):
        if msg.type == "error":
            where = (msg.location or {}).get("url", "")
            if where.startswith(NON_ESSENTIAL) or (
                msg.text.startswith("Failed to load resource") and not where.startswith(base)):
                return  # the blocked live-widget manager: reported by the blocked-request check instead
            console_errors.append(f"{msg.text} [{where}]")

    page.on("console", on_console)
    url = f"{base}/{name}.html"
    refresh = re.search(r'<meta http-equiv="refresh" content="\d+;\s*url=([^"]+)"',
                        (root / f"{name}.html").read_text(encoding="utf-8"), flags=re.I)
    if refresh:  # a redirect stub (index.html -> the landing page): it must land on a page that exists
        target = urlsplit(f"{base}/{name}.html")._replace(path="/" + str(
            Path(name).parent / refresh.group(1)).lstrip("./")).geturl()
        page.goto(url, wait_until="load", timeout=60_000)
        page.wait_for_url(re.compile(re.escape(refresh.group(1).lstrip("./")) + "$"), timeout=10_000)
        if not (root / urlsplit(page.url).path.lstrip("/")).is_file():
            problems.append(f"redirects to a missing page {page.url} (expected {target})")
        page.close()
        return problems, {"typesetAll": 0, "images": [], "explorers": [], "links": [], "bytes": 0}
    response = page.goto(url, wait_until="load", timeout=60_000)
    if response is None or response.status != 200:
        problems.append(f"HTTP {response.status if response else 'no response'} for the page itself")
    state = page.evaluate(PAGE_STATE)
    for key, script in (also or {}).items():
        state[key] = page.evaluate(script)
    page.wait_for_timeout(100)  # let late console messages arrive
    for res_url, status, kind in responses:
        if res_url.startswith(base) and status >= 400:
            problems.append(f"HTTP {status} for {kind} {res_url[len(base):]}")
    problems += [f"request failed: {f}" for f in failed if f.startswith(base)]  # off-host ones: see `blocked`
    problems += [f"JavaScript error: {e}" for e in console_errors]
    if state["displayMath"] or state["typesetAll"] or "\\(" in state["text"]:
        if not state["mathjax"]:
            problems.append("the page has equations but MathJax did not load")
    raw = sorted(set(m.group(0) for m in RAW_TEX.finditer(state["text"])))
    if raw:
        i = RAW_TEX.search(state["text"]).start()
        problems.append(f"raw TeX left untypeset ({raw}): ...{state['text'][max(0, i - 60):i + 80]!r}...")
    if state["mathErrors"]:
        problems.append(f"MathJax errors: {state['mathErrors']}")
    if state["typesetDisplay"] < state["displayMath"]:
        problems.append(f"only {state['typesetDisplay']} of {state['displayMath']} display equations typeset")
    for img in state["images"]:
        if not img["loaded"]:
            problems.append(f"image not loaded: {img['src'][len(base):] if img['src'].startswith(base) else img['src']}"
                            f" (alt {img['alt']!r})")
    problems += explorer_problems(state)
    if not state["icons"]:
        problems.append("no favicon")
    problems += [f"broken link: {b}" for b in broken_links(state["links"] + state["icons"], base, root)]
    problems += [f"links to the general index: {h}" for h in state["links"] if "genindex" in h][:1]
    # what the page weighs: the bytes of everything it loaded from the book (files on disk)
    state["bytes"] = sum(_file_size(root, u[len(base):]) for u, status, _ in set(responses)
                         if u.startswith(base) and status < 400)
    page.close()
    return problems, state


def _file_size(root: Path, path: str) -> int:
    target = root / unquote(urlsplit(path).path).lstrip("/")
    return target.stat().st_size if target.is_file() else 0


def explorer_problems(state: dict) -> list[str]:
    """An explorer shows labelled snapshots that loaded, says where it comes alive, and no dead controls."""
    problems = []
    for ex in state["explorers"]:
        if not ex["images"] or not all(ex["images"]):
            problems.append(f"an explorer in #{ex['id']} has a snapshot that did not load or has no alt text")
        if ex["labels"] != len(ex["images"]):
            problems.append(f"an explorer in #{ex['id']} has snapshots without their control values")
        if not ex["caption"]:
            problems.append(f"an explorer in #{ex['id']} does not say that a running notebook moves it")
    if state["widgetViews"]:
        problems.append(f"{state['widgetViews']} widget view(s) in the page: controls that cannot move anything")
    return problems


def all_pages(root: Path) -> list[str]:
    """Every HTML page of the build (chapters, front matter, appendices, index, search)."""
    pages = []
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root)
        if rel.parts[0] in ("_static", "_sources", "_images", "lite"):  # lite/: the JupyterLite app, tests/test_lite.py
            continue
        pages.append(rel.with_suffix("").as_posix())
    return pages


@dataclass
class Visits:
    """What one pass over every page at one width found (each page loaded once)."""

    problems: dict[str, list[str]] = field(default_factory=dict)
    states: dict[str, dict] = field(default_factory=dict)
    blocked: list[str] = field(default_factory=list)


def _is_redirect_stub(root: Path, name: str) -> bool:
    return bool(re.search(r'http-equiv="refresh"', (root / f"{name}.html").read_text(encoding="utf-8"), flags=re.I))


@pytest.fixture(scope="module")
def laptop_visits(built_book: Path, server: str, browser) -> Visits:  # noqa: F811
    """Every page at 1280 px, off-host requests blocked and recorded: the page checks and the layout."""
    visits = Visits()

    def route(r):
        if r.request.url.startswith(server + "/"):
            r.continue_()
        else:
            visits.blocked.append(r.request.url)
            r.abort("blockedbyclient")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.route("**/*", route)
    try:
        for name in all_pages(built_book):
            visits.problems[name], visits.states[name] = check_page(
                context, server, built_book, name, also={"layout": LAYOUT_STATE})
    finally:
        context.close()
    return visits


@pytest.fixture(scope="module")
def phone_visits(built_book: Path, server: str, browser) -> Visits:  # noqa: F811
    """Every page (but the redirect stub) at 400 px: what is wider than the screen, and the layout."""
    visits = Visits()
    context = browser.new_context(viewport={"width": 400, "height": 800}, service_workers="block")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server + "/") else r.abort())
    try:
        for name in all_pages(built_book):
            if _is_redirect_stub(built_book, name):
                continue  # the redirect stub (index.html): checked where it lands
            page = context.new_page()
            page.goto(f"{server}/{name}.html", wait_until="load")
            visits.states[name] = {"phone": page.evaluate(PHONE_STATE), "layout": page.evaluate(LAYOUT_STATE)}
            page.close()
    finally:
        context.close()
    return visits


def test_every_page_in_a_real_browser_offline(built_book: Path, laptop_visits: Visits) -> None:  # noqa: F811
    pages = all_pages(built_book)
    missing = [f for f in toc_files() if f not in pages]
    assert not missing, f"pages of _toc.yml missing from the build: {missing}"
    report: dict[str, list[str]] = {}
    stats = {"pages": 0, "equations": 0, "images": 0, "explorers": 0, "links": 0}
    weights = {}
    for name in pages:
        problems, state = list(laptop_visits.problems[name]), laptop_visits.states[name]
        stats["pages"] += 1
        stats["equations"] += state["typesetAll"]
        stats["images"] += len(state["images"])
        stats["explorers"] += len(state["explorers"])
        stats["links"] += len(state["links"])
        weights[name] = state.get("bytes", 0)
        if name.startswith("book/part") and weights[name] > MAX_PAGE_BYTES and not state["explorers"]:
            problems.append(f"the page weighs {weights[name] / 1e6:.1f} MB (at most {MAX_PAGE_BYTES / 1e6:.0f} MB "
                            "for a chapter without explorers)")
        if problems:
            report[name] = problems
    blocked = laptop_visits.blocked
    essential = sorted({u for u in blocked if not u.startswith(NON_ESSENTIAL)})
    print(f"\nbrowser test: {stats}; blocked off-host requests: {sorted(set(blocked)) or 'none'}")
    print("page weights (MB): " + ", ".join(f"{n.split('/')[-1]} {b / 1e6:.1f}" for n, b in weights.items()))
    lines = [f"{name}.html:\n    " + "\n    ".join(p[:12]) + (f"\n    ... and {len(p) - 12} more" if len(p) > 12 else "")
             for name, p in report.items()]
    assert not report, f"{len(report)} page(s) with problems:\n" + "\n".join(lines)
    assert not essential, f"pages requested other hosts for something they need (blocked): {essential}"
    assert stats["equations"] > 0, "no equation was typeset anywhere in the book"
    assert stats["explorers"] >= 6, f"only {stats['explorers']} explorers with snapshots found"


def test_screenshots_of_key_pages(built_book: Path, server: str, browser) -> None:  # noqa: F811
    """One screenshot per part (light theme) plus the LeNet page in the dark theme, for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    saved = []
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme,
                                      service_workers="block")
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server + "/") else r.abort())
        for name in KEY_PAGES if scheme == "light" else ["book/part3/lenet", "book/part1/forward_pass"]:
            if not (built_book / f"{name}.html").exists():
                continue
            page = context.new_page()
            page.goto(f"{server}/{name}.html", wait_until="load")
            page.evaluate("async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise; }")
            stem = name.replace("book/", "").replace("/", "_") + ("" if scheme == "light" else "_dark")
            top = SCREENSHOTS / f"{stem}.png"
            page.screenshot(path=str(top))
            saved.append(top)
            figure = page.locator(".cell_output img").first
            if figure.count():
                figure.scroll_into_view_if_needed()
                shot = SCREENSHOTS / f"{stem}_figure.png"
                page.screenshot(path=str(shot))
                saved.append(shot)
            page.close()
        context.close()
    index = SCREENSHOTS / "index.txt"
    index.write_text("\n".join(str(p) for p in saved) + "\n")
    print("\nscreenshots saved:\n  " + "\n  ".join(str(p) for p in saved))
    assert saved and all(p.stat().st_size > 10_000 for p in saved), "a screenshot is missing or blank"
    # a warning reaches the summary even from an xdist worker, where print() is not shown
    warnings.warn(ScreenshotsSaved(f"{len(saved)} screenshots of key pages saved in {SCREENSHOTS} (list: {index})"), stacklevel=2)


# On a phone: what makes the page wider than the screen (deepest elements only).
PHONE_STATE = """
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const vw = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('main *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= vw + 1) continue;
    let clipped = false;  // inside a box that scrolls or clips within the screen: fine
    for (let a = el.parentElement; a; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') { clipped = a.getBoundingClientRect().right <= vw + 1; break; }
    }
    if (clipped || [...el.children].some(c => c.getBoundingClientRect().right > vw + 1)) continue;
    wide.push(`<${el.tagName.toLowerCase()}> in #${(el.closest('section') || {}).id || '?'}: ` +
              `${JSON.stringify((el.textContent || '').trim().slice(0, 60))} reaches ${Math.round(r.right)} px`);
  }
  return {vw, width: document.documentElement.scrollWidth, wide: wide.slice(0, 5)};
}
"""


def test_pages_fit_a_phone_screen(phone_visits: Visits) -> None:
    """At 400 px no page scrolls sideways (a wide table scrolls in its own box)."""
    report = {}
    for name, visit in phone_visits.states.items():
        state = visit["phone"]
        if state["width"] > state["vw"] + 1:
            report[name] = [f"page is {state['width']} px wide on a {state['vw']} px screen"] + state["wide"]
    assert phone_visits.states, "no page was visited at 400 px"
    assert not report, "pages that do not fit a phone:\n" + "\n".join(
        f"{name}.html:\n    " + "\n    ".join(problems) for name, problems in report.items())


# At a given width: equations wider than their column, code blocks that scroll, figures wider
# than the column (tables scroll in their own box and are not measured).
LAYOUT_STATE = """
async () => {
  const MAX_IMAGE_SCALE = __MAX_IMAGE_SCALE__;
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const article = document.querySelector('.bd-article') || document.querySelector('main');
  const style = getComputedStyle(article);
  const column = article.getBoundingClientRect();
  const left = column.left + parseFloat(style.paddingLeft), right = column.right - parseFloat(style.paddingRight);
  const where = el => '#' + ((el.closest('section') || {}).id || '?');
  const text = el => JSON.stringify((el.textContent || '').trim().slice(0, 50));
  const math = [], code = [], figures = [];
  for (const el of document.querySelectorAll('mjx-container')) {
    if (el.closest('table, .cell_output pre')) continue;
    const display = el.getAttribute('display') === 'true';
    const r = (display ? (el.querySelector('mjx-math') || el) : el).getBoundingClientRect();
    const cut = display ? (el.scrollWidth > el.clientWidth + 1 || r.width > right - left + 1)
                        : (r.right > right + 1 || r.width > right - left + 1);
    if (r.width > 0 && cut)
      math.push(`${display ? 'display' : 'inline'} equation in ${where(el)} is ${Math.round(Math.max(r.width, el.scrollWidth))} px ` +
                `wide, the column ${Math.round(right - left)} px: ${text(el.querySelector('mjx-assistive-mml') || el)}`);
  }
  for (const pre of document.querySelectorAll('div.highlight pre')) {
    if (pre.scrollWidth > pre.clientWidth + 1)
      code.push(`code in ${where(pre)} scrolls (${pre.scrollWidth} px in ${pre.clientWidth} px): ${text(pre)}`);
  }
  const oversized = [];
  for (const img of document.querySelectorAll('main img')) {
    if (!img.complete || !img.naturalWidth) { img.loading = 'eager'; await img.decode().catch(() => {}); }
    const r = img.getBoundingClientRect();
    if (r.width > 0 && r.right > right + 1) figures.push(`figure in ${where(img)} reaches ${Math.round(r.right)} px, the column ends at ${Math.round(right)} px`);
    // an image larger than it is shown only adds weight (twice the shown width serves a hi-dpi screen)
    if (r.width > 0 && img.naturalWidth > MAX_IMAGE_SCALE * r.width + 1)
      oversized.push(`image in ${where(img)} is ${img.naturalWidth} px wide, shown at ${Math.round(r.width)} px: ` +
                     `${JSON.stringify((img.alt || img.src).slice(0, 50))}`);
  }
  return {math, code, figures, oversized};
}
""".replace("__MAX_IMAGE_SCALE__", str(MAX_IMAGE_SCALE))


@pytest.mark.parametrize("width", [1280, 400])
def test_no_equation_code_or_figure_is_cut_off(built_book: Path, request, width: int) -> None:  # noqa: F811
    """At a laptop's and at a phone's width every equation, code block and figure fits the text column.

    At 1280 px no image is more than twice as wide as it is shown (twice serves a hi-dpi screen;
    more only makes the page heavier)."""
    visits: Visits = request.getfixturevalue("laptop_visits" if width == 1280 else "phone_visits")
    report, counts = {}, {"math": 0, "code": 0, "figures": 0, "oversized": 0}
    measured = 0
    for name in all_pages(built_book):
        if _is_redirect_stub(built_book, name):
            continue
        state = dict(visits.states[name]["layout"])
        measured += 1
        if width != 1280:  # on a phone every image is shown smaller: sizes are checked on a laptop
            state["oversized"] = []
        problems = state["math"] + state["code"] + state["figures"] + state["oversized"]
        for key in counts:
            counts[key] += len(state[key])
        if problems:
            report[name] = problems
    assert measured > 10, f"only {measured} pages measured at {width} px"
    assert not report, f"at {width} px: {counts['math']} equation(s), {counts['code']} code block(s) and " \
        f"{counts['figures']} figure(s) do not fit, {counts['oversized']} image(s) larger than twice their shown size:\n" + "\n".join(
            f"{name}.html:\n    " + "\n    ".join(p[:8]) + (f"\n    ... and {len(p) - 8} more" if len(p) > 8 else "")
            for name, p in report.items())


def test_search_works_offline(built_book: Path, server: str, browser) -> None:  # noqa: F811
    """Sphinx's search runs in the page from searchindex.js: no server, no network."""
    context = browser.new_context(service_workers="block")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(server + "/") else r.abort())
    page = context.new_page()
    page.goto(f"{server}/search.html?q=backpropagation", wait_until="load")
    page.wait_for_selector("#search-results ul.search li", timeout=20_000)
    hits = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(a => a.href)")
    context.close()
    assert len(hits) >= 3, f"searching 'backpropagation' found only {hits}"
    assert not broken_links(hits, server, built_book), broken_links(hits, server, built_book)


def test_pages_open_from_disk_with_no_network(built_book: Path, browser) -> None:  # noqa: F811
    """A reader who opens the HTML files from disk (file://) sees equations, figures and widgets."""
    pages = all_pages(built_book)
    with_widgets = [p for p in pages if "explorer-snapshots" in (built_book / f"{p}.html").read_text(encoding="utf-8")]
    with_math = sorted(pages, key=lambda p: -(built_book / f"{p}.html").read_text(encoding="utf-8").count(
        '<div class="math'))
    chosen = list(dict.fromkeys(["book/intro"] + with_math[:2] + with_widgets[:1]))
    context = browser.new_context(service_workers="block")
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    report = {}
    for name in chosen:
        errors: list[str] = []
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" and (
            (m.location or {}).get("url", "").startswith("file://") or "CORS" in m.text) else None)
        page.goto((built_book / f"{name}.html").as_uri(), wait_until="load")
        state = page.evaluate(PAGE_STATE)
        page.close()
        problems = errors[:5]
        if state["typesetDisplay"] < state["displayMath"]:
            problems.append(f"only {state['typesetDisplay']} of {state['displayMath']} display equations typeset")
        problems += [f"image not loaded: {i['src']}" for i in state["images"] if not i["loaded"]]
        problems += explorer_problems(state)
        if problems:
            report[name] = problems
    context.close()
    assert not report, f"pages opened from disk with problems: {report}"
