"""Running one submission: the grader's side of the protocol, its deadlines, and what happens when the
sandbox stops early.

One sandbox run sends the harness the cells and the tasks not finished yet, then reads its messages
(``protocol.parse``) and checks that they come in the only order the harness sends them: ``ready``, for
each cell sent ``cell`` (then maybe ``cell_error``, ``background``), ``cells_done``, for each task
``missing`` or ``task`` followed by its cases (``start``, then ``result``, ``error`` or ``bad_result``) or by
``task_timeout``, ``task_exit`` or ``no_process``, and ``done``. Anything else, a repeated cell included,
is a ``ChannelError``: that submission cannot be graded automatically, and nobody else is affected.

Every deadline is the grader's own: the current cell's or task's time, and a cap on the whole run and
on the whole submission (``Limits.budget``). No message from inside moves them.

When a run stops early, the next run skips what caused it:

| what happened | phase | next run |
|---|---|---|
| out of time | a cell | that cell is skipped (later cells and tasks get LATER_SECONDS) |
| Python stopped | a cell | run again; a cell that stops it twice is skipped |
| Python stopped after a cell left a thread or process running | any | both readings are graded: the crash is the running cell's, or that earlier cell's (skipped); the better score counts |
| out of time or stopped | a task | the running case fails; the task goes on from the next case |
| the sandbox did not start | start | tried once more, then a grader error |
| the submission's time budget is used up | any | the tasks not finished fail with that reason |
"""
import json
import os
import select
import signal
import time

import numpy as np

from . import protocol
from .protocol import ChannelError
from .tasks import N_

STARTUP_SECONDS = 60.0          # for the sandbox and Python with NumPy to start on a loaded machine
LATER_SECONDS = 2.0             # for cells and tasks after a first time-out in the same submission
SLACK_SECONDS = 3.0             # for the harness's own work around a task (fork, sweep) on a loaded machine
MAX_RUNS = 40                   # sandbox starts per submission at most (a crashing cell costs two)
ALIGN = 64




class ArgsFile:
    """Every hidden argument of the tasks, as the sandbox receives it. Numbers, text, None and sequences
    travel in the request; arrays and NumPy scalars live in one shared memory file (memfd) that the
    harness maps and hands to the student's function as arrays. After each call, the grader reads the
    bytes back: an argument the function changed in place is seen here, outside the sandbox."""

    def __init__(self, tasks):
        self.blob = bytearray()
        self.regions = {}                          # (k, j) -> [(argument number, offset, original bytes)]
        self.specs = [[[self._spec(a, (k, j), n) for n, a in enumerate(c.args)] for j, c in enumerate(t.cases)]
                      for k, t in enumerate(tasks)]

    def _spec(self, a, key, n, depth=0):
        if depth > 8:
            raise ValueError("a hidden argument is nested too deeply")
        if a is None:
            return {"none": 1}
        if isinstance(a, (bool, int, float)) and not isinstance(a, np.generic):
            return {"n": a}
        if isinstance(a, str):
            return {"s": a}
        if isinstance(a, (list, tuple)):
            return {"seq": [self._spec(x, key, n, depth + 1) for x in a], "list": isinstance(a, list)}
        arr = np.asarray(a)
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"a hidden argument of type {type(a).__name__} cannot be sent to the sandbox")
        data = np.ascontiguousarray(arr).tobytes()
        offset = len(self.blob)
        self.blob += data + b"\0" * (-len(data) % ALIGN)
        self.regions.setdefault(key, []).append((n, offset, data))
        spec = {"dtype": arr.dtype.str, "shape": list(arr.shape), "offset": offset}
        if isinstance(a, np.generic):
            spec["scalar"] = 1
        return spec

    def open(self):
        """A fresh memfd holding the original arguments (a run may have changed the last one's)."""
        fd = os.memfd_create("coursetools-args", 0)
        view = memoryview(self.blob)
        while view:
            view = view[os.write(fd, view):]
        return fd

    def changed(self, fd, key):
        """Argument numbers (counting from 1) whose bytes differ from what was sent."""
        out = []
        for n, offset, data in self.regions.get(key, ()):
            if os.pread(fd, len(data), offset) != data and n + 1 not in out:
                out.append(n + 1)
        return out


