"""Generate the exercise notebooks from the solution notebooks.

    python -m coursetools build-exercises [--check]      solutions/*.ipynb -> exercises/*.ipynb

In a solution notebook, code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes
``raise NotImplementedError()`` (at the same indentation), code between ``### BEGIN HIDDEN TESTS`` and
``### END HIDDEN TESTS`` is removed, outputs and execution counts are cleared, and the cells keep their
nbgrader metadata (schema 3: grade_id, points, solution/grade/locked), so the exercise works with nbgrader.
"""
import argparse
import copy
import re
from pathlib import Path

from .paths import REPO
_SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n.*?^[ \t]*### END SOLUTION[^\n]*(\n|$)", re.M | re.S)
_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[^\n]*\n.*?^[ \t]*### END HIDDEN TESTS[^\n]*(\n|$)", re.M | re.S)


def strip_source(source):
    """Solution code -> ``raise NotImplementedError()``; hidden tests -> nothing."""
    if source.count("### BEGIN SOLUTION") != source.count("### END SOLUTION"):
        raise ValueError("unbalanced ### BEGIN SOLUTION / ### END SOLUTION markers")
    out = _SOLUTION.sub(lambda m: f"{m.group(1)}raise NotImplementedError(){m.group(2)}", source)
    return _HIDDEN.sub("", out)


def make_exercise(nb):
    """A solution notebook (nbformat node) -> the student's exercise notebook."""
    ex = copy.deepcopy(nb)
    ids = set()
    for i, cell in enumerate(ex.cells):
        meta = cell.metadata.get("nbgrader")
        if meta:
            gid = meta.get("grade_id")
            if not gid or gid in ids:
                raise ValueError(f"cell {i + 1}: nbgrader grade_id {gid!r} is missing or not unique")
            ids.add(gid)
        if cell.cell_type == "code":
            try:
                cell.source = strip_source(cell.source)
            except ValueError as exc:
                raise ValueError(f"cell {i + 1}: {exc}") from None
            cell.outputs = []
            cell.execution_count = None
    ex.metadata.pop("widgets", None)
    return ex


def build_exercises(solutions=None, exercises=None, check=False):
    """Write exercises/NAME.ipynb for every solutions/NAME.ipynb; with ``check``, only report differences.
    Returns the list of names that differ (check) or were written."""
    import nbformat
    solutions = Path(solutions or REPO / "solutions")
    exercises = Path(exercises or REPO / "exercises")
    exercises.mkdir(exist_ok=True)
    changed = []
    for src in sorted(solutions.glob("[0-9][0-9]_*.ipynb")):
        text = nbformat.writes(make_exercise(nbformat.read(str(src), as_version=4))) + "\n"
        dst = exercises / src.name
        if not dst.exists() or dst.read_text(encoding="utf-8") != text:
            changed.append(src.name)
            if not check:
                dst.write_text(text, encoding="utf-8")
    return changed


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m coursetools build-exercises",
                                 description="Write exercises/NAME.ipynb from every solutions/NAME.ipynb.")
    ap.add_argument("--check", action="store_true", help="only report exercises that are out of date")
    a = ap.parse_args(argv)
    changed = build_exercises(check=a.check)
    if a.check:
        print("exercises/ is up to date" if not changed else "out of date: " + ", ".join(changed))
        return 1 if changed else 0
    print("wrote: " + (", ".join(changed) if changed else "nothing (already up to date)"))
    return 0
