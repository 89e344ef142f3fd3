"""``python -m coursetools grade-bench``: time the sandboxed grading of a class of exercise 02.

Makes N submissions (default 100) from the current solution and exercise notebooks, a realistic mix:
60 % complete (full marks expected), 20 % partly done (some tasks still ``raise NotImplementedError``),
10 % untouched, and 10 broken or hostile ones (two endless loops, a syntax error, a segfault, a memory
bomb, a flood of output, a fork bomb, a daemon, a probe for the solutions, an ``os._exit``). Grades
them with ``grade_folder`` (the sandbox, one worker per core) and prints the wall time, the slowest
submissions, and whether every complete submission got full marks. Run it alone:

    flock /tmp/bench.lock python -m coursetools grade-bench

``--copies N`` measures the time per submission of every exercise instead: N copies of each solution
notebook graded with ``grade_folder`` (the wall time divided by N; every copy must get full marks).
"""
import argparse
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from ..paths import REPO
from .core import grade_folder
from .sandbox import Limits, sandbox_status

HOSTILE = {
    "loop_top_level": "while True:\n    pass",
    "syntax_error": "def oops(:\n    pass",
    "segfault": "import ctypes\nctypes.string_at(0)",
    "memory_bomb": "import numpy as np\nbig = np.ones(10**11)",
    "output_flood": "for _ in range(200):\n    print('x' * 100_000)",
    "fork_bomb": "import os, time\nfor _ in range(500):\n    try:\n        if os.fork() == 0:\n"
                 "            time.sleep(100)\n            os._exit(0)\n    except OSError:\n        break",
    "daemon": "import os\nif os.fork() == 0:\n    os.setsid()\n    os.execv('/bin/sleep', ['sleep', '300'])",
    "reads_solutions": "import glob\nfound = glob.glob('/**/solutions/*.ipynb', recursive=True)",
    "os_exit": "import os\nos._exit(1)",
}


def _defining_cells(nb):
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.lstrip().startswith("def ")]


def make_class(folder, n, exercise="02_least_squares", seed=0):
    """Write ``n`` submissions into ``folder``; returns {name: 'complete' | 'partial' | 'untouched' | 'broken'}."""
    rng = random.Random(seed)
    sol = nbformat.read(str(REPO / "solutions" / f"{exercise}.ipynb"), as_version=4)
    ex = nbformat.read(str(REPO / "exercises" / f"{exercise}.ipynb"), as_version=4)
    defs = _defining_cells(sol)
    kinds = {}
    n_broken = min(10, n // 10)
    n_untouched = n // 10
    n_partial = n // 5
    for k in range(n):
        if k < n_broken:
            nb, kind = nbformat.from_dict(sol), "broken"
            if k == 0:          # an endless loop inside the first graded function
                c = nb.cells[defs[0]]
                head, _, rest = c.source.partition("\n")
                c.source = head + "\n    while True:\n        pass\n" + rest
            else:
                code = list(HOSTILE.values())[(k - 1) % len(HOSTILE)]
                nb.cells.insert(2, nbformat.v4.new_code_cell(code))
        elif k < n_broken + n_untouched:
            nb, kind = nbformat.from_dict(ex), "untouched"
        elif k < n_broken + n_untouched + n_partial:
            nb, kind = nbformat.from_dict(ex), "partial"
            for i in rng.sample(defs, rng.randint(1, len(defs) - 1)):
                nb.cells[i] = sol.cells[i]
        else:
            nb, kind = nbformat.from_dict(sol), "complete"
        name = f"student_{k:03d}"
        nbformat.write(nb, str(folder / f"{name}.ipynb"))
        kinds[name] = kind
    return kinds


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m coursetools grade-bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100, help="number of submissions (default %(default)s)")
    ap.add_argument("--workers", type=int, default=None, help="sandboxes at a time (default: number of cores)")
    ap.add_argument("--timeout", type=float, default=Limits.seconds, help="seconds per task and per cell")
    ap.add_argument("--exercise", default="02_least_squares")
    ap.add_argument("--copies", type=int, default=0,
                    help="grade this many copies of every exercise's solution and print the time per submission")
    a = ap.parse_args(argv)
    ok, why = sandbox_status()
    if not ok:
        raise RuntimeError(f"the sandbox is not available ({why}); the benchmark measures sandboxed grading")
    if a.copies:
        return per_submission(a.copies, a.workers)
    work = Path(tempfile.mkdtemp(prefix="grade-bench-"))
    try:
        (work / "subs").mkdir()
        kinds = make_class(work / "subs", a.n, a.exercise)
        paths = sorted((work / "subs").glob("*.ipynb"))
        t0 = time.perf_counter()
        results = grade_folder(paths, a.exercise, work / "out", Limits(seconds=a.timeout), workers=a.workers)
        wall = time.perf_counter() - t0
    finally:
        shutil.rmtree(work, ignore_errors=True)
    complete = [n for n, k in kinds.items() if k == "complete"]
    full = [n for n in complete if results[n]["score"] == results[n]["max_score"]]
    untouched_zero = all(results[n]["score"] == 0 for n, k in kinds.items() if k == "untouched")
    slowest = sorted(results.items(), key=lambda kv: -kv[1]["execution_time"])[:3]
    print(f"graded {len(paths)} submissions of {a.exercise} in {wall:.1f} s wall "
          f"({wall / len(paths):.2f} s each; {a.workers or os.cpu_count()} workers, "
          f"{os.cpu_count()} cores)")
    print(f"  complete with full marks: {len(full)}/{len(complete)}; untouched all zero: {untouched_zero}; "
          f"broken/hostile: {sum(k == 'broken' for k in kinds.values())}")
    print("  slowest: " + ", ".join(f"{n} ({kinds[n]}) {r['execution_time']:.1f} s" for n, r in slowest))
    return 0 if len(full) == len(complete) and untouched_zero else 1


def per_submission(copies, workers=None):
    """Grade ``copies`` copies of every solution notebook; print the seconds per submission of each exercise."""
    ok = True
    for solution in sorted((REPO / "solutions").glob("*.ipynb")):
        exercise = solution.stem
        work = Path(tempfile.mkdtemp(prefix="grade-bench-"))
        try:
            paths = [work / f"student_{k:03d}.ipynb" for k in range(copies)]
            for path in paths:
                shutil.copy(solution, path)
            t0 = time.perf_counter()
            results = grade_folder(paths, exercise, work / "out", workers=workers)
            wall = time.perf_counter() - t0
        finally:
            shutil.rmtree(work, ignore_errors=True)
        full = sum(r["score"] == r["max_score"] for r in results.values())
        ok = ok and full == copies
        print(f"{exercise}: {wall / copies:.2f} s per submission ({copies} copies, {workers or os.cpu_count()} "
              f"workers, load average {os.getloadavg()[0]:.1f}); full marks {full}/{copies}", flush=True)
    return 0 if ok else 1
