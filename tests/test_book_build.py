"""The HTML book builds with warnings as errors (`jupyter-book build . -W -n --keep-going`).

The build itself lives in ``tests/bookbuild.py`` (one build per test run, shared with the
browser test). The checks here read the built HTML as files; ``test_browser.py`` opens it
in a real browser.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from bookbuild import ROOT, build_book

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the book once per test session (`-W -n --keep-going`); return the HTML folder.

    A warning fails :func:`test_the_build_is_clean_with_warnings_as_errors`, not the fixture:
    with ``--keep-going`` every page is still written, so the other tests (the browser
    test too) still report what they see.
    """
    build = build_book()
    if not (build.html / "index.html").exists():
        pytest.fail(f"jupyter-book wrote no HTML (exit code {build.returncode}):\n{build.log[-6000:]}")
    return build.html


def test_the_build_is_clean_with_warnings_as_errors(built_book: Path) -> None:
    build = build_book()
    log = re.sub(r"\x1b\[[0-9;]*m", "", build.log)  # no terminal colours in the report
    warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
    assert not warnings, "the build printed warnings:\n" + "\n".join(warnings[:40])
    assert build.returncode == 0, f"jupyter-book build failed:\n{build.log[-6000:]}"


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [ch["file"] for part in toc["parts"] for ch in part["chapters"]]


def notebook_pages() -> list[str]:
    return [f for f in toc_files() if (ROOT / f"{f}.ipynb").exists()]


