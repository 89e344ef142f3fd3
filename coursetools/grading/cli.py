"""``python -m coursetools grade``: grade one notebook or a folder of submissions with the hidden tests.

Student code runs only in a bubblewrap sandbox (see ``coursetools/grading/sandbox.py``). Without a
working sandbox the command says so and refuses to grade, unless you pass --unsafe (trusted notebooks
only: then student code runs with your rights). Ctrl-C stops every sandbox within seconds and writes
nothing."""
import argparse
import signal
import sys
from pathlib import Path

from ..shards import select_shard, write_shard_record
from .core import Grader, SandboxUnavailable
from .sandbox import Limits
from .submissions import exercise_from_path


def _interrupt(signum, frame):
    raise KeyboardInterrupt()


def main(argv=None):
    # Ctrl-C and SIGTERM stop the grading, also where the grader inherited SIGINT ignored (Python then leaves it
    # ignored): a program started in the background by a shell script does (the likely cause of a hang of the Ctrl-C
    # test seen once in a fresh-clone run)
    old = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("\nInterrupted: every sandbox was stopped; nothing was written.", file=sys.stderr)
        return 130
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


def _main(argv):
    ap = argparse.ArgumentParser(prog="python -m coursetools grade", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("submissions", help="a notebook, or a folder of notebooks (one per student, named after them)")
    ap.add_argument("--exercise", required=False, help="e.g. 02_least_squares (default: from the notebook's name)")
    ap.add_argument("--out", default="grading-output",
                    help="folder for gradebook.csv and students/<name>/results.json (nothing is written elsewhere)")
    ap.add_argument("--timeout", type=float, default=Limits.seconds,
                    help="seconds for each task's hidden checks, and for each notebook cell (default %(default)s)")
    ap.add_argument("--budget", type=float, default=None,
                    help="wall-clock seconds for one submission, all its cells and tasks together "
                         "(default: the larger of 60 and 12 times --timeout)")
    ap.add_argument("--memory-mb", type=int, default=Limits.memory_mb, help="address space per process")
    ap.add_argument("--workers", type=int, default=None, help="sandboxes at a time (default: number of cores)")
    ap.add_argument("--hidden", default=None, help="folder of hidden tests (default: coursetools/hidden)")
    ap.add_argument("--source", default=None,
                    help="the exercise notebook whose provided (locked) cells are put back into each submission "
                         "(default: exercises/<exercise>.ipynb, or <hidden>/<exercise>.ipynb with --hidden)")
    ap.add_argument("--shard", metavar="K/N",
                    help="grade only the K-th of N fixed parts of the folder (a job array's task, K = 1..N); "
                         "join the N outputs with `python -m coursetools merge`")
    ap.add_argument("--unsafe", action="store_true",
                    help="grade without a sandbox when bubblewrap is missing (only for notebooks you trust)")
    ap.add_argument("--quiet", action="store_true", help="print only the scores")
    ap.add_argument("--lang", default=None, choices=["en", "ja"],
                    help="language of the feedback, and of the exercise notebook whose provided cells are put back "
                         "(exercises/ja/ for ja); default: each notebook's own (metadata \"language\"), else en")
    a = ap.parse_args(argv)
    src = Path(a.submissions)
    paths = sorted(src.glob("*.ipynb")) if src.is_dir() else [src]
    if not paths:
        print(f"No notebooks found in {src}.", file=sys.stderr)
        return 2
    exercise = a.exercise or exercise_from_path(paths[0])
    lang = a.lang                 # None: each notebook's own language (metadata "language"), else en
    try:
        everyone, paths = paths, (select_shard(paths, a.shard) if a.shard else paths)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        grader = Grader(exercise, Limits(seconds=a.timeout, memory_mb=a.memory_mb, submission_seconds=a.budget), a.hidden, a.unsafe, a.source,
                        lang=lang)
    except SandboxUnavailable as exc:
        print(f"{exc}\nStudent code would run with your rights and could read the solutions, change other "
              f"students' grades or the course files.", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 2
    if grader.isolation.mode == "unsafe":
        print(f"WARNING: grading WITHOUT a sandbox (--unsafe): {grader.isolation.why}. Student code runs with "
              f"your rights.", file=sys.stderr)
    else:
        print(f"Grading {len(paths)} notebook(s) of {exercise} in the sandbox: {grader.isolation.describe()}.",
              file=sys.stderr)
    results = grader.grade_paths(paths, a.out, a.workers)
    if a.shard:
        write_shard_record(a.out, exercise, a.shard, everyone)
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
