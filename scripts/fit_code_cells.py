"""Make every code line of the book's notebooks fit the text column (88 characters).

    python scripts/fit_code_cells.py book/part2/*.ipynb     # some notebooks
    python scripts/fit_code_cells.py                        # every notebook under book/

For each code cell (not the Colab setup cell): a trailing comment that makes a line too long
moves onto its own line above it, a comment line that is too long is wrapped, and
``ruff format`` (line length 88) splits the long code lines. Cells with IPython magics keep
their magic lines as they are. Only the cells' sources change; outputs stay (regenerate
them with ``scripts/execute_notebooks.py`` if a printed line depended on the layout).
``tests/test_notebooks_clean.py`` checks the limit.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import textwrap
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 88


def _trailing_comment(line: str) -> int | None:
    """Index of the '#' starting a trailing comment of this one line of code, or None."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line + "\n").readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    for tok in tokens:
        if tok.type == tokenize.COMMENT and line[: tok.start[1]].strip():
            return tok.start[1]
    return None


def _lift_comments(source: str) -> str:
    out = []
    for line in source.splitlines():
        if len(line) > WIDTH:
            stripped = line.lstrip()
            indent = line[: len(line) - len(stripped)]
            if stripped.startswith("#"):
                body = stripped.lstrip("#").strip()
                out += textwrap.wrap(body, WIDTH - len(indent) - 2, initial_indent=indent + "# ",
                                     subsequent_indent=indent + "# ", break_on_hyphens=False) or [line]
                continue
            at = _trailing_comment(line)
            if at is not None:
                comment = line[at:].lstrip("#").strip()
                out += textwrap.wrap(comment, WIDTH - len(indent) - 2, initial_indent=indent + "# ",
                                     subsequent_indent=indent + "# ", break_on_hyphens=False)
                out.append(line[:at].rstrip())
                continue
        out.append(line)
    return "\n".join(out)


_STRING_LINE = re.compile(r'^(?P<indent>\s*)(?P<kw>\w+=)?(?P<prefix>f?)"(?P<body>[^"\\]*)"(?P<comma>,?)$')


def _split_points(body: str, is_f: bool) -> list[int]:
    depth, points = 0, []
    for i, ch in enumerate(body):
        if is_f and ch == "{":
            depth += 1
        elif is_f and ch == "}":
            depth -= 1
        elif ch == " " and depth == 0:
            points.append(i + 1)  # the space stays at the end of the first part
    return points


def _split_strings(source: str) -> str:
    """A line that is one string literal inside brackets, too long: implicit concatenation."""
    out = []
    for line in source.splitlines():
        m = _STRING_LINE.match(line)
        if len(line) <= WIDTH or not m:
            out.append(line)
            continue
        indent, kw, prefix, body, comma = (m["indent"], m["kw"] or "", m["prefix"], m["body"], m["comma"])
        inner = indent + ("    " if kw else "")
        room = WIDTH - len(inner) - len(prefix) - 2
        parts, rest = [], body
        while len(rest) > room:
            cuts = [c for c in _split_points(rest, bool(prefix)) if c <= room]
            if not cuts:
                break
            parts.append(rest[: cuts[-1]])
            rest = rest[cuts[-1]:]
        parts.append(rest)
        if len(parts) == 1:
            out.append(line)
            continue
        pieces = [f'{inner}{prefix if ("{" in p or not prefix) else ""}"{p}"' for p in parts]
        if kw:
            out += [f"{indent}{kw}("] + pieces + [f"{indent}){comma}"]
        else:
            pieces[-1] += comma
            out += pieces
    return "\n".join(out)


def _ruff_format(source: str) -> str:
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    magic = re.compile(r"^\s*[%!]")
    lines = source.splitlines()
    # hide magics from the formatter behind a unique comment, put them back afterwards
    hidden = {i: line for i, line in enumerate(lines) if magic.match(line)}
    masked = "\n".join(f"# __MAGIC_{i}__" if i in hidden else line for i, line in enumerate(lines))
    result = subprocess.run([ruff, "format", "--line-length", str(WIDTH), "--quiet", "-"], input=masked + "\n",
                            capture_output=True, text=True)
    if result.returncode != 0:
        return source  # not valid Python on its own (e.g. a cell meant to raise a SyntaxError)
    text = result.stdout.rstrip("\n")
    for i, line in hidden.items():
        text = text.replace(f"# __MAGIC_{i}__", line)
    return text


def fit(source: str) -> str:
    if all(len(line) <= WIDTH for line in source.splitlines()):
        return source
    return _split_strings(_ruff_format(_lift_comments(source)))


def main(paths: list[str]) -> int:
    files = [Path(p) for p in paths] or sorted(p for p in (ROOT / "book").rglob("*.ipynb")
                                             if ".ipynb_checkpoints" not in p.parts)
    for path in files:
        nb = json.loads(path.read_text(encoding="utf-8"))
        changed = 0
        for cell in nb["cells"]:
            if cell["cell_type"] != "code" or cell.get("id") == "colab-setup":
                continue
            source = "".join(cell["source"])
            new = fit(source)
            if new != source:
                cell["source"] = new.splitlines(keepends=True)
                changed += 1
        if changed:
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{path}: {changed} cell(s) reformatted")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
