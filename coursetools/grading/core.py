"""Hidden-test grading: tasks, cases, scores and feedback. Student code never runs in this process.

One sandboxed child per submission runs the notebook's cells once, then each task in a forked process
with its own time limit (``sandbox.py``). This process reads the child's result lines with limits
(``channel.py``), compares the results with the hidden expected values, which never leave this process,
and writes feedback that says what was wrong and on which kind of input.
"""
import csv
import importlib.util
import io
import json
import os
import select
import signal
import stat
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from queue import Queue

import numpy as np

from . import channel
from .sandbox import Child, Limits, decoded_arg, digest, encode_arg, sandbox_status
from ..paths import HIDDEN_DIR

MAX_NOTEBOOK_BYTES = 20 << 20
MAX_RUNS = 40                   # sandbox starts per submission at most (a crashing cell costs two)
STARTUP_SECONDS = 60.0
LATER_SECONDS = 2.0             # for cells and tasks after a first time-out in the same submission          # for the sandbox and Python with NumPy to start on a loaded machine


@dataclass
class Case:
    """One call of the student's function: ``args`` (arrays, numbers, strings, lists), the ``expected``
    result, a description of the input for feedback (never of the expected values), and the tolerance."""
    args: tuple
    expected: np.ndarray
    describe: str
    rtol: float = 1e-6
    atol: float = 1e-8
    # Optional parent-side judge for results that have no single right value (a trained model's accuracy,
    # a learning rate "that diverges"): check(got) gets the decoded float64 array and returns None when it
    # is right, or a short message for the student (never the hidden expected value) when it is not.
    # When given, ``expected`` is used only for its shape.
    check: object = None


@dataclass
class Task:
    """A graded function of an exercise: its name, its points, and the hidden cases it must pass.
    ``scalar``: the function returns one number (accepted: a Python float or int, a NumPy scalar, a 0-d
    array, or a one-element array or list). Otherwise it returns an array of the expected shape (accepted:
    an ndarray, or a list/tuple of numbers, nested for 2-D, that NumPy turns into that shape).
    ``accepts``: optional text that replaces this description in the feedback."""
    name: str
    func: str
    points: float
    cases: list = field(default_factory=list)
    scalar: bool = False
    accepts: str = None

    def accepted(self):
        if self.accepts:
            return self.accepts
        if self.scalar:
            return ("one number: a Python float or int, a NumPy scalar, a 0-d array, "
                    "or a one-element array or list")
        return ("an array of numbers of the expected shape; a list or tuple of numbers "
                "(nested for 2-D) is accepted as well")


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot run here and the caller did not ask for ``unsafe`` grading."""


class SubmissionError(Exception):
    """The submitted file cannot be graded (not a regular file, too large, not a notebook)."""


def load_exercise(exercise, hidden_dir=None):
    """Import <hidden_dir>/h<exercise>.py (default coursetools/hidden, kept out of pytest and out of the
    student release) and return its TASKS list."""
    hidden_dir = Path(hidden_dir or HIDDEN_DIR)
    path = hidden_dir / f"h{exercise}.py"
    if not path.is_file():
        known = sorted(p.stem[1:] for p in hidden_dir.glob("h*.py"))
        raise FileNotFoundError(f"No hidden tests for exercise {exercise!r} in {hidden_dir}. Known exercises: "
                                f"{', '.join(known) or 'none'}.")
    spec = importlib.util.spec_from_file_location(f"coursetools_hidden_{exercise}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.TASKS


def read_notebook_bytes(path):
    """The bytes of a submitted notebook, read without following a symbolic link (a submission that is
    a link to the solutions is refused) and only from a regular file of at most 20 MB."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if os.path.islink(path):
            raise SubmissionError("This submission is a symbolic link, not a notebook file. "
                                  "Submit the .ipynb file itself.") from None
        raise SubmissionError(f"This submission could not be opened ({exc.strerror}).") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise SubmissionError("This submission is not a regular file. Submit the .ipynb file itself.")
        with os.fdopen(fd, "rb") as fh:
            fd = None
            data = fh.read(MAX_NOTEBOOK_BYTES + 1)
    except OSError as exc:
        raise SubmissionError(f"This submission could not be read ({exc.strerror}).") from None
    finally:
        if fd is not None:
            os.close(fd)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise SubmissionError("This notebook is larger than 20 MB. Clear the outputs (Edit > Clear Outputs "
                              "of All Cells), save, and submit again.")
    return data


