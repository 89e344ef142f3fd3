"""JupyterLab end to end, as a learner uses it: a real server on a loopback port with a token, lesson 2
opened with its outputs cleared, Run > Run All Cells from the menu, then: every cell ran, no errors, the
figures are there, and the learning-rate slider responds. Also a first start exactly as the README says (its
`jupyter trust`, `jupyter labextension disable` and `jupyter lab` lines, with a fresh HOME and the network
blocked): lesson 1 opens with the whole course in the file browser, its saved widgets show as widgets (not as
`HBox(...)` text), no news pop-up appears, and the notebook is not marked modified (nor rewritten on disk)
after its kernel has started. Both tests share one headless Chromium, each in a fresh context of it (nothing of
one test's page is seen by the other's); each starts a JupyterLab server of its own. Every process started is
stopped by its id."""
import json
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from browser import chromium
from ports import jupyter_server_url

REPO = Path(__file__).resolve().parent.parent
LESSON = REPO / "lessons" / "02_least_squares.ipynb"


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


def _fresh_env(tmp_path):
    """A first start: empty HOME, Jupyter config, data (the trust database) and runtime folders, and a temporary
    folder of the test's own (the server leaves two empty folders in the temporary folder at every start: here
    they go with the test's tmp_path, not into /tmp)."""
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return dict(os.environ, HOME=str(tmp_path / "home"), JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"),
                JUPYTER_DATA_DIR=str(tmp_path / "data"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"),
                TMPDIR=str(tmp_path / "tmp"))


@contextmanager
def _jupyterlab(args, tmp_path, cwd, quiet_news=True):
    """Start ``jupyter lab <args>`` on loopback with a token; yield (url, token); stop it and all it started.

    The server binds port 0 (a port the system gives it) and writes it into jpserver-<pid>.json in the test's
    own runtime folder; the test reads it from there. ``expose_app_in_browser`` lets the test ask JupyterLab's
    own objects (the kernel, the notebook's model) what it waits for, instead of waiting a fixed time."""
    token = secrets.token_hex(16)
    env = _fresh_env(tmp_path)
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", *args, "--no-browser", "--ServerApp.port=0",
             "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True"]
            + (["--LabApp.news_url="] if quiet_news else []) + (["--allow-root"] if os.geteuid() == 0 else []),
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True)
    try:
        url = jupyter_server_url(env["JUPYTER_RUNTIME_DIR"], server, timeout=120, log=log)
        deadline = time.monotonic() + 60
        while True:                   # the info file is written just before the server starts answering
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not answer: " + log.read_text(errors="replace")[-2000:])
                time.sleep(0.1)
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


# In the page: the open notebook's kernel once it is connected and idle, else null.
KERNEL = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return k && k.connectionStatus === 'connected' && k.status === 'idle' ? true : null; }"""

# In the page: wait until JupyterLab has answered the kernel's info and spec (it copies them into the
# notebook's metadata then, which marks the notebook modified if they differ from the file's), and two frames
# more for the tab bar to show it; return whether the notebook is modified.
MODIFIED_AFTER_KERNEL_INFO = """async () => { const w = window.jupyterapp.shell.currentWidget;
    const k = w.sessionContext.session.kernel;
    await k.info; await k.spec;
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    return w.context.model.dirty; }"""


# Playwright's wait_for_function evaluates its condition at every frame unless told otherwise; measured on a page
# of 60 cells while waiting 10 s: 0.7 s of Chromium's CPU so, 0.1 s when evaluated every 100 ms.
POLL_MS = 100


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the tests of this file; each test opens a fresh context of it (cookies, storage
    and cache of its own), so that nothing one test's page did is seen by the other's. Module scope, as in
    test_slides.py: while Playwright's synchronous API is open an asyncio loop runs in this thread, which other
    files' tests must not meet."""
    with chromium() as b:
        yield b


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


