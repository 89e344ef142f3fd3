"""Shared test set-up. Notebooks under tests/ (submission fixtures of the grader tests) are data, not
lessons: nbval must not run them.

Every test starts from the same process state, whatever ran before it in the same worker: matplotlib's
settings are put back and its figures closed after each test, and a test that changes an environment
variable or the working folder without monkeypatch, or leaves the handler of SIGINT or SIGTERM changed (the
programs it starts later would inherit an ignored one), fails (then all are put back for the next test).
"""
import os
import signal
import sys

import matplotlib
import numpy as np
import pytest
import threadpoolctl  # noqa: F401  (sets KMP_DUPLICATE_LIB_OK when imported: here, not inside the first test using it)

matplotlib.use("Agg")          # tests never open windows
# pytest rewrites the asserts of every test module (and of the grading fixtures) when it imports them, and keeps the
# rewritten, compiled module in __pycache__ unless bytecode writing is off. With PYTHONDONTWRITEBYTECODE set (as on the
# development machine) every pytest process (the controller and each worker) rewrote all of them again: about 1.5 s of
# CPU a process. Test modules only: this is the flag pytest reads for them; the processes the tests start (kernels,
# sandboxes, course commands) inherit the environment unchanged.
sys.dont_write_bytecode = False
os.environ.setdefault("MPLBACKEND", "Agg")
# NumPy without transparent huge pages, in this process and in every one the tests start (kernels, course commands;
# the grading sandboxes set it themselves, coursetools.grading.sandbox.ENV). Where the kernel compacts memory on demand
# for huge pages (THP "defrag=madvise", Linux's default), the first touch of every large array costs about ten
# times more with them. On the 2-core test machine the whole suite spent 87 and 97 s of system time with NumPy's
# default (two runs: 477.0 and 463.6 s of CPU in all) and 64 to 79 s without (four runs: 419.1 to 515.7 s in all, as
# far apart as runs of the same code get there). A learner's kernel keeps NumPy's default.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
np._core.multiarray._set_madvise_hugepage(os.environ["NUMPY_MADVISE_HUGEPAGE"] != "0")   # NumPy came before this file

# matplotlib's settings as every test must find them. Each test runs inside an rc_context (below), which undoes what
# the test itself changes; this also catches what changes them outside any test (a module fixture, or a library whose
# import sets them: matplotlib-fontja's import once set every later figure of a worker to one font).
BASE_RC = matplotlib.rcParams.copy()

collect_ignore_glob = ["**/*.ipynb"]
PYTEST_OWN = "PYTEST_CURRENT_TEST"        # pytest changes it in every phase of every test
# variables a library sets on its first import, whichever test imports it first (PyTorch's compiler cache)
SET_BY_IMPORTS = {"TORCHINDUCTOR_CACHE_DIR"}


SIGNALS = (signal.SIGINT, signal.SIGTERM)        # what a program this process starts inherits when ignored


@pytest.fixture(autouse=True)
def _no_state_left_behind():
    ignored = {PYTEST_OWN} | SET_BY_IMPORTS
    env, cwd = {k: v for k, v in os.environ.items() if k not in ignored}, os.getcwd()
    handlers = {sig: signal.getsignal(sig) for sig in SIGNALS}
    with matplotlib.rc_context():
        yield
    moved_signals = [signal.Signals(sig).name for sig, h in handlers.items() if signal.getsignal(sig) != h]
    for sig, h in handlers.items():
        if h is not None:
            signal.signal(sig, h)
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    rc_changed = [] if dict.__eq__(matplotlib.rcParams, BASE_RC) else sorted(
        k for k in BASE_RC if k != "backend" and matplotlib.rcParams.get(k) != BASE_RC[k])
    dict.update(matplotlib.rcParams, {k: BASE_RC[k] for k in rc_changed})       # as rc_context puts them back
    changed = sorted(k for k in (set(env) | set(os.environ)) - ignored if env.get(k) != os.environ.get(k))
    moved = os.getcwd() != cwd
    for k in changed:
        if k in env:
            os.environ[k] = env[k]
        else:
            del os.environ[k]
    os.chdir(cwd)
    assert not changed, f"the test changed the environment variables {changed}: use monkeypatch.setenv"
    assert not moved, "the test changed the working folder: use monkeypatch.chdir"
    assert not rc_changed, (f"matplotlib's settings {rc_changed[:5]} were changed outside the test's rc_context (by a "
                            "fixture, or by an import that sets them): put them back where they were changed")
    assert not moved_signals, f"the test left the handlers of {moved_signals} changed (programs it starts later inherit them)"