def notebook_cells(data):
    """(code cells, number of cells) of a notebook given as bytes. Code cells are (index among ALL cells,
    markdown included, as a learner counts them; source) with IPython magics and shell lines commented out."""
    import nbformat
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        cells = list(nb.cells)
    except Exception as exc:
        raise SubmissionError(f"This file could not be read as a notebook ({type(exc).__name__}). "
                              "Submit the .ipynb file that Jupyter saved.") from None
    code = []
    for i, c in enumerate(cells):
        if c.get("cell_type") != "code" or not isinstance(c.get("source"), str):
            continue
        lines = [("# " + ln) if ln.lstrip().startswith(("%", "!")) else ln for ln in c.source.splitlines()]
        code.append((i, "\n".join(lines)))
    return code, len(cells)


def _status_text(status):
    if status < 0:
        name = {signal.SIGSEGV: "a segmentation fault", signal.SIGKILL: "SIGKILL (memory or process limit?)",
                signal.SIGABRT: "an abort", signal.SIGXCPU: "the CPU-time limit", signal.SIGBUS: "a bus error",
                signal.SIGFPE: "a floating-point exception"}.get(-status, f"signal {-status}")
        return f"killed by {name}"
    return f"exit code {status}"


class _Run:
    """The grader's record of one submission across sandbox runs."""

    def __init__(self, tasks, n_cells):
        self.tasks, self.n_cells = tasks, n_cells
        self.results = [[None] * len(t.cases) for t in tasks]
        self.first = [0] * len(tasks)
        self.finished, self.missing = set(), set()
        self.skip, self.cell_errors, self.notes, self.skip_reason = set(), {}, [], {}
        self.timeouts = 0
        self.ambiguous = False           # Python died after a cell had left a thread or process running
        self.background = []             # cells that left a thread or process running, in order
        self.sent = [[[encode_arg(a) for a in c.args] for c in t.cases] for t in tasks]

    def task_seconds(self, limits):
        """A task's time: ``limits.seconds``, or at most LATER_SECONDS after a first time-out."""
        return min(limits.seconds, LATER_SECONDS) if self.timeouts else limits.seconds

    def problem(self, k, j, text):
        if self.results[k][j] is None:
            self.results[k][j] = {"problem": text}


