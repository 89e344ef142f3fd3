"""python -m coursetools lesson-bench: the busy-core helper starts and stops its process, a lesson run
reads the notebook without changing it and reports its timings. (What it measures is in the README;
this is not a timed test.)"""
import os

import nbformat
import pytest

from coursetools import lessonbench


def test_busy_core_spins_and_is_stopped():
    with lessonbench.busy_core(True) as pid:
        with open(f"/proc/{pid}/stat") as fh:
            assert fh.read().split()[2] in "RS"         # running (or just scheduled out)
    assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"
    with lessonbench.busy_core(False) as pid:
        assert pid is None


def test_run_lesson_reads_the_notebook_and_times_it(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import time\nx = 1"), nbformat.v4.new_code_cell("time.sleep(0.3)\nx + 1")]
    path = tmp_path / "99_tiny.ipynb"
    nbformat.write(nb, path)
    before = path.read_bytes()
    res = lessonbench.run_lesson_isolated(path, timeout=60, wall=120)
    assert res["error"] is None, res
    assert res["slowest_cell"] == 1 and res["slowest_cell_seconds"] >= 0.3
    assert res["seconds"] >= res["cells_seconds"] >= 0.3
    assert path.read_bytes() == before                   # nothing written back


def test_a_failing_cell_is_reported(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("raise ValueError('broken lesson')")]
    path = tmp_path / "98_broken.ipynb"
    nbformat.write(nb, path)
    res = lessonbench.run_lesson_isolated(path, timeout=60, wall=120)
    assert "broken lesson" in res["error"]


def test_unknown_lesson_is_refused():
    with pytest.raises(ValueError, match="no lesson matches"):
        lessonbench.main(["--lessons", "42_nothing"])