class Record:
    """The grader's record of one submission across its sandbox runs."""

    def __init__(self, tasks, n_cells):
        self.tasks, self.n_cells = tasks, n_cells
        self.answers = [[None] * len(t.cases) for t in tasks]   # per case: what came back, or a problem
        self.first = [0] * len(tasks)              # the next case to run, per task
        self.finished, self.missing = set(), set()
        self.skip, self.skip_reason, self.cell_errors = set(), {}, {}
        self.background = []                       # cells that left a thread or process running, in order
        self.timeouts = 0
        self.ambiguous = False                     # Python died after a cell had left something running
        self.crashed = False                       # a run stopped early (another submission may be why)
        self.out_of_budget = False
        self.grader_bugs = 0                       # hidden checks that failed inside the grader

    def task_seconds(self, limits):
        """A task's time: ``limits.seconds``, or at most LATER_SECONDS after a first time-out."""
        return min(limits.seconds, LATER_SECONDS) if self.timeouts else limits.seconds

    def problem(self, k, j, text):
        if self.answers[k][j] is None:
            self.answers[k][j] = {"problem": text}

    def timed_out(self, k, j, limits):
        self.problem(k, j, N_("the call ran out of time (this task may take {seconds:g} s)", seconds=self.task_seconds(limits)))
        self.timeouts += 1
        for m in range(j + 1, len(self.answers[k])):
            self.problem(k, m, N_("not run, because an earlier call of this function ran out of time"))
        self.finished.add(k)

    def stop_all(self, text):
        for k in range(len(self.tasks)):
            if k not in self.finished:
                for j in range(self.first[k], len(self.answers[k])):
                    self.problem(k, j, text)
                self.finished.add(k)


class Run:
    """One sandbox run: each protocol message goes to its ``on_<kind>`` method, which checks that it comes
    where the harness sends it and folds it into the ``Record``."""

    def __init__(self, record, cells, todo, args, args_fd, limits):
        self.rec, self.limits, self.args, self.args_fd = record, limits, args, args_fd
        self.cells, self.pos = [i for i, _ in cells], 0
        self.todo, self.tpos = todo, 0
        self.phase, self.cell, self.task, self.case, self.answered = "start", None, None, None, True
        self.how = None
        self.deadline = time.monotonic() + STARTUP_SECONDS

    def _order(self, ok):
        if not ok:
            raise ChannelError(N_("a message came where the harness never sends it"))

    def _cell_time(self):
        return min(self.limits.seconds, LATER_SECONDS) if self.rec.timeouts else self.limits.seconds

    def on_ready(self):
        self._order(self.phase == "start")
        self.phase, self.deadline = "cells", time.monotonic() + self._cell_time()

    def on_cell(self, i):
        self._order(self.phase == "cells" and self.pos < len(self.cells) and self.cells[self.pos] == i)
        self.pos += 1
        self.cell, self.deadline = i, time.monotonic() + self._cell_time()

    def on_cell_error(self, i, type, msg):
        self._order(self.phase == "cells" and i == self.cell)
        self.rec.cell_errors.setdefault(i, f"{type}: {msg}".rstrip(": "))

    def on_background(self, i):
        self._order(self.phase == "cells" and i == self.cell)
        if i not in self.rec.background:
            self.rec.background.append(i)

    def on_cells_done(self):
        self._order(self.phase == "cells" and self.pos == len(self.cells))
        self.phase, self.deadline = "tasks", time.monotonic() + self.rec.task_seconds(self.limits) + SLACK_SECONDS

    def _next_task(self, k):
        self._order(self.phase == "tasks" and self.tpos < len(self.todo) and self.todo[self.tpos] == k)
        self.tpos += 1
        if self.task is not None:
            self.rec.finished.add(self.task)

    def on_task(self, k):
        self._next_task(k)
        self.task, self.case, self.answered = k, None, True
        self.deadline = time.monotonic() + self.rec.task_seconds(self.limits) + SLACK_SECONDS

    def on_missing(self, k):
        self._next_task(k)
        self.task = None
        self.rec.missing.add(k)
        self.rec.finished.add(k)

    def on_no_process(self, k):
        self._order(k == self.task)
        self.rec.crashed = True
        for j in range(self.rec.first[k], len(self.rec.answers[k])):
            self.rec.problem(k, j, N_("not run: no process could be started for it (the machine's process limit)"))
        self.rec.finished.add(k)

    def _running(self):
        """The case that is running now, by the grader's own count."""
        return self.case if not self.answered else (self.rec.first[self.task] if self.case is None else self.case + 1)

    def on_start(self, k, j):
        self._order(k == self.task and self.answered and j == self._running() and j < len(self.rec.answers[k]))
        self.case, self.answered = j, False

    def _answer(self, k, j, answer):
        self._order(k == self.task and j == self.case and not self.answered)
        answer["changed"] = self.args.changed(self.args_fd, (k, j))
        if self.rec.answers[k][j] is None:
            self.rec.answers[k][j] = answer
        self.rec.first[k] = max(self.rec.first[k], j + 1)
        self.answered = True

    def on_result(self, k, j, value, pytype):
        self._answer(k, j, {"value": value, "pytype": pytype})

    def on_error(self, k, j, type, msg):
        self._answer(k, j, {"error": type, "msg": msg})

    def on_bad_result(self, k, j, why, pytype):
        self._answer(k, j, {"bad": why, "pytype": pytype})

    def on_task_timeout(self, k, j):
        self._order(k == self.task)
        j = self._running()
        if j < len(self.rec.answers[k]):
            self.rec.timed_out(k, j, self.limits)
        self.rec.finished.add(k)
        self.task = None

    def on_task_exit(self, k, j, status):
        self._order(k == self.task)
        j = self._running()
        if j >= len(self.rec.answers[k]):         # it stopped after its last answer: nothing is lost
            return
        self.rec.problem(k, j, N_("the call stopped the Python process ({status})", status=_status_text(status)))
        self.rec.first[k] = max(self.rec.first[k], j + 1)
        self.case, self.answered = j, True
        self.rec.crashed = True

    def on_done(self):
        self._order(self.phase == "tasks" and self.tpos == len(self.todo))
        if self.task is not None:
            self.rec.finished.add(self.task)
        self.how = "done"


