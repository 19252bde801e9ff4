"""The bibliography: every entry of book/references.bib is cited, every cited key exists,
and the book cites in one style (author-year, {cite:p} or {cite:t}, never a bare {cite})."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
BIB = BOOK / "references.bib"

ROLE = re.compile(r"\{(cite(?::[a-z]+)?)\}`([^`]*)`")
ENTRY = re.compile(r"^@\w+\{([^,\s]+),", re.MULTILINE)
ALLOWED_ROLES = {"cite:p", "cite:t"}


def bib_keys(text: str) -> list[str]:
    return ENTRY.findall(text)


def book_texts() -> dict[str, str]:
    """Markdown of every page: the .md files and the markdown cells of the notebooks."""
    texts = {}
    for path in sorted(BOOK.rglob("*.md")):
        if "_build" in path.parts:
            continue
        texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    for path in sorted(BOOK.rglob("*.ipynb")):
        if "_build" in path.parts or ".ipynb_checkpoints" in path.parts:
            continue
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            if cell["cell_type"] == "markdown":
                source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                texts[f"{path.relative_to(ROOT)}#cell{i}"] = source
    return texts


def citations(texts: dict[str, str]) -> list[tuple[str, str, str]]:
    """(where, role, key) for every key of every citation."""
    found = []
    for where, text in texts.items():
        for role, keys in ROLE.findall(text):
            for key in keys.split(","):
                found.append((where, role, key.strip()))
    return found


def check_bibliography(bib_text: str, texts: dict[str, str]) -> list[str]:
    """Problems: uncited entries, cited keys missing from the bib, duplicates, other roles."""
    keys = bib_keys(bib_text)
    problems = [f"duplicate bib entry {k!r}" for k in sorted({k for k in keys if keys.count(k) > 1})]
    cited = citations(texts)
    cited_keys = {key for _, _, key in cited}
    problems += [f"bib entry {k!r} is never cited" for k in keys if k not in cited_keys]
    problems += [f"{where}: cited key {key!r} is not in references.bib"
                 for where, _, key in cited if key not in keys]
    problems += [f"{where}: {{{role}}}`{key}` (use {{cite:p}} or {{cite:t}}, author-year)"
                 for where, role, key in cited if role not in ALLOWED_ROLES]
    return problems


def test_every_entry_cited_and_every_citation_resolves():
    problems = check_bibliography(BIB.read_text(encoding="utf-8"), book_texts())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("bib, texts, expected", [
    ("@book{a,\n title={A}}\n@book{b,\n title={B}}\n", {"x.md": "{cite:p}`a`"}, "'b' is never cited"),
    ("@book{a,\n title={A}}\n", {"x.md": "{cite:p}`a,zz`"}, "'zz' is not in references.bib"),
    ("@book{a,\n title={A}}\n", {"x.md": "{cite}`a`"}, "use {cite:p} or {cite:t}"),
    ("@book{a,\n title={A}}\n@book{a,\n title={A}}\n", {"x.md": "{cite:t}`a`"}, "duplicate bib entry 'a'"),
])
def test_checker_finds_each_defect(bib, texts, expected):
    problems = check_bibliography(bib, texts)
    assert any(expected in p for p in problems), problems


def test_checker_passes_a_clean_book():
    assert check_bibliography("@book{a,\n title={A}}\n", {"x.md": "as {cite:t}`a` shows"}) == []


def test_no_handwritten_author_year_for_a_bib_entry():
    """A work of the bibliography is cited with the role, not as plain 'Glorot and Bengio (2010)'."""
    pattern = re.compile(r"\b(Glorot and Bengio|LeCun et al\.|Rumelhart et al\.|Nielsen|Goodfellow et al\.|"
                         r"Bishop|Griewank and Walther|Baydin et al\.)\s*\(\d{4}\)")
    hits = [f"{where}: {m.group(0)}" for where, text in book_texts().items() for m in pattern.finditer(text)]
    assert not hits, "\n".join(hits)


def test_seed_002_is_linked_to_arxiv():
    entry = re.search(r"@misc\{seed002,(.*?)\n\}", BIB.read_text(encoding="utf-8"), re.DOTALL).group(1)
    assert re.search(r"eprint\s*=\s*\{1711\.03278\}", entry), entry
    intro = (BOOK / "intro.md").read_text(encoding="utf-8")
    assert "https://arxiv.org/abs/1711.03278" in intro


def test_intro_describes_each_source():
    intro = (BOOK / "intro.md").read_text(encoding="utf-8")
    for seed in ("000", "002", "003", "004"):
        assert f"**Seed {seed}**" in intro, f"intro.md has no paragraph on seed {seed}"
