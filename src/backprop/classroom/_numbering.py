"""The numbers the HTML book shows for its labels: equations, sections, erratum boxes.

Jupyter Book numbers the chapters of its numbered parts in ``_toc.yml`` order, one
counter across the parts (Part I's chapters are 1-3, Part II's 4-6, ...); headings are
numbered below the chapter (``## `` -> 4.1, ``### `` -> 4.1.1) and labelled display
equations (``$$ ... $$`` followed by an equation label in parentheses) per chapter, in the order they appear: Eq. (4.3) is
the third numbered equation of chapter 4.  A chapter outside a numbered part numbers its
equations (1), (2), ...

:func:`number_labels` reads the book's sources (``_toc.yml``, the notebooks and the
Markdown pages) and returns every label with what a reader sees for it.  The classroom's
hints cite those numbers; the map they use is generated into
``backprop/classroom/_book_refs.py`` by ``scripts/classroom_pages.py`` (the tests fail
when it is out of date, and compare it with a built HTML book when there is one).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

__all__ = ["number_labels", "format_ref"]

_LABEL = re.compile(r"^\(([A-Za-z0-9_-]+)\)=\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_EQ = re.compile(r"\$\$\s*\(([A-Za-z0-9_-]+)\)")
_ADMONITION = re.compile(r"^:{3,}\s*\{admonition\}\s*(.*?)\s*$")
_FENCE = re.compile(r"^(```|~~~)")


def _smart(title: str) -> str:
    """Straight double quotes as the HTML shows them (Sphinx's smart quotes)."""
    return re.sub(r'"([^"]*)"', "\u201c\\1\u201d", title)


def _toc_files(root: Path) -> list[tuple[str, bool]]:
    """(file without suffix, numbered?) for every chapter of ``_toc.yml``, in order."""
    import yaml  # only the generator and the tests need it

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    out: list[tuple[str, bool]] = [(toc["root"], False)] if toc.get("root") else []
    for part in toc.get("parts", []):
        numbered = bool(part.get("numbered", False))
        for chapter in part.get("chapters", []):
            out.append((chapter["file"], numbered))
            for section in chapter.get("sections", []) or []:
                out.append((section["file"], numbered))
    return out


def _markdown_of(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text())
        return "\n".join(
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == "markdown"
        )
    return path.read_text()


def _source(root: Path, file: str) -> Path | None:
    for suffix in (".ipynb", ".md"):
        p = root / f"{file}{suffix}"
        if p.exists():
            return p
    return None


def number_labels(root: str | Path) -> dict[str, tuple[str, str, str, str]]:
    """``{label: (kind, number, title, doc)}`` for every label of the book at ``root``.

    ``kind`` is "eq", "section" or "erratum"; ``number`` is what the HTML shows ("4.3" for
    an equation or a section, "" for a section of an unnumbered page); ``title`` is the
    heading or the erratum box's title; ``doc`` the page (``book/part2/activations``).
    An erratum's number is that of the section it sits in.
    """
    root = Path(root)
    labels: dict[str, tuple[str, str, str, str]] = {}
    chapter = 0
    for file, numbered in _toc_files(root):
        path = _source(root, file)
        if path is None:
            continue
        if numbered:
            chapter += 1
        counters: list[int] = []
        eq = 0
        pending: list[str] = []
        section_number = str(chapter) if numbered else ""
        in_fence = False
        for line in _markdown_of(path).splitlines():
            if _FENCE.match(line.strip()):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            m = _LABEL.match(line.strip())
            if m:
                pending.append(m.group(1))
                continue
            m = _HEADING.match(line)
            if m:
                level = len(m.group(1))
                title = _smart(m.group(2))
                if level == 1:
                    counters = []
                    section_number = str(chapter) if numbered else ""
                else:
                    depth = level - 1
                    counters = (counters + [0] * depth)[:depth]
                    counters[-1] += 1
                    section_number = ".".join([str(chapter)] + [str(c) for c in counters]) if numbered else ""
                for label in pending:
                    labels[label] = ("section", section_number, title, file)
                pending = []
                continue
            m = _ADMONITION.match(line.strip())
            if m and pending:
                for label in pending:
                    labels[label] = ("erratum" if label.startswith("erratum-") else "box", section_number, _smart(m.group(1)), file)
                pending = []
                continue
            for label in _EQ.findall(line):
                eq += 1
                labels[label] = ("eq", f"{chapter}.{eq}" if numbered else str(eq), "", file)
            if line.strip():
                pending = []
    return labels


def format_ref(kind: str, number: str, title: str) -> str:
    """What a hint says for a label: ``Eq. (4.3)``, ``Section 2.1``, an erratum box and its section."""
    if kind == "eq":
        return f"Eq. ({number})"
    if kind == "section":
        if not number:
            return f'the section "{title}"'
        return f"Section {number}" if "." in number else f"Chapter {number}"
    where = f" in Section {number}" if number else ""
    return f'see the box "{title}"{where}'