def _one_run(state, cells, limits, slot, unsafe):
    """Start one sandbox for the tasks not finished yet; fold its messages into ``state``.
    Returns (how it ended: 'done' | 'timeout' | 'stopped', phase, current cell, current task, current case)."""
    tasks = state.tasks
    todo = [k for k in range(len(tasks)) if k not in state.finished]
    shapes = [(len(t.cases), 0) for t in tasks]
    request = json.dumps({
        "cells": [[i, src] for i, src in cells if i not in state.skip], "skip": sorted(state.skip),
        "task_seconds": state.task_seconds(limits), "later_seconds": min(limits.seconds, LATER_SECONDS),
        "sweep": not unsafe,
        "tasks": [{"k": k, "func": tasks[k].func, "cases": state.sent[k], "first": state.first[k]} for k in todo],
    }).encode()
    child = Child(request, limits, slot, unsafe)
    phase, cell, task, case = "start", None, None, None
    deadline = time.monotonic() + STARTUP_SECONDS
    buf, total, how = b"", 0, None
    try:
        while how is None:
            left = deadline - time.monotonic()
            if left <= 0:
                how = "timeout"
                break
            ready, _, _ = select.select([child.fd], [], [], min(left, 0.5))
            if not ready:
                if child.proc.poll() is not None:
                    ready = [child.fd]          # drain what is left, then see end of file
                else:
                    continue
            data = os.read(child.fd, 1 << 16)
            if not data:
                how = "stopped"
                break
            total += len(data)
            if total > limits.result_bytes:
                raise channel.ChannelError(f"the code sent more than {limits.result_bytes >> 20} MB of results")
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                msg = channel.parse_line(line, state.n_cells, shapes, limits.result_bytes)
                now = time.monotonic()
                if "ready" in msg:
                    phase, deadline = "cells", now + limits.seconds
                elif "cell" in msg:
                    # after one time-out, later cells get at most 2 s: they usually call the same
                    # endless function, and a visible check earns no points
                    cell, deadline = msg["cell"], now + (min(limits.seconds, LATER_SECONDS) if state.timeouts
                                                         else limits.seconds)
                elif "background" in msg:
                    if msg["background"] not in state.background:
                        state.background.append(msg["background"])
                elif "cell_error" in msg:
                    state.cell_errors.setdefault(msg["cell_error"], f"{msg['type']}: {msg['msg']}".rstrip(": "))
                elif "cells_done" in msg:
                    phase, deadline = "tasks", now + limits.seconds + 5
                elif "task" in msg:
                    if task is not None:
                        state.finished.add(task)
                    task, case, deadline = msg["task"], None, now + state.task_seconds(limits) + 3
                elif "missing" in msg:
                    state.missing.add(msg["missing"])
                    state.finished.add(msg["missing"])
                elif "start" in msg:
                    if msg["start"][0] == task:
                        case = msg["start"][1]
                elif "case" in msg and isinstance(msg["case"], tuple):
                    k, j = msg["case"]
                    if k == task and state.results[k][j] is None:
                        state.results[k][j] = msg
                        state.first[k] = max(state.first[k], j + 1)
                elif "task_timeout" in msg:
                    k, j = msg["task_timeout"], msg["case"]
                    if k == task:
                        _timed_out(state, k, j, limits)
                elif "task_exit" in msg:
                    k, j = msg["task_exit"], msg["case"]
                    if k == task:
                        state.problem(k, j, f"the call stopped the Python process ({_status_text(msg['status'])})")
                        state.first[k] = max(state.first[k], j + 1)
                elif "done" in msg:
                    if task is not None:
                        state.finished.add(task)
                    how = "done"
                    break
    finally:
        excerpt = child.output_excerpt() if phase == "start" else ""
        child.close()
    return how, phase, cell, task, case, excerpt


def _timed_out(state, k, j, limits):
    state.problem(k, j, f"the call ran out of time (this task may take {state.task_seconds(limits):g} s)")
    state.timeouts += 1
    for m in range(j + 1, len(state.results[k])):
        state.problem(k, m, "not run, because an earlier call of this function ran out of time")
    state.finished.add(k)


def run_submission(cells, n_cells, tasks, limits, slot=0, unsafe=False, blame_background=False):
    """Run a submission's cells and every task's hidden cases; returns the filled ``_Run`` record.

    When the sandbox stops early, the grader decides what to skip in the next run: a cell that ran out of
    time is skipped at once, a cell during which Python died is skipped when that happens twice, and a
    death during a task costs the case that was running. With ``blame_background``, a death that comes
    after a cell left a thread or process running (a timer that kills the process later) is blamed on
    that cell instead; ``grade_cells`` tries both readings when they differ and keeps the better one."""
    state = _Run(tasks, n_cells)
    last_crash, starts = None, 0
    t0 = time.monotonic()
    budget = max(60.0, 12 * limits.seconds)
    runs = min(MAX_RUNS, 2 * len(cells) + 2 * len(tasks) + 4)
    for _ in range(runs):
        if len(state.finished) == len(tasks) or time.monotonic() - t0 > budget:
            break
        how, phase, cell, task, case, excerpt = _one_run(state, cells, limits, slot, unsafe)
        if how == "done":
            break
        if phase == "start":
            starts += 1
            if starts >= 2:
                raise RuntimeError("The sandbox did not start: " + channel.clean_text(excerpt, 300))
            continue
        started = [c for c in state.background if c not in state.skip
                   and (phase == "tasks" or c < (cell if cell is not None else 0))]
        if how == "stopped" and started:
            state.ambiguous = True
            if blame_background:
                j = started[-1]
                state.skip.add(j)
                state.skip_reason[j] = (f"The Python process was stopped after cell {j + 1} had started a "
                                        f"background thread or process; cell {j + 1} was skipped, and the "
                                        f"grading went on without it.")
                continue
        if phase == "cells":
            if cell is None:
                continue
            if how == "timeout":
                state.timeouts += 1
                state.skip.add(cell)
                state.skip_reason[cell] = (f"Cell {cell + 1} ran out of time; it was stopped and skipped, and "
                                           f"the grading went on without it.")
            elif last_crash == cell:
                state.skip.add(cell)
                state.skip_reason[cell] = (f"Cell {cell + 1} stopped the Python process (twice); it was "
                                           f"skipped, and the grading went on without it.")
            else:
                last_crash = cell                # run once more: only a cell that always stops it is skipped
            continue
        if task is None:
            continue
        j = case if case is not None else state.first[task]
        if j >= len(tasks[task].cases):
            state.finished.add(task)
            continue
        if how == "timeout":
            _timed_out(state, task, j, limits)
        else:
            state.problem(task, j, "the call stopped the grading process inside the sandbox")
            state.first[task] = j + 1
            if state.first[task] >= len(tasks[task].cases):
                state.finished.add(task)
    state.notes = [state.skip_reason[c] for c in sorted(state.skip_reason) if c in state.skip]
    return state


