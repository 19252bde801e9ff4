"""Equations you can find: every cited label exists, one citation format, the appendix page is up to date."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import equations_page  # noqa: E402  (scripts/ is not a package)

UNBRACED = re.compile(r"(?<![{\w-])eq-(?:part\d|intro)-[\w-]*\w")


def test_the_book_numbers_equations():
    labels = equations_page.book_equations()
    assert len(labels) > 50, f"only {len(labels)} labelled equations found: is the $$ ... $$ (eq-...) pattern broken?"


def test_every_label_cited_in_src_exists_in_the_book():
    labels = set(equations_page.book_equations())
    missing = []
    for path in sorted(equations_page.SRC.rglob("*.py")):
        text = path.read_text()
        cited = set(equations_page.CITED.findall(text))
        if "classroom" in path.parts:  # its messages quote labels in parentheses
            cited |= set(re.findall(r"\((eq-[\w-]+)\)", text))
        missing += [f"{path.relative_to(ROOT)}: {label}" for label in sorted(cited - labels)]
    assert not missing, f"labels cited in the package but not defined in the book: {missing}"


def test_every_implements_line_follows_the_one_format():
    assert not equations_page.malformed_implements(), equations_page.malformed_implements()


def test_labels_in_docstrings_are_written_in_braces():
    """``Eq. {eq-part1-net}``, never ``Eq. eq-part1-net`` or ``Eq. (eq-part1-net)``: one greppable form."""
    bad = []
    for path in sorted(equations_page.SRC.rglob("*.py")):
        if "classroom" in path.parts:
            continue
        for i, line in enumerate(path.read_text().splitlines(), start=1):
            bad += [f"{path.relative_to(ROOT)}:{i}: {m}" for m in UNBRACED.findall(line)]
    assert not bad, f"write book labels as {{eq-...}}: {bad}"


def test_the_implementing_functions_cover_the_core_equations():
    implemented = {label for *_, labels, _ in equations_page.citations() for label in labels}
    for label in ("eq-part1-loss", "eq-part1-sigmoid", "eq-part1-backprop-rows", "eq-part2-softmax-jacobian",
                  "eq-part2-ce-softmax-delta", "eq-part3-dw", "eq-part3-dx", "eq-part3-maxpool-backward",
                  "eq-intro-centered-difference"):
        assert label in implemented, f"no function says it implements {label}"


def test_every_equation_has_a_row_with_its_cell():
    page = equations_page.PAGE.read_text()
    for label, eq in equations_page.book_equations().items():
        assert f"{{eq}}`{label}`" in page, f"{label} has no row on the appendix page"
        if eq.doc != "book/intro":
            assert eq.cell_check is not None, f"{label}: no asserting code cell after the equation in {eq.doc}"


def test_the_appendix_page_is_up_to_date():
    assert equations_page.PAGE.read_text() == equations_page.render(), (
        "book/appendix/equations.md is out of date: run python3 scripts/equations_page.py")


def test_the_page_is_in_the_table_of_contents():
    assert "book/appendix/equations" in (ROOT / "_toc.yml").read_text()
