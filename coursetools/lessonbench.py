"""Benchmark: re-run every lesson, on an idle machine and with one core kept busy, and print a table.

    python -m coursetools lesson-bench [--lessons 04 06] [--conditions idle busy] [--timeout 600] [--json]

Each lesson notebook is executed from top to bottom in a fresh Jupyter kernel (nbclient, the engine
behind ``jupyter nbconvert --execute``), exactly as a learner's "Restart kernel and run all cells" does.
Nothing is written back: the notebooks are only read. "busy" starts one extra process that spins on
one core (a stand-in for the browser or video call on a learner's laptop), and stops it by its pid
when the lesson is done. Columns: total wall time of each run (kernel start and stop included), and the
slowest cell of the fastest run. Each lesson runs in a child process of its own, stopped after
``--wall`` seconds; a run that spent more than 30 s outside its cells is marked (after a cell that
draws into an ipywidgets Output with clear_output(wait=True), nbclient sometimes starts the next cell
only after its whole cell timeout: see the README, "Lessons on a busy machine").

The kernels get this process's environment, so run it from a plain shell: under pytest-xdist the
test set-up sets OPENBLAS_NUM_THREADS=1 and NUMPY_MADVISE_HUGEPAGE=0 (tests/conftest.py), which would hide
what a learner's JupyterLab does.
Set ``--env NAME=VALUE`` (repeatable) to compare settings, e.g. ``--env NNKIT_BLAS_THREADS=default``
runs the lessons with NumPy's own BLAS threading instead of nnkit's one-thread limit.
Timings on a shared machine are noisy: wrap the command in ``flock /tmp/bench.lock`` so that two
measurements never overlap, and repeat (``--repeat``) to see the spread.
"""
import argparse
import json
import re
import resource
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from .execute import notebook_client
from .paths import REPO

SPIN = "while True:\n    pass\n"


@contextmanager
def busy_core(enabled):
    """Keep one core busy with a spinning Python process while the block runs (stopped by its pid)."""
    if not enabled:
        yield None
        return
    proc = subprocess.Popen([sys.executable, "-c", SPIN], stdin=subprocess.DEVNULL)
    try:
        time.sleep(0.2)               # let it get going
        yield proc.pid
    finally:
        proc.kill()
        proc.wait(10)


