"""The repository as repo2docker builds it (mybinder.org, JupyterHubs): the files it reads are checked against
its documented rules, and ``binder/postBuild`` is run as repo2docker runs it (from the repository's root, with
the environment's ``jupyter`` and ``python`` first on PATH) in a fresh environment: a new prefix (sys.prefix,
where ``--level=sys_prefix`` settings go) whose packages are the course's venv, and empty HOME, Jupyter config,
data and runtime folders. Then JupyterLab is started there with no arguments of the course's own, and the
first-start checks of ``test_jupyterlab_e2e.py`` are made on the server's side: it opens lesson 1 with the whole
course in the file browser, the news pop-up is disabled, the lessons' outputs are trusted (so saved widgets
render as widgets), and no lesson file changed. No Docker engine is needed (none runs here): the image
itself is not built."""
import json
import os
import re
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from ports import jupyter_server_url

REPO = Path(__file__).resolve().parent.parent
BINDER = REPO / "binder"
LESSON_1 = "lessons/01_rule_based.ipynb"


def test_the_files_repo2docker_reads():
    # repo2docker reads binder/ alone when it exists (root files are then ignored); binder/ and .binder/ together
    # are an error
    assert BINDER.is_dir() and not (REPO / ".binder").exists()
    reqs = [ln.strip() for ln in (BINDER / "requirements.txt").read_text().splitlines()
            if ln.strip() and not ln.startswith("#")]
    assert reqs[0] == "-r ../requirements.txt", "binder/requirements.txt must install the course's pinned environment"
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[\w.]+", r) for r in reqs[1:]), "every extra package pinned"
    assert "-e ." in (REPO / "requirements.txt").read_text().splitlines()
    # runtime.txt: python-x.y, which the course's pyproject.toml accepts
    runtime = (BINDER / "runtime.txt").read_text().strip()
    m = re.fullmatch(r"python-(3\.\d+)", runtime)
    assert m, runtime
    requires = re.search(r'requires-python\s*=\s*"([^"]+)"', (REPO / "pyproject.toml").read_text()).group(1)
    assert m.group(1) in SpecifierSet(requires), (runtime, requires)
    # postBuild: executable (in git too, where repo2docker takes it from), a bash script that stops on errors
    post = BINDER / "postBuild"
    assert post.stat().st_mode & stat.S_IXUSR
    mode = subprocess.run(["git", "ls-files", "-s", "binder/postBuild"], cwd=REPO, capture_output=True,
                          text=True).stdout.split()
    assert not mode or mode[0] == "100755", mode
    text = post.read_text()
    assert text.startswith("#!/bin/bash\n") and "set -euo pipefail" in text


