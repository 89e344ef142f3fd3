"""The grader against a class of correct, broken and hostile submissions, graded as root (CI runs as root):
each gets the score it deserves, no escape of issues 11 and 19 works, no correct submission loses a point to
a classmate, no submission holds the grader, and the feedback says what was wrong without giving the
hidden values away. ``test_grading_user.py`` grades the same class as a normal user."""
import csv
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

FIX = Path(__file__).parent / "grading_fixtures"
sys.path.insert(0, str(FIX))

import hostile  # noqa: E402
from ex02 import notebook, write  # noqa: E402

from coursetools.grading import Case, Task, grade_folder, load_exercise, student_names  # noqa: E402
from coursetools.grading import protocol, submissions  # noqa: E402
from coursetools.grading.core import grade_cells  # noqa: E402
from coursetools.grading.judge import judge  # noqa: E402
from coursetools.grading.sandbox import Limits, UidLease, sandbox_status  # noqa: E402
from coursetools.paths import REPO  # noqa: E402

HIDDEN = FIX / "hidden"
SECONDS = 2.0

# Skipped only where bubblewrap is not installed; where it is but cannot start, the tests fail and say why.
needs_sandbox = pytest.mark.skipif(not shutil.which("bwrap"), reason="bubblewrap (bwrap) is not installed")


def _texts(res):
    return "\n".join([res.get("output", "")] + [t["output"] for t in res.get("tests", [])])


@pytest.fixture(scope="module")
def graded():
    """Grade the whole class once (three sandboxes at a time: the submissions that wait out their limits leave
    the cores idle) as the user running the tests."""
    ok, why = sandbox_status()
    assert ok, f"bubblewrap is installed but the sandbox does not start here: {why}"
    base = Path(tempfile.mkdtemp(prefix="grading-class-", dir="/tmp"))
    token = secrets.token_hex(8)
    marker = f"{secrets.randbelow(9000) + 1000}.{secrets.randbelow(9000) + 1000}"
    ctx = hostile.make_ctx(base, REPO, HIDDEN, token, marker)
    expected = hostile.build(ctx, as_root=os.geteuid() == 0)
    before = sorted(str(p) for p in base.rglob("*") if ctx.out not in p.parents)
    os.environ["COURSETOOLS_TEST_SECRET"] = token
    t0 = time.monotonic()
    try:
        paths = sorted(ctx.subs.glob("*.ipynb"))        # name order: the slow ones (a1_ ... a5_) first
        results = grade_folder(paths, "02_least_squares", ctx.out,
                               Limits(seconds=SECONDS, submission_seconds=hostile.BUDGET), HIDDEN, workers=3)
    finally:
        del os.environ["COURSETOOLS_TEST_SECRET"]
    wall = time.monotonic() - t0
    after = sorted(str(p) for p in base.rglob("*") if ctx.out not in p.parents)
    yield ctx, expected, results, before, after, wall
    hostile.clean_up(ctx, base, os.getpid())


@needs_sandbox
def test_every_submission_gets_the_score_it_deserves(graded):
    ctx, expected, results, *_ = graded
    wrong = {n: (results.get(n, {}).get("score"), want, _texts(results.get(n, {}))[:600])
             for n, want in expected.items() if want is not None and results.get(n, {}).get("score") != want}
    assert not wrong, json.dumps(wrong, indent=1)
    assert not [n for n, r in results.items() if r.get("grader_error")]


@needs_sandbox
def test_no_escape_left_a_trace(graded):
    ctx, _, results, before, after, _ = graded
    assert hostile.pwned_files(ctx) == []               # nothing written into the course, venv, hidden tests, outputs
    assert hostile.survivors(ctx, os.getpid()) == []    # no daemon, no sandbox process left
    assert hostile.leftover_cgroups(os.getpid()) == []  # every sandbox's cgroup removed
    assert before == after                              # the submissions and the secrets are as they were
    files = sorted(p.relative_to(ctx.out).as_posix() for p in ctx.out.rglob("*") if p.is_file())
    assert files == ["gradebook.csv"] + sorted(f"students/{n}/results.json" for n in results)


