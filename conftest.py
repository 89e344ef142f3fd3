"""Test-session set-up shared by unit tests and notebook runs (nbval).

With pytest-xdist, each worker process runs its own tests and notebook kernels. Letting every one of
them also start a BLAS thread per core oversubscribes the machine (two workers x two BLAS threads on two
cores spend their time waiting for each other), so each worker, and every kernel it starts, uses one
BLAS thread. A learner's own JupyterLab is not affected.

Two hooks keep the suite correct and quick in any order and with any number of workers:
- a notebook's cells are one program: whatever order the tests are put in (pytest-randomly shuffles the
  items of every file), each notebook's cells run together and in their order;
- with xdist, work is handed out in units that share a set-up (a test file, a notebook, one lesson's slide
  deck), the longest first, so that no worker is left with a long unit at the end while the other idles
  (xdist's own --dist loadscope hands out the units with most tests first: the release test's file, over
  a minute with two tests, was among the last).
"""
import os

if os.environ.get("PYTEST_XDIST_WORKER"):
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


# The Japanese edition's notebooks (lessons/ja, solutions/ja) are built from the English ones with the same code
# (tests/test_i18n.py checks that, token for token, without running them, and that every committed Japanese
# notebook was executed from its current source and prints the same numbers as the English one). nbval runs them
# all, like the English ones; NNKIT_TEST_JA=none leaves them out (a quicker run while working on English text).
# A Japanese notebook or folder named on the command line is always run.


def pytest_ignore_collect(collection_path, config):
    parts = collection_path.parts
    if len(parts) < 2 or parts[-2] != "ja" or collection_path.suffix != ".ipynb":
        return None
    folder = str(collection_path.parent)
    if any(os.path.abspath(os.path.join(config.invocation_params.dir, arg.split("::")[0])).startswith(folder)
           for arg in config.args):
        return None
    return True if os.environ.get("NNKIT_TEST_JA") == "none" else None


def _notebook(item):
    """The notebook file of an nbval cell item, else None."""
    return item.parent if hasattr(item, "cell_num") and item.nodeid.split("::")[0].endswith(".ipynb") else None


def pytest_collection_modifyitems(items):
    """Put every notebook's cells back together and in their order, where its first cell landed."""
    cells = {}
    for item in items:
        nb = _notebook(item)
        if nb is not None:
            cells.setdefault(nb, []).append(item)
    if not cells:
        return
    ordered = []
    for item in items:
        nb = _notebook(item)
        if nb is None:
            ordered.append(item)
        elif nb in cells:
            ordered += sorted(cells.pop(nb), key=lambda cell: cell.cell_num)
    items[:] = ordered


# Units of work that take longest (seconds each: setup, call and teardown of all their tests, from
# `python -m pytest --durations=0` in a fresh clone on the 2-core development machine, 2026-12-06, while other
# engineers' jobs pushed the load average from 1.4 to 6.2: the order matters here, not the exact values),
# handed out first. Everything else follows, larger units (more tests) first, as xdist's own --dist loadscope does.
LONGEST_FIRST = {
    "tests/test_exercise_wrong_solutions.py": 40,   # the kept submissions, packed into 88 whole notebooks
    "tests/test_grading.py": 100,
    "tests/test_release.py": 64,                  # a fresh venv and pip install
    "tests/test_gradescope.py": 46,
    "tests/test_shards.py": 42,
    "lessons/05_relu_nonlinearity.ipynb": 42,
    "lessons/06_backprop_mnist.ipynb": 41,
    "tests/test_grading_user.py": 40,
    "tests/test_jupyterlab_e2e.py": 37,
    "tests/test_exercises.py": 36,
    "tests/test_binder.py": 27,
    "tests/test_data.py": 23,
    "tests/test_training.py": 20,
    "tests/test_figure_descriptions.py": 19,
    "tests/test_cli.py": 16,
    "tests/test_execute.py": 16,
}


def work_unit(nodeid):
    """The unit of work a test belongs to: its test file (or notebook), except the slide tests, whose unit is
    their lesson (each lesson's deck is built once, on the worker that checks it)."""
    path, _, rest = nodeid.partition("::")
    if path == "tests/test_slides.py" and "[" in rest:
        return f"{path}[{rest.split('[', 1)[1]}"
    return path


def pytest_xdist_make_scheduler(config, log):
    """Whatever --dist asks for (load, loadfile, loadscope, worksteal), hand out whole work units: a notebook's
    cells split over two workers would each run without the cells before them. (--dist each, every test on
    every worker, keeps xdist's own scheduler.)"""
    if config.getoption("dist") == "each":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class LongestFirst(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return work_unit(nodeid)

        def _assign_work_unit(self, node):
            first = max(self.workqueue, key=lambda unit: (LONGEST_FIRST.get(unit, 0), len(self.workqueue[unit])))
            self.workqueue.move_to_end(first, last=False)
            super()._assign_work_unit(node)

    return LongestFirst(config, log)