def _cell_seconds(cell):
    t = cell.get("metadata", {}).get("execution", {})
    try:
        start = datetime.fromisoformat(t["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(t["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None
    return (end - start).total_seconds()


def run_lesson(path, timeout=600, env=None):
    """Execute the notebook at ``path`` in a fresh kernel; return a dict of timings (the file is not changed)."""
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:                 # timings of this run only, not the ones saved in the file
        cell.get("metadata", {}).pop("execution", None)
    kernel_env = dict(os.environ, **(env or {}))
    client = notebook_client(nb, path, timeout=timeout, record_timing=True)
    error = None
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    try:
        client.execute(env=kernel_env, stderr=subprocess.DEVNULL)
    except CellTimeoutError:
        error = f"a cell ran longer than {timeout} s"
    except (CellExecutionError, DeadKernelError) as exc:
        error = re.sub(r"\x1b\[[0-9;]*m", "", str(exc).strip().splitlines()[-1])[:160]
    total = time.perf_counter() - t0
    # CPU time of the kernel (a child of this process, reaped at shutdown): with cpu / wall well below 1,
    # the lesson waited for a core (other programs), not for its own work.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    kernel_cpu = usage.ru_utime + usage.ru_stime
    cells = [(i, _cell_seconds(c)) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    cells = [(i, s) for i, s in cells if s is not None]
    slow_i, slow_s = max(cells, key=lambda c: c[1]) if cells else (None, None)
    gap, gap_before = _largest_gap(nb.cells)
    first = _stamp(nb.cells, "iopub.execute_input", min)
    last = _stamp(nb.cells, "shell.execute_reply", max)
    return {"lesson": path.name, "seconds": round(total, 1), "slowest_cell": slow_i,
            "slowest_cell_seconds": None if slow_s is None else round(slow_s, 1),
            "cells_seconds": round(sum(s for _, s in cells), 1),
            "kernel_cpu_seconds": round(kernel_cpu, 1),
            # kernel start until the first cell runs, and after the last cell until the kernel is gone
            "start_seconds": None if first is None else round((first - started).total_seconds(), 1),
            "stop_seconds": None if last is None else round(total - (last - started).total_seconds(), 1),
            "largest_gap_seconds": gap, "largest_gap_before_cell": gap_before,
            "cells": [[i, round(s, 2)] for i, s in cells],
            "error": error}


def _largest_gap(cells):
    """The longest wait between one cell's reply and the start of the next cell, and that next cell."""
    best, where, prev_end = 0.0, None, None
    for i, c in enumerate(cells):
        t = c.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" not in t:
            continue
        start = datetime.fromisoformat(t["iopub.execute_input"].replace("Z", "+00:00"))
        if prev_end is not None and (start - prev_end).total_seconds() > best:
            best, where = (start - prev_end).total_seconds(), i
        if "shell.execute_reply" in t:
            prev_end = datetime.fromisoformat(t["shell.execute_reply"].replace("Z", "+00:00"))
    return round(best, 1), where


def _stamp(cells, key, pick):
    stamps = []
    for c in cells:
        value = c.get("metadata", {}).get("execution", {}).get(key)
        if value:
            stamps.append(datetime.fromisoformat(value.replace("Z", "+00:00")))
    return pick(stamps) if stamps else None


def run_lesson_isolated(path, timeout=600, env=None, wall=900):
    """``run_lesson`` in a child process of its own session, killed (with its kernel) after ``wall`` seconds.

    A kernel that stops answering (seen once on a loaded machine) then costs one lesson's row, not the run.
    """
    cmd = [sys.executable, "-m", "coursetools.lessonbench", "--one", str(path), "--timeout", str(timeout)]
    child_env = dict(os.environ, **(env or {}))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=child_env,
                            cwd=str(REPO), start_new_session=True, text=True)
    try:
        out, _ = proc.communicate(timeout=wall)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)          # the child and the kernel it started, nothing else
        proc.communicate()
        return {"lesson": path.name, "seconds": float(wall), "slowest_cell": None, "slowest_cell_seconds": None,
                "cells_seconds": None, "start_seconds": None, "stop_seconds": None,
                "error": f"no answer within {wall} s (killed)"}
    try:
        return json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"lesson": path.name, "seconds": float("nan"), "slowest_cell": None, "slowest_cell_seconds": None,
                "cells_seconds": None, "start_seconds": None, "stop_seconds": None,
                "error": f"the runner failed (exit code {proc.returncode})"}


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m coursetools lesson-bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--lessons", nargs="*", default=None,
                    help="lesson numbers or file names (default: every lessons/*.ipynb)")
    ap.add_argument("--conditions", nargs="*", default=["idle", "busy"], choices=["idle", "busy"])
    ap.add_argument("--repeat", type=int, default=1, help="runs of each lesson in each condition")
    ap.add_argument("--timeout", type=int, default=600, help="seconds a single cell may take")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="an environment variable for the kernels (repeatable)")
    ap.add_argument("--wall", type=int, default=900, help="seconds after which a whole lesson run is stopped")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--one", help=argparse.SUPPRESS)       # internal: run one notebook, print JSON
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_lesson(Path(args.one), args.timeout)))
        return 0
    if args.repeat < 1 or args.timeout < 1:
        raise ValueError("--repeat and --timeout must be at least 1.")
    env = {}
    for item in args.env:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ValueError(f"--env expects NAME=VALUE, got {item!r}.")
        env[name] = value

    paths = sorted((REPO / "lessons").glob("*.ipynb"))
    if args.lessons:
        paths = [p for p in paths if any(p.name.startswith(s) or p.name == s for s in args.lessons)]
        if not paths:
            raise ValueError(f"no lesson matches {args.lessons}; lessons are {[p.name for p in sorted((REPO / 'lessons').glob('*.ipynb'))]}.")

    cores = os.cpu_count()
    print(f"{len(paths)} lessons, {cores} cores, conditions {args.conditions}, repeat {args.repeat}"
          + (f", env {env}" if env else ""), file=sys.stderr)
    results = []
    for cond in args.conditions:
        with busy_core(cond == "busy") as pid:
            if pid:
                print(f"busy: spinning process pid {pid}", file=sys.stderr)
            for path in paths:
                for r in range(args.repeat):
                    res = run_lesson_isolated(path, args.timeout, env, args.wall)
                    res.update(condition=cond, run=r + 1)
                    results.append(res)
                    print(f"  {cond:4s} {path.name:32s} {res['seconds']:7.1f} s"
                          + (f"  ERROR: {res['error']}" if res["error"] else ""), file=sys.stderr, flush=True)

    if args.json:
        print(json.dumps({"cores": cores, "env": env, "results": results}, indent=1))
        return 0 if not any(r["error"] for r in results) else 1
    print()
    head = "| lesson | " + " | ".join(f"{c} (s)" for c in args.conditions) + " | slowest cell, " \
           + " / ".join(args.conditions) + " (s) |"
    print(head)
    print("|---" * (2 + len(args.conditions)) + "|")
    for path in paths:
        cols, slow = [], []
        for cond in args.conditions:
            rs = [r for r in results if r["lesson"] == path.name and r["condition"] == cond]
            cols.append(" / ".join(f"{r['seconds']:.1f}" + ("!" if r["error"] else "") for r in rs))
            stalls = [r for r in rs if r.get("cells_seconds") is not None
                      and r["seconds"] - r["cells_seconds"] > 30]
            if stalls:
                cols[-1] += " (" + ", ".join(f"{r['seconds'] - r['cells_seconds']:.0f} s outside cells"
                                             for r in stalls) + ")"
            best = min(rs, key=lambda r: r["seconds"])
            slow.append(f"{best['slowest_cell_seconds']} (cell {best['slowest_cell']})")
        print(f"| {path.name} | " + " | ".join(cols) + " | " + " / ".join(slow) + " |")
    if any(r["error"] for r in results):
        print("\n! = the run stopped with an error:", file=sys.stderr)
        for r in results:
            if r["error"]:
                print(f"  {r['condition']} {r['lesson']}: {r['error']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