@needs_sandbox
def test_correct_work_keeps_full_marks_whatever_its_classmates_do(graded):
    _, _, results, *_ = graded
    names = ["aa_correct", "mm_correct", "zz_correct", "zz_victim", "gradebook_csv", "float_eta_and_range",
             "brackets_in_a_message", "alice-" + hostile.tag("alice.ipynb")]
    for name in names:
        assert results[name]["score"] == 7, _texts(results[name])


@needs_sandbox
def test_hostile_result_lines_cost_only_their_sender(graded):
    _, _, results, *_ = graded
    for name in ("brackets_line", "wrong_types_line", "keeps_the_channel_alive", "repeats_a_cell_message"):
        assert results[name]["score"] == 0
        assert "could not be graded automatically" in _texts(results[name])


@needs_sandbox
def test_no_submission_holds_the_grader(graded):
    _, _, results, _, _, wall = graded
    # re-sent harness lines are refused at once, not waited on until the budget runs out
    assert results["keeps_the_channel_alive"]["execution_time"] < hostile.BUDGET / 2
    assert results["repeats_a_cell_message"]["execution_time"] < hostile.BUDGET / 2
    # cells that each keep to their limit are stopped by the submission's budget (plus the sandbox's start)
    slow = results["a1_slow_cells"]
    assert slow["execution_time"] < hostile.BUDGET + 6, slow["execution_time"]
    assert "time budget" in _texts(slow)
    assert max(r["execution_time"] for r in results.values()) < 2 * hostile.BUDGET + 12
    assert wall < 240


@needs_sandbox
def test_gradebook_quotes_every_field_and_names_are_safe(graded):
    ctx, expected, results, *_ = graded
    text = (ctx.out / "gradebook.csv").read_text()
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == ["student", "file", "1. loss", "2. gradient", "3. descend", "total", "max", "note"]
    assert all(line.startswith('"') and line.endswith('"') for line in text.splitlines())
    names = [r[0] for r in rows[1:]]
    assert sorted(names) == sorted(expected) == sorted(results)
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", n) for n in names)
    assert "alice" not in names             # " alice.ipynb" cannot take Alice's row, nor she hers
    files = {r[0]: r[1] for r in rows[1:]}
    assert files["alice-" + hostile.tag(" alice.ipynb")] == " alice.ipynb"
    assert files["alice-" + hostile.tag("alice.ipynb")] == "alice.ipynb"
    assert not any(f.startswith(("=", "+", "-", "@")) for f in files.values())


@needs_sandbox
def test_feedback_is_actionable_and_reveals_nothing_hidden(graded):
    ctx, _, results, *_ = graded
    t = {n: _texts(r) for n, r in results.items()}
    assert "NotImplementedError" in t["untouched"]
    assert "(N,) and (N, 1) are different" in t["column_shape"]
    assert "(N,) and (N, 1)" not in t["wrong_factor"]
    assert "twice the expected values" in t["wrong_factor"]
    assert "NaN" in t["nan"]
    assert "in place" in t["mutates_w0"] and "in place" in t["rebinds_harness_names"]
    assert "in place" in t["patches_harness_frames"]
    assert t["a2_loop_in_gradient"].count("the call ran out of time") == 2   # once per looping task, not per call
    assert "Cell 4 raised SyntaxError" in t["syntax_error_in_loss"]   # cells counted as a learner sees them
    assert "symbolic link" in t["symlinked"]
    assert "could not be read as a notebook" in t["not_a_notebook"]
    assert "stopped the Python process" in t["segfault_in_gradient"]
    assert "background thread or process" in t["a3_delayed_self_kill"]
    everything = "\n".join(t.values())
    assert ctx.token not in everything
    for secret in ("_gradient(", "_descend_cases", "default_rng", "TASKS"):     # hidden test source
        assert secret not in everything
    for line in everything.splitlines():
        assert len(line) < 400
    # no hidden expected value, printed in any usual precision
    values = [float(v) for task in load_exercise("02_least_squares", HIDDEN) for c in task.cases
              for v in np.ravel(c.expected) if abs(v) > 1e-3 and v != round(v)]
    for v in values:
        for s in {f"{v:.2g}", f"{v:.4g}", f"{v:.6g}", f"{v:.3f}", repr(v)}:
            assert s not in everything, s