def _hint_for_shape(got, want):
    if got.size == want.size and tuple(s for s in got.shape if s != 1) == tuple(s for s in want.shape if s != 1):
        return " (N,) and (N, 1) are different: check your reshapes, keepdims and indexing."
    if got.ndim == 2 and got.shape == want.shape[::-1]:
        return " It has the transposed shape: check the order of a matrix product or a missing/extra .T."
    return ""


def judge(task, k, case, msg, accepted_note):
    """Score one case from the checked message; returns (passed, feedback text or '')."""
    call = f"{task.func}({case.describe})"
    if msg is None:
        return False, f"{call}: no answer (the process stopped or ran out of time before this call finished)."
    if "problem" in msg:
        return False, f"{call}: {msg['problem']}."
    if "error" in msg:
        err = msg["error"]
        if err == "NotImplementedError":
            return False, f"{task.func} still raises NotImplementedError: replace it with your solution."
        if err == "ResultTooLarge":
            return False, f"{call} returned an array larger than 16 MB; is its shape right?"
        if err == "ResultType":
            accepted_note.add(k)
            return False, f"{call} returned a {msg.get('kind', 'value')}, which is not a number or an array of numbers."
        text = f"{err}: {msg['msg']}" if msg["msg"] else err
        return False, f"{call} raised {text}"
    before = [digest(decoded_arg(a)) for a in case.args]
    after = msg.get("after")
    if after is not None:
        changed = [i + 1 for i, (b, a) in enumerate(zip(before, after)) if b is not None and a != b]
        if changed:
            which = ", ".join(str(i) for i in changed)
            return False, (f"{call} changed its argument {which} (counting from 1) in place; a function should "
                           f"compute a new result and leave its inputs unchanged (work on a copy, e.g. "
                           f"w = w0.copy(), and use w = w - ... instead of w -= ...).")
    got = msg["result"]
    want = np.asarray(case.expected)
    if task.scalar:
        if got.size != 1:
            accepted_note.add(k)
            return False, f"{call} should return a single number, but returned an array of shape {got.shape}."
        got = got.reshape(())
        want = want.reshape(()) if want.size == 1 else want
    elif got.shape != want.shape:
        accepted_note.add(k)
        return False, (f"{call} returned shape {got.shape}, but shape {want.shape} is expected."
                       + _hint_for_shape(got, want))
    got = got.astype(np.float64)
    if case.check is not None:
        problem = case.check(got)
        return (False, f"{call}: {problem}") if problem else (True, "")
    want = want.astype(np.float64)
    expected_nan = np.isnan(want)               # a few tasks ask for NaN where there is no answer
    if np.any(np.isnan(got) & ~expected_nan) or np.any(np.isinf(got) & ~np.isinf(want)):
        return False, f"{call} returned NaN or infinite values."
    if np.any(expected_nan & ~np.isnan(got)):
        return False, f"{call} returned a number where there is no answer (NaN is expected there)."
    if not np.allclose(got, want, rtol=case.rtol, atol=case.atol, equal_nan=True):
        ok = np.isfinite(want) & np.isfinite(got)
        absdiff = np.abs(got - want)[ok]
        rel = absdiff / np.maximum(np.abs(want[ok]), case.atol)
        i = int(np.argmax(absdiff)) if absdiff.size else 0
        index = tuple(int(v) for v in np.unravel_index(np.flatnonzero(ok)[i], got.shape)) if absdiff.size else ()
        where = f" at index {index}" if index else ""
        return False, (f"{call} returned wrong values: the largest difference is {absdiff.max(initial=0.0):.2g}"
                       f"{where} (relative {rel.max(initial=0.0):.2g}).")
    return True, ""


