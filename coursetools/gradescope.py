"""Gradescope: the autograder zip of one exercise, and what grades inside Gradescope's container.

    python -m coursetools gradescope --exercise 02_least_squares [--out build/gradescope]

writes ``build/gradescope/autograder_02_least_squares.zip`` in the layout of Gradescope's autograder
specification (https://gradescope-autograders.readthedocs.io/en/latest/specs/): at the zip's root
``setup.sh`` (run once, as root, when Gradescope builds the image) and ``run_autograder`` (run for every
submission), with ``requirements.txt`` (the pinned packages grading needs, from the course's
requirements.txt), ``autograder.json`` (the exercise, its tasks and points, the visibility settings),
``grader/coursetools/`` (the grader, without hidden tests), ``hidden/h<exercise>.py`` (this exercise's hidden
tests only) and ``nnkit/``. No solution is in it. Gradescope unpacks it into /autograder/source.

For every submission, ``run_autograder`` grades the notebook in /autograder/submission with the course's grader
(``grade_notebook``) and writes /autograder/results/results.json:

- one test per task: its name, points and score, and "N of M hidden checks passed" (``--scores``, default
  visible at once);
- per task that lost points, a test without points that holds what the hidden checks found, on which kind
  of input (``--details``, default ``after_due_date``: students see it once the due date has passed);
- the notebook's own errors (a cell that raised, a cell skipped after a time-out) and the isolation used, in
  the output;
- when there is nothing to grade (no notebook, several, a file that is not a notebook, the grader's own
  failure): a failed test "Could not be graded automatically" that says why, every task at 0, and
  ``extra_data: {"gradable": false}``.

Isolation, decided and recorded for every submission (results.json's output and ``extra_data.isolation``):

- ``sandbox``: the course's bubblewrap sandbox, where it can start in the container. Student code sees
  Python, the venv and a private /tmp only: not /autograder, no network.
- ``user``: otherwise. Docker's default security profile, which such containers usually run under, refuses
  the namespaces bubblewrap needs. Student code then runs as uid 62000 (no account needed), without capabilities and with
  ``no_new_privs``, while /autograder/source (the hidden tests), /autograder/results and the submission
  folder are root's with mode 0700, as Gradescope's security advice describes. Before grading, a probe run
  as that uid must fail to list the hidden tests and to write the results; otherwise nothing is graded.
  Weaker than the sandbox: the network, /tmp and the container's system files stay reachable.

``COURSETOOLS_AUTOGRADER_ROOT`` replaces /autograder, ``COURSETOOLS_ISOLATION`` (auto, sandbox, user) forces a
mode and ``COURSETOOLS_STUDENT_UID`` changes the uid (the course's tests use all three).
"""
import argparse
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

from .paths import HIDDEN_DIR, REPO

GRADING_PACKAGES = ("numpy", "matplotlib", "matplotlib-fontja", "tqdm", "threadpoolctl", "nbformat", "jsonschema",
                    "polib", "pyseccomp")   # the notebooks' and grader's imports (fontja: Japanese notebooks draw
                                            # with it; jsonschema: nbformat's, pinned where it imports in 0.2 s, not 1 s)
VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")
TEMPLATES = Path(__file__).resolve().parent / "templates"
ROOT_VAR, ISOLATION_VAR, UID_VAR = "COURSETOOLS_AUTOGRADER_ROOT", "COURSETOOLS_ISOLATION", "COURSETOOLS_STUDENT_UID"
STUDENT_UID = 62000           # outside the sandbox's 61000-61999 and the usual account ranges
NOT_GRADED = "Could not be graded automatically"
GRADER_FILES = ("__init__.py", "paths.py", "gradescope.py", "shards.py", "i18n.py", "grading")   # of coursetools: no hidden tests


# --- the zip ----------------------------------------------------------------------------------------------