# --- the judge: feedback that helps without giving the answer away -------------------------------------
def _task(shape, scalar=False, check=None):
    want = np.arange(np.prod(shape), dtype=float).reshape(shape) + 1.5
    return Task("t", "f", 1, [Case((), want, "x", check=check)], scalar)


def _answer(arr):
    return {"value": [np.asarray(arr, dtype=float)], "pytype": "array", "changed": []}


def test_judge_hints_only_for_the_real_mismatch():
    task = _task((2, 3))
    v = judge(task, task.cases[0], _answer(task.cases[0].expected.T))
    assert v.score == 0 and "transposed" in v.text and "(N, 1)" not in v.text
    task = _task((4,))
    v = judge(task, task.cases[0], _answer(task.cases[0].expected.reshape(4, 1)))
    assert v.score == 0 and "(N,) and (N, 1) are different" in v.text
    v = judge(task, task.cases[0], _answer(np.zeros(3)))
    assert v.score == 0 and "(N, 1)" not in v.text and "transposed" not in v.text
    v = judge(task, task.cases[0], _answer(-task.cases[0].expected))
    assert "opposite sign" in v.text


def test_wrong_values_feedback_does_not_depend_on_the_expected_values():
    """The same wrong answer gets the same words whatever the hidden value is (outside exact patterns),
    so resubmitting cannot narrow the hidden value down."""
    rng = np.random.default_rng(0)
    for shape in [(), (3,), (2, 2)]:
        got = rng.normal(size=shape)
        texts = set()
        for _ in range(20):
            want = rng.normal(size=shape) * 10 ** rng.uniform(-3, 3)
            task = Task("t", "f", 1, [Case((), want, "x")], scalar=shape == ())
            v = judge(task, task.cases[0], _answer(got))
            assert v.score == 0
            texts.add(re.sub(r"the first at index \(.*?\)", "", v.text))
        assert len(texts) == 1, texts


def test_resubmitting_numbers_from_the_feedback_gains_nothing():
    """The review's oracle attack at the judge: each round submits every number the last feedback held
    (and their negatives); no round may pass a case that round 0 failed."""
    want = np.array([0.16348, -2.71828, 31.4159])
    task = Task("t", "f", 1, [Case((), want, "x")])
    guess = np.zeros(3)
    for _ in range(6):
        v = judge(task, task.cases[0], _answer(guess))
        assert v.score == 0
        numbers = [float(x) for x in re.findall(r"-?\d+\.\d+(?:e[-+]?\d+)?", v.text)]
        if numbers:
            guess = np.resize(np.array(numbers + [-x for x in numbers]), 3)


def test_judge_accepts_every_form_of_one_number():
    task = _task((), scalar=True)
    for got in (np.array(1.5), np.array([1.5]), np.array([[1.5]]), np.float64(1.5)):
        assert judge(task, task.cases[0], _answer(got)).score == 1.0
    assert judge(task, task.cases[0], _answer([1.5, 1.5])).score == 0


def test_non_finite_results_are_rejected_before_a_tasks_check():
    def check(got):                      # a check that would crash on NaN (int of NaN) and pass reversed orders
        return None if int(got.sum()) >= 0 else "wrong"
    task = _task((3,), check=check)
    v = judge(task, task.cases[0], _answer([np.nan, 1.0, 2.0]))
    assert v.score == 0 and "NaN" in v.text and not v.grader_bug


def test_an_exception_inside_a_check_is_the_graders_bug_and_costs_only_that_case():
    task = _task((3,), check=lambda got: 1 / 0)
    v = judge(task, task.cases[0], _answer([1.0, 1.0, 1.0]))
    assert v.grader_bug and "course's bug" in v.text and v.score == 0


def test_parts_are_judged_one_by_one_and_named():
    want = (np.ones((2, 3)), np.arange(4.0), np.array(1.0))
    task = Task("t", "lb", 3, [Case((), want, "x")], parts=("dx", "dW", "db"))
    answer = {"value": [np.ones((2, 3)), np.zeros(4), np.array(1.0)], "pytype": "tuple", "changed": []}
    v = judge(task, task.cases[0], answer)
    assert abs(v.score - 2 / 3) < 1e-12 and "part dW" in v.text and "part dx" not in v.text