def _points(state):
    return sum(task.points * sum(judge(task, k, c, state.results[k][j], set())[0] for j, c in enumerate(task.cases))
               / len(task.cases) for k, task in enumerate(state.tasks) if k not in state.missing)


def grade_cells(cells, n_cells, tasks, limits, slot=0, unsafe=False):
    """Grade code cells (from ``notebook_cells``) against the hidden ``tasks``; returns (tests, notes)."""
    try:
        state = run_submission(cells, n_cells, tasks, limits, slot, unsafe)
        if state.ambiguous:             # which cell killed Python is unclear: keep the better reading
            other = run_submission(cells, n_cells, tasks, limits, slot, unsafe, blame_background=True)
            if _points(other) > _points(state):
                state = other
    except channel.ChannelError as exc:
        why = (f"Your code's process sent the grader something it never sends ({exc}). "
               f"This submission could not be graded automatically; ask your instructor.")
        return [{"name": t.name, "score": 0.0, "max_score": t.points, "output": why} for t in tasks], [why]
    tests = []
    for k, task in enumerate(tasks):
        lines, passed, accepted_note = [], 0, set()
        if k in state.missing:
            lines.append(f"No function named `{task.func}` is defined. Does the cell that defines it run "
                         f"without errors?")
        else:
            for j, case in enumerate(task.cases):
                msg = state.results[k][j]
                if msg is None and k not in state.finished:
                    msg = {"problem": "not run, because the Python process kept stopping before it"}
                ok, text = judge(task, k, case, msg, accepted_note)
                passed += ok
                if text and text not in lines:
                    lines.append(text)
        if accepted_note:
            lines.append(f"Accepted return values for {task.func}: {task.accepted()}.")
        score = round(task.points * passed / len(task.cases), 2)
        lines.insert(0, f"{passed} of {len(task.cases)} hidden checks passed.")
        tests.append({"name": task.name, "score": score, "max_score": task.points, "output": "\n".join(lines)})
    notes = list(state.notes)
    for i, err in sorted(state.cell_errors.items()):
        if not err.startswith("NotImplementedError"):
            notes.append(f"Cell {i + 1} raised {err}")
    return tests, notes


def _check_sandbox(unsafe):
    ok, why = sandbox_status()
    if not ok and not unsafe:
        raise SandboxUnavailable(f"Refusing to grade: the sandbox is not available ({why}). Student code would "
                                 f"run with the grader's rights and could read the solutions or change grades. "
                                 f"Install bubblewrap (apt-get install bubblewrap), or pass --unsafe to grade "
                                 f"trusted notebooks without a sandbox.")
    return why if ok else f"NO SANDBOX (--unsafe): {why}"


def _grade_data(data, tasks, limits, slot, unsafe, isolation):
    t0 = time.monotonic()
    max_score = sum(t.points for t in tasks)
    try:
        if isinstance(data, SubmissionError):
            raise data
        cells, n_cells = notebook_cells(data)
    except SubmissionError as exc:
        return {"score": 0.0, "max_score": max_score, "execution_time": 0.0, "output": str(exc),
                "tests": [{"name": t.name, "score": 0.0, "max_score": t.points, "output": "not graded"}
                          for t in tasks]}
    try:
        tests, notes = grade_cells(cells, n_cells, tasks, limits, slot, unsafe)
    except Exception as exc:          # the grader's own failure: say so, never a silent zero
        return {"score": 0.0, "max_score": max_score, "execution_time": round(time.monotonic() - t0, 2),
                "grader_error": True,
                "output": f"GRADER ERROR, not the student's fault ({type(exc).__name__}: {channel.clean_text(exc)}). "
                          f"Grade this notebook again.",
                "tests": [{"name": t.name, "score": 0.0, "max_score": t.points, "output": "not graded"}
                          for t in tasks]}
    total = round(sum(t["score"] for t in tests), 2)
    out = [f"Graded with hidden tests (isolation: {isolation})."] + notes
    return {"score": total, "max_score": max_score, "execution_time": round(time.monotonic() - t0, 2),
            "tests": tests, "output": "\n".join(out)}