def grading_requirements(text):
    """The pinned lines of the course's requirements.txt for the packages grading needs."""
    pins = {}
    for line in text.splitlines():
        m = re.match(r"\s*([A-Za-z0-9_.-]+)\s*==\s*([^\s#;]+)", line)
        if m:
            pins[m.group(1).lower()] = f"{m.group(1)}=={m.group(2)}"
    missing = [p for p in GRADING_PACKAGES if p not in pins]
    if missing:
        raise ValueError(f"requirements.txt pins no version of {', '.join(missing)}; the autograder installs exactly "
                         f"the course's pinned versions, so add a line such as {missing[0]}==X.Y.Z.")
    return ("# What grading needs, pinned as in the course's requirements.txt (written by "
            "python -m coursetools gradescope)\n" + "\n".join(pins[p] for p in GRADING_PACKAGES) + "\n")


def _package_files(base, arc, only=None):
    """(name in the zip, path) of a package's files without caches; with ``only``, of those top-level names."""
    out = []
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(base)
        if (path.is_dir() or (only and rel.parts[0] not in only) or "__pycache__" in rel.parts
                or ".ipynb_checkpoints" in rel.parts or path.suffix == ".pyc"):
            continue
        out.append((f"{arc}/{rel.as_posix()}", path))
    return out