def _fresh_prefix(tmp_path):
    """A new environment prefix whose packages are the course venv's: a venv without pip, a .pth file to
    the venv's site-packages, the package configuration the venv's packages installed (etc/jupyter), and
    ``jupyter*`` commands that run with the new prefix's Python."""
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    site = Path(subprocess.run([str(env / "bin" / "python"), "-c",
                                "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "course_venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    shutil.copytree(Path(sys.prefix) / "etc" / "jupyter", env / "etc" / "jupyter")
    assert not (env / "etc" / "jupyter" / "labconfig").exists(), "the venv already disables something"
    for script in Path(sys.prefix, "bin").glob("jupyter*"):
        lines = script.read_text().splitlines(keepends=True)
        if lines and lines[0].startswith("#!"):
            (env / "bin" / script.name).write_text(f"#!{env / 'bin' / 'python'}\n" + "".join(lines[1:]))
            (env / "bin" / script.name).chmod(0o755)
    return env


def _environ(tmp_path, env):
    venv_share = Path(sys.prefix) / "share" / "jupyter"
    return {"PATH": f"{env / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path / "home"), "LANG": "C.UTF-8",
            "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"), "JUPYTER_DATA_DIR": str(tmp_path / "data"),
            "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
            # the venv's shared files (JupyterLab's built app, the widget extension, the kernel), which a real
            # environment has under its own prefix
            "JUPYTERLAB_DIR": str(venv_share / "lab"), "JUPYTER_PATH": str(venv_share)}


def _stop(proc):
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(5)


@contextmanager
def _server(env, environ, tmp_path, command):
    """``jupyter <command>`` of the fresh environment on a free loopback port; yields (url, token)."""
    for old in (tmp_path / "rt").glob("jpserver-*"):
        old.unlink()
    token = secrets.token_hex(16)
    server = subprocess.Popen(         # port 0: the server binds a free port itself and writes it down
        [str(env / "bin" / "jupyter"), command, "--no-browser", "--ServerApp.port=0", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0"]
        + (["--allow-root"] if os.geteuid() == 0 else []),
        cwd=REPO, env=environ, stdout=open(tmp_path / f"{command}.log", "wb"), stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        url = jupyter_server_url(tmp_path / "rt", server, log=tmp_path / f"{command}.log")
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"jupyter {command} exited: " + (tmp_path / f"{command}.log").read_text()[-2000:])
                time.sleep(0.5)
        yield url, token
    finally:
        _stop(server)


def _opened(tmp_path):
    """The address the server asks the browser to open."""
    opened = list((tmp_path / "rt").glob("jpserver-*-open.html"))
    assert opened, "the server wrote no page for the browser to open"
    return re.search(r'http-equiv="refresh" content="1;url=([^"]+)"', opened[0].read_text()).group(1)


def test_post_build_gives_the_readmes_first_start(tmp_path):
    env = _fresh_prefix(tmp_path)
    environ = _environ(tmp_path, env)
    lessons = {p: p.read_bytes() for p in (REPO / "lessons").glob("*.ipynb")}
    build = subprocess.run([str(BINDER / "postBuild")], cwd=REPO, env=environ, capture_output=True, text=True,
                           timeout=300)
    assert build.returncode == 0, build.stdout + build.stderr
    assert {p: p.read_bytes() for p in lessons} == lessons, "postBuild changed a lesson"
    assert not (tmp_path / "cfg").exists(), "postBuild wrote into the user's config, not the environment's"

    with _server(env, environ, tmp_path, "lab") as (url, token):
        # opens on lesson 1, with the course's folder in the file browser
        assert f"/lab/tree/{LESSON_1}?file-browser-path=%2F" in _opened(tmp_path), _opened(tmp_path)
        listing = json.load(urllib.request.urlopen(f"{url}/api/contents/?token={token}&content=1", timeout=10))
        assert {"lessons", "exercises", "solutions", "README.md"} <= {i["name"] for i in listing["content"]}
        # the news pop-up: disabled in the page JupyterLab serves
        page = urllib.request.urlopen(f"{url}/lab/tree/{LESSON_1}?token={token}", timeout=30).read().decode()
        config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                      page, re.S).group(1))
        assert "@jupyterlab/apputils-extension:announcements" in config.get("disabledExtensions", []), \
            config.get("disabledExtensions")
        # trusted: the server marks the saved outputs as trusted, so JupyterLab renders the saved widgets
        for lesson in sorted(lessons):
            rel = lesson.relative_to(REPO).as_posix()
            model = json.load(urllib.request.urlopen(f"{url}/api/contents/{rel}?token={token}&content=1", timeout=30))
            with_outputs = [c for c in model["content"]["cells"] if c["cell_type"] == "code" and c["outputs"]]
            assert with_outputs and all(c["metadata"].get("trusted") is True for c in with_outputs), rel
            if rel == LESSON_1:               # lesson 1's grids: saved widget views, and their saved state
                views = [o for c in with_outputs for o in c["outputs"]
                         if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
                assert views and model["content"]["metadata"].get("widgets"), rel
    # a plain Jupyter server opens lesson 1 too (jupyterhub-singleuser is one, unless the hub sets its own page)
    with _server(env, environ, tmp_path, "server"):
        assert f"/lab/tree/{LESSON_1}?file-browser-path=%2F" in _opened(tmp_path), _opened(tmp_path)
    assert {p: p.read_bytes() for p in lessons} == lessons, "opening the lessons rewrote one"
