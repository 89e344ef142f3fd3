"""exercises/ is exactly what the generator makes from solutions/; the generated cells carry valid
nbgrader metadata; the student release contains no solutions and no hidden tests."""
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from coursetools.exercises import build_exercises, make_exercise, strip_source
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
    assert strip_source(src) == "def f(x):\n    raise NotImplementedError()\n\nprint('ok')\n"
    with pytest.raises(ValueError, match="unbalanced"):
        strip_source("### BEGIN SOLUTION\nx = 1\n")


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
        exercise = (out / "exercises" / sol.name).read_text()
        nb = nbformat.read(str(sol), as_version=4)
        for cell in nb.cells:
            if "### BEGIN SOLUTION" in cell.source:
                body = cell.source.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
                lines = [ln.strip() for ln in body.splitlines() if len(ln.strip()) > 25]
                assert not any(ln in exercise for ln in lines), f"solution line of {sol.name} in its exercise"


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
