"""``python -m coursetools grade``: grade one notebook or a folder of submissions with the hidden tests."""
import argparse
from pathlib import Path

from .core import grade_folder
from .sandbox import Limits


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m coursetools grade", description=__doc__)
    ap.add_argument("submissions", help="a notebook, or a folder of notebooks (one per student, named after them)")
    ap.add_argument("--exercise", required=False, help="e.g. 02_least_squares (default: from the notebook's name)")
    ap.add_argument("--out", default="grading-output", help="where results.json files and gradebook.csv go")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per task")
    ap.add_argument("--memory-mb", type=int, default=1536)
    ap.add_argument("--hidden", default=None, help="folder of hidden tests (default: coursetools/hidden)")
    a = ap.parse_args(argv)
    src = Path(a.submissions)
    paths = sorted(src.glob("*.ipynb")) if src.is_dir() else [src]
    if not paths:
        print(f"No notebooks found in {src}.")
        return 2
    exercise = a.exercise or paths[0].stem
    results = grade_folder(paths, exercise, a.out, Limits(a.timeout, a.memory_mb), a.hidden)
    for student, res in sorted(results.items()):
        print(f"{student}: {res['score']:g} / {res['max_score']:g}")
        for t in res["tests"]:
            print(f"  {t['name']}: {t['score']:g}/{t['max_score']:g}  " + t["output"].replace("\n", "\n    "))
    print(f"\nWrote {a.out}/<student>/results.json and {a.out}/gradebook.csv")
    return 0
