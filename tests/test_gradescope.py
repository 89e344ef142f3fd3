"""The Gradescope autograder, run as Gradescope's documentation describes: the zip built by
``python -m coursetools gradescope``, unpacked into a fresh root laid out as /autograder (source/, submission/,
results/, run_autograder; a temporary folder named by COURSETOOLS_AUTOGRADER_ROOT), ``setup.sh`` run there as
root (its apt-get step is skipped because Python 3.11, bwrap, prlimit and setpriv are present, and it says so),
then ``run_autograder`` on right, wrong, hostile and ungradable submissions, in both isolation modes: the
course's sandbox and the unprivileged uid that Gradescope containers without user namespaces fall back to.
Every score is compared with ``python -m coursetools grade`` on the same notebooks.

Two lines of ``setup.sh`` are not run verbatim, as in tests/test_release.py: the venv is made without pip and the
pinned packages are installed into it by ``uv pip install --compile-bytecode`` instead of pip (16.4 s of CPU for
setup.sh with pip, 6.1 s with uv, measured alone; pip installs the same pins in ``.ci/run``). Every other line runs
as Gradescope runs it."""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
import pytest


import class02
from installers import uv_executable
from coursetools.gradescope import (ISOLATION_VAR, ROOT_VAR, UID_VAR, IsolationError, StudentUser, build_zip,
                                    grading_requirements)
from coursetools.grading.sandbox import sandbox_status
from coursetools.grading import load_exercise

FULL = sum(t.points for t in load_exercise("02_least_squares"))   # the class's full marks

REPO = Path(__file__).resolve().parent.parent
EXERCISE = class02.EXERCISE
UID = 62000 + os.getpid() % 500          # a uid of this test run alone (the runner kills that uid's processes)


def _system_python():
    for p in ("/usr/bin/python3.13", "/usr/bin/python3.12", "/usr/bin/python3.11", "/usr/bin/python3"):
        if os.access(p, os.X_OK) and subprocess.run(
                [p, "-c", "import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))"]).returncode == 0:
            return p
    return None


def _why_not():
    if os.geteuid() != 0:
        return "Gradescope runs the autograder as root; this test needs root too (the fallback changes uid)"
    if not _system_python():
        return "no /usr/bin/python3.11+ with venv here: setup.sh would apt-get it"
    missing = [t for t in ("bwrap", "prlimit", "setpriv") if not shutil.which(t)]
    if missing:
        return f"{', '.join(missing)} missing: setup.sh would apt-get them"
    if not sandbox_status()[0]:
        return f"no grading sandbox here to compare with: {sandbox_status()[1]}"
    return None


def test_the_zip_has_gradescopes_layout_and_nothing_secret(tmp_path):
    path = build_zip(EXERCISE, tmp_path / "a")
    with zipfile.ZipFile(path) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        names = set(infos)
        assert {"setup.sh", "run_autograder", "requirements.txt", "autograder.json"} <= names
        for script in ("setup.sh", "run_autograder"):                       # executable, as Gradescope runs them
            assert (infos[script].external_attr >> 16) & 0o111 == 0o111, script
        released = [f"hidden/{EXERCISE}.ipynb", f"hidden/ja/{EXERCISE}.ipynb"]     # both editions' exercise
        assert sorted(n for n in names if n.startswith("hidden/")) == released[:1] + [f"hidden/h{EXERCISE}.py"] + released[1:]
        assert zf.read(released[0]) == (REPO / "exercises" / f"{EXERCISE}.ipynb").read_bytes()
        assert zf.read(released[1]) == (REPO / "exercises" / "ja" / f"{EXERCISE}.ipynb").read_bytes()
        assert not [n for n in names if "solutions" in n or (n.endswith(".ipynb") and n not in released)
                    or "/hidden/" in n]
        assert {"grader/coursetools/grading/core.py", "grader/coursetools/i18n.py", "grader/i18n/ja/coursetools.po",
                "nnkit/__init__.py", "nnkit/locale/ja/LC_MESSAGES/nnkit.mo"} <= names
        config = json.loads(zf.read("autograder.json"))
        pins = zf.read("requirements.txt").decode()
    assert config["exercise"] == EXERCISE and config["details"] == "after_due_date" and config["scores"] == "visible"
    assert sum(p for _, p in config["tasks"]) == FULL
    course = (REPO / "requirements.txt").read_text()
    # nbformat's jsonschema pinned as the course pins it (an unpinned one imports in 1 s, not 0.2 s: every grading)
    assert [ln for ln in pins.splitlines() if ln.startswith("jsonschema==")] == \
        [ln for ln in course.splitlines() if ln.startswith("jsonschema==")] != []
    for line in pins.splitlines():
        if not line.startswith("#"):
            assert line in course.splitlines(), f"{line} is not the course's pin"
    assert build_zip(EXERCISE, tmp_path / "b").read_bytes() == path.read_bytes(), "the same course, another zip"
    with pytest.raises(ValueError, match="pins no version of nbformat"):
        grading_requirements(course.replace("nbformat==", "nbformat>="))
    with pytest.raises(FileNotFoundError, match="Known exercises"):
        build_zip("99_nothing", tmp_path / "c")