def _status_text(status):
    if status < 0:
        name = {signal.SIGSEGV: N_("a segmentation fault"), signal.SIGKILL: N_("SIGKILL (memory or process limit?)"),
                signal.SIGABRT: N_("an abort"), signal.SIGXCPU: N_("the CPU-time limit"), signal.SIGBUS: N_("a bus error"),
                signal.SIGFPE: N_("a floating-point exception")}.get(-status) or N_("signal {number}", number=-status)
        return N_("killed by {name}", name=name)
    return N_("exit code {status}", status=status)


class Cancelled(Exception):
    """Grading was interrupted (Ctrl-C)."""


def one_run(rec, cells, job, args, end):
    """Start one sandbox for the tasks not finished yet and fold its messages into ``rec``. ``end`` is the
    submission's deadline. Returns (how it ended: 'done' | 'timeout' | 'stopped', the Run, output excerpt)."""
    if job.cancel.is_set():              # Ctrl-C while the last sandbox was being stopped: start no other
        raise Cancelled()
    limits, tasks = job.limits, rec.tasks
    todo = [k for k in range(len(tasks)) if k not in rec.finished]
    sent = [(i, src) for i, src in cells if i not in rec.skip]
    request = protocol_request(rec, sent, todo, job, args)
    args_fd = args.open()
    cap = (time.monotonic() + STARTUP_SECONDS + len(sent) * limits.seconds
           + len(todo) * (limits.seconds + SLACK_SECONDS) + SLACK_SECONDS)
    hard = min(end, cap)
    bounds = protocol.Limits([i for i, _ in sent], len(tasks), max((len(t.cases) for t in tasks), default=1),
                             limits.result_bytes)
    run = Run(rec, sent, todo, args, args_fd, limits)
    child = job.isolation.start(request, args_fd)
    buf, total, excerpt = b"", 0, ""
    try:
        while run.how is None:
            if job.cancel.is_set():
                raise Cancelled()
            now = time.monotonic()
            if now >= min(run.deadline, hard):
                run.how = "timeout"
                break
            ready, _, _ = select.select([child.fd], [], [], min(min(run.deadline, hard) - now, 0.5))
            if not ready:
                if child.proc.poll() is None:
                    continue
            data = os.read(child.fd, 1 << 16)
            if not data:
                run.how = "stopped"
                break
            total += len(data)
            if total > limits.result_bytes + (1 << 20):
                raise ChannelError(N_("the code sent more than {mb} MB of results", mb=limits.result_bytes >> 20))
            buf += data
            while b"\n" in buf and run.how is None:
                line, buf = buf.split(b"\n", 1)
                kind, fields = protocol.parse(line, bounds)
                getattr(run, "on_" + kind)(**fields)
            if len(buf) > protocol.MAX_LINE:
                raise ChannelError(N_("a result line is too long"))
    finally:
        if run.phase == "start":
            excerpt = child.output_excerpt()
        child.close()
        os.close(args_fd)
    if time.monotonic() >= end and run.how != "done":
        rec.out_of_budget = True
    return run.how, run, excerpt


