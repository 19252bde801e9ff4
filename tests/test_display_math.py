"""A display equation starts its own block: ``$$`` right under a line of text is not display math.

MyST's dollarmath reads ``$$`` only at the start of a block; written on the line after a
sentence (no blank line between), it becomes a literal ``$`` around an inline equation, and
the HTML shows stray dollar signs next to a squeezed formula. The test reads every markdown
cell and page of the book and fails on an opening ``$$`` whose previous line is text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for p in (ROOT / "book").rglob("*") if p.suffix in (".ipynb", ".md")
                 and ".ipynb_checkpoints" not in p.parts and "_build" not in p.parts)
# Lines after which an opening $$ still starts a block: a directive's header or option, a label.
STARTS_BLOCK = re.compile(r"^(:{3,}|`{3,}|:\w[\w-]*:|\(\S+\)=$)")
# Not yet fixed in the main branch (another helper's chapter): must fail until fixed, then leave.
KNOWN: set[str] = set()


def markdown_of(path: Path) -> list[str]:
    if path.suffix == ".md":
        return [path.read_text(encoding="utf-8")]
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


def glued_display_math(text: str) -> list[str]:
    """The text lines directly followed by an opening ``$$`` (outside code fences)."""
    found, in_math, fence = [], False, None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip()
        if fence:
            fence = None if stripped.startswith(fence) else fence
            continue
        if not in_math and stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        if not stripped.startswith("$$"):
            continue
        if in_math:
            in_math = False
            continue
        one_line = len(stripped) > 2 and re.search(r"\$\$\s*(\([\w-]+\))?\s*$", stripped[2:])
        prev = lines[i - 1].strip() if i else ""
        if prev and not STARTS_BLOCK.match(prev):
            found.append(prev[-70:])
        in_math = not one_line
    return found


def _id(path: Path) -> str:
    return path.relative_to(ROOT / "book").with_suffix("").as_posix()


@pytest.mark.parametrize("path", [
    pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="known; fix the chapter, then drop it from KNOWN"))
    if _id(p) in KNOWN else p for p in SOURCES], ids=_id)
def test_display_math_starts_its_own_block(path: Path) -> None:
    found = [hit for text in markdown_of(path) for hit in glued_display_math(text)]
    assert not found, (f"{_id(path)}: $$ right under a line of text renders as stray $ signs; "
                       "leave a blank line before it, after:\n  " + "\n  ".join(found))


@pytest.mark.parametrize("text, expected", [
    ("For the sigmoid,\n$$\nf(z)\n$$\n", 1),
    ("For the sigmoid,\n\n$$\nf(z)\n$$ (eq-x)\nso that\n", 0),
    (":::{admonition} Erratum\n:class: error\n$$\nx\n$$\n:::\n", 0),
    ("text\n$$ x = 1 $$\nand\n$$\ny\n$$\n", 2),
    ("```\ncode\n$$\n```\n", 0),
])
def test_the_scanner(text, expected):
    assert len(glued_display_math(text)) == expected
