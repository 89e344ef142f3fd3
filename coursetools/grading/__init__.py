"""Grading exercise notebooks with hidden tests, safely.

    python -m coursetools grade SUBMISSION.ipynb|FOLDER --exercise 02_least_squares [--out grading-output]
    python -m coursetools grade-bench          (100 submissions of exercise 02, timed)

The grader (this process) holds the hidden tests and writes the grades. Student code runs only in a
bubblewrap sandbox (``sandbox.py``): one child per submission, as an unprivileged uid of its own without
capabilities (``no_new_privs``, a seccomp filter), with no network, its own PID namespace and /proc, a
file system that holds only read-only Python, NumPy and nnkit and a fresh /tmp, and limits on time,
memory, file size, processes and output. Only plain data crosses back, checked before use.

The modules, in the order a submission passes through them: ``submissions`` (read and clean),
``runner`` with ``sandbox``, ``seccomp``, ``harness`` and ``protocol`` (run), ``judge`` (judge),
``results`` (write); ``core`` puts them together, ``tasks`` is what hidden test files declare.
"""
import importlib

from .submissions import student_names
from .tasks import N_, Case, Task, load_exercise

# The grader's own names come from modules that import NumPy (0.2 s of CPU): imported at their first use, so that
# a tool that only reads results (``python -m coursetools merge``, ``coursetools.shards``) starts without them.
_LATER = {"Grader": "core", "SandboxUnavailable": "core", "grade_folder": "core", "grade_notebook": "core",
          "Limits": "sandbox"}


def __getattr__(name):
    if name not in _LATER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_LATER[name]}"), name)
    globals()[name] = value
    return value


__all__ = ["Grader", "grade_notebook", "grade_folder", "load_exercise", "student_names", "Task", "Case", "N_", "Limits",
           "SandboxUnavailable"]
