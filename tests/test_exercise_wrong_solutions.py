"""Grade kept wrong submissions (tests/submissions/exNN.py) with the real grader and the hidden tests, as WHOLE
notebooks: each must get the partial score written next to it in the task it belongs to and full marks in every
other task (one mistake costs one task, even where a later task calls the broken function), each right-but-
different submission full marks everywhere, and the reference solution full marks in every task (the untouched
exercise's zero is test_grading_all.py's, graded on the exercise notebook itself). A submission is the notebook's
setup and helper cells plus its solution cells (the checks, data and result cells earn no points and only cost
time), with one solution cell replaced.

To grade fewer notebooks, the kept submissions of an exercise are packed: one notebook holds several of them,
each in another solution cell and for another task (a pack of mistakes is a harder test of "one mistake, one
task" than one mistake alone). Each test still checks its own submission: its own task gets its own score,
and every task without a mistake in the pack keeps full marks."""
import ast
import functools
import importlib.util
import shutil

import nbformat
import pytest

from coursetools.grading import Grader, load_exercise
from coursetools.grading.sandbox import sandbox_status
from coursetools.paths import REPO

# One rule for every grading test: skipped only where bubblewrap is not installed; where it is installed but
# the sandbox cannot start, the grading tests fail and say why (the static checks need no sandbox).
needs_sandbox = pytest.mark.skipif(not shutil.which("bwrap"), reason="bubblewrap (bwrap) is not installed")
EXERCISES = sorted(p.stem for p in (REPO / "solutions").glob("0[1-7]_*.ipynb"))
SUBMISSIONS = REPO / "tests" / "submissions"


@functools.lru_cache(maxsize=None)
def _submissions(exercise):
    """The module tests/submissions/exNN.py (WRONG and RIGHT lists, optional CELL and TASK maps), or None."""
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
            # and its import would be most of each small submission's run time)
            src = "\n".join(("# " + ln) if ln.lstrip().startswith(("%", "!", "import matplotlib")) else ln
                             for ln in c.source.splitlines())
            out.append((gid, src))
    return out


@functools.lru_cache(maxsize=None)
def _grader(exercise):
    ok, why = sandbox_status()
    if not ok:
        pytest.fail(f"bubblewrap is installed but the grading sandbox does not start here: {why}")
    return Grader(exercise, tasks=_tasks(exercise))      # the hidden tests loaded once (MNIST's, 0.4 s, for 4 and 6)


def _grade(exercise, sources):
    """Grade code cells (sources) on all hidden tasks with the real grader: [(score, feedback lines)]."""
    tests, notes, _ = _grader(exercise).grade_cells(list(enumerate(sources)), len(sources))
    return [(t["score"], t["output"].splitlines() + notes) for t in tests]


@functools.lru_cache(maxsize=None)
def _tasks(exercise):
    return load_exercise(exercise)


@functools.lru_cache(maxsize=None)
def _solution(exercise):
    return nbformat.read(str(REPO / "solutions" / f"{exercise}.ipynb"), as_version=4)


def _task_index(exercise, func):
    """The hidden task a wrong answer belongs to: the submissions module's TASK map (cell -> task number), else
    the task whose function or name is ``func``."""
    tasks = _tasks(exercise)
    number = getattr(_submissions(exercise), "TASK", {}).get(func)
    if number:
        assert tasks[number - 1].name.startswith(f"{number}. ")
        return number - 1
    matches = [k for k, t in enumerate(tasks) if t.func == func or t.name.split(". ", 1)[1] == func]
    assert len(matches) == 1, f"no single hidden task for {func} in {exercise}"
    return matches[0]


def _replaced(exercise, func, code):
    cells = _cells(_solution(exercise))
    gid = getattr(_submissions(exercise), "CELL", {}).get(func, func)
    assert gid in [g for g, _ in cells], f"no solution cell {gid!r} in {exercise}"
    return [code if g == gid else src for g, src in cells]


def _params(listname):
    for ex in EXERCISES:
        mod = _submissions(ex)
        for k, entry in enumerate(getattr(mod, listname, []) if mod else []):
            func, what, code = entry[:3]
            yield pytest.param(ex, func, what, code, *entry[3:], id=f"{ex[:2]}-{func}-{k}-{what[:40]}")


def _cell_of(exercise, func):
    return getattr(_submissions(exercise), "CELL", {}).get(func, func)


