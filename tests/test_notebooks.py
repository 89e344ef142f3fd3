"""House rules for the committed notebooks (the lessons are the main text of the course):
executed with outputs, slide metadata on every cell, checked outputs marked, nothing from the
author's machine in the outputs, a summary and a pointer to the exercise at the end."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
MACHINE = re.compile(r"/(work|root|tmp|home)/|0x[0-9a-f]{8,}")


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _outputs_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            parts.append("".join(out["text"]))
        for mime, value in out.get("data", {}).items():
            if mime.startswith("text/"):
                parts.append("".join(value) if isinstance(value, list) else str(value))
        if "traceback" in out:
            parts.append("\n".join(out["traceback"]))
    return "\n".join(parts)


def test_there_are_lessons():
    assert LESSONS, "no lesson notebooks found in lessons/"


@pytest.mark.parametrize("path", LESSONS + SOLUTIONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_is_executed_clean_and_portable(path):
    nb = _load(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "a notebook without code"
    assert all(c.get("execution_count") for c in code if c["source"]), \
        "some code cells were never executed: run the notebook top to bottom and save it"
    counts = [c["execution_count"] for c in code if c["source"]]
    assert counts == sorted(counts), "cells were executed out of order: restart the kernel and run all"
    for c in code:
        for out in c.get("outputs", []):
            assert out.get("output_type") != "error", f"an error output in cell:\n{''.join(c['source'])[:200]}"
        text = _outputs_text(c)
        assert not MACHINE.search(text), f"output shows a path or address of the author's machine: " \
                                         f"{MACHINE.search(text).group(0)!r} in cell:\n{''.join(c['source'])[:200]}"
    assert path.stat().st_size < 2_500_000, "notebook is too large to read comfortably on GitHub (>2.5 MB)"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_structure(path):
    nb = _load(path)
    cells = nb["cells"]
    missing = [i for i, c in enumerate(cells) if c.get("metadata", {}).get("slideshow", {}).get("slide_type") not in SLIDE_TYPES]
    assert not missing, f"cells without slide metadata (slideshow.slide_type): {missing[:10]}"
    assert cells[0]["metadata"]["slideshow"]["slide_type"] == "slide"
    sources = ["".join(c["source"]) for c in cells]
    assert any(s.lstrip().startswith("# NBVAL_CHECK_OUTPUT") for s in sources), \
        "no output is checked by nbval (# NBVAL_CHECK_OUTPUT)"
    assert any("image/png" in o.get("data", {}) for c in cells for o in c.get("outputs", [])), "no figure"
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
               for c in cells for o in c.get("outputs", [])), "no interactive widget"
    md = "\n".join(s for c, s in zip(cells, sources) if c["cell_type"] == "markdown")
    assert re.search(r"^#+\s*Summary", md, re.M), "no Summary section"
    assert f"exercises/{path.name}" in md, f"no pointer to exercises/{path.name}"
    assert "import nnkit" in "\n".join(sources) or "from nnkit" in "\n".join(sources)
