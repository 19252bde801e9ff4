"""The generated classroom files are up to date, their numbers are the HTML's, the teacher's template works.

* ``_book_refs.py`` (the numbers hints cite) and ``book/appendix/exercises.md`` equal what
  ``scripts/classroom_pages.py`` writes now;
* (in tests/test_book_build.py, on the build of the run) every equation number, section
  number and erratum box of the map is the one the HTML shows;
* the template of "Adding an exercise" (book/classroom.md) registers an exercise that checks.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import numpy as np
import pytest

from backprop.classroom import EXERCISES, check
from backprop.classroom._book_refs import BOOK_REFS
from backprop.classroom._glance import LAB_PLANS

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("classroom_pages", ROOT / "scripts" / "classroom_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_label_map_is_up_to_date():
    pages = _script()
    assert pages.REFS.read_text() == pages.refs_source(), "run python3 scripts/classroom_pages.py"
    assert BOOK_REFS["eq-part1-sigmoid-prime"][:2] == ("eq", "1.3")
    assert BOOK_REFS["eq-part3-glorot"][:2] == ("eq", "11.3")


def test_the_exercises_page_is_up_to_date_and_in_the_toc():
    pages = _script()
    assert pages.PAGE.read_text() == pages.page_source(), "run python3 scripts/classroom_pages.py"
    assert "book/appendix/exercises" in (ROOT / "_toc.yml").read_text()
    text = pages.PAGE.read_text()
    for ex in EXERCISES.values():
        assert f"| `{ex.id}` | {{doc}}`../{ex.chapter}` | {ex.objective} | {ex.difficulty} | {ex.minutes} min |" in text
    for call, prompts in LAB_PLANS.values():
        assert f"`{call}`" in text and all(p in text for p in prompts)


def test_every_exercise_has_its_metadata():
    for ex in EXERCISES.values():
        assert ex.objective.endswith(".") and len(ex.objective) < 160, ex.id
        assert ex.difficulty in ("easy", "medium", "hard") and 0 < ex.minutes <= 60, ex.id
        assert tuple(n for n, _ in ex.statement_args) == ex.arg_names[: len(ex.statement_args)], ex.id
        assert all(shape for _, shape in ex.statement_args) and ex.returns, ex.id


def test_lab_plans_use_the_chapters_explorers():
    for chapter, (call, prompts) in LAB_PLANS.items():
        nb = nbformat.read(ROOT / "book" / f"{chapter}.ipynb", as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert call in code, f"{chapter}: the lab plan's explorer {call} is not in the chapter"
        assert prompts and all(p.startswith("Predict") or p.startswith("Before each move") for p in prompts)


def test_the_template_of_adding_an_exercise_works(capsys):
    page = (ROOT / "book" / "classroom.md").read_text()
    section = page.split("## Adding an exercise", 1)[1]
    template = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    try:
        exec(compile(template, "classroom.md", "exec"), namespace)  # noqa: S102 -- the page's own example
        assert "tanh_prime" in EXERCISES
        assert check(namespace["tanh_prime"]).passed
        assert "this is tanh(z) itself" in repr(check(np.tanh, exercise="tanh_prime"))
        with pytest.raises(ValueError, match="register_exercise: difficulty must be one of"):
            namespace["register_exercise"]("x_y", **{**_template_kwargs(namespace), "difficulty": "tough"})
        with pytest.raises(KeyError, match="eq-nowhere"):
            namespace["register_exercise"]("x_y", **{**_template_kwargs(namespace),
                                                   "mistakes": ((np.tanh, "see Eq. (eq-nowhere)"),)})
    finally:
        EXERCISES.pop("tanh_prime", None)
        EXERCISES.pop("x_y", None)


def _template_kwargs(ns):
    return dict(chapter="part2/activations", signature="(z)", answer="z", arg_names=("z",),
                statement_args=(("z", "(N, K)"),), objective="Do it.", difficulty="easy", minutes=5,
                cases=ns["_cases"], reference=lambda z: z)