def build_zip(exercise, out_dir, details="after_due_date", scores="visible", hidden_dir=None):
    """Write ``out_dir/autograder_<exercise>.zip`` and return its path. The same course gives the same bytes."""
    from .grading import load_exercise
    for what, value in (("--details", details), ("--scores", scores)):
        if value not in VISIBILITIES:
            raise ValueError(f"{what} takes one of {', '.join(VISIBILITIES)} (Gradescope's visibility settings), "
                             f"not {value!r}.")
    hidden_dir = Path(hidden_dir or HIDDEN_DIR)
    tasks = load_exercise(exercise, hidden_dir)       # a clear error for an unknown exercise
    config = {"exercise": exercise, "tasks": [[t.name, t.points] for t in tasks], "scores": scores, "details": details}
    files = [("setup.sh", (TEMPLATES / "gradescope_setup.sh").read_bytes(), 0o755),
             ("run_autograder", (TEMPLATES / "gradescope_run_autograder").read_bytes(), 0o755),
             ("requirements.txt", grading_requirements((REPO / "requirements.txt").read_text()).encode(), 0o644),
             ("autograder.json", (json.dumps(config, indent=1) + "\n").encode(), 0o644),
             (f"hidden/h{exercise}.py", (hidden_dir / f"h{exercise}.py").read_bytes(), 0o644)]
    source = hidden_dir / f"{exercise}.ipynb" if hidden_dir != HIDDEN_DIR else REPO / "exercises" / f"{exercise}.ipynb"
    if source.is_file():        # the exercise as released: its provided cells are put back before grading
        files.append((f"hidden/{exercise}.ipynb", source.read_bytes(), 0o644))
    for translated in sorted((REPO / "exercises").glob(f"*/{exercise}.ipynb")) if hidden_dir == HIDDEN_DIR else ():
        files.append((f"hidden/{translated.parent.name}/{exercise}.ipynb", translated.read_bytes(), 0o644))
    for catalogue in sorted((REPO / "i18n").glob("*/coursetools.po")):     # the feedback in other languages
        files.append((f"grader/i18n/{catalogue.parent.name}/coursetools.po", catalogue.read_bytes(), 0o644))
    package = Path(__file__).resolve().parent
    for arc, path in (_package_files(package, "grader/coursetools", only=GRADER_FILES)
                      + _package_files(REPO / "nnkit", "nnkit")):
        files.append((arc, path.read_bytes(), 0o644))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"autograder_{exercise}.zip"
    tmp = target.with_name(target.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for arc, data, mode in sorted(files):
            info = zipfile.ZipInfo(arc, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    os.replace(tmp, target)
    return target


# --- inside the container -----------------------------------------------------------------------------------

def find_submission(folder, exercise):
    """(the notebook to grade, None), or (None, what the student should do)."""
    want = f"{exercise}.ipynb"
    folder = Path(folder)
    found = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts) if folder.is_dir() else []
    exact = [p for p in found if p.name == want]
    if len(exact) == 1:
        return exact[0], None
    if len(found) == 1:
        return found[0], None
    if not found:
        return None, (f"No notebook (.ipynb file) was submitted. Save your notebook in Jupyter and submit the file "
                      f"{want}.")
    names = ", ".join(str(p.relative_to(folder)) for p in found[:5])
    return None, (f"{len(found)} notebooks were submitted ({names}); the grader cannot tell which one to grade. "
                  f"Submit only {want}.")


PROBE = r"""
import json, os, sys
source, results = sys.argv[1:3]
def can(f):
    try:
        f()
        return True
    except OSError:
        return False
caps = [l.split()[1] for l in open("/proc/self/status") if l.startswith("CapEff:")]
out = {"uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(), "groups": os.getgroups(), "caps": caps[0],
       "list_source": can(lambda: os.listdir(source)),
       "write_results": can(lambda: open(os.path.join(results, ".probe"), "w").close())}
try:
    import numpy, nnkit
    out["imports"] = True
except Exception as e:
    out["imports"] = repr(e)[:200]
print(json.dumps(out))
"""


class IsolationError(RuntimeError):
    """Student code cannot be run as the unprivileged uid with the autograder closed to it."""


class StudentUser:
    """Student code as an unprivileged uid: a wrapper that the grader starts instead of Python, which counts
    its starts (as root) and then becomes ``uid`` with ``setpriv`` (no groups, no capabilities,
    ``no_new_privs``) in a scratch folder of its own before it runs Python."""

    def __init__(self, uid, python=None):
        if uid < 1:
            raise IsolationError(f"uid {uid} is root, not an unprivileged uid")
        self.uid = uid
        self.private = Path(tempfile.mkdtemp(prefix="coursetools-runner-"))         # root's, mode 0700
        self.scratch = Path(tempfile.mkdtemp(prefix="coursetools-student-"))
        os.chown(self.scratch, uid, uid)
        self.starts = self.private / "starts"
        self.starts.write_text("")
        self.wrapper = self.private / "student-python"
        q = shlex.quote
        self.wrapper.write_text(
            "#!/bin/sh\n"
            "# Starts Python for the grader as the unprivileged student uid (written by coursetools.gradescope)\n"
            f"echo start >> {q(str(self.starts))} || exit 96\n"
            f"cd {q(str(self.scratch))} || exit 97\n"
            f"exec setpriv --reuid={uid} --regid={uid} --clear-groups --inh-caps=-all --bounding-set=-all "
            f"--no-new-privs -- /usr/bin/env HOME={q(str(self.scratch))} TMPDIR={q(str(self.scratch))} "
            f"MPLCONFIGDIR={q(str(self.scratch / '.matplotlib'))} {q(python or sys.executable)} \"$@\"\n")
        self.wrapper.chmod(0o700)

    def count(self):
        return len(self.starts.read_text().split())

    def check(self, source, results):
        """Run the probe as the student uid; IsolationError unless it is that uid, without groups or
        capabilities, cannot list ``source`` nor write into ``results``, and imports NumPy and nnkit."""
        p = None
        try:
            p = subprocess.run([str(self.wrapper), "-I", "-c", PROBE, str(source), str(results)], capture_output=True,
                               text=True, timeout=60, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
            got = json.loads(p.stdout.strip().splitlines()[-1])
        except (OSError, subprocess.TimeoutExpired, ValueError, IndexError):
            why = (p.stderr.strip().splitlines() or ["no message"])[-1][:200] if p else "it did not start"
            raise IsolationError(f"the probe did not run as uid {self.uid}: {why}") from None
        if got.get("write_results"):
            Path(results, ".probe").unlink(missing_ok=True)
        wrong = [k for k, ok in (("uid", got["uid"] == got["euid"] == got["gid"] == self.uid),
                                 ("groups", got["groups"] == []), ("capabilities", int(got["caps"], 16) == 0),
                                 ("source closed", not got["list_source"]), ("results closed", not got["write_results"]),
                                 ("imports", got["imports"] is True)) if not ok]
        if wrong:
            raise IsolationError(f"the probe as uid {self.uid} failed: {', '.join(wrong)} ({json.dumps(got)})")

    def grade(self, notebook, exercise, hidden_dir):
        """``grade_notebook`` with its student processes started through the wrapper (the grader starts
        ``sys.executable``; it is the wrapper for the length of this call)."""
        from .grading import grade_notebook
        from .grading.sandbox import sandbox_status
        sandbox_status()                    # checked (and cached) with the real interpreter first
        before, real = self.count(), sys.executable
        sys.executable = str(self.wrapper)
        try:
            res = grade_notebook(notebook, exercise, hidden_dir=hidden_dir, unsafe=True)
        finally:
            sys.executable = real
        if self.count() == before and not _why_not_gradable(res):       # a notebook's code ran, but not here
            raise IsolationError("the grader did not start student code through the unprivileged wrapper (has the "
                                 "way it starts Python changed?); the result was discarded")
        return res

    def stop_all(self):
        """Kill every process of the student uid (a daemon a cell left behind), until none is left."""
        if self.uid < 1:
            return
        for _ in range(100):
            pids = []
            for d in os.listdir("/proc"):
                if d.isdigit():
                    try:
                        with open(f"/proc/{d}/status") as fh:
                            uid = next(int(line.split()[1]) for line in fh if line.startswith("Uid:"))
                    except (OSError, StopIteration, ValueError):
                        continue
                    if uid == self.uid:
                        pids.append(int(d))
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.05)

    def close(self):
        self.stop_all()
        subprocess.run(["rm", "-rf", "--one-file-system", str(self.private), str(self.scratch)], check=False)


def _close_autograder(root, mode):
    """Make the hidden tests, the results and the submission root's alone (mode 0700), and let others
    reach the venv below ``root``."""
    for name in ("source", "results", "submission"):
        d = root / name
        d.mkdir(exist_ok=True)
        os.chmod(d, 0o700)
    meta = root / "submission_metadata.json"
    if meta.exists() and not meta.is_symlink():
        os.chmod(meta, 0o600)
    if mode == "user":
        os.chmod(root, os.stat(root).st_mode & 0o7777 | 0o011)


def _isolation_mode():
    from .grading.sandbox import sandbox_status
    wanted = os.environ.get(ISOLATION_VAR, "auto")
    if wanted not in ("auto", "sandbox", "user"):
        raise ValueError(f"{ISOLATION_VAR} takes auto, sandbox or user, not {wanted!r}")
    ok, why = sandbox_status()
    if wanted == "auto":
        wanted = "sandbox" if ok else "user"
    return wanted, why


def _not_graded(config, reason, note=""):
    scores = (config or {}).get("scores", "visible")
    tests = [{"number": "0", "name": NOT_GRADED, "status": "failed", "output": reason, "visibility": "visible",
              "extra_data": {"gradable": False}}]
    for i, (name, points) in enumerate((config or {}).get("tasks", []), 1):
        tests.append({"number": str(i), "name": name, "score": 0.0, "max_score": points,
                      "output": f"Not graded: see \"{NOT_GRADED}\".", "visibility": scores})
    return {"score": 0.0, "output": "\n".join(x for x in (reason, note) if x), "output_format": "text",
            "test_output_format": "text", "test_name_format": "text", "stdout_visibility": "hidden",
            "extra_data": {"gradable": False, "reason": reason}, "tests": tests}


def _why_not_gradable(res):
    """The grader's message when its result is not a grade (None when it is one)."""
    if res.get("grader_error"):
        return res["output"]
    if res["tests"] and all(t["output"] == "not graded" for t in res["tests"]):
        return res["output"]                    # not a notebook, too large, a link
    if "could not be graded automatically" in res.get("output", ""):
        return res["output"]                    # the student's process broke the grader's channel
    return None


def gradescope_results(res, config, isolation, mode):
    """The grader's results dict -> Gradescope's results.json (see the module's docstring)."""
    reason = _why_not_gradable(res)
    if reason:
        out = _not_graded(config, reason, isolation)
        out["extra_data"]["isolation"] = mode
        return out
    tests = []
    for i, t in enumerate(res["tests"], 1):
        lines = t["output"].splitlines() or [""]
        tests.append({"number": str(i), "name": t["name"], "score": t["score"], "max_score": t["max_score"],
                      "output": lines[0], "visibility": config["scores"]})
        if len(lines) > 1:
            tests.append({"number": f"{i}.1", "name": f"{t['name']}: what the hidden checks found",
                          "status": "passed" if t["score"] >= t["max_score"] else "failed",
                          "output": "\n".join(lines[1:]), "visibility": config["details"]})
    notes = [ln for ln in res.get("output", "").splitlines() if not ln.startswith("Graded with hidden tests (isolation")]
    return {"score": res["score"], "output": "\n".join([isolation] + notes), "output_format": "text",
            "test_output_format": "text", "test_name_format": "text", "stdout_visibility": "hidden",
            "extra_data": {"gradable": True, "isolation": mode, "exercise": config["exercise"]}, "tests": tests}


def _grade_here(root, config):
    from .grading import grade_notebook
    source = root / "source"
    mode, why = _isolation_mode()
    _close_autograder(root, mode)
    notebook, problem = find_submission(root / "submission", config["exercise"])
    if problem:
        return _not_graded(config, problem)
    hidden = source / "hidden"
    if mode == "sandbox":
        res = grade_notebook(notebook, config["exercise"], hidden_dir=hidden)
        isolation = (f"Isolation: the course's {why}; student code saw Python, NumPy, nnkit and a private /tmp, "
                     f"not the autograder's files, and had no network.")
        return gradescope_results(res, config, isolation, mode)
    uid = int(os.environ.get(UID_VAR, STUDENT_UID))
    user = None
    try:
        user = StudentUser(uid)
        user.check(source, root / "results")
        res = user.grade(notebook, config["exercise"], hidden)
    except IsolationError as exc:
        return _not_graded(config, f"The autograder could not run student code safely in this container ({exc}). "
                                   f"Nothing was graded; ask your instructor.")
    finally:
        if user:
            user.close()
    because = (f"{ISOLATION_VAR}=user was set" if os.environ.get(ISOLATION_VAR) == "user"
               else f"the bubblewrap sandbox could not start in this container: {why}")
    isolation = (f"Isolation: student code ran as the unprivileged uid {uid} (no capabilities, no_new_privs), which "
                 f"cannot read the hidden tests or write the results ({because}).")
    return gradescope_results(res, config, isolation, mode)


def run_autograder(root=None):
    """What ``run_autograder`` runs: grade /autograder/submission and write /autograder/results/results.json.
    Always writes a results.json (a failure of the grader itself is reported as one, never as a zero)."""
    root = Path(root or os.environ.get(ROOT_VAR) or "/autograder")
    t0 = time.monotonic()
    config = None
    try:
        config = json.loads((root / "source" / "autograder.json").read_text())
        results = _grade_here(root, config)
    except Exception as exc:
        traceback.print_exc(file=sys.stdout)            # /autograder/results/stdout: instructors only
        results = _not_graded(config, f"GRADER ERROR, not the student's fault ({type(exc).__name__}: "
                                      f"{str(exc)[:300]}). Ask your instructor to regrade this submission.")
    results["execution_time"] = round(time.monotonic() - t0, 2)
    out = root / "results"
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / "results.json.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w") as fh:
        json.dump(results, fh, indent=1)
    os.replace(tmp, out / "results.json")
    print(f"score {results['score']:g}; {(results['output'].splitlines() or [''])[0]}")
    for t in results["tests"]:
        print(f"  {t['name']}: {t.get('score', t.get('status'))}")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m coursetools gradescope", description=__doc__.split("\n\n")[0],
                                 epilog="Upload the zip on the assignment's Configure Autograder page (base image "
                                        "Ubuntu 22.04 or 24.04); see the README's Gradescope section.")
    ap.add_argument("--exercise", required=True, help="e.g. 02_least_squares")
    ap.add_argument("--out", default="build/gradescope", help="folder for autograder_<exercise>.zip")
    ap.add_argument("--scores", default="visible", choices=VISIBILITIES,
                    help="when students see each task's score and how many hidden checks passed (default %(default)s)")
    ap.add_argument("--details", default="after_due_date", choices=VISIBILITIES,
                    help="when students see what the hidden checks found, on which kind of input (default %(default)s)")
    ap.add_argument("--hidden", default=None, help="folder of hidden tests (default: coursetools/hidden)")
    a = ap.parse_args(argv)
    path = build_zip(a.exercise, a.out, a.details, a.scores, a.hidden)
    print(f"Wrote {path} ({path.stat().st_size / 1e6:.1f} MB). Upload it as the assignment's autograder on Gradescope.")
    return 0
