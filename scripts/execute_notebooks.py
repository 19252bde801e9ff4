#!/usr/bin/env python3
"""Re-execute the book's notebooks and store their outputs with clean metadata.

    python scripts/execute_notebooks.py                 # every notebook under book/
    python scripts/execute_notebooks.py book/part1/*.ipynb

Outputs are what readers see and what nbval compares, so they are regenerated here
and nowhere else.  The result is byte-identical on a re-run without changes:
no timings in cell metadata, execution counts from 1, and widget model ids renumbered
deterministically (the kernel draws random ones).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
KEEP_CELL_METADATA = {"tags", "editable", "deletable", "mystnb"}  # mystnb: figure caption, name, alt text
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
MODEL_ID = re.compile(r"[0-9a-f]{32}")


def clean(nb: nbformat.NotebookNode, name: str) -> str:
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEEP_CELL_METADATA}
        if cell.cell_type == "code":
            cell.outputs = _coalesce_streams(cell.outputs)
            for out in cell.get("outputs", []):
                out.get("metadata", {}).pop("execution", None)
                if "transient" in out:
                    del out["transient"]
    widgets = nb.metadata.get("widgets")
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    if widgets:
        nb.metadata["widgets"] = widgets
    text = nbformat.writes(nb)
    mapping = _widget_id_mapping(nb, name)
    if not mapping:
        return text
    renamed = MODEL_ID.sub(lambda m: mapping.get(m.group(0), m.group(0)), text)
    return nbformat.writes(nbformat.reads(renamed, as_version=4))  # re-sort the state by the new ids


def _coalesce_streams(outputs: list) -> list:
    """Merge consecutive stdout (or stderr) chunks: how a print is split depends on timing."""
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if out.output_type == "stream" and prev is not None and prev.output_type == "stream" and prev.name == out.name:
            prev.text += out.text
        else:
            merged.append(out)
    return merged


def _widget_id_mapping(nb: nbformat.NotebookNode, name: str) -> dict[str, str]:
    """Map the kernel's random widget model ids to ids that depend only on the widget graph.

    Models are numbered breadth-first: first the views that cell outputs display, in
    order, then the models each one references (``IPY_MODEL_<id>``) in the order of its
    key-sorted state. The stored state is keyed by id, so the new ids also fix its order.
    """
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    if not state:
        return {}
    order: list[str] = []
    queue = [
        out["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
        for cell in nb.cells if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in out.get("data", {})
    ]
    leftovers = sorted(state, key=lambda k: json.dumps(state[k], sort_keys=True))
    while queue or leftovers:
        model_id = queue.pop(0) if queue else leftovers.pop(0)
        if model_id in order:
            continue
        order.append(model_id)
        queue.extend(MODEL_ID.findall(json.dumps(state.get(model_id, {}), sort_keys=True)))
    return {old: hashlib.md5(f"{name}:{i}".encode()).hexdigest() for i, old in enumerate(order)}


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # cell ids are kept; stale outputs are dropped before the run
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=1800,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=True,
    )
    client.execute()
    path.write_text(clean(nb, path.relative_to(ROOT).as_posix()))
    print(f"executed {path.relative_to(ROOT)} in {time.perf_counter() - start:.1f} s", flush=True)


def main(args: list[str]) -> int:
    # the BLAS thread count of the tests (see conftest.py): LeNet's float32 training
    # depends on the summation order, which changes between one thread and several
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    paths = [Path(a).resolve() for a in args] or sorted(
        p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts and "_build" not in p.parts
    )
    for path in paths:
        execute(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
