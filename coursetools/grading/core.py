"""Hidden-test grading: tasks, cases, scores and feedback. Student code never runs in this process."""
import csv
import importlib.util
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .sandbox import Limits, decode_array, isolation, run_in_child

from ..paths import REPO, HIDDEN_DIR


@dataclass
class Case:
    """One call of the student's function: ``args`` (arrays), the ``expected`` result, a description
    of the input for feedback (never of the expected values), and the tolerance."""
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
    """A graded function of an exercise: its name, its points, and the hidden cases it must pass."""
    name: str
    func: str
    points: float
    cases: list = field(default_factory=list)
    scalar: bool = False          # the function returns a single number


def load_exercise(exercise, hidden_dir=None):
    """Import coursetools/hidden/h<exercise>.py (kept out of pytest and out of the student release): TASKS list."""
    hidden_dir = Path(hidden_dir or HIDDEN_DIR)
    path = hidden_dir / f"h{exercise}.py"
    if not path.is_file():
        known = sorted(p.stem[1:] for p in hidden_dir.glob("h*.py"))
        raise FileNotFoundError(f"No hidden tests for exercise {exercise!r} in {hidden_dir}. Known exercises: "
                         f"{', '.join(known) or 'none'}.")
    spec = importlib.util.spec_from_file_location(f"nnkit_hidden_{exercise}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.TASKS


def notebook_cells(path):
    """The code cells of a notebook, with IPython magics and shell lines turned into comments."""
    import nbformat
    nb = nbformat.read(str(path), as_version=4)
    cells = []
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        lines = [("# " + ln) if ln.lstrip().startswith(("%", "!")) else ln for ln in c.source.splitlines()]
        cells.append("\n".join(lines))
    return cells


def _check_case(task, case, msg):
    """Score one case from the child's plain-data message; return (passed, feedback or '')."""
    call = f"{task.func}({case.describe})"
    if msg is None:
        return False, f"{call}: no answer (the process stopped or ran out of time before this call finished)."
    if "problem" in msg:
        return False, f"{call}: {msg['problem']}."
    if "error" in msg:
        err = msg["error"]
        if err.startswith("NotImplementedError"):
            return False, f"{task.func} still raises NotImplementedError: replace it with your solution."
        return False, f"{call} raised {err}"
    if msg.get("mutated"):
        return False, f"{call} changed its input argument(s) {msg['mutated']} in place; a function should " \
                      f"compute a new result and leave its inputs unchanged (use copies or out-of-place operations)."
    try:
        got = decode_array(msg["result"])
    except Exception:
        return False, f"{call} returned something that could not be read as numbers."
    rtype = msg.get("type", "")
    if task.scalar:
        if got.size != 1:
            return False, f"{call} should return a single number, but returned an array of shape {got.shape}."
        got = got.reshape(())
    else:
        if rtype in ("list", "tuple"):
            return False, f"{call} returned a Python {rtype}; return a NumPy array (for example np.array(...))."
        if got.shape != case.expected.shape:
            return False, f"{call} returned shape {got.shape}, but shape {case.expected.shape} is expected. " \
                          f"(N,) and (N, 1) are different: check your reshapes and keepdims."
    if case.check is not None:
        problem = case.check(got.astype(np.float64))
        return (False, f"{call}: {problem}") if problem else (True, "")
    expected_nan = np.isnan(case.expected)          # a few tasks ask for NaN where there is no answer
    if not np.all(np.isfinite(got) | expected_nan):
        return False, f"{call} returned NaN or infinite values."
    if not np.allclose(got.astype(np.float64), case.expected, rtol=case.rtol, atol=case.atol, equal_nan=True):
        ok = ~expected_nan
        diff = np.max(np.abs(got - case.expected)[ok] / (np.abs(case.expected[ok]) + case.atol), initial=np.inf)
        return False, f"{call} returned wrong values (largest relative difference {diff:.1e})."
    return True, ""


def grade_task(cells, task, limits, hide=()):
    """Run one task's cases in fresh children (a crashing or hanging cell is skipped and the task
    re-run); return (score, feedback lines, seconds)."""
    results = [None] * len(task.cases)
    skip, notes, start_case, seconds, timeouts = set(), [], 0, 0.0, 0
    cell_errors = {}
    for attempt in range(6):
        msgs, info = run_in_child(cells, task.func, [c.args for c in task.cases[start_case:]], limits, skip, hide)
        seconds += info["seconds"]
        current_cell, cells_done, current_case, missing = None, False, None, False
        for m in msgs:
            if "cell" in m:
                current_cell = m["cell"]
            elif "cell_error" in m:
                cell_errors[m["cell_error"]] = m["msg"]
            elif m.get("cells_done"):
                cells_done = True
            elif "missing" in m:
                missing = True
            elif "start" in m:
                current_case = start_case + m["start"]
            elif "case" in m:
                k = start_case + m["case"]
                if 0 <= k < len(results):
                    results[k] = m
        if missing:
            break
        finished = any(m.get("done") for m in msgs)
        if finished:
            break
        why = "ran out of time" if info["timeout"] else "crashed the Python process"
        if not cells_done and current_cell is not None:
            skip.add(current_cell)
            notes.append(f"Cell {current_cell + 1} {why} (exit code {info['returncode']}); it was skipped.")
            continue
        if current_case is not None:
            results[current_case] = {"problem": f"the call {why}"}
            start_case = current_case + 1
            timeouts += info["timeout"]
            if timeouts >= 2:                  # do not spend the whole class's time on one endless loop
                for k in range(start_case, len(results)):
                    results[k] = {"problem": "not run, because earlier calls of this function ran out of time"}
                break
            if start_case < len(results):
                continue
        break
    passed, lines = 0, list(notes)
    if missing:
        lines.append(f"No function named `{task.func}` is defined. Does the cell that defines it run without errors?")
    else:
        for case, msg in zip(task.cases, results):
            ok, text = _check_case(task, case, msg)
            passed += ok
            if text and text not in lines:
                lines.append(text)
    for i, err in sorted(cell_errors.items()):
        if "NotImplementedError" not in err:
            lines.append(f"(cell {i + 1} raised {err})")
    score = round(task.points * passed / len(task.cases), 2)
    if score == task.points:
        lines.insert(0, f"All {len(task.cases)} hidden checks passed.")
    else:
        lines.insert(0, f"{passed} of {len(task.cases)} hidden checks passed.")
    return score, lines, seconds


def grade_notebook(path, exercise, limits=None, hidden_dir=None, hide=()):
    """Grade one submission; returns a Gradescope-style results dict. ``hide``: folders the student code
    must not see (the hidden tests and the solutions are always among them)."""
    limits = limits or Limits()
    hidden = Path(hidden_dir or HIDDEN_DIR)
    tasks = load_exercise(exercise, hidden)
    hide = [hidden, REPO / "tests", REPO / "solutions", *hide]
    t0 = time.monotonic()
    try:
        cells = notebook_cells(path)
    except Exception as exc:
        return {"score": 0.0, "max_score": sum(t.points for t in tasks), "execution_time": 0.0,
                "output": f"This file could not be read as a notebook ({type(exc).__name__}). Submit the .ipynb file.",
                "tests": [{"name": t.name, "score": 0.0, "max_score": t.points, "output": "not graded"} for t in tasks]}
    tests = []
    for task in tasks:
        score, lines, _ = grade_task(cells, task, limits, hide)
        tests.append({"name": task.name, "score": score, "max_score": task.points, "output": "\n".join(lines)})
    total = round(sum(t["score"] for t in tests), 2)
    return {"score": total, "max_score": sum(t.points for t in tasks),
            "execution_time": round(time.monotonic() - t0, 2), "tests": tests,
            "output": f"Graded with hidden tests (isolation: {isolation()})."}


def grade_folder(paths, exercise, out_dir, limits=None, hidden_dir=None, workers=None):
    """Grade many submissions in parallel; write out_dir/<student>/results.json and out_dir/gradebook.csv."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    hidden = Path(hidden_dir or HIDDEN_DIR)
    tasks = load_exercise(exercise, hidden)
    workers = workers or max(1, os.cpu_count() or 1)
    hide = [out_dir.resolve()]
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(lambda p: grade_notebook(p, exercise, limits, hidden, hide), paths))
    rows = []
    for path, res in zip(paths, results):
        student = Path(path).stem
        d = out_dir / student
        d.mkdir(exist_ok=True)
        (d / "results.json").write_text(json.dumps(res, indent=2))
        rows.append([student] + [t["score"] for t in res["tests"]] + [res["score"]])
    with open(out_dir / "gradebook.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["student"] + [t.name for t in tasks] + ["total"])
        w.writerows(sorted(rows))
    return dict(zip([Path(p).stem for p in paths], results))
