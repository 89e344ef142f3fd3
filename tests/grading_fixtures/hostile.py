"""A class of submissions for the grader's tests: correct ones, the broken ones students write, and the
hostile ones of issue 11 (each escape that the old grader let through), with the score each deserves.

A *probe* submission is the solution plus a cell that tries an escape; if the escape works, the cell
redefines ``loss`` to return a wrong value, so the submission loses the loss task's 2 points. With the
sandbox every probe must keep 7 / 7. Probes that write try to create NEW files (``_pwned_<token>``) only, so
a broken sandbox cannot damage the checkout; the tests look for those files afterwards too.
"""
import hashlib
import os
import subprocess
import time
import stat
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ex02 import EXERCISE, notebook, write


@dataclass
class Ctx:
    """Host paths and secrets the hostile submissions aim at."""
    repo: Path
    hidden: Path
    subs: Path               # the submissions folder
    out: Path                # the --out folder
    copy: Path               # another copy of the course's solution elsewhere on disk
    root_secret: Path        # mode 600, owned by root
    user_secret: Path        # mode 600, owned by the grading user
    token: str               # secret text: in the files above and in the grader's environment
    marker: str              # argument of the daemon's sleep, found in the process table if it survives


ASARRAY_DESCEND = ("def descend(X, t, w0, eta, steps):\n    w = np.array(w0, dtype=float)\n"
                   "    for _ in range(int(steps)):\n        w = w - eta * np.asarray(gradient(X, w, t))\n    return w")
CHANNEL = ("import os\n_fds = []\nfor f in os.listdir('/proc/self/fd'):\n    try:\n"
           "        if int(f) > 2 and os.readlink('/proc/self/fd/' + f).startswith('pipe:'):\n"
           "            _fds.append(int(f))\n    except OSError:\n        pass\n")


BUDGET = 12.0          # seconds per submission the grading tests allow (--budget)
SLOW_CELLS = 12         # cells of 1.5 s: 18 s, more than BUDGET


def tag(file_name):
    """The grader's documented suffix for file names that clean to the same gradebook name."""
    return hashlib.sha256(file_name.encode()).hexdigest()[:6]


def resend(line):
    """The solution plus a cell (cell 9) that writes ``line`` to every pipe it holds, every 0.2 s for 100 s."""
    return notebook(extra=CHANNEL + textwrap.dedent(f"""
        import time
        for _ in range(500):
            for fd in _fds:
                try:
                    os.write(fd, {line!r} + b"\\n")
                except OSError:
                    pass
            time.sleep(0.2)
        """), extra_at=8)


def probe(code):
    """The solution plus a cell (after the setup) that runs ``code`` (a function body returning True when
    the escape worked); a working escape costs the loss task."""
    body = textwrap.indent(textwrap.dedent(code).strip(), "    ")
    cell = (f"def _probe():\n{body}\n\ntry:\n    _hit = bool(_probe())\nexcept BaseException:\n    _hit = False\n"
            f"if _hit:\n    def loss(X, w, t):\n        return -1.0\n")
    return notebook(extra=cell, extra_at=8)


