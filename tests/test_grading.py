"""The grader against broken and adversarial submissions: each gets the score it deserves, the grader
never hangs or crashes, and no submission changes another's grade or reads the hidden tests."""
import csv
import json
import time
from pathlib import Path

import nbformat
import pytest

from coursetools.grading import grade_folder
from coursetools.grading.sandbox import Limits, isolation
from coursetools.paths import HIDDEN_DIR, REPO

SOLUTION = REPO / "solutions" / "02_least_squares.ipynb"
EXERCISE = REPO / "exercises" / "02_least_squares.ipynb"
HIDDEN_FILE = HIDDEN_DIR / "h02_least_squares.py"


def _with(func=None, body=None, extra=None, base=SOLUTION):
    """The solution notebook with the code cell defining ``func`` replaced by ``body``, and/or an
    ``extra`` code cell appended after the setup cell."""
    nb = nbformat.read(str(base), as_version=4)
    if func:
        for c in nb.cells:
            if c.cell_type == "code" and c.source.startswith(f"def {func}("):
                c.source = body
                break
        else:
            raise AssertionError(f"no cell defines {func}")
    if extra:
        nb.cells.insert(2, nbformat.v4.new_code_cell(extra))
    return nb


GOOD_GRAD = "def gradient(X, w, t):\n    return X.T @ (X @ w - t)\n"

