"""exercises/ is exactly what the generator makes from solutions/; the generated cells carry valid
nbgrader metadata; the student release contains no solutions and no hidden tests."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from coursetools.exercises import build_exercises, make_exercise, strip_source
from coursetools.grading import load_exercise
from coursetools.paths import HIDDEN_DIR, REPO
from coursetools.release import TEMPLATE, make_release

SOLUTIONS = sorted((REPO / "solutions").glob("[0-9][0-9]_*.ipynb"))


def test_every_solution_has_an_up_to_date_exercise():
    assert SOLUTIONS, "no solution notebooks"
    stale = build_exercises(check=True)
    assert not stale, f"exercises/ differs from the generator's output for {stale}: run python -m coursetools build-exercises"
    assert sorted(p.name for p in (REPO / "exercises").glob("*.ipynb")) == [p.name for p in SOLUTIONS]


def test_strip_source():
    src = "def f(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION\n\n### BEGIN HIDDEN TESTS\nassert f(1) == 2\n### END HIDDEN TESTS\nprint('ok')\n"
    assert strip_source(src, task=3) == ('def f(x):\n    raise NotImplementedError("Task 3: write f (replace this line '
                                         'with your code)")\n\nprint(\'ok\')\n')
    method = "class V:\n    def add(self, o):\n        ### BEGIN SOLUTION\n        return 1\n        ### END SOLUTION\n"
    assert 'NotImplementedError("Task 1: write V.add' in strip_source(method, task=1)
    attached = "@add_method(V)\ndef tanh(self):\n    ### BEGIN SOLUTION\n    return 2\n    ### END SOLUTION"
    assert strip_source(attached, task=2).endswith('raise NotImplementedError("Task 2: write V.tanh (replace this line with your code)")')


@pytest.mark.parametrize("src, message", [
    ("### BEGIN SOLUTION\nx = 1\n", "line 1: ### BEGIN SOLUTION is never closed"),
    ("### BEGIN SOLUTION\nx = 1\n### BEGIN SOLUTION\ny = 2\n### END SOLUTION\n### END SOLUTION\n", "line 3: .*cannot nest"),
    ("### BEGIN SOLUTION\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS\n### END SOLUTION\n", "line 2: .*cannot nest"),
    ("x = 1\n### END SOLUTION\n", "line 2: ### END SOLUTION without a ### BEGIN SOLUTION"),
    ("### BEGIN SOLUTION\nx = 1\n### END HIDDEN TESTS\n", "line 3: ### END HIDDEN TESTS without"),
    ("x = 1  ### BEGIN SOLUTION\ny = 2\n### END SOLUTION\n", "line 1: .*on a line of its own"),
])
def test_strip_source_rejects_nested_unterminated_and_stray_markers(src, message):
    # nbgrader's ClearSolutions refuses these too; the old regex silently kept the solution of a nested region
    with pytest.raises(ValueError, match=message):
        strip_source(src)


def test_markers_outside_a_solution_cell_are_refused():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")])
    nb.cells[0].metadata["nbgrader"] = {"grade": False, "grade_id": "a", "locked": True, "schema_version": 3, "solution": False}
    with pytest.raises(ValueError, match="not solution: true"):
        make_exercise(nb)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_stub_names_its_task_and_function(path):
    ex = make_exercise(nbformat.read(str(path), as_version=4))
    task, stubs = None, 0
    for cell in ex.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## Task "):
            task = int(cell.source.split()[2])
        for line in cell.source.splitlines():
            if "NotImplementedError" in line and cell.metadata["nbgrader"]["solution"]:
                stubs += 1
                assert f'NotImplementedError("Task {task}: write ' in line, line
    assert stubs >= 4


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_points_agree_between_notebook_task_text_and_hidden_tests(path):
    """The k-th graded cell, the k-th "## Task k (P points)" heading and the k-th hidden task carry the same points."""
    nb = nbformat.read(str(path), as_version=4)
    graded = [c.metadata["nbgrader"]["points"] for c in nb.cells if c.metadata["nbgrader"].get("grade")]
    headings = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## Task ")]
    tasks = load_exercise(path.stem)
    assert 4 <= len(tasks) <= 8 and len(graded) == len(headings) == len(tasks)
    for k, (points, heading, task) in enumerate(zip(graded, headings, tasks), 1):
        assert task.name.startswith(f"{k}. ") and heading.startswith(f"## Task {k} (")
        assert points == task.points, f"{path.name} task {k}: notebook {points} points, hidden tests {task.points}"
        assert f"({points:g} point" in heading, heading


def _lesson_headings():
    """{lesson label ("2", "4a", "4b"): set of its section headings}, read from lessons/*.ipynb now; the label
    is the one the lesson's title gives ("# Lesson 4a — ...")."""
    out = {}
    for lesson in sorted((REPO / "lessons").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(str(lesson), as_version=4)
        lines = [ln for c in nb.cells if c.cell_type == "markdown" for ln in c.source.splitlines()]
        label = next(re.match(r"# Lesson (\d+[a-z]?)\b", ln).group(1) for ln in lines if re.match(r"# Lesson \d", ln))
        out[label] = {ln.lstrip("#").strip() for ln in lines if re.match(r"#+ ", ln)}
    return out


# 'lesson 2, section "A"', 'lesson 4a, sections "A" and "B"', 'lesson 2, sections "A", "B" and "C"'
_SECTIONS = re.compile(r'lesson (\d+[a-z]?), sections? ((?:"[^"\n]+"(?:,? and |, )?)+)')


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_lesson_section_named_in_an_exercise_exists(path):
    """Every 'Rests on' (and every other 'lesson N, section "..."' in a cell) names a heading that lesson N has
    today; every task says what it rests on; no section is named in the old single-quoted way, which this test
    could not read."""
    headings = _lesson_headings()
    nb = nbformat.read(str(path), as_version=4)
    named = 0
    for cell in nb.cells:
        text = " ".join(cell.source.split())             # a reference may be wrapped over two lines
        assert not re.search(r"sections? '", text), f"{path.name}: write section names in double quotes: {text[:200]}"
        if cell.cell_type == "markdown" and cell.source.startswith("## Task "):
            rests = re.search(r"\*\*Rests on:\*\*(.*?)(<details>|$)", text)
            assert rests and _SECTIONS.search(rests.group(1)), f"{path.name}: a task without a 'Rests on' section: {text[:80]}"
        for m in _SECTIONS.finditer(text):
            lesson = m.group(1)
            assert lesson in headings, f"{path.name} names lesson {lesson}, which does not exist (lessons: {sorted(headings)})"
            for name in re.findall(r'"([^"]+)"', m.group(2)):
                assert name in headings[lesson], (f"{path.name} names lesson {lesson}'s section {name!r}, which lesson "
                                                  f"{lesson} does not have; its headings are {sorted(headings[lesson])}")
                named += 1
    assert named >= 5


def test_the_section_test_fails_when_a_heading_changes(monkeypatch):
    """The test above reads the lessons at test time: a renamed heading makes it fail."""
    real = _lesson_headings()
    changed = {k: {h.replace("The same slopes, from algebra", "The same slopes, by algebra") for h in v}
               for k, v in real.items()}
    monkeypatch.setattr(sys.modules[__name__], "_lesson_headings", lambda: changed)
    with pytest.raises(AssertionError, match="The same slopes, from algebra"):
        test_every_lesson_section_named_in_an_exercise_exists(REPO / "solutions" / "02_least_squares.ipynb")


_DEF_NAME = re.compile(r"^(?:def|class)[ \t]+(\w+)", re.M)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_reference_functions_stand_in_only_for_earlier_tasks(path):
    """A task's ``uses`` lists only functions the learner wrote for an earlier task (their reference source is
    visible to the learner's code while the task runs), and a task that calls another task's function has one."""
    nb = nbformat.read(str(path), as_version=4)
    task_of, task, calls, functions = {}, 0, {}, set()      # a class's constructor is given, not a task
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## Task "):
            task = int(cell.source.split()[2])
        elif cell.metadata["nbgrader"].get("solution"):
            for name in _DEF_NAME.findall(cell.source):
                task_of.setdefault(name, task)
                functions.update(re.findall(r"^def[ \t]+(\w+)\((?!self)", cell.source, re.M))   # not methods
            body = cell.source.split("### BEGIN SOLUTION", 1)[-1]
            calls.setdefault(task, set()).update(re.findall(r"\b(\w+)\(", body))
    for k, t in enumerate(load_exercise(path.stem), 1):
        for name in t.uses or {}:
            assert name in task_of and task_of[name] < k, f"{path.name} task {k} uses {name!r}, not a function of an earlier task"
        earlier = {n for n in calls.get(k, ()) if n in functions and task_of.get(n, k) < k}
        assert earlier <= set(t.uses or {}), f"{path.name} task {k} calls {sorted(earlier)} but uses only {sorted(t.uses or {})}"


_HINT = re.compile(r"<details><summary><b>Hint (\d)</b>.*?</summary>(.*?)</details>", re.S)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_every_task_has_hints_in_two_levels_without_code(path):
    """Hint 1 asks a question or points into the lesson, Hint 2 gives the equation: neither holds a line of code
    (no NumPy call, no assignment or indexing in backticks)."""
    nb = nbformat.read(str(path), as_version=4)
    tasks = [c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("## Task ")]
    for text in tasks:
        hints = _HINT.findall(text)
        assert [n for n, _ in hints] == ["1", "2"], f"{path.name}: {text.splitlines()[0]} has hints {[n for n, _ in hints]}"
        assert "?" in hints[0][1], f"{path.name}: {text.splitlines()[0]}: Hint 1 should ask a question"
        for _, body in hints:
            spans = re.findall(r"`([^`]+)`", body)
            code = [s for s in spans if re.search(r"\w\s*=|\[|@|\w\(.*\w.*\)", s)] + re.findall(r"np\.\w+\(", body)
            assert not code, f"{path.name}: {text.splitlines()[0]}: a hint holds code: {code}"
    kinds = " ".join(t.splitlines()[0] for t in tasks)
    assert re.search(r"predict|explain", kinds), f"{path.name}: no prediction or explanation task"
    assert "did not" in kinds or "only wished for" in kinds, f"{path.name}: no task that goes where the lesson did not"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_exercise_has_no_solution_code_and_valid_nbgrader_metadata(path):
    sol = nbformat.read(str(path), as_version=4)
    ex = make_exercise(sol)
    nbformat.validate(ex)
    ids, graded_points = set(), 0
    for s_cell, e_cell in zip(sol.cells, ex.cells):
        meta = e_cell.metadata.get("nbgrader")
        assert meta and meta["schema_version"] == 3, "every cell of an exercise carries nbgrader metadata"
        assert meta["grade_id"] not in ids
        ids.add(meta["grade_id"])
        if meta["solution"]:
            assert "### BEGIN SOLUTION" in s_cell.source and "NotImplementedError" in e_cell.source
            assert "BEGIN SOLUTION" not in e_cell.source
        if meta["grade"]:
            graded_points += meta["points"]
        if e_cell.cell_type == "code":
            assert e_cell.outputs == [] and e_cell.execution_count is None
    assert graded_points > 0


def test_student_release_has_no_solutions_hidden_tests_or_instructor_code(tmp_path):
    out = make_release(tmp_path / "release")
    files = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]
    assert any(f.startswith("lessons/") for f in files) and any(f.startswith("exercises/") for f in files)
    assert any(f.startswith("nnkit/data/mnist/") for f in files) and "README.md" in files
    assert not any(f.startswith(("solutions/", "tests/", "coursetools/")) for f in files), files
    names = {f.rsplit("/", 1)[-1] for f in files}
    blob = "\n".join((out / f).read_text(errors="ignore") for f in files if f.endswith((".py", ".ipynb", ".md", ".txt", ".toml")))
    assert "### BEGIN SOLUTION" not in blob and "coursetools" not in (out / "pyproject.toml").read_text()
    for name in ("pytest", "nbval", "playwright"):
        assert name not in (out / "requirements.txt").read_text(), name
    hidden = sorted(HIDDEN_DIR.glob("h*.py"))
    assert hidden
    for h in hidden:
        assert h.name not in names                          # no hidden-test file under any folder
        assert h.read_text().splitlines()[0] not in blob    # nor its text pasted elsewhere
    for sol in sorted((REPO / "solutions").glob("*.ipynb")):
        # the exercise's code must hold no line of any solution region (task texts and hints may quote a given
        # line of the specification, such as the seeded initialisation, so they are not searched)
        exercise = nbformat.read(str(out / "exercises" / sol.name), as_version=4)
        code = "\n".join(c.source for c in exercise.cells if c.cell_type == "code")
        nb = nbformat.read(str(sol), as_version=4)
        inside, outside = [], []          # solution-region lines; code lines given outside every region
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            parts = cell.source.split("### BEGIN SOLUTION")
            outside += parts[0].splitlines()
            for region in parts[1:]:
                body, _, rest = region.partition("### END SOLUTION")
                inside += body.splitlines()
                outside += rest.splitlines()
        given = {ln.strip() for ln in outside}
        lines = {ln.strip() for ln in inside if len(ln.strip()) > 12} - given   # e.g. a seeded rng line in both
        leaked = [ln for ln in lines if ln in code]
        assert lines and not leaked, f"solution lines of {sol.name} in its exercise: {leaked}"


def test_release_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "x.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="not empty"):
        make_release(tmp_path)
    assert (tmp_path / "x.txt").read_text() == "keep me"


def test_cli_check_mode():
    res = subprocess.run([sys.executable, "-m", "coursetools", "build-exercises", "--check"], capture_output=True, text=True)
    assert res.returncode == 0 and "up to date" in res.stdout


def test_student_readme_opens_lab_like_the_course_readme():
    # one install-and-open command for teachers and students (the README's is run by the JupyterLab test)
    course = next(ln for ln in (REPO / "README.md").read_text().splitlines() if "jupyter lab" in ln and "pip" in ln)
    assert course.strip() in TEMPLATE.read_text()


NBGRADER = os.environ.get("NBGRADER") or shutil.which("nbgrader")


@pytest.mark.skipif(not NBGRADER, reason="nbgrader is not installed (not a course dependency); set NBGRADER to an "
                                         "nbgrader executable, e.g. from a throwaway venv, to run this check")
def test_nbgrader_generate_assignment_gives_our_exercises(tmp_path):
    """nbgrader's own generate_assignment on solutions/ gives exercises/, cell by cell: the same sources (its stub
    '# YOUR CODE HERE / raise NotImplementedError()' where ours names the task), the same nbgrader metadata (it adds
    its checksum and cell_type), no outputs."""
    src = tmp_path / "source" / "ex"
    src.mkdir(parents=True)
    for sol in SOLUTIONS:
        shutil.copy(sol, src / sol.name)
    (tmp_path / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.root = {str(tmp_path)!r}\n")
    env = {**os.environ, "PATH": f"{Path(NBGRADER).parent}:{os.environ['PATH']}"}
    res = subprocess.run([NBGRADER, "generate_assignment", "ex", "--force"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    stub = re.compile(r'^([ \t]*)raise NotImplementedError\("Task \d+: [^"]*"\)$', re.M)
    for sol in SOLUTIONS:
        theirs = nbformat.read(str(tmp_path / "release" / "ex" / sol.name), as_version=4)
        ours = nbformat.read(str(REPO / "exercises" / sol.name), as_version=4)
        assert len(theirs.cells) == len(ours.cells), sol.name
        for k, (a, b) in enumerate(zip(theirs.cells, ours.cells)):
            assert a.source == stub.sub(r"\1# YOUR CODE HERE\n\1raise NotImplementedError()", b.source), (sol.name, k)
            meta = {key: v for key, v in a.metadata["nbgrader"].items() if key not in ("checksum", "cell_type")}
            assert meta == b.metadata["nbgrader"], (sol.name, k)
            assert a.get("outputs", []) == [] and b.get("outputs", []) == []
