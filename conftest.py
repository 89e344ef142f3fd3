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
# `python -m pytest -n 2 --durations=0` on the 2-core development machine, 2026-12-06, 10:14-10:19, load 1.6 to 3.2:
# the order matters here, not the exact values), handed out first. Everything else follows, larger units (more
# tests) first, as xdist's own --dist loadscope does.
LONGEST_FIRST = {
    "tests/test_exercise_wrong_solutions.py": 49,   # the kept submissions in 88 packs, and 7 references
    "tests/test_gradescope.py": 36,
    "lessons/06_backprop_mnist.ipynb": 34,
    "tests/test_grading.py": 31,
    "lessons/ja/06_backprop_mnist.ipynb": 29,
    "tests/test_jupyterlab_e2e.py": 26,
    "tests/test_grading_user.py": 21,
    "tests/test_data.py": 18,
    "tests/test_release.py": 18,                  # a fresh venv filled by uv, JupyterLab started (alone, evening)
    "lessons/ja/05_relu_nonlinearity.ipynb": 12,
    "lessons/05_relu_nonlinearity.ipynb": 12,
    "tests/test_figure_descriptions.py": 10,
    "lessons/07_autodiff.ipynb": 9,
    "tests/test_grading_all.py": 8,
    "tests/test_cli.py": 8,
    "tests/test_binder.py": 8,
}


def pytest_xdist_auto_num_workers(config):
    """``-n auto``: one worker per core, and one more. Many tests wait for something that uses no CPU (a
    submission sleeping out its time limit, a server or a browser starting): with one worker per core the cores
    stood idle 8 % of the run (293.8 s); with one more they were busy 98.5 % of it (270.9 s), measured one after
    the other on the 2-core machine. (Two workers per core was slower: the release test's pip install then got
    half a core and became the longest path.)"""
    return (os.cpu_count() or 1) + 1


def work_unit(nodeid):
    """The unit of work a test belongs to: its test file (or notebook), except the slide tests, whose unit is
    their lesson, both editions (each deck is built once, on the worker that checks it, and the English and the
    Japanese deck share a browser: its start costs about 1.5 s of CPU)."""
    path, _, rest = nodeid.partition("::")
    if path == "tests/test_slides.py" and "[" in rest:
        stem = rest.split("[", 1)[1].rstrip("]")
        return f"{path}[{stem.removeprefix('ja-')}]"
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