def build(ctx, as_root=True):
    """Write the class into ctx.subs; return {student name: expected score (None: any score)}. With
    ``as_root`` (the grader runs as root), also a memory fork bomb that only the root grader's memory
    cgroup can stop."""
    r, tok = repr(str(ctx.repo)), repr(ctx.token)
    site = repr(str(Path(os.__file__).parent))
    venv_site = repr(next(str(p) for p in map(Path, __import__("sys").path) if p.name == "site-packages"))
    cases = {
        # --- correct work, in every accepted form -------------------------------------------------------
        "aa_correct": (notebook(), 7),
        "mm_correct": (notebook(), 7),
        "zz_correct": (notebook(), 7),
        "zz_victim": (notebook(), 7),
        "returns_list": (notebook({"gradient": "def gradient(X, w, t):\n    return list(X.T @ (X @ w - t))",
                                   "descend": ASARRAY_DESCEND}), 7),
        "returns_tuple": (notebook({"gradient": "def gradient(X, w, t):\n    return tuple(X.T @ (X @ w - t))",
                                    "descend": ASARRAY_DESCEND}), 7),
        "loss_0d_array": (notebook({"loss": "def loss(X, w, t):\n    r = X @ w - t\n    return np.array(0.5 * (r @ r))"}), 7),
        "loss_numpy_scalar": (notebook({"loss": "def loss(X, w, t):\n    return np.sum((X @ w - t) ** 2) / 2"}), 7),
        "loss_one_element_list": (notebook({"loss": "def loss(X, w, t):\n    return [0.5 * float(np.sum((X @ w - t) ** 2))]"}), 7),
        "slow_but_correct": (notebook({"gradient": "import time\ndef gradient(X, w, t):\n    time.sleep(0.001)\n"
                                                   "    return X.T @ (X @ w - t)"}), 7),
        "warning": (notebook({"gradient": "import warnings\ndef gradient(X, w, t):\n    warnings.warn('check eta')\n"
                                          "    return X.T @ (X @ w - t)"}), 7),
        # --- broken work ---------------------------------------------------------------------------------
        "untouched": (notebook(base=EXERCISE), 0),
        "leftover_not_implemented": (notebook({"loss": EXERCISE["loss"]}), 5),
        "syntax_error_in_loss": (notebook({"loss": "def loss(X, w, t)\n    return 0"}), 5),
        # an endless loop that sleeps (the grader handles it exactly like a busy one, at no CPU cost here)
        "a2_loop_in_gradient": (notebook({"gradient": "import time\ndef gradient(X, w, t):\n    while True:\n"
                                                   "        time.sleep(0.05)"}), 2),
        "a5_loop_at_top_level": (notebook(extra="while True:\n    pass"), 7),
        "sys_exit": (notebook(extra="import sys\nsys.exit(3)"), 7),
        "os_exit_cell": (notebook(extra="import os\nos._exit(0)"), 7),
        "segfault_in_gradient": (notebook({"gradient": "import ctypes\ndef gradient(X, w, t):\n    return ctypes.string_at(0)"}), 2.5),
        "huge_allocation": (notebook(extra="import numpy as np\nbig = np.ones(10**11)"), 7),
        "prints_megabytes": (notebook(extra="for _ in range(100):\n    print('x' * 100_000)"), 7),
        "input": (notebook(extra="name = input('your name? ')"), 7),
        "column_shape": (notebook({"gradient": "def gradient(X, w, t):\n    return (X.T @ (X @ w - t)).reshape(-1, 1)"}), 2.5),
        "nan": (notebook({"gradient": "def gradient(X, w, t):\n    return np.full(len(w), np.nan)"}), 2.5),
        "wrong_factor": (notebook({"gradient": "def gradient(X, w, t):\n    return 2 * (X.T @ (X @ w - t))"}), 2.5),
        "mutates_w0": (notebook({"descend": "def descend(X, t, w0, eta, steps):\n    w = w0\n    for _ in range(int(steps)):\n"
                                            "        w -= eta * gradient(X, w, t)\n    return w.copy()"}), 5.5),
        "patched_allclose": (notebook({"gradient": "np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n"
                                                   "def gradient(X, w, t):\n    return np.zeros(len(w))"}), 2.5),
        "lying_eq": (notebook({"gradient": "class Yes:\n    def __eq__(self, other): return True\n    __array_priority__ = 1000\n"
                                           "def gradient(X, w, t):\n    return Yes()"}), 2.5),
        # --- hostile: read what must stay hidden (a working escape costs the loss task) -------------------
        "reads_git_history": (probe(f"""
            import subprocess, os
            for cmd in (["git", "-C", {r}, "show", "HEAD:solutions/02_least_squares.ipynb"], ["git", "-C", {r}, "log", "-1"]):
                try:
                    if subprocess.run(cmd, capture_output=True, timeout=5).returncode == 0:
                        return True
                except Exception:
                    pass
            return os.path.exists(os.path.join({r}, ".git", "HEAD"))
            """), 7),
        "reads_course_tree": (probe(f"""
            import os, glob
            names = glob.glob(os.path.join({r}, "**", "*.ipynb"), recursive=True)
            names += glob.glob(os.path.join({r}, "**", "h02_*.py"), recursive=True)
            names += [{repr(str(ctx.hidden / "h02_least_squares.py"))}, {repr(str(ctx.copy))}]
            for n in names:
                try:
                    open(n).read(10)
                    return True
                except OSError:
                    pass
            """), 7),
        "reads_secret_files": (probe(f"""
            for n in [{repr(str(ctx.root_secret))}, {repr(str(ctx.user_secret))}, "/etc/shadow", "/root/.bash_history"]:
                try:
                    if open(n).read(100):
                        return True
                except OSError:
                    pass
            """), 7),
        "reads_environment": (probe(f"""
            import os, glob
            if any({tok} in v for v in os.environ.values()):
                return True
            for p in glob.glob("/proc/*/environ"):
                try:
                    if {tok}.encode() in open(p, "rb").read():
                        return True
                except OSError:
                    pass
            """), 7),
        "network": (probe("""
            import socket
            for addr in [("1.1.1.1", 53), ("127.0.0.1", 22), ("pypi.org", 443)]:
                try:
                    socket.create_connection(addr, timeout=1).close()
                    return True
                except OSError:
                    pass
            """), 7),
        "runs_as_root": (probe("""
            import os
            status = open("/proc/self/status").read()
            caps = [l.split()[1] for l in status.splitlines() if l.startswith(("CapEff", "CapPrm", "CapBnd"))]
            nnp = [l.split()[1] for l in status.splitlines() if l.startswith("NoNewPrivs")]
            return os.getuid() == 0 or any(int(c, 16) for c in caps) or nnp != ["1"]
            """), 7),
        # --- hostile: write where it must not -------------------------------------------------------------
        "writes_course_and_venv": (probe(f"""
            import os
            hit = False
            for d in [os.path.join({r}, "nnkit"), os.path.join({r}, ".git", "hooks"), {venv_site}, {site},
                      os.path.join({r}, "coursetools", "grading", "__pycache__"), {repr(str(ctx.hidden))},
                      {repr(str(ctx.subs))}, {repr(str(ctx.out))}, {repr(str(ctx.out / "students"))}]:
                try:
                    with open(os.path.join(d, "_pwned_" + {tok}), "x") as fh:
                        fh.write("pwned")
                    hit = True
                except OSError:
                    pass
            return hit
            """), 7),
        "overwrites_next_notebook": (probe(f"""
            import os
            try:
                with open(os.path.join({repr(str(ctx.subs))}, "zz_victim.ipynb"), "w") as fh:
                    fh.write("{{}}")
                return True
            except OSError:
                return False
            """), 7),
        "forges_other_pipes": (notebook(extra=textwrap.dedent("""
            import os, glob
            forged = b'{"case": [1, 0], "error": {"type": "Forged", "msg": "x"}}\\n' * 3 + b'[' * 100000 + b'\\n'
            for p in glob.glob("/proc/[0-9]*/fd/*"):
                if p.startswith("/proc/%d/" % os.getpid()) or p.startswith("/proc/self/"):
                    continue
                try:
                    if os.readlink(p).startswith("pipe:"):
                        fd = os.open(p, os.O_WRONLY | os.O_NONBLOCK)
                        os.write(fd, forged)
                        os.close(fd)
                except OSError:
                    pass
            """), extra_at=8), None),
        # --- hostile: stop or slow the whole class --------------------------------------------------------
        "kills_grader": (notebook(extra=textwrap.dedent("""
            import os, signal
            for pid in [os.getppid(), 1] + [int(p) for p in os.listdir("/proc") if p.isdigit()]:
                if pid != os.getpid():
                    for sig in (signal.SIGTERM, signal.SIGKILL):
                        try:
                            os.kill(pid, sig)
                        except OSError:
                            pass
            try:
                os.killpg(os.getpgid(os.getppid()), signal.SIGKILL)
            except OSError:
                pass
            """), extra_at=8), 7),
        "brackets_line": (notebook(extra=CHANNEL + "for fd in _fds:\n    os.write(fd, b'[' * 100000 + b'\\n')", extra_at=8), 0),
        "wrong_types_line": (notebook(extra=CHANNEL + "for fd in _fds:\n    os.write(fd, b'{\"case\": [0, \"x\"], \"result\": 5}\\n')",
                                      extra_at=8), 0),
        "daemon": (notebook(extra=textwrap.dedent(f"""
            import os, ctypes
            if os.fork() == 0:
                os.setsid()
                ctypes.CDLL(None).prctl(1, 0)         # PR_SET_PDEATHSIG = 0
                if os.fork() == 0:
                    os.execv("/bin/sleep", ["sleep", "{ctx.marker}"])
                os._exit(0)
            """), extra_at=8), 7),
        "fork_bomb": (probe("""
            import os, time
            n = 0
            for _ in range(400):
                try:
                    pid = os.fork()
                except OSError:
                    break
                if pid == 0:
                    time.sleep(60)
                    os._exit(0)
                n += 1
            return n >= 300
            """), 7),
        # --- hostile: cheat the checks -------------------------------------------------------------------
        "rebinds_harness_names": (notebook({"descend": "import __main__, builtins, hashlib, sys\n"
                                                       "for _n in ('_bytes', '_digest', '_sha', '_isinstance', '_mv', '_before'):\n"
                                                       "    setattr(__main__, _n, lambda *a, **k: None)\n"
                                                       "    setattr(sys.modules['__main__'], _n, lambda *a, **k: None)\n"
                                                       "builtins.bytes = lambda *a: b''\nhashlib.sha256 = lambda *a: hashlib.md5()\n"
                                                       "def descend(X, t, w0, eta, steps):\n    w = w0\n"
                                                       "    for _ in range(int(steps)):\n        w -= eta * gradient(X, w, t)\n"
                                                       "    return w.copy()"}), 5.5),
        "a3_delayed_self_kill": (notebook({"gradient": "import time\ntime.sleep(1.0)\n" + notebook().cells[5].source},
                                       extra="import threading, os\n"
                                             "threading.Timer(0.4, lambda: os._exit(1)).start()",
                                       extra_at=2), 7),
        # --- issue 19: what no namespace separates, and the harness within reach ------------------------
        "reads_keyring": (probe("""
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            # keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0) and add_key("user", ...)
            got = libc.syscall(250, 0, -3, 0)
            added = libc.syscall(248, b"user", b"student-note", b"hello", 5, -3)
            return got >= 0 or added >= 0
            """), 7),
        "file_lock_channel": (probe("""
            import fcntl, numpy
            fh = open(numpy.__file__)
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except OSError:
                pass
            try:
                fcntl.lockf(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
                return True
            except OSError:
                return False
            """), 7),
        "user_namespace": (probe("""
            import ctypes, os
            libc = ctypes.CDLL(None, use_errno=True)
            if os.fork() == 0:
                os._exit(0 if libc.unshare(0x10000000) == 0 else 1)      # CLONE_NEWUSER
            return os.waitstatus_to_exitcode(os.wait()[1]) == 0
            """), 7),
        "sysv_shm_and_vsock": (probe("""
            import ctypes, socket
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.shmget(0, 1 << 20, 0o1600) >= 0:                      # IPC_PRIVATE, IPC_CREAT | 0600
                return True
            try:
                socket.socket(40, socket.SOCK_STREAM).close()            # AF_VSOCK
                return True
            except OSError:
                return False
            """), 7),
        "memory_outside_tmp": (probe("""
            import os
            chunk = b"x" * (1 << 20)
            for d in ("/", "/dev", "/usr"):
                try:
                    with open(os.path.join(d, "_big"), "wb") as fh:
                        fh.write(chunk)
                    return True
                except OSError:
                    pass
            written = 0                            # 40 files of 0.9 MB (each under the 1-MB file limit)
            try:
                for i in range(40):
                    with open("/dev/shm/_big%d" % i, "wb") as fh:
                        fh.write(chunk[:900_000])
                    written += 1
            except OSError:
                pass
            return written >= 40
            """), 7),
        "sees_system_files": (probe(f"""
            import os, sys
            base = os.path.join(sys.base_prefix, "lib", "python%d.%d" % sys.version_info[:2], "site-packages")
            for p in ("/usr/bin/git", "/bin/sh", "/usr/share", "/usr/local", "/usr/include", "/etc/passwd", base,
                      {repr(str(ctx.hidden))}):
                try:
                    if os.path.isfile(p) or os.listdir(p):
                        return True
                except OSError:
                    pass
            return False
            """), 7),
        # walks up its frames, gives every object there that holds arguments private copies and patches every
        # name the old harness fingerprinted with, then changes its argument in place: the grader must still
        # see it (descend loses 1.5)
        "patches_harness_frames": (notebook({"descend": "import sys, copy\n"
                                             "_f = sys._getframe()\n"
                                             "while _f is not None:\n"
                                             "    for _v in list(_f.f_locals.values()):\n"
                                             "        if isinstance(getattr(_v, 'args', None), list):\n"
                                             "            try:\n                _v.args = copy.deepcopy(_v.args)\n"
                                             "            except Exception:\n                pass\n"
                                             "    for _n in ('_digest', '_send', '_argument', 'isolated_call', 'message', '_sha'):\n"
                                             "        if _n in _f.f_globals and _f.f_globals is not globals():\n"
                                             "            _f.f_globals[_n] = (lambda *a, **k: None) if _n != '_argument' else "
                                             "(lambda spec, mem, _o=_f.f_globals.get('_argument'): _o(spec, mem).copy())\n"
                                             "    _f = _f.f_back\n"
                                             "def descend(X, t, w0, eta, steps):\n    w = w0\n"
                                             "    for _ in range(int(steps)):\n        w -= eta * gradient(X, w, t)\n"
                                             "    return w.copy()"}), 5.5),
        # correct code written differently: NumPy-scalar eta and steps arrive as NumPy scalars, not arrays
        "float_eta_and_range": (notebook({"descend": "import math\n"
                                          "def descend(X, t, w0, eta, steps):\n    eta = float(eta)\n"
                                          "    w = [float(v) for v in w0]\n"
                                          "    for _ in range(steps):\n"
                                          "        g = gradient(X, np.array(w), t)\n"
                                          "        w = [wi - eta * gi for wi, gi in zip(w, g)]\n"
                                          "    return np.asarray(w)",
                                          "loss": "import math\ndef loss(X, w, t):\n"
                                                  "    return 0.5 * math.fsum(float(r) ** 2 for r in X @ w - t)"}), 7),
        # an honest debugging cell that fails with brackets in its message (an array printed in an assert)
        "brackets_in_a_message": (notebook(extra="pred = np.zeros((35, 1, 1))\n"
                                                 "assert pred.ndim == 1, f'pred should be 1-D, got {pred}'",
                                           extra_at=8), 7),
        # re-send a message of the harness (the old format, then the new one) every 0.2 s for 100 s: neither
        # may hold the grader; each costs its sender only
        "keeps_the_channel_alive": (resend(b'{"cell": 0}'), 0),
        "repeats_a_cell_message": (resend(b'{"m": "cell", "i": 8}'), 0),

    }
    if as_root:     # many processes that each stay under the per-process limit: the memory cgroup stops them
        cases["a4_memory_fork_bomb"] = (probe("""
            import os, time, numpy as np
            kids = []
            for _ in range(10):
                pid = os.fork()
                if pid == 0:
                    try:
                        a = np.ones(45_000_000)          # 360 MB each, 3.6 GB together
                        time.sleep(1.5)
                        os._exit(0)
                    except BaseException:
                        os._exit(3)
                kids.append(pid)
            return sum(os.waitpid(p, 0)[1] == 0 for p in kids) == 10
            """), 7)
    # many cells that each keep to the cell time limit: the submission's own budget (BUDGET) stops them
    nb = notebook()
    for _ in range(SLOW_CELLS):
        nb.cells.insert(2, nbformat.v4.new_code_cell("import time\ntime.sleep(1.5)"))
    cases["a1_slow_cells"] = (nb, None)
    # a harmless background thread (as tqdm starts one) in the setup cell must not be blamed for a real crash
    nb = notebook({"gradient": "import ctypes\ndef gradient(X, w, t):\n    return ctypes.string_at(0)"})
    nb.cells[1].source += "\nimport threading, time\nthreading.Thread(target=time.sleep, args=(30,), daemon=True).start()"
    cases["thread_in_setup_and_segfault"] = (nb, 2.5)
    # the submissions that wait out their limits are named to come first (a1_ ... a5_): graded in name order, as
    # the command line grades a folder, they start at once instead of ending the run on one worker
    expected = {}
    for name, (nb, score) in cases.items():
        write(nb, ctx.subs / f"{name}.ipynb")
        expected[name] = score
    # file names a student may choose: they must not collide with the gradebook or leave --out
    for fname, name in [("gradebook.csv.ipynb", "gradebook_csv"), ("...ipynb", "student"),
                        ("Zoë Ångström.ipynb", "Zoe_Angstrom"), ("tab\tname.ipynb", "tab_name"),
                        ("a b.ipynb", "a_b-" + tag("a b.ipynb")), ("a_b.ipynb", "a_b-" + tag("a_b.ipynb")),
                        (" alice.ipynb", "alice-" + tag(" alice.ipynb")), ("alice.ipynb", "alice-" + tag("alice.ipynb"))]:
        write(notebook(), ctx.subs / fname)
        expected[name] = 7
    # a symbolic link to a solution notebook in place of a notebook: refused, never followed
    (ctx.subs / "symlinked.ipynb").symlink_to(ctx.copy)
    expected["symlinked"] = 0
    (ctx.subs / "not_a_notebook.ipynb").write_text("{ this is not json")
    expected["not_a_notebook"] = 0
    # a folder, a FIFO (reading it would block) and nested JSON named like notebooks
    (ctx.subs / "folder.ipynb").mkdir()
    os.mkfifo(ctx.subs / "fifo.ipynb")
    (ctx.subs / "deep_json.ipynb").write_text("[" * 100000)
    expected.update(folder=0, fifo=0, deep_json=0)
    # an untouched exercise that executes any solution it can find on disk: must stay at zero
    nb = notebook(base=EXERCISE, extra=textwrap.dedent(f"""
        import glob, json, os
        for p in [{repr(str(ctx.copy))}] + glob.glob(os.path.join({r}, "**", "*.ipynb"), recursive=True):
            try:
                for c in json.load(open(p))["cells"]:
                    src = "".join(c["source"])
                    if c["cell_type"] == "code" and src.startswith("def ") and "NotImplementedError" not in src:
                        exec(src, globals())
            except Exception:
                pass
        """), extra_at=9)
    write(nb, ctx.subs / "untouched_reads_solutions.ipynb")
    expected["untouched_reads_solutions"] = 0
    return expected


