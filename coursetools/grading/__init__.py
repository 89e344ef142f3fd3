"""Grading exercise notebooks with hidden tests, safely.

    python -m coursetools grade SUBMISSION.ipynb|FOLDER --exercise 02_least_squares [--out grading-output]

The grader (this process) holds the hidden tests and writes the grades. Student code runs only in child
processes (``sandbox.py``): a separate ``python -I`` per task, as an unprivileged user when the grader
runs as root, in an empty private folder, with limits on time, memory, output and processes. Only plain
data crosses back: JSON lines and raw array bytes, decoded and checked here with real NumPy.
"""
from .core import grade_notebook, grade_folder, load_exercise, Task, Case

__all__ = ["grade_notebook", "grade_folder", "load_exercise", "Task", "Case"]