class _Elements(HTMLParser):
    """Start tags with their attributes, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def elements(page: Path) -> list[tuple[str, dict[str, str]]]:
    parser = _Elements()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.tags


def test_every_toc_page_is_built(built_book: Path) -> None:
    missing = [f for f in toc_files() if not (built_book / f"{f}.html").exists()]
    assert not missing, f"pages in _toc.yml without HTML: {missing}"


def test_mathjax_is_served_from_the_build_not_a_cdn(built_book: Path) -> None:
    """sphinx-mathjax-offline (a PyPI package) copies MathJax 3 into _static/mathjax."""
    entry = built_book / "_static" / "mathjax" / "tex-chtml.js"
    assert entry.is_file() and entry.stat().st_size > 100_000, f"{entry} is missing: MathJax would need a CDN"
    assert (built_book / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").is_dir()
    pages_with_math = 0
    for page in built_book.rglob("*.html"):
        if "_static" in page.parts:
            continue
        scripts = [a.get("src", "") for tag, a in elements(page) if tag == "script"]
        mathjax = [s for s in scripts if "mathjax" in s.lower() or "tex-chtml" in s]
        assert all(not re.match(r"(https?:)?//", s) for s in mathjax), f"{page.name} loads MathJax from {mathjax}"
        for src in mathjax:
            assert (page.parent / src.split("?")[0]).resolve() == entry.resolve(), f"{page}: {src}"
        pages_with_math += bool(mathjax)
    assert pages_with_math >= 1, "no page loads MathJax at all (the notation page has equations)"


def test_launch_buttons_and_downloads_on_every_notebook_page(built_book: Path) -> None:
    repo = CONFIG["repository"]["url"].rstrip("/")
    slug = re.sub(r"^https://github\.com/", "", repo)
    assert notebook_pages(), "no chapter is a notebook"
    for name in notebook_pages():
        page = built_book / f"{name}.html"
        hrefs = [a.get("href", "") for tag, a in elements(page) if tag == "a"]
        binder = f"https://mybinder.org/v2/gh/{slug}/{CONFIG['repository']['branch']}?urlpath=lab/tree/{name}.ipynb"
        colab = f"https://colab.research.google.com/github/{slug}/blob/{CONFIG['repository']['branch']}/{name}.ipynb"
        assert binder in hrefs, f"{name}: no Binder button ({binder})"
        assert colab in hrefs, f"{name}: no Colab button ({colab})"
        assert repo in hrefs, f"{name}: no repository button ({repo})"
        downloads = [h for h in hrefs if h.endswith(f"_sources/{name}.ipynb")]
        assert downloads, f"{name}: no .ipynb download"
        assert (page.parent / downloads[0]).resolve().is_file(), f"{name}: the .ipynb download is a dead link"
        # the Colab setup cell is in the download (Colab runs it) but not on the page (readers skip it)
        assert "google.colab" in (page.parent / downloads[0]).resolve().read_text(encoding="utf-8")
        assert "google.colab" not in page.read_text(encoding="utf-8"), f"{name}: the Colab setup cell is shown"


def test_repository_url_is_set_in_one_place() -> None:
    """_config.yml names the URL once; notebooks copy it (tests/test_repository.py checks that)."""
    url = CONFIG["repository"]["url"]
    assert url.startswith("https://github.com/")
    text = (ROOT / "_config.yml").read_text()
    assert text.count(url.split("//", 1)[1]) == 1


def test_bibliography_lists_every_reference(built_book: Path) -> None:
    keys = re.findall(r"@\w+\{([^,\s]+),", (ROOT / "book" / "references.bib").read_text())
    assert keys, "references.bib is empty"
    page = (built_book / "book" / "appendix" / "bibliography.html").read_text(encoding="utf-8")
    entries = re.findall(r'<div class="citation" id="id\d+"|<dt class="label" id="id\d+"', page)
    assert len(entries) >= len(keys), f"{len(entries)} entries on the bibliography page for {len(keys)} keys"
    assert "Murugan" in page, "seed 002's author is missing from the bibliography"


def test_search_page_and_index_exist(built_book: Path) -> None:
    assert (built_book / "search.html").is_file()
    index = (built_book / "searchindex.js").read_text(encoding="utf-8")
    for title in ("Bibliography", "Errata"):
        assert title in index, f"{title} is not in the search index"


def test_labelled_equations_are_numbered(built_book: Path) -> None:
    """Every labelled display equation shows its number, e.g. (3.2), on every page."""
    for name in toc_files():
        html = (built_book / f"{name}.html").read_text(encoding="utf-8")
        for label, body in re.findall(r'<div class="math notranslate nohighlight" id="(equation-[^"]+)">(.*?)</div>',
                                      html, flags=re.S):
            assert re.search(r'<span class="eqno">\(\d+(\.\d+)*\)', body), f"{name}: {label} has no number"


def test_book_static_holds_only_our_css() -> None:
    """Jupyter Book 1 injects every .js/.css under book/_static into every page: no vendored trees there."""
    static = ROOT / "book" / "_static"
    if not static.exists():
        return
    files = [p for p in static.rglob("*") if p.is_file()]
    assert all(p.suffix == ".css" for p in files), f"only custom CSS belongs in book/_static: {files}"
    assert sum(p.stat().st_size for p in files) < 50_000


def test_equation_references_show_the_target_number_across_pages(built_book: Path) -> None:
    """{eq} links print the number their target equation shows, on the same page or another one."""
    numbers: dict[tuple[Path, str], str] = {}
    pages = [built_book / f"{name}.html" for name in toc_files()]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for label, number in re.findall(r'id="(equation-[^"]+)">\s*<span class="eqno">\(([^)]*)\)', html):
            numbers[(page.resolve(), label)] = number
    checked, across = 0, 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for href, label, shown in re.findall(r'<a class="reference internal" href="([^"#]*)#(equation-[^"]+)">\(([^)<]*)\)</a>',
                                             html):
            target = (page.parent / href).resolve() if href else page.resolve()
            assert (target, label) in numbers, f"{page.name}: a reference to {href}#{label} has no numbered target"
            assert numbers[(target, label)] == shown, (
                f"{page.name} shows ({shown}) for {href}#{label}, which is numbered ({numbers[(target, label)]})")
            checked += 1
            across += bool(href) and target != page.resolve()
    assert checked > 0, "no equation reference ({eq}) anywhere in the book"
    assert across > 0, "no equation is referenced from another page"


def test_where_each_equation_lives_links_resolve(built_book: Path) -> None:
    """The appendix's links land: every {eq} on its equation, every cell link on a section of its page."""
    page = built_book / "book" / "appendix" / "equations.html"
    html = page.read_text(encoding="utf-8")
    links = re.findall(r'href="(\.\./[\w/]+\.html)#([\w-]+)"', html)
    assert len(links) > 100, f"only {len(links)} links on the equations page"
    missing = []
    for target, anchor in sorted(set(links)):
        text = (page.parent / target).resolve().read_text(encoding="utf-8")
        if f'id="{anchor}"' not in text:
            missing.append(f"{target}#{anchor}")
    assert not missing, f"links of book/appendix/equations.md that land nowhere: {missing}"


def test_the_classroom_map_numbers_are_those_the_html_shows(built_book: Path) -> None:
    """The equation and erratum numbers that the exercise checker quotes (_book_refs.py) are the built pages'."""
    from backprop.classroom._book_refs import BOOK_REFS

    checked = 0
    for path in built_book.rglob("*.html"):
        text = path.read_text(errors="replace")
        for label, number in re.findall(r'id="equation-([^"]+)".*?<span class="eqno">\(([^)]*)\)', text, flags=re.S):
            assert BOOK_REFS[label][1] == number, f"{label}: the HTML shows ({number}), the map says {BOOK_REFS[label]}"
            checked += 1
        for label in re.findall(r'<div class="admonition[^"]*" id="(erratum-[^"]+)"', text):
            before = text[: text.index(f'id="{label}"')]
            section = re.findall(r'<span class="section-number">([^<]*)</span>', before)[-1].rstrip(". ")
            assert BOOK_REFS[label][1] == section, f"{label}: in Section {section} of the HTML, the map says {BOOK_REFS[label]}"
    assert checked >= 80