def make_ctx(base, repo, hidden, token, marker, user_uid=0):
    """Folders and secrets under ``base`` (world-traversable so a normal-user grader reaches them)."""
    base.mkdir(parents=True, exist_ok=True)
    os.chmod(base, 0o755)
    ctx = Ctx(repo=repo, hidden=hidden, subs=base / "submissions", out=base / "out",
              copy=base / "course-copy" / "solutions" / "02_least_squares.ipynb",
              root_secret=base / "root_secret.txt", user_secret=base / "user_secret.txt", token=token, marker=marker)
    ctx.subs.mkdir()
    ctx.out.mkdir()
    ctx.copy.parent.mkdir(parents=True)
    write(notebook(), ctx.copy)
    for p in (ctx.subs, ctx.out, ctx.copy.parent, ctx.copy.parent.parent):
        os.chmod(p, 0o755)
    os.chmod(ctx.copy, 0o644)
    for p, uid in ((ctx.root_secret, 0), (ctx.user_secret, user_uid)):
        p.write_text(f"secret {token}\n")
        os.chmod(p, stat.S_IRUSR | stat.S_IWUSR)
        if os.geteuid() == 0:
            os.chown(p, uid, uid)
    if os.geteuid() == 0 and user_uid:
        os.chown(ctx.out, user_uid, user_uid)
    return ctx


