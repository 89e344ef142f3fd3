"""The same hostile class as ``test_grading.py``, graded by ``python -m coursetools grade`` running as a
normal user (uid 65534, no capabilities), the other way instructors run the grader. The sandbox then
uses bubblewrap's user namespace instead of setpriv. Needs root to switch to that user (CI is root).

The test's Python lives under /root (mode 700), which a normal user cannot enter; so the grader runs in
a bubblewrap view of this machine where only /root's Python installation is visible in /root. Everything
else (the course, /tmp, /proc) is the real one. The grader starts in a cgroup of the test's own (every
process it starts inherits it), so the test looks at, and stops, only the processes it started."""
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import json
import pytest

FIX = Path(__file__).parent / "grading_fixtures"
sys.path.insert(0, str(FIX))

import hostile  # noqa: E402

from coursetools.grading.sandbox import python_paths  # noqa: E402
from coursetools.paths import REPO  # noqa: E402

USER = 65534

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("bwrap"),
                                reason="needs root (to become a normal user) and bubblewrap")


def as_user(cmd, env, cwd, group=None):
    """``cmd`` as uid/gid 65534 without capabilities, in a view of / where /root holds only Python; with
    ``group``, inside that cgroup (made by ``hostile.test_cgroup``), which every process it starts inherits."""
    view = ["bwrap", "--dev-bind", "/", "/", "--tmpfs", "/root"]
    mine = sorted({Path(sys.base_prefix).resolve(), *python_paths()}, key=lambda q: len(q.parts))
    for p in [q for i, q in enumerate(mine) if not any(o in q.parents for o in mine[:i])]:
        if str(p).startswith("/root/"):
            parts = Path(p).relative_to("/root").parts
            for i in range(1, len(parts)):
                view += ["--perms", "0755", "--dir", str(Path("/root", *parts[:i]))]
            view += ["--ro-bind", str(p), str(p)]
    view += ["--chdir", str(cwd), "--", "setpriv", f"--reuid={USER}", f"--regid={USER}", "--clear-groups",
             "--inh-caps=-all"] + cmd
    if group:
        view = ["/bin/sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', str(group)] + view
    return subprocess.run(view, capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def graded_as_user():
    base = Path(tempfile.mkdtemp(prefix="grading-class-user-", dir="/tmp"))
    token = secrets.token_hex(8)
    marker = f"{secrets.randbelow(9000) + 1000}.{secrets.randbelow(9000) + 1000}"
    ctx = hostile.make_ctx(base, REPO, FIX / "hidden", token, marker, user_uid=USER)
    expected = hostile.build(ctx, as_root=False)
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "COURSETOOLS_TEST_SECRET": token}
    if as_user(["bwrap", "--unshare-user", "--dev-bind", "/", "/", "true"], env, REPO).returncode != 0:
        subprocess.run(["rm", "-rf", str(base)], check=False)
        pytest.skip("this kernel does not let a normal user create a user namespace (bubblewrap needs one)")
    group = hostile.test_cgroup(token)
    p = as_user([sys.executable, "-m", "coursetools", "grade", str(ctx.subs), "--exercise", "02_least_squares",
                 "--hidden", str(FIX / "hidden"), "--out", str(ctx.out), "--timeout", "2", "--workers", "3",
                 "--budget", str(hostile.BUDGET), "--quiet"], env, REPO, group)
    results = {d.name: json.loads((d / "results.json").read_text()) for d in (ctx.out / "students").iterdir()} \
        if (ctx.out / "students").is_dir() else {}
    yield ctx, expected, results, p, group
    hostile.clean_up(ctx, base, group=group)


def test_the_grader_ran_as_a_normal_user_in_a_user_namespace_sandbox(graded_as_user):
    _, expected, results, p, _ = graded_as_user
    assert p.returncode == 0, p.stderr[-2000:]
    assert all("no SysV IPC" in r["output"] for r in results.values() if "tests" in r and r["score"])
    assert sorted(results) == sorted(expected)
    assert all("user namespace" in r["output"] for r in results.values() if "tests" in r and r["score"])


def test_every_submission_gets_the_score_it_deserves_as_a_normal_user(graded_as_user):
    _, expected, results, _, _ = graded_as_user
    wrong = {n: (results.get(n, {}).get("score"), want, results.get(n, {}).get("output", "")[:300])
             for n, want in expected.items() if want is not None and results.get(n, {}).get("score") != want}
    assert not wrong, json.dumps(wrong, indent=1)


def test_no_escape_left_a_trace_as_a_normal_user(graded_as_user):
    ctx, _, _, _, group = graded_as_user
    assert hostile.pwned_files(ctx) == []
    assert hostile.survivors(ctx, group=group) == []     # the daemon's marker, and the test's own cgroup