SUBMISSIONS = {
    # name: (notebook, expected total out of 7: loss 2, gradient 3, descend 2). descend calls the student's
    # own gradient, so a broken gradient also costs descend's cases, except the one with steps = 0 (and
    # after two calls that ran out of time, the rest of a task is not run: endless loops get nothing).
    "solution": (lambda: nbformat.read(str(SOLUTION), as_version=4), 7),
    "untouched": (lambda: nbformat.read(str(EXERCISE), as_version=4), 0),
    "loop_in_gradient": (lambda: _with("gradient", "def gradient(X, w, t):\n    while True:\n        pass\n"), 2),
    "loop_at_top_level": (lambda: _with(extra="while True:\n    pass"), 7),
    "syntax_error_in_loss": (lambda: _with("loss", "def loss(X, w, t)\n    return 0\n"), 5),
    "sys_exit": (lambda: _with(extra="import sys\nsys.exit(3)"), 7),
    "os_exit": (lambda: _with(extra="import os\nos._exit(0)"), 7),
    "segfault_in_gradient": (lambda: _with("gradient", "import ctypes\ndef gradient(X, w, t):\n"
                                                       "    return ctypes.string_at(0)\n"), 2.5),
    "huge_allocation": (lambda: _with(extra="import numpy as np\nbig = np.ones(10**11)"), 7),
    "prints_megabytes": (lambda: _with(extra="for _ in range(100):\n    print('x' * 100_000)"), 7),
    "input": (lambda: _with(extra="name = input('your name? ')"), 7),
    "patched_allclose": (lambda: _with("gradient", "import numpy as np\nnp.allclose = lambda *a, **k: True\n"
                                                   "np.isclose = lambda *a, **k: True\n"
                                                   "def gradient(X, w, t):\n    return np.zeros(len(w))\n"), 2.5),
    "lying_eq": (lambda: _with("gradient", "class Yes:\n    def __eq__(self, other): return True\n"
                                           "    __array_priority__ = 1000\n"
                                           "def gradient(X, w, t):\n    return Yes()\n"), 2.5),
    "column_shape": (lambda: _with("gradient", "def gradient(X, w, t):\n    return (X.T @ (X @ w - t)).reshape(-1, 1)\n"), 2.5),
    "returns_list": (lambda: _with("gradient", "def gradient(X, w, t):\n    return list(X.T @ (X @ w - t))\n"), 2.5),
    "nan": (lambda: _with("gradient", "import numpy as np\ndef gradient(X, w, t):\n    return np.full(len(w), np.nan)\n"), 2.5),
    "mutates_w0": (lambda: _with("descend", "def descend(X, t, w0, eta, steps):\n    w = w0\n"
                                            "    for _ in range(int(steps)):\n        w -= eta * gradient(X, w, t)\n"
                                            "    return w.copy()\n"), 5.5),
    "slow_but_correct": (lambda: _with("gradient", "import time\ndef gradient(X, w, t):\n    time.sleep(0.0005)\n"
                                                   "    return X.T @ (X @ w - t)\n"), 7),
    "leftover_not_implemented": (lambda: _with("loss", "def loss(X, w, t):\n    raise NotImplementedError()\n"), 5),
    "warning": (lambda: _with("gradient", "import warnings\ndef gradient(X, w, t):\n"
                                          "    warnings.warn('check your learning rate')\n    return X.T @ (X @ w - t)\n"), 7),
    "reads_hidden_tests": (lambda: _with("loss", "import glob\nfound = []\nfor p in glob.glob(" + repr(str(REPO)) + " + '/**/h02_least_squares.py', "
                                          "recursive=True) + [" + repr(str(HIDDEN_FILE)) + ", " + repr(str(SOLUTION)) + "]:\n"
                                          "    try:\n        found.append(open(p).read())\n    except OSError:\n        pass\n"
                                          "def loss(X, w, t):\n    return 1000.0 if found else 0.5 * float((X @ w - t) @ (X @ w - t))\n"), 7),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    out = tmp_path_factory.mktemp("grades")
    for name, (make, _) in SUBMISSIONS.items():
        nbformat.write(make(), str(folder / f"{name}.ipynb"))
    # one more student tries to overwrite the gradebook and another student's results
    forge = ("import os, json\nfor p in [" + repr(str(out / "gradebook.csv")) + ", " + repr(str(out / "solution" / "results.json")) +
             "]:\n    try:\n        os.makedirs(os.path.dirname(p), exist_ok=True)\n"
             "        open(p, 'w').write('forged')\n    except OSError:\n        pass\n")
    nbformat.write(_with(extra=forge), str(folder / "forger.ipynb"))
    (folder / "not_a_notebook.ipynb").write_text("{ this is not json")
    t0 = time.monotonic()
    results = grade_folder(sorted(folder.glob("*.ipynb")), "02_least_squares", out, Limits(seconds=3))
    return results, out, time.monotonic() - t0


@pytest.mark.parametrize("name", list(SUBMISSIONS))
def test_each_submission_gets_the_score_it_deserves(graded, name):
    results, _, _ = graded
    if name == "reads_hidden_tests" and isolation() != "namespaces":
        pytest.skip("hiding folders from student code needs root (unshare/setpriv); run the grader as root")
    res = results[name]
    assert res["score"] == SUBMISSIONS[name][1], json.dumps(res, indent=1)


def test_feedback_is_actionable_and_reveals_no_expected_values(graded):
    results, _, _ = graded
    text = {n: "\n".join(t["output"] for t in r["tests"]) for n, r in results.items()}
    assert "NotImplementedError" in text["untouched"]
    assert "shape (2, 1)" not in text["column_shape"] and "(N,) and (N, 1) are different" in text["column_shape"]
    assert "NaN" in text["nan"]
    assert "changed its input" in text["mutates_w0"]
    assert "ran out of time" in text["loop_in_gradient"] or "no answer" in text["loop_in_gradient"]
    assert "list" in text["returns_list"]
    assert "SyntaxError" in text["syntax_error_in_loss"]
    assert "expected" not in text["patched_allclose"].lower() or "is expected" in text["patched_allclose"]


def test_outputs_cannot_be_forged_and_are_complete(graded):
    results, out, _ = graded
    assert results["forger"]["score"] == 7
    assert results["not_a_notebook"]["score"] == 0 and "could not be read" in results["not_a_notebook"]["output"]
    saved = json.loads((out / "solution" / "results.json").read_text())
    assert saved["score"] == 7 and {t["name"] for t in saved["tests"]} == {"1. loss", "2. gradient", "3. descend"}
    rows = {r["student"]: r for r in csv.DictReader(open(out / "gradebook.csv"))}
    assert float(rows["solution"]["total"]) == 7 and float(rows["untouched"]["total"]) == 0
    assert len(rows) == len(SUBMISSIONS) + 2


def test_grading_the_class_took_reasonable_time(graded):
    # 24 submissions, several of them designed to hang or crash: well under a minute on 2 cores
    assert graded[2] < 120