def _readme_commands():
    """The ``jupyter ...`` lines of the README's install-and-open block, split into arguments."""
    text = (REPO / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", text, re.S).group(1)
    parts = [p.strip() for line in block.splitlines() for p in line.split("&&")]
    return [shlex.split(p) for p in parts if p.startswith("jupyter ")]


def test_first_start_as_the_readme_says(tmp_path, browser):
    commands = _readme_commands()
    lab_args = next(c[2:] for c in commands if c[1] == "lab")
    env = _fresh_env(tmp_path)
    for c in commands:
        if c[1] == "trust":                 # signs into the trust database of this test's fresh data folder
            subprocess.run([sys.executable, "-m", "jupyter", *c[1:]] if "*" not in " ".join(c) else
                           [sys.executable, "-m", "jupyter", "trust",
                            *sorted(str(p.relative_to(REPO)) for p in REPO.glob(c[2]))],
                           cwd=REPO, env=env, check=True, capture_output=True)
        elif c[1] == "labextension":        # the README writes into the venv; here into the test's own config
            args = [("--level=user" if a.startswith("--level") else a) for a in c[2:]]
            subprocess.run([sys.executable, "-m", "jupyter", "labextension", *args], cwd=REPO, env=env, check=True,
                           capture_output=True)
    lesson = REPO / "lessons" / "01_rule_based.ipynb"
    before = lesson.read_bytes()
    with _jupyterlab(lab_args, tmp_path, cwd=REPO, quiet_news=False) as (url, token):
        listing = json.load(urllib.request.urlopen(f"{url}/api/contents/?token={token}&content=1", timeout=10))
        assert {"lessons", "exercises", "solutions", "README.md"} <= {i["name"] for i in listing["content"]}
        # the page JupyterLab opens in the learner's browser
        opened = [p for p in (tmp_path / "rt").glob("jpserver-*-open.html")]
        assert opened, "JupyterLab wrote no page for the browser to open"
        target = re.search(r'http-equiv="refresh" content="1;url=([^"]+)"', opened[0].read_text()).group(1)
        assert "/lab/tree/lessons/01_rule_based.ipynb?" in target, target
        with browser.new_context(viewport={"width": 1366, "height": 768}) as ctx:
            outside = []

            def route(r):
                if r.request.url.startswith(url):
                    r.continue_()
                else:
                    outside.append(r.request.url)
                    r.abort()

            ctx.route("**/*", route)
            page = ctx.new_page()
            page.set_default_timeout(60000)
            page.goto(target.replace("&amp;", "&"))
            page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
            page.wait_for_function(KERNEL, timeout=90000, polling=POLL_MS)
            modified = page.evaluate(MODIFIED_AFTER_KERNEL_INFO)
            # the saved widgets drawn (the pixel grid has 64 buttons or more), and the file browser listed
            page.wait_for_function("""() => document.querySelectorAll('.jp-OutputArea .widget-gridbox button')
                .length >= 64 && document.querySelectorAll('.jp-DirListing-itemName').length > 0""", timeout=60000,
                polling=POLL_MS)
            disabled = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent)"
                                     ".disabledExtensions || []")
            state = page.evaluate("""() => ({
                dirty: document.querySelectorAll('.lm-TabBar-tab.jp-mod-dirty').length,
                tabs: [...document.querySelectorAll('.jp-NotebookPanel')].length,
                widgets: document.querySelectorAll('.jp-OutputArea .jupyter-widgets').length,
                grid: document.querySelectorAll('.jp-OutputArea .widget-gridbox button').length,
                reprs: [...document.querySelectorAll('.jp-OutputArea-output')]
                    .filter(o => /^\\s*[HV]Box\\(children=/.test(o.textContent)).length,
                toasts: [...document.querySelectorAll('.Toastify__toast')].map(t => t.innerText),
                crumbs: (document.querySelector('.jp-BreadCrumbs') || {}).innerText,
                listed: [...document.querySelectorAll('.jp-DirListing-itemName')].map(e => e.innerText)})""")
            (REPO / "build" / "screenshots").mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(REPO / "build" / "screenshots" / "jupyterlab_first_start.png"))
        assert not modified and state["tabs"] == 1 and state["dirty"] == 0, \
            f"the fresh lesson is marked modified: {state}"
        assert state["widgets"] > 0 and state["grid"] >= 64 and state["reprs"] == 0, \
            f"saved widgets do not show as widgets: {state}"
        # the news pop-up can come at any time: the README's command switches off the plugin that shows it
        assert "@jupyterlab/apputils-extension:announcements" in disabled, disabled
        assert not [t for t in state["toasts"] if "news" in t.lower()], f"news pop-up: {state['toasts']}"
        assert {"lessons", "exercises", "solutions"} <= set(state["listed"]), \
            f"the file browser does not show the whole course: {state['crumbs']!r} {state['listed']}"
        assert not outside, f"JupyterLab tried to reach the network: {outside[:3]}"
    assert lesson.read_bytes() == before, "opening the lesson rewrote the file"


def test_run_all_cells_in_jupyterlab(lab, browser):
    url, token = lab
    with browser.new_context(viewport={"width": 1400, "height": 900}) as ctx:
        page = ctx.new_page()
        page.set_default_timeout(60000)
        page.goto(f"{url}/lab/tree/{LESSON.name}?token={token}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
        page.wait_for_function(KERNEL, timeout=90000, polling=POLL_MS)          # the kernel is up
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        # Every code cell numbered, or an error shown (JupyterLab stops running at a failing cell: the check below
        # then says which, at once). textContent, not innerText: JupyterLab skips rendering cells out of view, whose
        # innerText is empty. Lesson 2 runs in about 3 s (nbval); the bound is for a machine busy with other work.
        page.wait_for_function("""() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
            const failed = [...document.querySelectorAll('.jp-OutputArea-output')]
                .some(o => o.textContent.includes('Traceback') || /\\w+Error:/.test(o.textContent));
            return failed || (prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent)));
        }""", timeout=120000, polling=POLL_MS)
        errors = page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output')]
            .map(o => o.textContent).filter(t => t.includes('Traceback') || /\\w+Error:/.test(t))""")
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
        page.wait_for_function("(b) => document.querySelector('.widget-slider .widget-readout').innerText != b", arg=before,
                               polling=POLL_MS)
        page.wait_for_function("(s) => { const i = document.querySelector('.jupyter-widgets-output-area img, .widget-output img');"
                               " return i && i.getAttribute('src') != s; }", arg=src_before, timeout=30000,
                               polling=POLL_MS)
        page.screenshot(path=str(REPO / "build" / "screenshots" / "jupyterlab_lesson02.png"))
