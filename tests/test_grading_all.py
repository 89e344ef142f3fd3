"""Every solution notebook scores full marks with the hidden tests; every untouched exercise scores zero,
with feedback and without an error from the grader."""
import functools
import re
import shutil

import nbformat
import pytest

from coursetools.grading import Grader
from coursetools.grading import load_exercise, student_names
from coursetools.grading.sandbox import Limits
from coursetools.paths import REPO

EXERCISES = sorted(p.stem for p in (REPO / "solutions").glob("[0-9][0-9]_*.ipynb"))


@functools.lru_cache(maxsize=None)
def _tasks(name):
    """The hidden tests of an exercise, loaded once for this file's tests (some load MNIST or train a model)."""
    return load_exercise(name)


def test_every_exercise_has_hidden_tests():
    assert EXERCISES
    for name in EXERCISES:
        tasks = _tasks(name)
        assert 2 <= len(tasks) <= 8 and all(t.cases and t.points > 0 for t in tasks)


@pytest.mark.skipif(not shutil.which("bwrap"), reason="bubblewrap (bwrap), the grader's sandbox, is not installed")
@pytest.mark.parametrize("name", EXERCISES)
def test_solution_full_marks_exercise_zero(name, tmp_path):
    # both notebooks in one class: the hidden tests are loaded once and the two sandboxes run side by side
    paths = [REPO / "solutions" / f"{name}.ipynb", REPO / "exercises" / f"{name}.ipynb"]
    res = Grader(name, Limits(seconds=20), tasks=_tasks(name)).grade_paths(paths, tmp_path, workers=2)
    sol, ex = (res[n] for n in student_names(paths))
    assert sol["score"] == sol["max_score"], [t["output"] for t in sol["tests"]]
    assert ex["score"] == 0
    assert all("NotImplementedError" in t["output"] for t in ex["tests"])
    # feedback names the learner's own functions, never a provided helper that calls them
    provided = set()
    for cell in nbformat.read(str(paths[1]), as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("locked") and not meta.get("grade"):
            provided |= set(re.findall(r"^def (\w+)", cell.source, re.M))
    named = {word for t in ex["tests"] for word in re.findall(r"\w+", t["output"])}
    assert not provided & named, f"feedback names provided helpers {provided & named}"
