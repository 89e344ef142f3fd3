"""``python -m coursetools grade``: grade one notebook or a folder of submissions with the hidden tests.

Student code runs only in a bubblewrap sandbox (see ``coursetools/grading/sandbox.py``). Without a
working sandbox the command says so and refuses to grade, unless you pass --unsafe (trusted notebooks
only: then student code runs with your rights)."""
import argparse
import sys
from pathlib import Path

from .core import SandboxUnavailable, grade_folder, student_names
from .sandbox import Limits, sandbox_status


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m coursetools grade", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("submissions", help="a notebook, or a folder of notebooks (one per student, named after them)")
    ap.add_argument("--exercise", required=False, help="e.g. 02_least_squares (default: from the notebook's name)")
    ap.add_argument("--out", default="grading-output",
                    help="folder for gradebook.csv and students/<name>/results.json (nothing is written elsewhere)")
    ap.add_argument("--timeout", type=float, default=Limits.seconds,
                    help="seconds for each task's hidden checks, and for each notebook cell (default %(default)s)")
    ap.add_argument("--memory-mb", type=int, default=Limits.memory_mb, help="address space per process")
    ap.add_argument("--workers", type=int, default=None, help="sandboxes at a time (default: number of cores)")
    ap.add_argument("--hidden", default=None, help="folder of hidden tests (default: coursetools/hidden)")
    ap.add_argument("--unsafe", action="store_true",
                    help="grade without a sandbox when bubblewrap is missing (only for notebooks you trust)")
    ap.add_argument("--quiet", action="store_true", help="print only the scores")
    a = ap.parse_args(argv)
    ok, why = sandbox_status()
    if not ok:
        if not a.unsafe:
            print(f"Refusing to grade: the sandbox is not available ({why}).\nStudent code would run with your "
                  f"rights and could read the solutions, change other students' grades or the course files.\n"
                  f"Install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap), or pass --unsafe to grade "
                  f"notebooks you trust without a sandbox.", file=sys.stderr)
            return 2
        print(f"WARNING: grading WITHOUT a sandbox (--unsafe): {why}. Student code runs with your rights.",
              file=sys.stderr)
    src = Path(a.submissions)
    paths = sorted(src.glob("*.ipynb")) if src.is_dir() else [src]
    if not paths:
        print(f"No notebooks found in {src}.", file=sys.stderr)
        return 2
    exercise = a.exercise or student_names(paths[:1])[0]
    if ok:
        print(f"Grading {len(paths)} notebook(s) of {exercise} in the sandbox: {why}.", file=sys.stderr)
    try:
        results = grade_folder(paths, exercise, a.out, Limits(seconds=a.timeout, memory_mb=a.memory_mb),
                               a.hidden, a.workers, a.unsafe)
    except SandboxUnavailable as exc:
        print(exc, file=sys.stderr)
        return 2
    for student, res in sorted(results.items()):
        print(f"{student}: {res['score']:g} / {res['max_score']:g}")
        if a.quiet:
            continue
        for t in res["tests"]:
            print(f"  {t['name']}: {t['score']:g}/{t['max_score']:g}  " + t["output"].replace("\n", "\n    "))
        if res.get("output"):
            print("  " + res["output"].replace("\n", "\n  "))
    print(f"\nWrote {a.out}/gradebook.csv and {a.out}/students/<student>/results.json")
    return 0