def pwned_files(ctx, extra_dirs=()):
    """Files the write probes would have created, if any escaped."""
    import sys
    dirs = [ctx.repo / "nnkit", ctx.repo / ".git" / "hooks", ctx.repo / "coursetools" / "grading" / "__pycache__",
            ctx.hidden, ctx.subs, ctx.out, ctx.out / "students", Path(os.__file__).parent, *extra_dirs]
    dirs += [Path(p) for p in sys.path if p.endswith("site-packages")]
    return [d / f"_pwned_{ctx.token}" for d in dirs if (d / f"_pwned_{ctx.token}").exists()]


def test_cgroup(token):
    """A cgroup of one test's own (root only), in a hierarchy the grader never moves processes out of (the
    pids controller with cgroup v1, the unified tree with v2, where a normal-user grader makes none); None
    where none can be made."""
    for root in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
        if os.geteuid() == 0 and (root / "cgroup.procs").is_file():
            path = root / f"coursetools-test-{token}"
            try:
                path.mkdir()
                return path
            except OSError:
                pass
    return None


def clean_up(ctx, base, grader_pid=None, group=None):
    """After a test: kill what this test started and is still there (the daemon's sleep, found by the
    test's own marker; sandbox processes in the test grader's cgroups), delete any file a write probe
    managed to create, and remove the test's folder ``base``. Other programs' processes are never touched."""
    for pid, _ in survivors(ctx, grader_pid, group, wait=0):
        try:
            os.kill(int(pid), 9)
        except OSError:
            pass
    if group is not None:
        for _ in range(50):
            try:
                group.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.1)
    for f in pwned_files(ctx):
        f.unlink()
    subprocess.run(["rm", "-rf", str(base)], check=False)


