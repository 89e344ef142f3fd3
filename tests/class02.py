"""A small class of exercise-02 notebooks for the grading-at-scale tests (shards, Gradescope): the reference
solution, the untouched exercise, and whole notebooks with one kept wrong answer from
``tests/submissions/ex02.py`` in place of that function's solution cell (as
``test_exercise_wrong_solutions.py`` grades them, but as the full notebook a student submits)."""
import importlib.util
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
EXERCISE = "02_least_squares"


def wrong_answers():
    """[(function, what is wrong, code, score it deserves)] of tests/submissions/ex02.py."""
    spec = importlib.util.spec_from_file_location("submissions_ex02", REPO / "tests" / "submissions" / "ex02.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.WRONG


def solution():
    return nbformat.read(str(REPO / "solutions" / f"{EXERCISE}.ipynb"), as_version=4)


def untouched():
    return nbformat.read(str(REPO / "exercises" / f"{EXERCISE}.ipynb"), as_version=4)


def with_cell(func, code, nb=None):
    """The solution notebook (or ``nb``) with the solution cell of ``func`` replaced by ``code``."""
    nb = nb or solution()
    cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == func]
    assert len(cells) == 1, f"no single solution cell {func!r} in {EXERCISE}"
    cells[0].source = code
    return nb


def wrong(k):
    """The solution notebook with the k-th kept wrong answer in place."""
    func, _what, code, _score = wrong_answers()[k]
    return with_cell(func, code)


def write(nb, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path