# --- the channel ----------------------------------------------------------------------------------------
def test_protocol_rejects_what_the_harness_never_sends_and_reads_what_it_does():
    lim = protocol.Limits(cells=[1, 3], n_tasks=1, max_cases=3, max_bytes=1 << 20)
    ok = protocol.message("result", k=0, j=1, value=[protocol.encode_array([1.0])], pytype="array")
    kind, fields = protocol.parse(ok.rstrip(b"\n"), lim)
    assert kind == "result" and fields["value"][0].tolist() == [1.0]
    # an honest error message full of brackets (an array printed in an assert) is read, not refused
    msg = protocol.message("cell_error", i=3, type="AssertionError", msg="got " + "[[[0.]]]" * 40)
    assert protocol.parse(msg.rstrip(b"\n"), lim)[0] == "cell_error"
    bad = [b"[" * 100000, b'{"m": "cell", "i": true}', b'{"m": "cell", "i": 2}', b'{"cell": 0}', b"not json",
           b'{"m": "result", "k": 0, "j": "x", "value": [], "pytype": "array"}',
           b'{"m": "result", "k": 0, "j": 1, "value": [{"dtype": "|O8", "shape": [1], "b": ""}], "pytype": "array"}',
           b'{"m": "result", "k": 0, "j": 1, "value": [{"dtype": "<f8", "shape": [100000000000], "b": ""}], "pytype": "a"}',
           b'{"m": "start", "k": 0, "j": 1, "extra": 1}', b'{"m": "cell_error", "i": 1, "type": ["x"], "msg": "m"}',
           b'{"m": "done", "x": 2}', b"{}", b'{"m": "start", "k": 0, "j": 3}',
           b'{"m": "result", "k": 0, "j": 1, "value": [[[[[[[1]]]]]]], "pytype": "array"}']
    for line in bad:
        with pytest.raises(protocol.ChannelError):
            protocol.parse(line, lim)
    kind, fields = protocol.parse(b'{"m": "cell_error", "i": 1, "type": "Value\\u001bError", "msg": "a\\u0000b'
                                  + b"c" * 900 + b'"}', lim)
    assert fields["type"] == "ValueError" and len(fields["msg"]) <= 203 and "\x00" not in fields["msg"]


def test_student_names_are_safe_and_unique_and_cannot_be_taken():
    paths = ["../../etc/passwd.ipynb", "...ipynb", "gradebook.csv.ipynb", "Zoë.ipynb", "Zoe.ipynb",
             "-rf.ipynb", "a\nb.ipynb", "日本.ipynb", "x" * 300 + ".ipynb", " alice.ipynb", "alice.ipynb"]
    names = student_names(paths)
    h = hostile.tag
    assert names == ["passwd", f"student-{h('...ipynb')}", "gradebook_csv", f"Zoe-{h('Zoë.ipynb')}",
                     f"Zoe-{h('Zoe.ipynb')}", "rf", "a_b", f"student-{h('日本.ipynb')}", "x" * 64,
                     f"alice-{h(' alice.ipynb')}", f"alice-{h('alice.ipynb')}"]
    assert student_names(list(reversed(paths))) == list(reversed(names))     # the same whatever the order


