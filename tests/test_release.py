"""The student release works on its own, as a student meets it: built by ``python -m coursetools release``,
installed in a brand-new virtual environment with the install command its README gives, then every command
its README names is run: ``python -m nnkit doctor`` passes and ``jupyter lab`` (the README's arguments)
serves the lessons and the exercises. The release holds no instructor code, and its CLI offers none.

One step is not run verbatim: the README's ``pip install -r requirements.txt`` is run as ``uv pip install -r
requirements.txt`` (uv, pinned in the course's requirements, into the same ``.venv`` that the README's ``python3 -m
venv .venv`` made). pip took 33 to 42 s of CPU for it (unpacking and byte-compiling 15,000 files), uv about 1 s.
What pip itself would add is checked elsewhere: ``.ci/run`` installs the course's requirements, every learner pin
among them, with pip on every CI run."""
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import tomllib
import urllib.request


from coursetools.paths import REPO
from installers import uv_executable
from ports import jupyter_server_url


def _readme_commands(readme):
    """(install steps, jupyter lab arguments, other commands) as the student README writes them."""
    install = next(ln.strip() for ln in readme.splitlines() if "python3 -m venv" in ln and "pip install" in ln)
    steps = [s.strip() for s in install.split("&&")]
    is_lab = [shlex.split(s)[:2] == ["jupyter", "lab"] for s in steps]
    assert is_lab[-1] and sum(is_lab) == 1, steps       # install first, then open JupyterLab
    others = sorted(set(re.findall(r"`(python -m nnkit [a-z]+)`", readme)))
    return steps[:-1], shlex.split(steps[-1])[2:], others


def test_student_release_installs_and_runs_in_a_fresh_venv(tmp_path):
    out = tmp_path / "release"
    res = subprocess.run([sys.executable, "-m", "coursetools", "release", str(out)], capture_output=True,
                         text=True, cwd=REPO)
    assert res.returncode == 0, res.stderr
    assert not (out / "coursetools").exists() and not (out / "solutions").exists()
    readme = (out / "README.md").read_text()
    install, lab_args, others = _readme_commands(readme)
    assert others == ["python -m nnkit doctor"], others

    # the README's install steps in the release folder (a brand-new .venv), pip's step run by uv (see above)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["UV_NATIVE_TLS"] = "1"          # the system's certificates, as pip uses them (a proxy's own CA included)
    pip_step = "pip install -r requirements.txt"
    assert install[:3] == ["python3 -m venv .venv", ". .venv/bin/activate", pip_step], install
    uv = uv_executable()
    steps = [f"{shlex.quote(uv)} --quiet {pip_step} --python .venv/bin/python" if s == pip_step else s for s in install]
    res = subprocess.run(["bash", "-c", " && ".join(steps)], cwd=out, env=env, capture_output=True, text=True,
                         timeout=600)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    venv_python = out / ".venv" / "bin" / "python"
    assert venv_python.exists()

    def run(*args):
        return subprocess.run([str(venv_python), *args], cwd=out, env=env, capture_output=True, text=True,
                              timeout=300)

    res = run("-m", "nnkit", "doctor")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "MNIST verified" in res.stdout
    res = run("-m", "nnkit", "--help")
    assert res.returncode == 0 and "doctor" in res.stdout
    for cmd in ("grade", "bench", "slides", "release", "build-exercises"):
        res = run("-m", "nnkit", cmd)                              # only doctor is offered
        assert res.returncode == 2 and "unknown command" in res.stderr, cmd
    res = run("-c", "import coursetools")
    assert res.returncode != 0 and "No module named 'coursetools'" in res.stderr
    res = run("-c", "import nnkit, sys; nnkit.load_mnist(); print(nnkit.__file__)")
    assert res.returncode == 0 and str(out) in res.stdout, res.stderr      # nnkit from the release itself

    # the README's jupyter lab command (plus what a test needs: loopback, a token, no browser, and port 0:
    # the server takes a port the system gives it and writes it into its runtime folder)
    token, runtime = "release-test-token", tmp_path / "runtime"
    log = tmp_path / "lab.log"
    lab = subprocess.Popen([str(out / ".venv" / "bin" / "jupyter"), "lab", *lab_args, "--no-browser",
                            "--ServerApp.port=0", "--ServerApp.ip=127.0.0.1",
                            f"--IdentityProvider.token={token}", *(["--allow-root"] if os.geteuid() == 0 else [])],
                           cwd=out, env={**env, "JUPYTER_RUNTIME_DIR": str(runtime)}, stdout=subprocess.DEVNULL,
                           stderr=open(log, "wb"), start_new_session=True)
    try:
        base = jupyter_server_url(runtime, lab, timeout=120, log=log)
        listing = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and lab.poll() is None:
            try:
                with urllib.request.urlopen(f"{base}/api/contents?token={token}", timeout=5) as r:
                    listing = json.load(r)
                break
            except OSError:
                time.sleep(0.2)
        assert listing is not None, "JupyterLab did not answer: " + log.read_text(errors="replace")[-2000:]
        names = {item["name"] for item in listing["content"]}
        assert {"lessons", "exercises", "nnkit", "README.md"} <= names, names
        url = f"{base}/api/contents/lessons/01_rule_based.ipynb?token={token}"
        with urllib.request.urlopen(url, timeout=10) as r:
            assert json.load(r)["type"] == "notebook"
    finally:
        if lab.poll() is None:
            os.killpg(lab.pid, signal.SIGTERM)
            try:
                lab.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(lab.pid, signal.SIGKILL)
                lab.wait()
    shutil.rmtree(out / ".venv", ignore_errors=True)