@functools.lru_cache(maxsize=None)
def _reaches(exercise):
    """{cell: the cells whose names it uses, directly or through others} over the solution's setup, helper and
    solution cells: a mistake in cell A can reach a task whose function's cell reaches A."""
    cells = _cells(_solution(exercise))
    defines, uses = {}, {}
    for gid, src in cells:
        tree = ast.parse(src)
        defines[gid] = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))} | {
            t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
        uses[gid] = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    direct = {a: {b for b in defines if b != a and uses[a] & defines[b]} for a in defines}
    reach = {}
    for a in direct:
        seen, todo = set(), list(direct[a])
        while todo:
            b = todo.pop()
            if b not in seen:
                seen.add(b)
                todo += direct[b]
        reach[a] = seen
    return reach


@functools.lru_cache(maxsize=None)
def _clashes(exercise, listname):
    """{entry number: the entries of the list ``listname`` it may not share a pack with}. Two entries clash if
    they replace the same solution cell, belong to the same task, or either one's cells reach the other's
    (_reaches): a task with a mistake of its own must not hide what another mistake costs it."""
    entries, reach = getattr(_submissions(exercise), listname), _reaches(exercise)
    task_cell = {k: _cell_of(exercise, t.func) for k, t in enumerate(_tasks(exercise))}

    def clash(n, m):
        (fa, *_), (fb, *_) = entries[n], entries[m]
        ca, cb = _cell_of(exercise, fa), _cell_of(exercise, fb)
        ta, tb = _task_index(exercise, fa), _task_index(exercise, fb)
        # the graded function of a task may be a provided helper that calls the learner's (rule_answers)
        reach_a = reach.get(task_cell[ta], set()) | reach.get(ca, set()) | {ca, task_cell[ta]}
        reach_b = reach.get(task_cell[tb], set()) | reach.get(cb, set()) | {cb, task_cell[tb]}
        return ca == cb or ta == tb or ca in reach_b or cb in reach_a

    return {n: {m for m in range(len(entries)) if m != n and clash(n, m)} for n in range(len(entries))}


@functools.lru_cache(maxsize=None)
def _packs(exercise, listname):
    """The entries of the submissions module's list ``listname`` in packs: [[entry number, ...], ...], no two
    entries of a pack clashing (_clashes). Fewest packs is colouring the clash graph; DSatur colours it: the
    next entry is the one that already clashes with the most packs (then the one with most clashes, then the
    first in the list), and it goes into the first pack it does not clash with. Nothing but the lists decides
    the packs, so every run, test order and xdist worker gets the same ones; for the kept lists they are as
    few as the largest set of mutually clashing entries allows (test_packs_are_few_and_keep_clashing_entries_apart)."""
    clashes, pack_of = _clashes(exercise, listname), {}
    while len(pack_of) < len(clashes):
        n = min((m for m in clashes if m not in pack_of),
                key=lambda m: (-len({pack_of[c] for c in clashes[m] if c in pack_of}), -len(clashes[m]), m))
        closed = {pack_of[c] for c in clashes[n] if c in pack_of}
        pack_of[n] = next(k for k in range(len(clashes)) if k not in closed)
    return [[n for n in sorted(pack_of) if pack_of[n] == k] for k in range(max(pack_of.values(), default=-1) + 1)]


def _largest_clash_set(clashes):
    """The largest set of entries that clash with one another (Bron-Kerbosch with a pivot): no two of them may
    share a pack, so no packing has fewer packs than it has entries."""
    best = []

    def grow(group, candidates, excluded):
        nonlocal best
        if not candidates and not excluded:
            best = max(best, group, key=len)
            return
        pivot = max(candidates | excluded, key=lambda v: (len(candidates & clashes[v]), -v))
        for n in sorted(candidates - clashes[pivot]):
            grow(group + [n], candidates & clashes[n], excluded & clashes[n])
            candidates, excluded = candidates - {n}, excluded | {n}

    grow([], set(clashes), set())
    return best


@functools.lru_cache(maxsize=None)
def _graded_pack(exercise, listname, k):
    """Grade pack ``k``: the solution's cells with each of the pack's entries in its own cell."""
    entries = getattr(_submissions(exercise), listname)
    pack = _packs(exercise, listname)[k]
    replace = {_cell_of(exercise, entries[n][0]): entries[n][2] for n in pack}
    assert len(replace) == len(pack), f"two entries of {listname} pack {pack} replace the same cell: one goes ungraded"
    cells = _cells(_solution(exercise))
    assert set(replace) <= {g for g, _ in cells}, f"no solution cells {set(replace) - {g for g, _ in cells}}"
    return _grade(exercise, [replace.get(g, src) for g, src in cells])


def _pack_of(exercise, listname, n):
    return next(k for k, pack in enumerate(_packs(exercise, listname)) if n in pack)


def _pack_params(listname):
    for ex in EXERCISES:
        mod = _submissions(ex)
        for n, entry in enumerate(getattr(mod, listname, []) if mod else []):
            func, what = entry[:2]
            yield pytest.param(ex, n, func, what, *entry[3:], id=f"{ex[:2]}-{func}-{n}-{what[:40]}")


@needs_sandbox
@pytest.mark.parametrize("exercise, n, func, what, score", list(_pack_params("WRONG")))
def test_wrong_submission_loses_points_in_its_own_task_only(exercise, n, func, what, score):
    k = _pack_of(exercise, "WRONG", n)
    graded = _graded_pack(exercise, "WRONG", k)
    tasks = _tasks(exercise)
    own = _task_index(exercise, func)
    got, lines = graded[own]
    assert got == score, f"{exercise} {func} ({what}): scored {got}, deserves {score}\n" + "\n".join(lines)
    if score < tasks[own].points:
        assert len(lines) > 1, "a lost point comes with feedback"
    entries = _submissions(exercise).WRONG
    mistaken = {_task_index(exercise, entries[m][0]) for m in _packs(exercise, "WRONG")[k]}
    others = {tasks[j].name: (s, lines) for j, (s, lines) in enumerate(graded)
              if j not in mistaken and s != tasks[j].points}
    assert not others, (f"{exercise} {func} ({what}), graded with {[entries[m][1] for m in _packs(exercise, 'WRONG')[k]]} "
                        f"in other tasks, also cost tasks without a mistake: {others}")


@needs_sandbox
@pytest.mark.parametrize("exercise, n, func, what", list(_pack_params("RIGHT")))
def test_right_but_different_submission_keeps_full_marks(exercise, n, func, what):
    graded = _graded_pack(exercise, "RIGHT", _pack_of(exercise, "RIGHT", n))
    for task, (got, lines) in zip(_tasks(exercise), graded):
        assert got == task.points, f"{exercise} {func} ({what}): {task.name} scored {got}\n" + "\n".join(lines)


@needs_sandbox
@pytest.mark.parametrize("exercise", EXERCISES)
def test_reference_gets_full_marks(exercise):
    """The packs' starting point: the reference's cells as this file grades them (without the data, check and
    result cells) get full marks in every task. The packs cannot show it for every task: in exercise 06 each of
    the 17 packs changes a cell that train_mnist reaches (one of the 17 mutually clashing entries for
    linear_backward, backward3 and train_mnist). The untouched exercise's zero is test_grading_all.py's: it
    grades exercises/NN.ipynb itself, which test_exercises.py checks is make_exercise(solutions/NN.ipynb)."""
    graded = _grade(exercise, [src for _, src in _cells(_solution(exercise))])
    for task, (got, lines) in zip(_tasks(exercise), graded):
        assert got == task.points, f"{exercise} {task.name}: reference scored {got}\n" + "\n".join(lines)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_task_has_at_least_three_kept_wrong_submissions(exercise):
    mod = _submissions(exercise)
    assert mod is not None, f"no tests/submissions/ex{exercise[:2]}.py"
    counts = {}
    for func, *_ in mod.WRONG:
        name = _tasks(exercise)[_task_index(exercise, func)].name
        counts[name] = counts.get(name, 0) + 1
    assert {t.name: counts.get(t.name, 0) for t in _tasks(exercise)} == {t.name: max(3, counts.get(t.name, 0))
                                                                         for t in _tasks(exercise)}


@pytest.mark.parametrize("exercise", EXERCISES)
def test_packs_are_few_and_keep_clashing_entries_apart(exercise):
    for listname in ("WRONG", "RIGHT"):
        if not getattr(_submissions(exercise), listname, []):
            continue
        clashes, packs = _clashes(exercise, listname), _packs(exercise, listname)
        assert sorted(n for pack in packs for n in pack) == sorted(clashes), f"{listname}: every entry in one pack"
        for pack in packs:
            together = [(n, m) for n in pack for m in pack if n < m and m in clashes[n]]
            assert not together, f"{exercise} {listname}: clashing entries {together} share the pack {pack}"
        largest = _largest_clash_set(clashes)
        assert all(m in clashes[n] for n in largest for m in largest if n != m)
        assert len(packs) == len(largest), (f"{exercise} {listname}: {len(packs)} packs, and the largest set of "
                                            f"mutually clashing entries, {largest}, has {len(largest)}: look for a "
                                            f"packing with fewer (rarely, a clash graph needs more)")
