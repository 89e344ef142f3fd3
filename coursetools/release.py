"""The student release: what learners get, and nothing of the instructors' tools.

    python -m coursetools release OUT

OUT receives ``lessons/``, ``exercises/``, ``nnkit/`` (with the shipped MNIST files), a student README,
a ``requirements.txt`` without the test and instructor tools, and a ``pyproject.toml`` that installs
``nnkit`` only. No solutions, no hidden tests, no ``coursetools``.
"""
import argparse
import re
import shutil
from pathlib import Path

from .paths import REPO

# requirements.txt: everything below this line is for instructors and tests, not for learners
INSTRUCTOR_SECTION = "# --- instructors and tests"
# The learners' requirements.txt opens with this instead of the repository's header (which speaks of the
# instructors' tools and coursetools, both left out of the release).
STUDENT_HEADER = """\
# The course's pinned environment. Needs Python 3.11 or newer (numpy 2.4 and matplotlib 3.11 do).
# `pip install -r requirements.txt` installs what the lessons and exercises use, and the course's package
# nnkit in editable mode (the last line), so every notebook can simply `import nnkit`.
"""
TEMPLATE = Path(__file__).resolve().parent / "templates" / "STUDENT_README.md"


def student_requirements(text):
    """The repository's requirements.txt -> the learners' one: the learners' header (STUDENT_HEADER) instead
    of the repository's opening comment, the instructor section dropped, nnkit installed by the last line."""
    if INSTRUCTOR_SECTION not in text:
        raise ValueError(f"requirements.txt has no line starting with {INSTRUCTOR_SECTION!r}: "
                         "the release cannot tell learners' packages from the instructors'.")
    lines = text.split(INSTRUCTOR_SECTION)[0].rstrip().splitlines()
    while lines and lines[0].startswith("#"):              # the repository's header
        lines.pop(0)
    return STUDENT_HEADER + "\n".join(lines) + "\n-e .\n"


def student_pyproject(text):
    """The repository's pyproject.toml -> one that installs nnkit only, without the test settings."""
    text = re.sub(r'include = \[[^\]]*\]', 'include = ["nnkit*"]', text)
    text = "".join(line for line in text.splitlines(keepends=True) if not line.startswith('"coursetools"'))
    return text.split("[tool.pytest.ini_options]")[0].rstrip() + "\n"


def make_release(out):
    """Write the student release into ``out`` (a new or empty folder); returns its path."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty: choose a new folder for the release.")
    out.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info")
    for name in ("lessons", "exercises", "nnkit"):
        shutil.copytree(REPO / name, out / name, ignore=ignore)
    (out / "requirements.txt").write_text(student_requirements((REPO / "requirements.txt").read_text()))
    (out / "pyproject.toml").write_text(student_pyproject((REPO / "pyproject.toml").read_text()))
    (out / "README.md").write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m coursetools release", description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="a new or empty folder for the student release")
    a = ap.parse_args(argv)
    print(f"student release written to {make_release(a.out)}")
    return 0
