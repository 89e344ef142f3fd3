"""The grader against a class of correct, broken and hostile submissions, graded as root (CI runs as root):
each gets the score it deserves, no escape of issue 11 works, no correct submission loses a point to a
classmate, and the feedback says what was wrong without giving the hidden values away.
``test_grading_user.py`` grades the same class as a normal user."""
import csv
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

FIX = Path(__file__).parent / "grading_fixtures"
sys.path.insert(0, str(FIX))

import hostile  # noqa: E402
from ex02 import notebook, write  # noqa: E402

from coursetools.grading import Case, Task, grade_folder, load_exercise  # noqa: E402
from coursetools.grading import channel  # noqa: E402
from coursetools.grading.core import judge, student_names  # noqa: E402
from coursetools.grading.sandbox import Limits, sandbox_uid  # noqa: E402
from coursetools.paths import REPO  # noqa: E402

HIDDEN = FIX / "hidden"
SECONDS = 2.0
UIDS = {sandbox_uid(0), sandbox_uid(1)} if os.geteuid() == 0 else set()     # the two workers' sandbox users

# Skipped only where bubblewrap is not installed; where it is, a sandbox that does not start fails the tests.
needs_sandbox = pytest.mark.skipif(not shutil.which("bwrap"), reason="bubblewrap (bwrap) is not installed")


def _texts(res):
    return "\n".join([res.get("output", "")] + [t["output"] for t in res.get("tests", [])])


@pytest.fixture(scope="module")
def graded():
    """Grade the whole class once (two sandboxes at a time) as the user running the tests."""
    base = Path(tempfile.mkdtemp(prefix="grading-class-", dir="/tmp"))
    token = secrets.token_hex(8)
    marker = f"{secrets.randbelow(9000) + 1000}.{secrets.randbelow(9000) + 1000}"
    ctx = hostile.make_ctx(base, REPO, HIDDEN, token, marker)
    expected = hostile.build(ctx, as_root=os.geteuid() == 0)
    before = sorted(str(p) for p in base.rglob("*") if ctx.out not in p.parents)
    os.environ["COURSETOOLS_TEST_SECRET"] = token
    try:
        results = grade_folder(sorted(ctx.subs.glob("*.ipynb")), "02_least_squares", ctx.out, Limits(seconds=SECONDS),
                               HIDDEN, workers=2)
    finally:
        del os.environ["COURSETOOLS_TEST_SECRET"]
    after = sorted(str(p) for p in base.rglob("*") if ctx.out not in p.parents)
    yield ctx, expected, results, before, after
    hostile.clean_up(ctx, UIDS, base)


@needs_sandbox
def test_every_submission_gets_the_score_it_deserves(graded):
    ctx, expected, results, _, _ = graded
    wrong = {n: (results.get(n, {}).get("score"), want, _texts(results.get(n, {}))[:600])
             for n, want in expected.items() if want is not None and results.get(n, {}).get("score") != want}
    assert not wrong, json.dumps(wrong, indent=1)
    assert not [n for n, r in results.items() if r.get("grader_error")]


@needs_sandbox
def test_no_escape_left_a_trace(graded):
    ctx, _, results, before, after = graded
    assert hostile.pwned_files(ctx) == []               # nothing written into the course, venv, hidden tests, outputs
    assert hostile.survivors(ctx, UIDS) == []                 # no daemon, no sandbox process left
    assert before == after                              # the submissions and the secrets are as they were
    files = sorted(p.relative_to(ctx.out).as_posix() for p in ctx.out.rglob("*") if p.is_file())
    assert files == ["gradebook.csv"] + sorted(f"students/{n}/results.json" for n in results)


@needs_sandbox
def test_correct_work_keeps_full_marks_whatever_its_classmates_do(graded):
    _, _, results, _, _ = graded
    for name in ("aa_correct", "mm_correct", "zz_correct", "zz_victim", "gradebook_csv", "a_b", "a_b_2"):
        assert results[name]["score"] == 7, _texts(results[name])


@needs_sandbox
def test_hostile_result_lines_cost_only_their_sender(graded):
    _, _, results, _, _ = graded
    for name in ("brackets_line", "wrong_types_line"):
        assert results[name]["score"] == 0
        assert "could not be graded automatically" in _texts(results[name])


@needs_sandbox
def test_gradebook_quotes_every_field_and_names_are_safe(graded):
    ctx, expected, results, _, _ = graded
    text = (ctx.out / "gradebook.csv").read_text()
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == ["student", "1. loss", "2. gradient", "3. descend", "total", "max", "note"]
    assert all(line.startswith('"') and line.endswith('"') for line in text.splitlines())
    names = [r[0] for r in rows[1:]]
    assert sorted(names) == sorted(expected) == sorted(results)
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", n) for n in names)
    assert {"gradebook_csv", "student", "Zoe_Angstrom", "tab_name", "a_b", "a_b_2"} <= set(names)