@pytest.mark.skipif(os.geteuid() != 0, reason="uid leases are for a grader running as root")
def test_every_sandbox_gets_a_uid_of_its_own_across_graders():
    other = subprocess.Popen([sys.executable, "-c", "from coursetools.grading.sandbox import UidLease\n"
                              "l = UidLease(); print(l.uid, flush=True); import time; time.sleep(30)"],
                             stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        theirs = int(other.stdout.readline())
        leases = [UidLease() for _ in range(20)]           # 20 sandboxes at once (the old ids wrapped at 8)
        uids = [lease.uid for lease in leases]
        assert len(set(uids)) == 20 and theirs not in uids
        for lease in leases:
            lease.release()
    finally:
        other.kill()
        other.wait()


def test_provided_cells_are_put_back_before_grading():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell

    def meta(cell, gid, locked, solution=False):
        cell.metadata["nbgrader"] = {"grade_id": gid, "locked": locked, "solution": solution, "grade": False,
                                     "schema_version": 3}
        return cell
    source = [meta(md("# Ex"), "intro", True), meta(code("def f(x):\n    raise NotImplementedError"), "f", False, True),
              meta(code("def helper(x):\n    return f(x) + 1"), "helper", True),
              meta(code("assert helper(1) == 3"), "check", True)]
    edited = [meta(md("# Ex"), "intro", True), meta(code("def f(x):\n    return 2 * x"), "f", False, True),
              meta(code("def helper(x):\n    return 99   # memorised"), "helper", True)]
    cells, notes = submissions.restore_locked(edited, source)
    texts = [c["source"] for c in cells]
    assert texts[1] == "def f(x):\n    return 2 * x"                 # the student's solution stays
    assert texts[2] == "def helper(x):\n    return f(x) + 1"         # the provided cell is put back
    assert texts[3] == "assert helper(1) == 3" and "put back" in notes[0]
    stripped = [edited[0], edited[1], code("def helper(x):\n    return 99")]      # metadata removed
    cells, _ = submissions.restore_locked(stripped, source)
    texts = [c["source"] for c in cells]
    assert texts.index("def helper(x):\n    return f(x) + 1") > texts.index("def helper(x):\n    return 99")


@needs_sandbox
def test_hidden_tests_stay_hidden_when_the_course_is_installed_into_the_venv(tmp_path):
    """``pip install .`` puts coursetools/hidden into site-packages, which the sandbox mounts. Emulated as the
    review did: a fresh venv whose site-packages hold copies of nnkit and coursetools (and a .pth to this
    venv's packages for NumPy). An untouched exercise that imports the hidden tests must stay at zero."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python3*/site-packages"))
    ours = next(p for p in map(Path, sys.path) if p.name == "site-packages" and (p / "numpy").is_dir())
    (site / "deps.pth").write_text(str(ours) + "\n")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "nnkit", site / "nnkit", ignore=ignore)
    shutil.copytree(REPO / "coursetools", site / "coursetools", ignore=ignore)
    shutil.copytree(HIDDEN, site / "coursetools" / "hidden", ignore=ignore, dirs_exist_ok=True)
    cheat = ("import importlib, glob, sys\n"
             "for p in glob.glob('/**/coursetools/hidden/h02_least_squares.py', recursive=True) + "
             "[%r]:\n" % str(site / "coursetools" / "hidden" / "h02_least_squares.py") +
             "    try:\n        exec(open(p).read().replace('from coursetools.grading import Task, Case', "
             "'Task = Case = lambda *a, **k: None'), globals())\n"
             "        def loss(X, w, t):\n            return _loss(X, w, t)\n"
             "        def gradient(X, w, t):\n            return _gradient(X, w, t)\n"
             "        def descend(X, t, w0, eta, steps):\n            return _descend(X, t, w0, eta, steps)\n"
             "        break\n    except Exception:\n        pass\n")
    from ex02 import EXERCISE
    subs = tmp_path / "subs"
    subs.mkdir()
    write(notebook(base=EXERCISE, extra=cheat, extra_at=9), subs / "cheat.ipynb")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    p = subprocess.run([str(venv / "bin" / "python"), "-m", "coursetools", "grade", str(subs), "--exercise",
                        "02_least_squares", "--out", str(tmp_path / "out"), "--timeout", "2", "--quiet"],
                       capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    assert re.search(r"cheat: 0 / \d", p.stdout), p.stdout


def _wait_for_two_running_sandboxes(grader_pid, seconds=30):
    """Until two sandbox cgroups of the grader hold a process (as root), then a second for both to reach
    their endless cell; where the grader makes no cgroups, 4 seconds."""
    if os.geteuid() != 0:
        time.sleep(4)
        return
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        procs = [Path(g, "cgroup.procs") for g in hostile.leftover_cgroups(grader_pid)]
        if sum(1 for p in procs if p.is_file() and p.read_text().split()) >= 2:
            time.sleep(1.0)
            return
        time.sleep(0.1)
    raise AssertionError(f"two sandboxes were not running after {seconds} s")


def _worker_thread(pid):
    """A thread of process ``pid`` other than its main thread."""
    return next(int(t) for t in sorted(os.listdir(f"/proc/{pid}/task"), key=int) if int(t) != pid)


def _signal_thread(pid, tid, sig):
    """Send ``sig`` to thread ``tid`` of process ``pid`` (tgkill), as the kernel does when it picks that thread."""
    import ctypes
    number = {"x86_64": 234, "aarch64": 131}.get(os.uname().machine)
    if number is None:
        pytest.skip(f"tgkill's system call number on {os.uname().machine} is not known here")
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.syscall(number, pid, tid, int(sig)) == 0, os.strerror(ctypes.get_errno())


def _process_state(pid):
    """What a process that does not stop is doing: its state, each thread's kernel wait, its children."""
    def read(path):
        try:
            return Path(path).read_text().strip()
        except OSError as e:
            return f"({e.strerror})"
    state = re.search(r"State:\s*(.*)", read(f"/proc/{pid}/status"))
    threads = {t: read(f"/proc/{pid}/task/{t}/wchan") for t in sorted(os.listdir(f"/proc/{pid}/task"))} \
        if os.path.isdir(f"/proc/{pid}/task") else {}
    kids = [(int(c), read(f"/proc/{c}/cmdline").replace("\0", " ")[:80]) for t in threads
            for c in read(f"/proc/{pid}/task/{t}/children").split() if c.isdigit()]
    return {"state": state.group(1) if state else "gone", "threads": threads, "children": kids}


@needs_sandbox
def test_ctrl_c_stops_the_grading_within_seconds_and_leaves_nothing(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(4):
        write(notebook(extra="import time\nwhile True:\n    time.sleep(0.1)"), subs / f"s{i}.ipynb")
    grader = subprocess.Popen([sys.executable, "-m", "coursetools", "grade", str(subs), "--exercise",
                               "02_least_squares", "--hidden", str(HIDDEN), "--out", str(tmp_path / "out"),
                               "--timeout", "60", "--workers", "2", "--quiet"], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              # started with SIGINT ignored, as a shell script starts a program in the background:
                              # Ctrl-C must still stop it
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    assert "Grading 4 notebook(s)" in grader.stderr.readline()
    _wait_for_two_running_sandboxes(grader.pid)
    t0 = time.monotonic()
    # Ctrl-C is for the whole process, and the kernel hands it to any of its threads: here to one that is not the
    # main thread (the main thread then slept on, waiting for the workers)
    _signal_thread(grader.pid, _worker_thread(grader.pid), signal.SIGINT)
    try:
        out, err = grader.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        state = _process_state(grader.pid)
        grader.kill()
        grader.communicate()
        raise AssertionError(f"the grader did not stop within 30 s of Ctrl-C: {state}")
    err = "Grading" + err
    # no sandbox is started after Ctrl-C, and one still being set up is stopped at once (each cost 5 s before)
    assert time.monotonic() - t0 < 3, err
    assert grader.returncode == 130 and "nothing was written" in err
    assert not (tmp_path / "out" / "gradebook.csv").exists()
    ctx = hostile.Ctx(REPO, HIDDEN, subs, tmp_path, tmp_path, tmp_path, tmp_path, "", secrets.token_hex(8))
    assert hostile.survivors(ctx, grader.pid) == []
    assert hostile.leftover_cgroups(grader.pid) == []


def test_grading_refuses_without_the_sandbox_and_warns_with_unsafe(tmp_path):
    bindir = tmp_path / "bin"                      # a PATH with prlimit and setpriv but no bwrap
    bindir.mkdir()
    for tool in ("prlimit", "setpriv"):
        (bindir / tool).symlink_to(f"/usr/bin/{tool}")
    nb = write(notebook(), tmp_path / "alice.ipynb")
    env = {"PATH": str(bindir), "HOME": str(tmp_path)}
    cmd = [sys.executable, "-m", "coursetools", "grade", str(nb), "--exercise", "02_least_squares",
           "--hidden", str(HIDDEN), "--quiet"]
    p = subprocess.run(cmd + ["--out", str(tmp_path / "out")], capture_output=True, text=True, env=env, cwd=REPO)
    assert p.returncode == 2 and "Refusing to grade" in p.stderr and "bwrap" in p.stderr
    assert not (tmp_path / "out").exists()
    p = subprocess.run(cmd + ["--out", str(tmp_path / "out2"), "--unsafe"], capture_output=True, text=True, env=env,
                       cwd=REPO)
    assert p.returncode == 0, p.stderr
    assert "WARNING: grading WITHOUT a sandbox" in p.stderr and "alice: 7 / 7" in p.stdout


def test_a_system_python_never_makes_the_sandbox_see_a_whole_prefix(monkeypatch, tmp_path):
    """With Debian's python3.11 (base prefix /usr) the sandbox binds its standard library and executable,
    never /usr, /usr/bin, /usr/local or /usr/share (the review saw all of /usr with a system Python)."""
    import sysconfig
    from coursetools.grading import sandbox
    monkeypatch.setattr(sandbox.sys, "base_prefix", "/usr")
    monkeypatch.setattr(sandbox.sys, "prefix", "/usr")
    monkeypatch.setattr(sandbox.sys, "executable", "/usr/bin/python3.11")
    monkeypatch.setattr(sandbox.sys, "path", ["", "/usr/lib/python311.zip", "/usr/lib/python3.11",
                                             "/usr/lib/python3/dist-packages", "/usr/local/lib/python3.11/dist-packages"])
    paths = {"stdlib": "/usr/lib/python3.11", "platstdlib": "/usr/lib/python3.11"}
    monkeypatch.setattr(sysconfig, "get_paths", lambda *a, **k: paths)
    binds = [str(p) for p in sandbox.python_paths()]
    for prefix in ("/usr", "/usr/bin", "/usr/local", "/usr/share", "/usr/lib"):
        assert prefix not in binds, binds
    cmd = sandbox.bwrap_command(None, 8, None)
    bound = [cmd[i + 1] for i, a in enumerate(cmd) if a == "--ro-bind"]
    assert not {"/usr", "/usr/bin", "/usr/local", "/usr/share"} & set(bound), bound


def test_a_submission_that_crashed_among_classmates_is_graded_again_alone(monkeypatch, tmp_path):
    """A classmate can fill a normal user's process count (RLIMIT_NPROC counts every process of the grader's
    user): a submission whose sandbox stopped early is graded once more after the others and keeps the
    better grade, with a note; one whose second grading is no better keeps its first."""
    from coursetools.grading import core
    grader = core.Grader.__new__(core.Grader)
    grader.tasks = [Task("1. t", "f", 1, [Case((), np.zeros(1), "x")])]
    grader.cancel = __import__("threading").Event()
    grader.lang = None
    calls = []

    def grade_data(data):
        calls.append(data)
        first = data not in calls[:-1]
        if data == b"victim":
            score = 0.5 if first else 1.0
        else:
            score = 0.0
        res = {"score": score, "max_score": 1, "tests": [{"name": "1. t", "score": score, "max_score": 1,
                                                          "output": ""}], "output": "graded"}
        if first and data in (b"victim", b"crasher"):
            res["_crashed"] = True
        return res
    monkeypatch.setattr(grader, "grade_data", grade_data)
    monkeypatch.setattr(core, "read_submission", lambda p: Path(p).name.encode())
    paths = [tmp_path / n for n in ("victim", "crasher", "other")]
    got = grader.grade_paths(paths, tmp_path / "out", workers=2)
    assert got["victim"]["score"] == 1.0 and "Graded again alone" in got["victim"]["output"]
    assert got["crasher"]["score"] == 0.0 and "again" not in got["crasher"]["output"]
    assert calls.count(b"victim") == 2 and calls.count(b"crasher") == 2 and calls.count(b"other") == 1
    assert not any("_crashed" in r for r in got.values())


def test_the_grader_skips_visible_checks_and_the_showcase_cell_but_runs_everything_else():
    source = nbformat.read(str(REPO / "exercises" / "06_backprop_mnist.ipynb"), as_version=4).cells
    data = nbformat.writes(nbformat.read(str(REPO / "solutions" / "06_backprop_mnist.ipynb"), as_version=4)).encode()
    cells, n, _ = submissions.notebook_cells(data, source)
    ids = [source[i].metadata.get("nbgrader", {}).get("grade_id") for i, _ in cells]
    checks = {c.metadata["nbgrader"]["grade_id"] for c in source if c.metadata.get("nbgrader", {}).get("grade")}
    assert checks and not checks & set(ids) and "result" not in ids
    assert {"setup", "mnist_data", "linear_backward", "backward3", "train_mnist"} <= set(ids)
    everything, _, _ = submissions.notebook_cells(data)          # without the exercise notebook: every cell
    assert len(everything) == sum(c.cell_type == "code" for c in nbformat.reads(data.decode(), as_version=4).cells)


def test_pyplot_imported_lazily_in_the_sandbox_still_draws_everywhere():
    """The sandbox defers the import of matplotlib and pyplot to their first use (they cost about half a second of
    CPU of every submission): a function that draws, ``matplotlib.pyplot`` reached through its package, another
    submodule imported while matplotlib waits (one that matplotlib's own code imports too), and a module-level
    figure all work as in a notebook, and a cell that only imports them does not pay for it."""
    cells = [(0, "import sys\nimport matplotlib.pyplot as plt\nimport matplotlib\n"
                 "LOADED_AT_IMPORT = 'matplotlib.figure' in sys.modules or 'matplotlib.rcsetup' in sys.modules"),
             (1, "import matplotlib.colors as mcolors\nRED = mcolors.to_rgb('red')[0]\n"
                 "ONE_MODULE = mcolors is sys.modules['matplotlib.colors'] is matplotlib.colors is matplotlib.cm.colors\n"
                 "fig0 = matplotlib.pyplot.figure()\nfig0.gca().plot([1, 2, 3])"),
             (2, "def f():\n    fig, ax = plt.subplots()\n    line, = ax.plot([0.0, 2.0], [1.0, 5.0])\n"
                 "    assert matplotlib.pyplot is plt and plt.gcf() is fig\n"
                 "    return float(RED * line.get_ydata()[1] + 10 * LOADED_AT_IMPORT + 10 * (not ONE_MODULE)\n"
                 "                 + len(fig0.axes[0].lines) - 1)")]
    tests, notes = grade_cells(cells, 3, [Task("t", "f", 1, [Case((), 5.0, "the drawn value")], scalar=True)])
    assert notes == [] and tests[0]["score"] == 1.0, (tests, notes)


@needs_sandbox
def test_numpy_asks_for_no_huge_pages_in_the_sandbox(monkeypatch):
    """Student code's NumPy does not ask the kernel for transparent huge pages (sandbox.ENV), whatever the grader's
    own environment says: the first touch of a large array costs about ten times less where the kernel compacts
    memory for them on demand."""
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")           # the grader's setting does not reach the sandbox
    cells = [(0, "import numpy\nADVISED = numpy._core.multiarray._get_madvise_hugepage()"),
             (1, "def f():\n    return float(ADVISED)")]
    tests, notes = grade_cells(cells, 2, [Task("t", "f", 1, [Case((), 0.0, "huge pages asked for")], scalar=True)])
    assert tests[0]["score"] == 1.0 and notes == [], (tests, notes)


@needs_sandbox
def test_sandboxes_read_the_graders_decoded_mnist_instead_of_decompressing_it(monkeypatch, tmp_path):
    """Every sandbox reads the grader's decoded MNIST arrays (bound read-only), also when an older nnkit wrote
    them private (mode 600) and the sandbox runs as another user: decompressing and hashing 55 MB costs
    about 0.4 s of every submission that loads MNIST."""
    from nnkit.data import mnist
    from coursetools.grading import sandbox
    monkeypatch.setenv("NNKIT_CACHE_DIR", str(tmp_path / "cache"))
    mnist._load_all.cache_clear()
    sandbox.mnist_cache.cache_clear()
    try:
        labels = mnist.load_mnist()[1]
        for p in (tmp_path / "cache" / "mnist").glob("*.npy"):
            p.chmod(0o600)
        cells = [(0, "import nnkit\nfrom nnkit.data import mnist\n\ndef _no(*args, **kwargs):\n"
                     "    raise RuntimeError('decompressed: the cache was not readable')\n\n"
                     "mnist._decompress_and_verify = _no\ny_train = nnkit.load_mnist()[1]"),
                 (1, "def f():\n    return y_train[:20].astype(float)")]
        tests, notes = grade_cells(cells, 2, [Task("t", "f", 1, [Case((), labels[:20].astype(float), "x")])])
    finally:
        mnist._load_all.cache_clear()
        sandbox.mnist_cache.cache_clear()
    assert tests[0]["score"] == 1.0 and notes == [], (tests, notes)