# --- the zip in a fresh /autograder -----------------------------------------------------------------------

# setup.sh's lines that pip does, and what the test runs instead (see the module's docstring)
VENV_LINE = '"$PY" -m venv "$ROOT/venv"'
PIP_LINE = '"$ROOT/venv/bin/python" -m pip install -q -r "$SRC/requirements.txt"'


def _install_with_uv(setup):
    """Rewrite the unpacked ``setup`` so that uv, not pip, installs the pins; each replaced line must be there once."""
    instead = {VENV_LINE: '"$PY" -m venv --without-pip "$ROOT/venv"',
               PIP_LINE: f'{shlex.quote(uv_executable())} --quiet pip install --compile-bytecode '
                         '-r "$SRC/requirements.txt" --python "$ROOT/venv/bin/python"'}
    lines = setup.read_text().split("\n")
    for line in instead:
        assert lines.count(line) == 1, f"setup.sh no longer has the line {line!r}: update this test"
    setup.write_text("\n".join(instead.get(ln, ln) for ln in lines))


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    why = _why_not()
    if why:
        pytest.skip(why)
    zip_path = build_zip(EXERCISE, tmp_path_factory.mktemp("zip"))
    root = Path(tempfile.mkdtemp(prefix="coursetools-autograder-", dir="/tmp"))   # reachable by the student uid
    os.chmod(root, 0o755)
    try:
        with zipfile.ZipFile(zip_path) as zf:                   # as unzip does: contents and modes
            zf.extractall(root / "source")
            for info in zf.infolist():
                os.chmod(root / "source" / info.filename, (info.external_attr >> 16) & 0o777)
        shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")   # Gradescope's image build
        _install_with_uv(root / "source" / "setup.sh")
        env = dict(os.environ, **{ROOT_VAR: str(root), "COURSETOOLS_PYTHON": _system_python(), "UV_NATIVE_TLS": "1"})
        setup = subprocess.run(["bash", str(root / "source" / "setup.sh")], cwd=root / "source", env=env,
                               capture_output=True, text=True, timeout=900)
        assert setup.returncode == 0, setup.stdout + setup.stderr
        assert "apt-get skipped" in setup.stdout and "grading environment ready" in setup.stdout, setup.stdout
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run(root, files, mode, uid=UID):
    """Put ``files`` ({name: notebook or bytes}) into a fresh submission folder, run run_autograder, return
    results.json."""
    sub = root / "submission"
    shutil.rmtree(sub, ignore_errors=True)
    sub.mkdir()
    for name, content in files.items():
        if isinstance(content, bytes):
            (sub / name).write_bytes(content)
        else:
            class02.write(content, sub / name)
    (root / "results" / "results.json").unlink(missing_ok=True)
    env = dict(os.environ, **{ROOT_VAR: str(root), ISOLATION_VAR: mode, UID_VAR: str(uid)})
    p = subprocess.run([str(root / "run_autograder")], cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads((root / "results" / "results.json").read_text())


def _uid_processes(uid):
    pids = []
    for d in os.listdir("/proc"):
        try:
            with open(f"/proc/{d}/status") as fh:
                if any(line.startswith("Uid:") and int(line.split()[1]) == uid for line in fh):
                    pids.append(d)
        except (OSError, ValueError):
            pass
    return pids


def _hostile(root):
    """The solution, plus cells that try to read the hidden tests, to write the results file, and to leave a
    daemon behind that would write it later."""
    nb = class02.solution()
    code = f"""
import json, os, time
ROOT = {str(root)!r}
stolen = open(ROOT + "/source/hidden/h02_least_squares.py").read()
raise RuntimeError("LEAKED " + stolen[:60])
"""
    forge = f"""
ROOT = {str(root)!r}
if os.fork() == 0:                      # a daemon that tries again after the grading
    os.setsid()
    os.closerange(3, 1024)
    for _ in range(300):
        try:
            open(ROOT + "/results/results.json", "w").write(json.dumps({{"score": 1000}}))
        except OSError:
            pass
        time.sleep(0.1)
    os._exit(0)
os.chmod(ROOT + "/results", 0o777)
"""
    import nbformat
    nb.cells.insert(2, nbformat.v4.new_code_cell(code))
    nb.cells.insert(3, nbformat.v4.new_code_cell(forge))
    return nb


def _japanese_doubled_loss():
    """The Japanese edition's solution with a loss twice too large: Japanese feedback, the same hidden tests."""
    nb = nbformat.read(str(REPO / "solutions" / "ja" / f"{EXERCISE}.ipynb"), as_version=4)
    for cell in nb.cells:
        cell.source = cell.source.replace("return 0.5 * float(r @ r)", "return float(r @ r)")
    return nb


CASES = {                          # name: (notebook, graded in the fallback mode too)
    "right": (class02.solution, True),
    "untouched": (class02.untouched, False),
    "partial": (lambda: class02.wrong(next(k for k, w in enumerate(class02.wrong_answers()) if w[3] > 0)), True),
    "column_gradient": (lambda: class02.wrong(6), False),
    "lstsq_tuple": (lambda: class02.wrong(len(class02.wrong_answers()) - 1), False),
    "japanese": (_japanese_doubled_loss, True),
}


@pytest.fixture(scope="module")
def reference(autograder, tmp_path_factory):
    """`python -m coursetools grade` over the same notebooks: {student: results.json}."""
    folder = tmp_path_factory.mktemp("class")
    for name, (make, _) in CASES.items():
        class02.write(make(), folder / f"{name}.ipynb")
    class02.write(_hostile(autograder), folder / "hostile.ipynb")
    (folder / "not_a_notebook.ipynb").write_text("{ this is not JSON")
    out = tmp_path_factory.mktemp("ref")
    p = subprocess.run([sys.executable, "-m", "coursetools", "grade", str(folder), "--exercise", EXERCISE, "--quiet",
                        "--out", str(out)], capture_output=True, text=True, cwd=REPO, timeout=600)
    assert p.returncode == 0, p.stderr
    return {d.name: json.loads((d / "results.json").read_text()) for d in (out / "students").iterdir()}


def _scores(res):
    return {t["name"]: t["score"] for t in res["tests"] if "score" in t and t["name"] != "Could not be graded automatically"}


@pytest.mark.parametrize("mode", ["sandbox", "user"])
def test_every_score_equals_the_course_grader(autograder, reference, mode):
    for name, (make, in_user_mode) in CASES.items():
        if mode == "user" and not in_user_mode:
            continue
        got = _run(autograder, {f"{EXERCISE}.ipynb": make()}, mode)
        ref = reference[name]
        assert got["extra_data"]["gradable"] is True and got["extra_data"]["isolation"] == mode, got["output"]
        assert got["score"] == ref["score"] and _scores(got) == {t["name"]: t["score"] for t in ref["tests"]}, name
        assert all(t["max_score"] == r["max_score"] for t, r in zip([t for t in got["tests"] if "max_score" in t],
                                                                  ref["tests"])), name
        assert got["output"].startswith("Isolation: ") and ("sandbox" if mode == "sandbox" else f"uid {UID}") in \
            got["output"].splitlines()[0], got["output"]
        for t, r in zip([t for t in got["tests"] if "max_score" in t], ref["tests"]):
            assert t["visibility"] == "visible" and t["output"] == r["output"].splitlines()[0]   # "k of n passed"
            details = [d for d in got["tests"] if d.get("number") == f"{t['number']}.1"]
            if t["score"] < t["max_score"]:      # what the hidden checks found: after the due date
                assert len(details) == 1 and details[0]["visibility"] == "after_due_date", (name, t)
                assert details[0]["status"] == "failed" and "max_score" not in details[0]
                assert details[0]["output"] == "\n".join(r["output"].splitlines()[1:])
            else:
                assert not details, (name, t)
        assert got["output"].count("Cell ") == ref["output"].count("Cell "), "the notebook's own errors"
    japanese = "\n".join(t["output"] for t in reference["japanese"]["tests"])     # compared above, line by line
    assert 0 < reference["japanese"]["score"] < FULL and re.search("[\u3040-\u30ff\u4e00-\u9fff]", japanese), japanese


@pytest.mark.parametrize("mode", ["sandbox", "user"])
def test_hostile_code_neither_reads_the_hidden_tests_nor_writes_its_score(autograder, reference, mode):
    got = _run(autograder, {f"{EXERCISE}.ipynb": _hostile(autograder)}, mode)
    text = json.dumps(got)
    assert "LEAKED" not in text and got["score"] == reference["hostile"]["score"] == FULL, got["output"]
    expected = "PermissionError" if mode == "user" else "FileNotFoundError"
    assert f"raised {expected}" in got["output"], got["output"]
    assert (autograder / "results").stat().st_mode & 0o777 == 0o700
    assert (autograder / "source").stat().st_mode & 0o777 == 0o700
    assert not _uid_processes(UID), "a process of the student uid outlived the grading"
    after = json.loads((autograder / "results" / "results.json").read_text())
    assert after == got, "the results file changed after the grading"


@pytest.mark.parametrize("mode", ["sandbox", "user"])
def test_what_cannot_be_graded_says_so(autograder, reference, mode):
    cases = {"not a notebook": ({f"{EXERCISE}.ipynb": b"{ this is not JSON"}, "could not be read as a notebook"),
             "nothing": ({}, "No notebook (.ipynb file) was submitted"),
             "two notebooks": ({"a.ipynb": class02.solution(), "b.ipynb": class02.solution()},
                               "cannot tell which one to grade")}
    for what, (files, message) in cases.items():
        if mode == "user" and what != "not a notebook":      # the others are decided before any code runs
            continue
        got = _run(autograder, files, mode)
        assert got["extra_data"]["gradable"] is False and got["score"] == 0, what
        flag = got["tests"][0]
        assert flag["name"] == "Could not be graded automatically" and flag["status"] == "failed", what
        assert flag["visibility"] == "visible" and message in flag["output"], (what, flag["output"])
        assert [t["score"] for t in got["tests"][1:]] == [0.0] * (len(got["tests"]) - 1) and len(got["tests"]) > 1, what
    assert reference["not_a_notebook"]["score"] == 0
    if mode == "sandbox":           # a notebook under another name is graded when it is the only one
        got = _run(autograder, {"my copy.ipynb": class02.solution()}, mode)
        assert got["score"] == FULL and got["extra_data"]["gradable"] is True


def test_without_isolation_nothing_is_graded(autograder):
    got = _run(autograder, {f"{EXERCISE}.ipynb": class02.solution()}, "user", uid=0)
    assert got["extra_data"]["gradable"] is False and got["score"] == 0
    assert "could not run student code safely" in got["tests"][0]["output"] and "root" in got["tests"][0]["output"]


def test_a_wrapper_that_keeps_root_is_caught(autograder, tmp_path):
    # the probe runs through the same wrapper as student code: one that forgot to change uid fails the check
    source, results = tmp_path / "source", tmp_path / "results"
    for d in (source, results):
        d.mkdir(mode=0o700)
    user = StudentUser(UID, python=str(autograder / "venv" / "bin" / "python"))
    try:
        user.check(source, results)                             # the real wrapper passes
        text = user.wrapper.read_text()
        user.wrapper.write_text(re.sub(r"exec setpriv .*? -- ", "exec ", text))
        with pytest.raises(IsolationError, match="failed: uid, .*capabilities, source closed, results closed"):
            user.check(source, results)
        assert not (results / ".probe").exists()
    finally:
        user.close()


def test_a_grading_that_bypasses_the_wrapper_is_discarded(autograder, monkeypatch, tmp_path):
    # should the grader one day start student code some other way than through sys.executable, the result of
    # a notebook whose code ran would not count (here a stand-in grader that starts nothing)
    graded = {"score": 1.0, "max_score": 1, "output": "",
              "tests": [{"name": "1. loss", "score": 1.0, "max_score": 1, "output": "5 of 5 hidden checks passed."}]}
    monkeypatch.setattr("coursetools.grading.grade_notebook", lambda *args, **kwargs: graded)
    user = StudentUser(UID, python=str(autograder / "venv" / "bin" / "python"))
    try:
        with pytest.raises(IsolationError, match="did not start student code through the unprivileged wrapper"):
            user.grade(class02.write(class02.solution(), tmp_path / "nb.ipynb"), EXERCISE, tmp_path)
    finally:
        user.close()