def survivors(ctx, grader_pid=None, group=None, wait=5.0):
    """Processes of this test that outlived the grading: the daemon's sleep (its command line holds the
    test's random marker), for a grader running as root in process ``grader_pid`` any process in one of
    that grader's sandbox cgroups, and any process in the test's own cgroup ``group``. A process still being torn down when grading returns gets up to
    ``wait`` seconds to go; one still there after that (a daemon's sleep is) is reported."""
    deadline = time.monotonic() + wait
    while True:
        found = _processes_of(ctx, grader_pid, group)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def leftover_cgroups(grader_pid):
    """Sandbox cgroups of the grader ``grader_pid`` that still exist."""
    found = []
    for root in (Path("/sys/fs/cgroup/memory"), Path("/sys/fs/cgroup")):
        try:
            found += [str(p) for p in root.iterdir() if p.name.startswith(f"coursetools-grade-{grader_pid}-")]
        except OSError:
            pass
    return found


def _processes_of(ctx, grader_pid, test_group=None):
    members = set()
    if test_group is not None:
        try:
            members = set((test_group / "cgroup.procs").read_text().split())
        except OSError:
            pass
    found, group = [], f"coursetools-grade-{grader_pid}-".encode()
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            cmd = open(f"/proc/{d}/cmdline", "rb").read()
            cgroups = open(f"/proc/{d}/cgroup", "rb").read() if grader_pid else b""
        except OSError:
            continue
        if ctx.marker.encode() in cmd or group in cgroups or d in members:
            found.append((d, cmd[:80]))
    return found
