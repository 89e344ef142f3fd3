"""Grade kept wrong submissions (tests/submissions/exNN.py) with the real grader and the hidden tests, one task
at a time: each must get the partial score written next to it, the reference solution full marks in every task,
and the untouched exercise 0. A submission is small: the notebook's setup and helper cells plus its solution
cells, with the one function under test replaced (so one mistake is graded in the one task it belongs to)."""
import functools
import importlib.util

import nbformat
import pytest

from coursetools.exercises import make_exercise
from coursetools.grading.core import grade_cells, load_exercise
from coursetools.grading.sandbox import Limits, sandbox_status
from coursetools.paths import REPO

pytestmark = pytest.mark.skipif(not sandbox_status()[0], reason=f"no grading sandbox here: {sandbox_status()[1]}")
EXERCISES = sorted(p.stem for p in (REPO / "solutions").glob("0[1-7]_*.ipynb"))
SUBMISSIONS = REPO / "tests" / "submissions"


def _submissions(exercise):
    """The module tests/submissions/exNN.py (WRONG list, optional CELL map), or None."""
    path = SUBMISSIONS / f"ex{exercise[:2]}.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"submissions_ex{exercise[:2]}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _cells(nb):
    """Setup/helper cells and solution cells of a notebook, as (grade_id, source)."""
    out = []
    for c in nb.cells:
        meta = c.metadata.get("nbgrader", {})
        gid = meta.get("grade_id", "")
        if c.cell_type == "code" and (meta.get("solution") or gid.startswith(("setup", "helper"))):
            # IPython magics commented out, as the grader does; matplotlib too (no graded function draws,
            # and its import would be 3/4 of each small submission's run time)
            src = "\n".join(("# " + ln) if ln.lstrip().startswith(("%", "!", "import matplotlib")) else ln
                             for ln in c.source.splitlines())
            out.append((gid, src))
    return out


def _grade(sources, tasks):
    """Grade code cells (sources) on the given hidden tasks with the real grader: [(score, feedback lines)]."""
    cells = list(enumerate(sources))
    tests, notes = grade_cells(cells, len(cells), tasks, Limits())
    return [(t["score"], t["output"].splitlines() + notes) for t in tests]


@functools.lru_cache(maxsize=None)
def _tasks(exercise):
    return load_exercise(exercise)


@functools.lru_cache(maxsize=None)
def _solution(exercise):
    return nbformat.read(str(REPO / "solutions" / f"{exercise}.ipynb"), as_version=4)


def _task(exercise, func):
    """The hidden task a wrong answer belongs to: the submissions module's TASK map (cell -> task number), else
    the task whose function or name is ``func``."""
    tasks = _tasks(exercise)
    number = getattr(_submissions(exercise), "TASK", {}).get(func)
    if number:
        assert tasks[number - 1].name.startswith(f"{number}. ")
        return tasks[number - 1]
    matches = [t for t in tasks if t.func == func or t.name.split(". ", 1)[1] == func]
    assert len(matches) == 1, f"no single hidden task for {func} in {exercise}"
    return matches[0]


def _wrong_cases():
    for ex in EXERCISES:
        num, mod = ex[:2], _submissions(ex)
        if mod is None:
            continue
        for k, (func, what, code, score) in enumerate(mod.WRONG):
            yield pytest.param(ex, func, code, score, id=f"{num}-{func}-{k}-{what[:40]}")


@pytest.mark.parametrize("exercise, func, code, score", list(_wrong_cases()))
def test_wrong_submission_gets_the_partial_score_it_deserves(exercise, func, code, score):
    cells = _cells(_solution(exercise))
    ids = [gid for gid, _ in cells]
    gid = getattr(_submissions(exercise), "CELL", {}).get(func, func)
    assert gid in ids, f"no solution cell {gid!r} in {exercise}"
    sources = [code if g == gid else src for g, src in cells]
    task = _task(exercise, func)
    [(got, lines)] = _grade(sources, [task])
    assert got == score, f"{exercise} {func}: scored {got}, deserves {score}\n" + "\n".join(lines)
    if score < task.points:
        assert len(lines) > 1, "a lost point comes with feedback"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_reference_gets_full_marks_and_the_exercise_zero(exercise):
    sol = _solution(exercise)
    ref = [src for _, src in _cells(sol)]
    stub = [src for _, src in _cells(make_exercise(sol))]
    tasks = _tasks(exercise)
    for task, (got, lines) in zip(tasks, _grade(ref, tasks)):
        assert got == task.points, f"{exercise} {task.name}: reference scored {got}\n" + "\n".join(lines)
    for task, (got, lines) in zip(tasks, _grade(stub, tasks)):
        assert got == 0, f"{exercise} {task.name}: the untouched exercise scored {got}"
        assert any("NotImplementedError" in ln for ln in lines), lines


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_task_has_at_least_three_kept_wrong_submissions(exercise):
    mod = _submissions(exercise)
    assert mod is not None, f"no tests/submissions/ex{exercise[:2]}.py"
    counts = {}
    for func, *_ in mod.WRONG:
        name = _task(exercise, func).name
        counts[name] = counts.get(name, 0) + 1
    assert {t.name: counts.get(t.name, 0) for t in _tasks(exercise)} == {t.name: max(3, counts.get(t.name, 0))
                                                                         for t in _tasks(exercise)}
