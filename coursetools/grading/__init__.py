"""Grading exercise notebooks with hidden tests, safely.

    python -m coursetools grade SUBMISSION.ipynb|FOLDER --exercise 02_least_squares [--out grading-output]
    python -m coursetools grade-bench          (100 submissions of exercise 02, timed)

The grader (this process) holds the hidden tests and writes the grades. Student code runs only in a
bubblewrap sandbox (``sandbox.py``): one child per submission, as an unprivileged uid without
capabilities (``no_new_privs``), with no network, its own PID namespace and /proc, a file system that
holds only read-only Python, NumPy and nnkit and a fresh /tmp, and limits on time, memory, file size,
processes and output. Only plain data crosses back, checked with limits (``channel.py``) before use.
"""
from .core import grade_notebook, grade_folder, load_exercise, Task, Case, SandboxUnavailable

__all__ = ["grade_notebook", "grade_folder", "load_exercise", "Task", "Case", "SandboxUnavailable"]
