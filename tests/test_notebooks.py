"""House rules for the committed notebooks (the lessons are the main text of the course):
executed with outputs, slide metadata on every cell, checked outputs tagged (not commented), nothing
from the author's machine in the outputs, a summary and a pointer to the exercise at the end; and the
kernel metadata of every notebook equal to what the README's install gives, so that JupyterLab does not
mark a notebook modified the moment its kernel starts."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ALL_NOTEBOOKS = sorted(p for d in ("lessons", "exercises", "solutions") for p in (ROOT / d).glob("[0-9][0-9]_*.ipynb"))
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
    assert any("nbval-check-output" in c.get("metadata", {}).get("tags", []) for c in cells), \
        "no output is checked by nbval (cell tag nbval-check-output)"
    marked = [i for i, s in enumerate(sources) if re.search(r"^\s*#\s*(NBVAL|PYTEST_VALIDATE)_", s, re.M)]
    assert not marked, f"cells {marked} carry an nbval comment marker, which learners and the slides show: " \
                       "use the cell tag (metadata.tags: nbval-check-output) instead"
    assert any("image/png" in o.get("data", {}) for c in cells for o in c.get("outputs", [])), "no figure"
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
               for c in cells for o in c.get("outputs", [])), "no interactive widget"
    md = "\n".join(s for c, s in zip(cells, sources) if c["cell_type"] == "markdown")
    assert re.search(r"^#+\s*Summary", md, re.M), "no Summary section"
    pointers = re.findall(r"exercises/(\d\d_\w+\.ipynb)", md)        # lesson 4 is taught in two notebooks (4a, 4b)
    assert any(name.startswith(path.name[:3]) and (ROOT / "exercises" / name).exists() for name in pointers), \
        f"no pointer to an existing exercises/{path.name[:3]}*.ipynb"
    assert "import nnkit" in "\n".join(sources) or "from nnkit" in "\n".join(sources)


TIME = re.compile(r"^Time: about (\d+) min")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_section_has_a_time_in_its_notes_and_the_lesson_adds_them_up(path):
    """A presenter plans a workshop from the notes: every section (a slide whose markdown starts with a heading)
    is followed by notes that start "Time: about N min", and the lesson's first notes give the sum."""
    cells = _load(path)["cells"]
    kind = [c.get("metadata", {}).get("slideshow", {}).get("slide_type") for c in cells]
    starts = [i for i, c in enumerate(cells) if c["cell_type"] == "markdown" and kind[i] == "slide"
              and "".join(c["source"]).lstrip().startswith("#")]
    times = []
    for i in starts:
        note = "".join(cells[i + 1]["source"]) if i + 1 < len(cells) and kind[i + 1] == "notes" else ""
        m = TIME.match(note)
        assert m, f"section at cell {i} ({''.join(cells[i]['source']).splitlines()[0][:50]!r}) has no time in its notes"
        times.append(int(m.group(1)))
    first = "".join(cells[starts[0] + 1]["source"])
    total = re.search(r"about (\d+) min for the whole lesson", first)
    assert total and int(total.group(1)) == sum(times), f"the section times add up to {sum(times)} min"
    assert sum(times) <= 90, f"{sum(times)} min: more than one sitting"


def _kernel_metadata():
    """kernelspec and language_info as JupyterLab writes them when the installed python3 kernel starts:
    the kernelspec from the kernel's kernel.json, language_info from the kernel's own kernel_info reply."""
    import platform
    from jupyter_client.kernelspec import KernelSpecManager
    spec = KernelSpecManager().get_kernel_spec("python3")
    kernelspec = {"display_name": spec.display_name, "language": spec.language, "name": "python3"}
    from ipykernel.ipkernel import IPythonKernel
    language_info = dict(IPythonKernel.language_info, version=platform.python_version())
    return kernelspec, language_info


def test_every_notebook_has_the_installed_kernels_metadata():
    """JupyterLab overwrites kernelspec/language_info with the running kernel's and marks the notebook
    modified when they differ (learners then get "save changes?" prompts and git conflicts).
    To fix a notebook: python tests/test_notebooks.py (rewrites only the metadata, with nbformat)."""
    kernelspec, language_info = _kernel_metadata()
    assert len(ALL_NOTEBOOKS) == 22, [p.name for p in ALL_NOTEBOOKS]
    wrong = []
    for path in ALL_NOTEBOOKS:
        meta = _load(path)["metadata"]
        if meta.get("kernelspec") != kernelspec or meta.get("language_info") != language_info:
            wrong.append(f"{path.parent.name}/{path.name}: {meta.get('kernelspec')} {meta.get('language_info')}")
    assert not wrong, f"kernel metadata differs from the installed kernel {kernelspec} {language_info}:\n" + \
        "\n".join(wrong) + "\nfix with: python tests/test_notebooks.py"


if __name__ == "__main__":           # rewrite the kernel metadata of every notebook (nothing else)
    import nbformat
    kernelspec, language_info = _kernel_metadata()
    for path in ALL_NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        nb.metadata["kernelspec"], nb.metadata["language_info"] = kernelspec, language_info
        nbformat.write(nb, path)
        print("kernel metadata set:", path.relative_to(ROOT))
