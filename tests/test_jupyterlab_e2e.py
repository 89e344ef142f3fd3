"""JupyterLab end to end, as a learner uses it: a real server on a loopback port with a token, lesson 2
opened with its outputs cleared, Run > Run All Cells from the menu, then: every cell ran, no errors, the
figures are there, and the learning-rate slider responds. Also the README's own `jupyter lab` command: it serves
the whole course and opens lesson 1. Every process started is stopped by its id."""
import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from browser import browser_context

REPO = Path(__file__).resolve().parent.parent
LESSON = REPO / "lessons" / "02_least_squares.ipynb"


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _descendants(pid):
    """Process ids of all descendants of ``pid`` (read from /proc)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


@contextmanager
def _jupyterlab(args, tmp_path, cwd):
    """Start ``jupyter lab <args>`` on a free loopback port with a token; yield (url, token); stop it by pid."""
    token, port = secrets.token_hex(16), _free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"))
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", *args, "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0",
         "--LabApp.news_url="] + (["--allow-root"] if os.geteuid() == 0 else []),
        stdout=open(tmp_path / "server.log", "wb"), stderr=subprocess.STDOUT, env=env, cwd=cwd,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail("JupyterLab exited: " + (tmp_path / "server.log").read_text()[-2000:])
                time.sleep(0.5)
        yield url, token
    finally:
        pids = _descendants(server.pid) + [server.pid]
        for pid in pids:                      # the server, its kernels and anything they started
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            pass
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        server.wait(5)


@pytest.fixture
def lab(tmp_path):
    nb = nbformat.read(str(LESSON), as_version=4)
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, str(tmp_path / LESSON.name))
    with _jupyterlab([f"--ServerApp.root_dir={tmp_path}"], tmp_path, cwd=tmp_path) as (url, token):
        yield url, token


def _readme_lab_args():
    """The arguments of ``jupyter lab`` in the README's install-and-open command."""
    text = (REPO / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", text, re.S).group(1)
    line = next(ln for ln in block.splitlines() if "jupyter lab" in ln)
    return shlex.split(line.split("jupyter lab", 1)[1])


def test_readme_command_opens_the_first_lesson_with_the_whole_course(tmp_path):
    # The README's own `jupyter lab ...` arguments, run from the README's folder (no browser needed here:
    # the REST API shows what the learner's file browser and first tab get).
    args = _readme_lab_args()
    with _jupyterlab(args, tmp_path, cwd=REPO) as (url, token):
        listing = json.load(urllib.request.urlopen(f"{url}/api/contents/?token={token}&content=1", timeout=10))
        names = {item["name"] for item in listing["content"]}
        assert {"lessons", "exercises", "solutions", "README.md"} <= names, names
        # the page JupyterLab opens in the learner's browser when it is given a file to open
        opened = [p.read_text() for p in (tmp_path / "rt").glob("jpserver-file-to-run-*-open.html")]
        assert opened, "JupyterLab was given no notebook to open"
        target = re.search(r'http-equiv="refresh" content="1;url=([^"]+)"', opened[0]).group(1)
        assert "/lab/tree/lessons/01_rule_based.ipynb?" in target, target


def test_run_all_cells_in_jupyterlab(lab):
    url, token = lab
    with browser_context(viewport=(1400, 900)) as ctx:
        page = ctx.new_page()
        page.set_default_timeout(60000)
        page.goto(f"{url}/lab/tree/{LESSON.name}?token={token}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'], .jp-Toolbar-kernelStatus, "
                               "#jp-main-statusbar", state="attached")
        page.wait_for_timeout(2000)                            # let the kernel come up
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        page.wait_for_function("""() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""", timeout=120000)
        errors = page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output')]
            .map(o => o.innerText).filter(t => t.includes('Traceback') || /\\w+Error:/.test(t))""")
        assert errors == [], errors[:2]
        assert page.locator(".jp-RenderedImage img").count() >= 3
        slider = page.locator(".widget-slider").first
        slider.wait_for()
        readout = page.locator(".widget-slider .widget-readout").first
        before = readout.inner_text()
        image = page.locator(".jupyter-widgets-output-area img, .widget-output img").first
        image.wait_for()
        src_before = image.get_attribute("src")
        page.locator(".widget-slider .noUi-handle").first.focus()
        for _ in range(20):
            page.keyboard.press("ArrowRight")
        page.wait_for_function("(b) => document.querySelector('.widget-slider .widget-readout').innerText != b", arg=before)
        page.wait_for_function("(s) => { const i = document.querySelector('.jupyter-widgets-output-area img, .widget-output img');"
                               " return i && i.getAttribute('src') != s; }", arg=src_before, timeout=30000)
        page.screenshot(path=str(REPO / "build" / "screenshots" / "jupyterlab_lesson02.png"))
