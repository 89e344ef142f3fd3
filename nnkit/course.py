"""Course tools for instructors: generate the exercises from the solutions, make a student release.

    python -m nnkit build-exercises [--check]      solutions/*.ipynb -> exercises/*.ipynb
    python -m nnkit release OUT                    a copy of the course without solutions or hidden tests

In a solution notebook, code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes
``raise NotImplementedError()`` (at the same indentation), code between ``### BEGIN HIDDEN TESTS`` and
``### END HIDDEN TESTS`` is removed, outputs and execution counts are cleared, and the cells keep their
nbgrader metadata (schema 3: grade_id, points, solution/grade/locked), so the exercise works with nbgrader.
"""
import argparse
import copy
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
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


def make_release(out):
    """Copy what students get: lessons, exercises, nnkit (without the grader), README, requirements."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} exists and is not empty: choose a new folder for the release.")
    out.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info")
    for name in ("lessons", "exercises"):
        shutil.copytree(REPO / name, out / name, ignore=ignore)
    shutil.copytree(REPO / "nnkit", out / "nnkit", ignore=shutil.ignore_patterns(
        "__pycache__", "*.pyc", "grading", "course.py"))
    for name in ("requirements.txt", "pyproject.toml"):
        shutil.copy(REPO / name, out / name)
    (out / "README.md").write_text(STUDENT_README, encoding="utf-8")
    return out


STUDENT_README = """# How neural networks learn — student edition

Lessons in `lessons/` (read them in order, 01 to 07), your exercises in `exercises/`.

Install and open the first lesson (Python 3.10 or newer):

    python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt && jupyter lab --ServerApp.root_dir=. lessons/01_rule_based.ipynb

(`--ServerApp.root_dir=.` puts the whole folder, exercises included, in JupyterLab's file browser.)

In each exercise notebook, replace every `raise NotImplementedError()` with your code, run the visible
checks below it, and hand in the notebook. Your instructor grades it with further tests that you do not see:
make your functions work for any input shapes the task describes, not only for the examples.
MNIST data (LeCun, Cortes, Burges; CC BY-SA 3.0) ships inside `nnkit/data/mnist/`.
"""


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    cmd, rest = (argv[0], argv[1:]) if argv else ("", [])
    if cmd == "build-exercises":
        ap = argparse.ArgumentParser(prog="python -m nnkit build-exercises")
        ap.add_argument("--check", action="store_true", help="only report exercises that are out of date")
        a = ap.parse_args(rest)
        changed = build_exercises(check=a.check)
        if a.check:
            print("exercises/ is up to date" if not changed else "out of date: " + ", ".join(changed))
            return 1 if changed else 0
        print("wrote: " + (", ".join(changed) if changed else "nothing (already up to date)"))
        return 0
    if cmd == "release":
        ap = argparse.ArgumentParser(prog="python -m nnkit release")
        ap.add_argument("out", help="an empty folder for the student release")
        a = ap.parse_args(rest)
        print(f"student release written to {make_release(a.out)}")
        return 0
    print("usage: python -m nnkit build-exercises [--check] | python -m nnkit release OUT", file=sys.stderr)
    return 2