@needs_sandbox
def test_feedback_is_actionable_and_reveals_nothing_hidden(graded):
    ctx, _, results, _, _ = graded
    t = {n: _texts(r) for n, r in results.items()}
    assert "NotImplementedError" in t["untouched"]
    assert "(N,) and (N, 1) are different" in t["column_shape"]
    assert "(N,) and (N, 1)" not in t["wrong_factor"]
    m = re.search(r"largest difference is ([0-9.e+-]+)", t["wrong_factor"])
    assert m and 0 < float(m.group(1)) < 1e6                      # a real number, not "inf"
    assert "NaN" in t["nan"]
    assert "in place" in t["mutates_w0"] and "in place" in t["rebinds_harness_names"]
    assert t["loop_in_gradient"].count("the call ran out of time") == 2   # once per looping task, not per call
    assert "Cell 4 raised SyntaxError" in t["syntax_error_in_loss"]   # cells counted as a learner sees them
    assert "symbolic link" in t["symlinked"]
    assert "could not be read as a notebook" in t["not_a_notebook"]
    assert "stopped the Python process" in t["segfault_in_gradient"]
    assert "background thread or process" in t["delayed_self_kill"]
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
        for s in {f"{v:.4g}", f"{v:.6g}", f"{v:.3f}", repr(v)}:
            assert s not in everything, s


def _task(shape, scalar=False):
    return Task("t", "f", 1, [Case((), np.arange(np.prod(shape), dtype=float).reshape(shape) + 1.5, "x")], scalar)


def _result(arr, **extra):
    return {"result": np.asarray(arr), **extra}


def test_judge_hints_only_for_the_real_mismatch():
    task = _task((2, 3))
    ok, text = judge(task, 0, task.cases[0], _result(task.cases[0].expected.T), set())
    assert not ok and "transposed" in text and "(N, 1)" not in text
    task = _task((4,))
    ok, text = judge(task, 0, task.cases[0], _result(task.cases[0].expected.reshape(4, 1)), set())
    assert not ok and "(N,) and (N, 1) are different" in text
    ok, text = judge(task, 0, task.cases[0], _result(np.zeros(3)), set())
    assert not ok and "(N, 1)" not in text and "transposed" not in text


def test_judge_reports_a_real_largest_difference_and_no_expected_value():
    task = _task((3,))
    got = task.cases[0].expected + np.array([0.0, 0.25, 0.0])
    ok, text = judge(task, 0, task.cases[0], _result(got), set())
    assert not ok and "largest difference is 0.25 at index (1,)" in text and "inf" not in text
    assert "2.5" not in text and "3.5" not in text          # 2.5 is the expected value there


def test_judge_accepts_every_form_of_one_number():
    task = _task((), scalar=True)
    for got in (np.array(1.5), np.array([1.5]), np.array([[1.5]]), np.float64(1.5)):
        assert judge(task, 0, task.cases[0], _result(got), set()) == (True, "")
    assert not judge(task, 0, task.cases[0], _result([1.5, 1.5]), set())[0]


def test_channel_rejects_what_the_harness_never_sends():
    shapes = [(3, 3)]
    ok = b'{"case": [0, 1], "result": {"dtype": "<f8", "shape": [1], "b": "AAAAAAAA8D8="}, "kind": "array", "after": [null]}'
    assert channel.parse_line(ok, 5, shapes, 1 << 20)["result"].tolist() == [1.0]
    bad = [b"[" * 100000, b'{"cell": true}', b'{"cell": 9}', b'{"case": [0, "x"], "result": 5}', b"not json",
           b'{"case": [0, 1], "result": {"dtype": "|O8", "shape": [1], "b": ""}}',
           b'{"case": [0, 1], "result": {"dtype": "<f8", "shape": [100000000000], "b": ""}}',
           b'{"case": [0, 1], "result": {"dtype": "<f8", "shape": [2], "b": "AAAAAAAA8D8="}}',
           b'{"start": [0, 1], "extra": 1}', b'{"cell_error": 1, "type": ["x"], "msg": "m"}', b'{"done": 2}', b"{}"]
    for line in bad:
        with pytest.raises(channel.ChannelError):
            channel.parse_line(line, 5, shapes, 1 << 20)
    msg = channel.parse_line(b'{"cell_error": 1, "type": "Value\\u001bError", "msg": "a\\u0000b' + b"c" * 900 + b'"}',
                             5, shapes, 1 << 20)
    assert msg["type"] == "ValueError" and len(msg["msg"]) <= 203 and "\x00" not in msg["msg"]


def test_student_names_are_safe_and_unique():
    names = student_names(["../../etc/passwd.ipynb", "...ipynb", "gradebook.csv.ipynb", "Zoë.ipynb", "Zoe.ipynb",
                           "-rf.ipynb", "a\nb.ipynb", "日本.ipynb", "x" * 300 + ".ipynb"])
    assert names == ["passwd", "student", "gradebook_csv", "Zoe", "Zoe_2", "rf", "a_b", "student_2", "x" * 64]


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
