"""The chapters' prose speaks the book's notation; a source's symbols appear only where it is quoted.

book/notation.md fixes one notation (samples in rows; x, z, a, W of shape (D_out, D_in), b,
delta = dE/dz, N the batch size, E the loss). A source's own letters (seed 000's O, Net, T,
W_zk, d_z, ...) may appear only where that source is quoted:

* inside an admonition (erratum boxes, inconsistency notes: ``:::{admonition}``,
  ``:::{note}``, ...),
* in a blockquote (lines starting with ``>``),
* in a markdown cell tagged ``quotes-source`` (a side-by-side comparison with a source),

and in the concordance of the notation page, which is not a chapter. The test reads the
math (``$...$`` and ``$$...$$``) of every other markdown cell of a part's notebooks and fails
on any symbol of ``SOURCE_ONLY[part]``. Code spans and code cells are not prose.

To extend it to another part: add the part's source-only symbols to ``SOURCE_ONLY`` and the
part to ``CHECKED_PARTS`` once its chapters pass.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
QUOTE_TAG = "quotes-source"

# Seed 000's letters for what the book calls a, z, y, W, b, dE/da, W^l (Part I's source).
SEED_000 = [
    (r"(?<![\\\w])O[_^]", "O (seed 000's output; the book's a)"),
    (r"(?<![\\\w])Net(?![a-z])", "Net (seed 000's net input; the book's z)"),
    (r"(?<![\\\w])T_", "T_ (seed 000's target; the book's y)"),
    (r"(?<![\\\w])W_\{?z", "W_{zk} (seed 000's weight indices; the book's W_ij)"),
    (r"(?<![\\\w])W_\{H", "W_{H_l} (seed 000's weight matrices; the book's W^l)"),
    (r"(?<![\\\w])d_\{?[zk]|(?<![\\\w])d\^", "d_z, d^l (seed 000's bias; the book's b)"),
    (r"\\Delta\s*E|\\Delta_\{?\d", "Delta E, Delta_l (seed 000's dE/da)"),
]
# Seed 003's letters (quoted in Part I's comparison with its Section 4).
SEED_003 = [
    (r"\\mathbf\s*u\b|\\mathbf\{u\}", "u (seed 003's pre-activation; the book's z)"),
    (r"(?<![\\\w])S_\{?l", "S_l (seed 003's layer width; the book's D_l)"),
]
# Seed 002's letter for the loss in its named losses (the book's E_MSE, E_BCE, ...).
SEED_002 = [
    (r"(?<![\\\w])L_\{?\\(?:text|mathrm|mathit)\s*\{", "L_{MSE}, L_{BCE}, ... (seed 002's loss; the book's E_{MSE}, ...)"),
]
SOURCE_ONLY: dict[str, list[tuple[str, str]]] = {
    "part1": SEED_000 + SEED_003 + SEED_002,
    "part2": SEED_000 + SEED_003 + SEED_002,
    "part3": SEED_000 + SEED_003 + SEED_002,
}
# Parts whose chapters are held to the rule (all three).
CHECKED_PARTS = ("part1", "part2", "part3")

ADMONITIONS = ("admonition", "note", "warning", "error", "important", "tip", "caution",
               "attention", "danger", "hint", "seealso")
FENCE_OPEN = re.compile(r"^(:{3,}|`{3,})\{(\w+)\}")
MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$", re.S)


def prose_outside_quotations(text: str) -> str:
    """The markdown ``text`` without admonition blocks, blockquotes, code fences and code spans."""
    kept, closing = [], []
    for line in text.splitlines():
        stripped = line.strip()
        if closing:
            if stripped == closing[-1]:
                closing.pop()
            else:
                m = FENCE_OPEN.match(stripped)
                if m:
                    closing.append(m[1])
            continue
        m = FENCE_OPEN.match(stripped)
        if m and m[2] in ADMONITIONS:
            closing.append(m[1])
            continue
        if stripped.startswith("```"):  # a plain code fence: skip to its end
            closing.append(stripped[:3])
            continue
        if stripped.startswith(">"):
            continue
        kept.append(line)
    return re.sub(r"`[^`\n]*`", "", "\n".join(kept))


def source_symbols(text: str, symbols: list[tuple[str, str]]) -> list[str]:
    """Every source-only symbol found in the math of ``text``'s unquoted prose, with its context."""
    found = []
    for m in MATH.finditer(prose_outside_quotations(text)):
        math = m[1] if m[1] is not None else m[2]
        for pattern, name in symbols:
            if re.search(pattern, math):
                found.append(f"{name} in ${' '.join(math.split())[:80]}$")
    return found


def chapters(part: str) -> list[Path]:
    return sorted(p for p in (BOOK / part).glob("*.ipynb"))


def violations(path: Path, symbols: list[tuple[str, str]]) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    out = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "markdown" or QUOTE_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        for hit in source_symbols("".join(cell["source"]), symbols):
            out.append(f"cell {index} ({cell.get('id')}): {hit}")
    return out


@pytest.mark.parametrize("path", [p for part in CHECKED_PARTS for p in chapters(part)],
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_chapter_prose_uses_only_the_books_notation(path):
    found = violations(path, SOURCE_ONLY[path.parent.name])
    assert not found, (f"{path.relative_to(ROOT)} uses a source's symbols outside a quotation "
                       f"(quote them in an admonition, a blockquote or a cell tagged "
                       f"{QUOTE_TAG!r}, or write the book's symbol):\n" + "\n".join(found))


def test_every_part_has_chapters_and_a_symbol_list():
    for part in CHECKED_PARTS:
        assert chapters(part), f"no notebooks in book/{part}"
        assert SOURCE_ONLY[part], f"no source-only symbols listed for {part}"


@pytest.mark.parametrize("text, expected", [
    ("The output $O_z^L$ of node $z$.", 1),
    ("Its net input $Net^L = W x + b$ and bias $d^L$.", 2),
    ("$$\n\\Delta E^{L-1} = \\mathbf W_{H_3}^T \\delta\n$$", 2),
    ("The book's $a^l = f(z^l)$, $\\partial E/\\partial a^l$ and $O(\\eta^2)$.", 0),
    ("A bias $b_i$ and a derivative $\\frac{d}{dz}$, the transpose $W^\\top$.", 0),
    (":::{admonition} Erratum: seed 000\n:class: error\n**The source says** $O_z = f(Net_z)$\n:::\n", 0),
    ("> seed 000: $\\Delta E_z = O_z - T_z$\n\nbut the book: $a_i - y_i$", 0),
    ("Code is not prose: `Net = x @ W.T` and `$O_z$`.", 0),
    (":::{exercise}\n:label: ex\nWhat is $d_z$?\n:::\n", 1),
    ("The loss $L_{\\text{MSE}} = \\frac1N \\sum$ and $\\partial L_\\text{BCE}/\\partial \\hat y$.", 2),
    ("The book's $E_{\\text{MSE}}$, the $L_2$ norm and the output layer $a^L$.", 0),
])
def test_the_scanner_finds_source_symbols_only_outside_quotations(text, expected):
    hits = source_symbols(text, SEED_000 + SEED_002)
    assert len(hits) == expected, hits
