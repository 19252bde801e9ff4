#!/usr/bin/env python3
"""MyST markup to plain Markdown, with the numbers and titles the HTML book shows.

Plain JupyterLab, Colab, VS Code and nbconvert do not render MyST: a student would see
``:::{exercise}``, ``{eq}`eq-part1-net``` and ``$$ ... $$ (eq-part1-net)`` as raw text.
:func:`to_plain_markdown` rewrites one markdown text:

* ``{exercise}`` becomes a bold line "**Exercise 1.2**" and a blockquote holding the
  statement; an admonition (``{admonition} Title``, ``{note}``, ...) and an erratum box a
  bold title line and a blockquote; ``{solution}`` blocks are removed (``solutions="drop"``,
  the student edition) or kept as an HTML ``<details>`` block (``solutions="details"``,
  the notebook download of the HTML book, whose pages show them in dropdowns);
* the roles ``{eq}``, ``{ref}``, ``{numref}``, ``{doc}`` and ``{cite}`` become the text the
  HTML shows: "(1.2)", a section's or erratum box's title, "Fig. 3.1", a page's title,
  "[Nielsen, 2015]";
* a labelled display equation ``$$ ... $$ (label)`` becomes ``$$ ... \\tag{1.2} $$``, which
  MathJax (JupyterLab, Colab, nbconvert's HTML) shows as "(1.2)" beside the equation;
* label targets ``(label)=`` are dropped.

The numbers are computed the way Sphinx numbers them in this book (:func:`book_labels`):
chapters of the numbered parts of ``_toc.yml`` are numbered 1, 2, ... across parts,
labelled equations and exercises are numbered per chapter in document order ("(5.3)",
"Exercise 5.3"); ``tests/test_student_edition.py`` compares them with a real build.
An unknown label or role is an error that names it.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Labels", "book_labels", "to_plain_markdown", "convert_notebook", "LEFTOVER"]

# what must not be left in plain Markdown (the tests search for it)
LEFTOVER = re.compile(r"^ {0,3}(?::{3,}|`{3,})\s*\{[\w-]+\}|\{(?:eq|ref|numref|doc|cite(?::\w+)?|term|download)\}`"
                      r"|^\s*\([\w.:-]+\)=\s*$|\$\$[ \t]*\([\w.:-]+\)", re.M)
_DIRECTIVE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,})\s*\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*?)\s*$")
_CODE_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?!.*`)")
_TARGET = re.compile(r"^\s*\((?P<label>[^()\s]+)\)=\s*$")
_OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*?)\s*$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
_LABELLED_MATH = re.compile(r"\$\$(?P<body>(?:(?!\$\$).)+?)\$\$(?P<label_part>[ \t]*\((?P<label>[\w.:-]+)\))?", re.S)
_ROLE = re.compile(r"(?<!`)\{(?P<role>[\w:-]+)\}`(?P<content>[^`]*)`")
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
ADMONITIONS = {"note": "Note", "tip": "Tip", "hint": "Hint", "important": "Important", "warning": "Warning",
               "caution": "Caution", "attention": "Attention", "danger": "Danger", "error": "Error",
               "seealso": "See also"}


@dataclass
class Labels:
    """What the HTML book shows for each label, and the title of each page."""

    text: dict[str, str] = field(default_factory=dict)      # section / admonition label -> title
    equations: dict[str, str] = field(default_factory=dict)  # equation label -> "1.2"
    exercises: dict[str, str] = field(default_factory=dict)  # exercise label -> "1.2"
    figures: dict[str, str] = field(default_factory=dict)    # figure label -> "1.2"
    docs: dict[str, str] = field(default_factory=dict)       # "book/part1/forward_pass" -> title
    chapters: dict[str, str] = field(default_factory=dict)   # docname -> chapter number ("" if none)
    citations: dict[str, str] = field(default_factory=dict)  # bibtex key -> "Nielsen, 2015"


def _markdown_of(path: Path) -> list[str]:
    """The markdown texts of a page (.md) or of a notebook's markdown cells, in order.

    A code cell whose output is a numbered figure (myst-nb metadata ``mystnb.figure.name``)
    counts as a ``{figure}`` directive with that name, in its place among the cells.
    """
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        texts = []
        for c in nb["cells"]:
            if c["cell_type"] == "markdown":
                texts.append("".join(c["source"]) if isinstance(c["source"], list) else c["source"])
            elif c["cell_type"] == "code":
                name = c.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("name")
                if name:
                    texts.append(f"```{{figure}} code-cell\n:name: {name}\n```\n")
        return texts
    return [path.read_text(encoding="utf-8")]


def _plain_title(title: str) -> str:
    return re.sub(r"[*_]{1,2}([^*_]+)[*_]{1,2}", r"\1", title).strip()


def _toc_docs(root: Path) -> list[tuple[str, bool]]:
    """(docname, numbered) in the order of _toc.yml; [] without a toc."""
    toc = root / "_toc.yml"
    if not toc.exists():
        return []
    import yaml

    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    docs = [(str(data["root"]), False)]

    def walk(entries, numbered):
        for entry in entries or []:
            if "file" in entry:
                docs.append((str(entry["file"]).removesuffix(".ipynb").removesuffix(".md"), numbered))
            walk(entry.get("sections"), numbered)

    for part in data.get("parts", []):
        walk(part.get("chapters"), bool(part.get("numbered")))
    walk(data.get("chapters"), False)
    return docs


def _citations(root: Path) -> dict[str, str]:
    out = {}
    for bib in (root / "book").glob("*.bib"):
        for m in re.finditer(r"@\w+\{(?P<key>[^,\s]+),(?P<body>.*?)\n\}", bib.read_text(encoding="utf-8"), re.S):
            body = m.group("body")
            author = re.search(r"author\s*=\s*\{(.+?)\}\s*,?\s*\n", body)
            year = re.search(r"year\s*=\s*\{?(\d{4})", body)
            names = [a.split(",")[0].strip() if "," in a else a.split()[-1] for a in author.group(1).split(" and ")] if author else ["?"]
            who = names[0] if len(names) == 1 else f"{names[0]} and {names[1]}" if len(names) == 2 else f"{names[0]} et al."
            out[m.group("key")] = f"{who}, {year.group(1) if year else 'n.d.'}"
    return out


def book_labels(root: Path) -> Labels:
    """Every label of the book under ``root`` (the folder of _toc.yml) with what the HTML shows."""
    root = Path(root)
    labels = Labels(citations=_citations(root))
    docs = _toc_docs(root)
    if not docs:  # no toc (a bare folder of notebooks): every notebook, unnumbered
        docs = [(p.relative_to(root).with_suffix("").as_posix(), False) for p in sorted(root.rglob("*.ipynb"))
                if "_build" not in p.parts and ".ipynb_checkpoints" not in p.parts]
    chapter = 0
    for docname, numbered in docs:
        path = next((root / f"{docname}{s}" for s in (".ipynb", ".md") if (root / f"{docname}{s}").exists()), None)
        if path is None:
            continue
        if numbered:
            chapter += 1
        prefix = f"{chapter}." if numbered else ""
        labels.chapters[docname] = str(chapter) if numbered else ""
        n_eq = n_ex = n_fig = 0
        pending: list[str] = []
        for text in _markdown_of(path):
            for m in _LABELLED_MATH.finditer(_without_code(text)):
                if not m.group("label"):
                    continue
                n_eq += 1
                labels.equations[m.group("label")] = f"{prefix}{n_eq}"
            lines = text.split("\n")
            in_code = None
            for i, line in enumerate(lines):
                if in_code:
                    if re.match(r"^ {0,3}" + re.escape(in_code[0]) + "{" + str(len(in_code)) + r",}\s*$", line):
                        in_code = None
                    continue
                target = _TARGET.match(line)
                if target:
                    pending.append(target.group("label"))
                    continue
                heading = _HEADING.match(line)
                d = _DIRECTIVE.match(line)
                if heading:
                    title = _plain_title(heading.group("title"))
                    if len(heading.group("hashes")) == 1 and docname not in labels.docs:
                        labels.docs[docname] = title
                    for name in pending:
                        labels.text[name] = title
                elif d:
                    name, arg = d.group("name"), d.group("arg")
                    options = _options(lines[i + 1:])
                    if name == "exercise":
                        n_ex += 1
                        if "label" in options:
                            labels.exercises[options["label"]] = f"{prefix}{n_ex}"
                    elif name == "figure":
                        n_fig += 1
                        if "name" in options:
                            labels.figures[options["name"]] = f"{prefix}{n_fig}"
                    elif name == "admonition" or name in ADMONITIONS:
                        for target_name in pending:
                            labels.text[target_name] = arg or ADMONITIONS.get(name, name)
                elif _CODE_FENCE.match(line):
                    in_code = _CODE_FENCE.match(line).group("fence")
                if line.strip():
                    pending = []
    return labels


def _without_code(text: str) -> str:
    """``text`` with plain fenced code blocks blanked (their ``$$`` are not equations)."""
    out, fence = [], None
    for line in text.split("\n"):
        if fence:
            if re.match(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$", line):
                fence = None
            out.append("")
            continue
        m = _CODE_FENCE.match(line)
        if m and not _DIRECTIVE.match(line):
            fence = m.group("fence")
            out.append("")
            continue
        out.append(line)
    return "\n".join(out)


def _options(lines: list[str]) -> dict[str, str]:
    options = {}
    for line in lines:
        m = _OPTION.match(line)
        if not m:
            break
        options[m.group("key")] = m.group("value")
    return options


@dataclass
class _Context:
    labels: Labels
    docname: str
    solutions: str
    exercise_count: int = 0

    @property
    def prefix(self) -> str:
        chapter = self.labels.chapters.get(self.docname, "")
        return f"{chapter}." if chapter else ""


def _closing(lines: list[str], start: int, fence: str) -> int:
    pattern = re.compile(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
    for j in range(start + 1, len(lines)):
        if pattern.match(lines[j]):
            return j
    return len(lines)  # unclosed: MyST runs it to the end


def _quote(text: str) -> list[str]:
    body = text.strip("\n").split("\n")
    return [f"> {line}" if line.strip() else ">" for line in body]


def _inline(text: str, ctx: _Context) -> str:
    """Roles and labelled equations of a text without directives or code blocks."""

    def math(m):
        label = m.group("label")
        if not label:
            return m.group(0)
        if label not in ctx.labels.equations:
            raise ValueError(f"{ctx.docname}: the equation label {label!r} is not in the book's labels")
        return f"$${m.group('body').rstrip()}\n\\tag{{{ctx.labels.equations[label]}}}\n$$"

    def role(m):
        name, content = m.group("role"), m.group("content")
        explicit = _EXPLICIT.match(content)
        text, target = (explicit.group("text"), explicit.group("target")) if explicit else (None, content.strip())
        if name == "eq":
            if target not in ctx.labels.equations:
                raise ValueError(f"{ctx.docname}: {{eq}}`{target}` names no labelled equation of the book")
            return f"({ctx.labels.equations[target]})"
        if name == "ref":
            if text:
                return text
            for table, fmt in ((ctx.labels.text, "{}"), (ctx.labels.exercises, "Exercise {}"), (ctx.labels.figures, "Fig. {}")):
                if target in table:
                    return fmt.format(table[target])
            raise ValueError(f"{ctx.docname}: {{ref}}`{target}` names no label of the book")
        if name == "numref":
            for table, kind in ((ctx.labels.figures, "Fig."), (ctx.labels.exercises, "Exercise"), (ctx.labels.equations, "Eq.")):
                if target in table:
                    return (text.replace("{number}", table[target]).replace("%s", table[target]) if text
                            else f"{kind} {table[target]}")
            raise ValueError(f"{ctx.docname}: {{numref}}`{target}` names no numbered label of the book")
        if name == "doc":
            if text:
                return text
            doc = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(posixpath.dirname(ctx.docname), target))
            doc = doc.removesuffix(".ipynb").removesuffix(".md")
            if doc not in ctx.labels.docs:
                raise ValueError(f"{ctx.docname}: {{doc}}`{target}` names no page of the book")
            return ctx.labels.docs[doc]
        if name.startswith("cite"):
            keys = [k.strip() for k in target.split(",")]
            missing = [k for k in keys if k not in ctx.labels.citations]
            if missing:
                raise ValueError(f"{ctx.docname}: {{cite}} of unknown bibliography keys {missing}")
            return "[" + "; ".join(ctx.labels.citations[k] for k in keys) + "]"
        if name == "math":
            return f"${content}$"
        if name in ("term", "abbr", "download", "sub", "sup", "kbd", "code", "file", "command", "guilabel"):
            return f"`{text or target}`" if name in ("code", "file", "command", "kbd") else (text or target)
        raise ValueError(f"{ctx.docname}: the role {{{name}}} has no plain-Markdown form here")

    text = _LABELLED_MATH.sub(math, text)
    return _ROLE.sub(role, text)


def _convert(text: str, ctx: _Context) -> str:
    lines = text.split("\n")
    out: list[str] = []
    prose: list[str] = []

    def flush():
        if prose:
            out.append(_inline("\n".join(prose), ctx))
            prose.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        d = _DIRECTIVE.match(line)
        if d:
            flush()
            end = _closing(lines, i, d.group("fence"))
            body_lines = lines[i + 1:end]
            options = _options(body_lines)
            body = "\n".join(body_lines[len(options):])
            out.extend(_directive(d.group("name"), d.group("arg"), options, body, ctx))
            i = end + 1
            continue
        code = _CODE_FENCE.match(line)
        if code:
            flush()
            end = _closing(lines, i, code.group("fence"))
            out.extend(lines[i:end + 1])
            i = end + 1
            continue
        if _TARGET.match(line):
            i += 1
            if i < len(lines) and not lines[i].strip() and (not prose or not prose[-1].strip()):
                i += 1  # no double blank line where the target was
            continue
        prose.append(line)
        i += 1
    flush()
    return "\n".join(out)


def _directive(name: str, arg: str, options: dict[str, str], body: str, ctx: _Context) -> list[str]:
    inner = _convert(body, ctx)
    if name == "exercise":
        ctx.exercise_count += 1
        number = ctx.labels.exercises.get(options.get("label", ""), f"{ctx.prefix}{ctx.exercise_count}")
        title = f"**Exercise {number}**" + (f" ({_inline(arg, ctx)})" if arg else "")
        return [title, "", *_quote(inner)]
    if name in ("solution", "solution-start", "solution-end"):
        if ctx.solutions == "drop" or name == "solution-end":
            return []
        number = ctx.labels.exercises.get(arg.strip(), "")
        summary = f"Solution to Exercise {number}" if number else "Solution"
        return [f"<details><summary>{summary}</summary>", "", inner.strip("\n"), "", "</details>"]
    if name == "admonition" or name in ADMONITIONS:
        title = _inline(arg, ctx) if arg else ADMONITIONS.get(name, name.title())
        return [f"**{title}**", "", *_quote(inner)]
    if name in ("dropdown", "margin", "sidebar", "topic", "card", "toggle"):
        return ([f"**{_inline(arg, ctx)}**", ""] if arg else []) + _quote(inner)
    if name in ("code-block", "code", "code-cell", "sourcecode"):
        return [f"```{arg}", body.strip("\n"), "```"]
    if name == "math":
        label = options.get("label")
        tag = f"\n\\tag{{{ctx.labels.equations[label]}}}" if label in ctx.labels.equations else ""
        return [f"$$\n{body.strip()}{tag}\n$$"]
    if name in ("figure", "image"):
        alt = inner.strip() or options.get("alt", "")
        number = ctx.labels.figures.get(options.get("name", ""))
        caption = f"Fig. {number}: {alt}" if number and alt else alt
        return [f"![{alt}]({arg})", *(["", f"*{caption}*"] if caption else [])]
    if name in ("tableofcontents", "bibliography", "index", "glossary", "raw"):
        return []
    if name == "epigraph" or name == "blockquote":
        return _quote(inner)
    raise ValueError(f"{ctx.docname}: the directive {{{name}}} has no plain-Markdown form here")


def to_plain_markdown(text: str, labels: Labels, docname: str, *, solutions: str = "drop",
                      start: int = 0) -> tuple[str, int]:
    """Plain Markdown for ``text`` of page ``docname``; returns (markdown, exercises seen so far).

    ``start`` is the number of exercises of the page before this text (a notebook's
    earlier cells), so unlabelled exercises are numbered like the HTML numbers them.
    """
    if solutions not in ("drop", "details"):
        raise ValueError(f"solutions must be 'drop' or 'details', not {solutions!r}")
    ctx = _Context(labels, docname, solutions, start)
    return _convert(text, ctx), ctx.exercise_count


def convert_notebook(nb, labels: Labels, docname: str, *, solutions: str = "drop"):
    """Rewrite every markdown cell of ``nb`` (an nbformat node, changed in place); return it.

    Cells left empty (a cell that held only a solution) are removed.
    """
    count, cells = 0, []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            source = cell.source if isinstance(cell.source, str) else "".join(cell.source)
            cell.source, count = to_plain_markdown(source, labels, docname, solutions=solutions, start=count)
            if not cell.source.strip() and source.strip():
                continue
        cells.append(cell)
    nb.cells = cells
    return nb