def test_python_version_is_told_the_same_everywhere():
    """The pins need Python 3.11 (NumPy 2.4's own metadata says so); pyproject, doctor and both READMEs agree."""
    import importlib.metadata as md
    import inspect
    from nnkit import doctor
    assert md.metadata("numpy")["Requires-Python"] == ">=3.11"
    assert 'requires-python = ">=3.11"' in (REPO / "pyproject.toml").read_text()
    assert doctor.MIN_PYTHON == (3, 11) and "The course needs Python 3.11 or newer" in inspect.getsource(doctor.checks)
    for readme in (REPO / "README.md", REPO / "coursetools" / "templates" / "STUDENT_README.md"):
        text = readme.read_text()
        assert "Python 3.11 or newer" in text and "3.10" not in text, readme


def test_the_learners_requirements_speak_of_what_they_install():
    """The release's requirements.txt keeps every learner pin of the course's and says nothing of the tools it
    leaves out (the repository's header speaks of the instructors' tools and coursetools)."""
    from coursetools.release import INSTRUCTOR_SECTION, student_requirements
    course = (REPO / "requirements.txt").read_text()
    learners = student_requirements(course)
    pins = [ln for ln in course.split(INSTRUCTOR_SECTION)[0].splitlines() if ln and not ln.startswith("#")]
    assert [ln for ln in learners.splitlines() if ln and not ln.startswith("#")] == pins + ["-e ."]
    comments = " ".join(ln for ln in learners.splitlines() if ln.startswith("#")).lower()
    for word in ("coursetools", "instructor", "tests", "pytest", "nbval"):
        assert word not in comments, f"the learners' requirements.txt speaks of {word!r}: {learners[:600]}"
    assert "nnkit" in comments and "3.11" in comments


def test_the_offline_install_brings_what_pip_builds_the_course_with():
    """The README's offline install: ``pip download`` saves the requirements' wheels but not the build backend that
    ``-e .`` needs (pyproject's build-system.requires), and ``pip install --no-index`` then cannot build nnkit. Tried
    on 2026-12-06: without setuptools in the folder the offline install failed, with it the install passed."""
    readme = (REPO / "README.md").read_text()
    download = re.search(r"`(pip download -r requirements\.txt[^`]*)`", readme)
    assert download, "the README's offline install (pip download) is gone"
    words = shlex.split(download.group(1))
    backend = tomllib.loads((REPO / "pyproject.toml").read_text())["build-system"]["requires"]
    assert backend and all(req in words for req in backend), (download.group(1), backend)
    assert "-e ." in (REPO / "requirements.txt").read_text().splitlines()      # why the backend is needed at all