def _read(path):
    try:
        return read_notebook_bytes(path)
    except SubmissionError as exc:
        return exc
    except Exception as exc:            # never the class's failure
        return SubmissionError(f"This submission could not be read ({type(exc).__name__}).")


def grade_notebook(path, exercise, limits=None, hidden_dir=None, unsafe=False):
    """Grade one submission; returns a Gradescope-style results dict (score, max_score, tests, output)."""
    isolation = _check_sandbox(unsafe)
    tasks = load_exercise(exercise, hidden_dir)
    return _grade_data(_read(path), tasks, limits or Limits(), 0, unsafe, isolation)


def student_names(paths):
    """A safe, unique name per submission from its file name: ASCII letters, digits, '_' and '-' only
    (accents dropped, everything else, '..' and path separators included, becomes '_'), at most 64
    characters, never empty, never starting with '-', '_' or '.'; duplicates get _2, _3, ..."""
    names, seen = [], set()
    for p in paths:
        stem = os.path.basename(str(p))
        if stem.lower().endswith(".ipynb"):
            stem = stem[:-6]
        ascii_ = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
        safe = "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in ascii_)
        safe = safe.strip("_-")[:64].strip("_-") or "student"
        name, n = safe, 2
        while name.lower() in seen:
            name, n = f"{safe}_{n}", n + 1
        seen.add(name.lower())
        names.append(name)
    return names


def _write_new(path, text):
    """Write a file inside --out without following a link planted there."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w", newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)


def grade_folder(paths, exercise, out_dir, limits=None, hidden_dir=None, workers=None, unsafe=False,
                 progress=None):
    """Grade many submissions in parallel (``workers`` sandboxes at a time, default: the number of cores).
    Every file is read before any student code runs. Writes out_dir/students/<name>/results.json and
    out_dir/gradebook.csv (every field quoted) and nothing else; returns {name: results}."""
    isolation = _check_sandbox(unsafe)
    tasks = load_exercise(exercise, hidden_dir)
    limits = limits or Limits()
    out_dir = Path(out_dir)
    paths = list(paths)
    names = student_names(paths)
    data = [_read(p) for p in paths]
    workers = max(1, min(workers or os.cpu_count() or 1, len(paths) or 1))
    slots = Queue()
    for s in range(workers):
        slots.put(s)

    def one(d):
        slot = slots.get()
        try:
            res = _grade_data(d, tasks, limits, slot, unsafe, isolation)
        finally:
            slots.put(slot)
        if progress:
            progress()
        return res

    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(one, data))
    out_dir.mkdir(parents=True, exist_ok=True)
    students = out_dir / "students"
    students.mkdir(exist_ok=True)
    for name, res in zip(names, results):
        d = students / name
        d.mkdir(exist_ok=True)
        if d.is_symlink() or not d.is_dir():
            raise RuntimeError(f"{d} is not a plain folder; choose an empty --out folder.")
        _write_new(d / "results.json", json.dumps(res, indent=2))
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL)
    w.writerow(["student"] + [t.name for t in tasks] + ["total", "max", "note"])
    for name, res in sorted(zip(names, results)):
        note = "grader error: grade again" if res.get("grader_error") else ""
        w.writerow([name] + [f"{t['score']:g}" for t in res["tests"]] + [f"{res['score']:g}",
                                                                          f"{res['max_score']:g}", note])
    _write_new(out_dir / "gradebook.csv", buf.getvalue())
    return dict(zip(names, results))