def protocol_request(rec, sent, todo, job, args):
    tasks = rec.tasks
    return json.dumps({
        "cells": [[i, src] for i, src in sent], "sweep": job.isolation.mode != "unsafe",
        "task_seconds": rec.task_seconds(job.limits), "later_seconds": min(job.limits.seconds, LATER_SECONDS),
        "tasks": [{"k": k, "func": tasks[k].func, "first": rec.first[k], "parts": len(tasks[k].parts or ()),
                   "uses": tasks[k].reference_sources(), "cases": args.specs[k]} for k in todo],
    }).encode()


def run_submission(cells, n_cells, job, blame_background=False):
    """Run a submission's cells and every task's hidden cases; returns the filled ``Record``. ``job`` holds
    the tasks, limits, isolation and the cancel flag. See the module's table for what happens when a run
    stops early; with ``blame_background`` a crash after a cell left something running is blamed on that
    cell (``grade.grade_cells`` tries both readings when they differ)."""
    rec = Record(job.tasks, n_cells)
    args = ArgsFile(job.tasks)
    end = time.monotonic() + job.limits.budget
    last_crash, starts = None, 0
    for _ in range(min(MAX_RUNS, 2 * len(cells) + 2 * len(job.tasks) + 4)):
        if len(rec.finished) == len(job.tasks) or time.monotonic() >= end:
            break
        how, run, excerpt = one_run(rec, cells, job, args, end)
        if how == "done":
            break
        rec.crashed = rec.crashed or how == "stopped"
        phase, cell, task = run.phase, run.cell, run.task
        if phase == "start":
            starts += 1
            if starts >= 2:
                raise RuntimeError("The sandbox did not start: " + protocol.clean_text(excerpt, 300))
            continue
        if rec.out_of_budget:
            break
        started = [c for c in rec.background if c not in rec.skip
                   and (phase == "tasks" or c < (cell if cell is not None else 0))]
        if how == "stopped" and started:
            rec.ambiguous = True
            if blame_background:
                j = started[-1]
                rec.skip.add(j)
                rec.skip_reason[j] = N_("The Python process was stopped after cell {cell} had started a background "
                                        "thread or process; cell {cell} was skipped, and the grading went on "
                                        "without it.", cell=j + 1)
                continue
        if phase == "cells":
            if cell is None:
                continue
            if how == "timeout":
                rec.timeouts += 1
                rec.skip.add(cell)
                rec.skip_reason[cell] = N_("Cell {cell} ran out of time; it was stopped and skipped, and the grading "
                                           "went on without it.", cell=cell + 1)
            elif last_crash == cell:
                rec.skip.add(cell)
                rec.skip_reason[cell] = N_("Cell {cell} stopped the Python process (twice); it was skipped, and the "
                                           "grading went on without it.", cell=cell + 1)
            else:
                last_crash = cell                # run once more: only a cell that always stops it is skipped
            continue
        if task is None:
            continue
        j = run._running()
        if j >= len(job.tasks[task].cases):
            rec.finished.add(task)
            continue
        if how == "timeout":
            rec.timed_out(task, j, job.limits)
        else:
            rec.problem(task, j, N_("the call stopped the grading process inside the sandbox"))
            rec.first[task] = j + 1
            if rec.first[task] >= len(job.tasks[task].cases):
                rec.finished.add(task)
    if len(rec.finished) < len(job.tasks) and (rec.out_of_budget or time.monotonic() >= end):
        rec.out_of_budget = True
        rec.stop_all(N_("not run: this notebook used up its time budget of {seconds:g} s (its cells and functions "
                        "together)", seconds=job.limits.budget))
    return rec

