"""Run one student's code in a bubblewrap sandbox and bring back its raw result lines.

The sandbox is made of established parts, not home-made rules:

- ``bwrap`` (bubblewrap, the sandbox Flatpak relies on) gives the child its own mount, PID, network, IPC
  and UTS namespaces: a file system that holds only read-only ``/usr/bin`` and ``/usr/lib*``, the Python installation, the
  venv and the ``nnkit`` package, plus a fresh size-limited ``/tmp`` (its working folder); its own
  ``/proc`` in which only its own processes exist; no network interface but a downed loopback. When
  ``bwrap`` dies, the kernel kills every process of the PID namespace (``--die-with-parent``), so no
  ``setsid()``-ed daemon survives the grading.
- As root, ``bwrap`` runs without a user namespace and ``setpriv`` (util-linux) switches the child to an
  unused uid/gid (one per parallel worker, ``UID_BASE + slot``) with no supplementary groups, an empty
  capability bounding set and ``no_new_privs``. As a normal user, ``bwrap`` maps the child into a user
  namespace with all capabilities dropped (it keeps the grader's uid outside, but sees nothing of it).
- ``prlimit`` (util-linux) sets CPU time, address space, file size, process count and core-dump limits;
  the grader (``core.py``) enforces wall time per cell and per task, and caps what it reads back.

The child is ``python -I -c HARNESS``. It reads one JSON request on stdin (code cells, cells to skip, the
tasks: a function name and the argument lists of its cases), runs the cells once, then runs each task in a
forked process (background threads started by cells do not exist there), killed with everything it
started when the task's time is up. It writes JSON lines on an inherited pipe; the grader trusts none of
them (``channel.py`` parses them with limits).
"""
import atexit
import base64
import hashlib
import importlib.util
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

UID_BASE = 61000        # sandbox uids/gids (as root) lie in UID_BASE .. UID_BASE + 999, ids no account uses


def sandbox_uid(slot):
    """The uid/gid of sandbox slot ``slot`` of this grader process. Graders running at the same time
    (pytest workers, two instructors) get different ids, so that one's process limit is not the other's."""
    return UID_BASE + (os.getpid() % 125) * 8 + slot % 8

HARNESS = r'''
import sys, os, json, base64, hashlib, builtins, types, mmap, select, signal, time, threading
import numpy as np
_fd = int(sys.argv[1]); _write = os.write; _dumps = json.dumps; _b64e = base64.b64encode; _b64d = base64.b64decode
_asarray = np.asarray; _ndarray = np.ndarray; _generic = np.generic; _frombuffer = np.frombuffer
_sha = hashlib.sha256; _bytes = bytes; _str = str; _type = type; _isinstance = isinstance; _len = len
_list = list; _tuple = tuple; _BaseException = BaseException; _exit = os._exit; _fork = os.fork
_kill = os.kill; _waitpid = os.waitpid; _pidfd_open = os.pidfd_open; _poll = select.poll; _POLLIN = select.POLLIN
_now = time.monotonic; _setpgid = os.setpgid; _SIGKILL = signal.SIGKILL; _int = int; _range = range
_mmap = mmap.mmap; _exec = exec; _compile = compile; _getpid = os.getpid; _listdir = os.listdir
_alarm = signal.alarm; _setitimer = signal.setitimer; _timers = (signal.ITIMER_REAL, signal.ITIMER_VIRTUAL, signal.ITIMER_PROF)
_threads = threading.active_count; _sleep = time.sleep; _signal = signal.signal; _SIG_DFL = signal.SIG_DFL
_signals = (signal.SIGCHLD, signal.SIGALRM, signal.SIGVTALRM, signal.SIGPROF, signal.SIGUSR1, signal.SIGUSR2,
            signal.SIGHUP, signal.SIGTERM)
_settrace = sys.settrace; _setprofile = sys.setprofile; _tsettrace = threading.settrace
_tsetprofile = threading.setprofile
def _send(obj):
    try:
        data = (_dumps(obj) + "\n").encode()
    except _BaseException:
        data = _dumps({"bad_value": 1}).encode() + b"\n"
    while data:
        n = _write(_fd, data); data = data[n:]
def _text(e):
    try:
        return _str(e)[:300]
    except _BaseException:
        return ""
def _err(e):
    try:
        name = _type(e).__name__
        name = name if _isinstance(name, _str) else "Exception"
    except _BaseException:
        name = "Exception"
    return {"type": name[:60], "msg": _text(e)}
def _decode(a):
    if "n" in a:
        return a["n"]
    if "s" in a:
        return a["s"]
    if "none" in a:
        return None
    if "seq" in a:
        items = [_decode(x) for x in a["seq"]]
        return items if a["kind"] == "list" else _tuple(items)
    arr = _frombuffer(_b64d(a["b"]), dtype=a["dtype"]).reshape(a["shape"]).copy()
    return arr[()] if a.get("scalar") else arr
def _digest(x):
    if not _isinstance(x, _ndarray):
        return None
    return _sha(("%s|%s|" % (x.dtype.str, _list(x.shape))).encode() + x.tobytes()).hexdigest()[:32]
def _encode(x):
    arr = _asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError("not numbers")
    if arr.nbytes > (16 << 20):
        raise OverflowError("too large")
    arr = arr.astype(arr.dtype.newbyteorder("="), copy=True)
    return {"dtype": arr.dtype.str, "shape": _list(arr.shape), "b": _b64e(_bytes(arr.tobytes())).decode()}
def _kind(x):
    if _isinstance(x, _ndarray):
        return "0-d array" if x.ndim == 0 else "array"
    if _isinstance(x, _generic):
        return "numpy scalar"
    t = _type(x)
    if t in (float, int, bool, list, tuple, _str, dict, _type(None), complex):
        return t.__name__
    return "other"
def _sweep():
    if not _req.get("sweep"):
        return
    for _ in _range(20):                       # everything but this process and the namespace's init
        try:
            _kill(-1, _SIGKILL)
        except OSError:
            break
    while True:
        try:
            if _waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break
def _background():
    n = _threads()
    if _req.get("sweep"):
        try:
            n += _len([p for p in _listdir("/proc") if p.isdigit()])
        except OSError:
            pass
    return n
def _stop_timers():
    try:
        _alarm(0)
        for t in _timers:
            _setitimer(t, 0)
    except _BaseException:
        pass
def _run_cases(k, fn, cases, first, shm):
    try:
        _setpgid(0, 0)
        for j in _range(first, _len(cases)):
            shm[0:4] = j.to_bytes(4, "little")
            _send({"start": [k, j]})
            try:
                args = [_decode(a) for a in cases[j]]
            except _BaseException:
                _send({"case": [k, j], "error": {"type": "GraderError", "msg": "could not rebuild the arguments"}})
                continue
            try:
                res = fn(*args)
            except _BaseException as e:
                _send({"case": [k, j], "error": _err(e), "after": [_digest(a) for a in args]})
                continue
            after = [_digest(a) for a in args]
            kind = "other"
            try:
                kind = _kind(res)
                _send({"case": [k, j], "result": _encode(res), "kind": kind, "after": after})
            except OverflowError:
                _send({"case": [k, j], "error": {"type": "ResultTooLarge", "msg": ""}, "after": after})
            except _BaseException:
                _send({"case": [k, j], "error": {"type": "ResultType", "msg": ""}, "kind": kind, "after": after})
        shm[4:8] = (1).to_bytes(4, "little")
    finally:
        _exit(0)
_req = json.loads(sys.stdin.buffer.read())
try:
    sys.stdin = open(os.devnull)
except _BaseException:
    pass
_send({"ready": 1})
_main = types.ModuleType("__main__")
_main.__builtins__ = builtins
sys.modules["__main__"] = _main
_ns = _main.__dict__
_skip = set(_req["skip"])
_base = _background()
for _i, _src in _req["cells"]:
    if _i in _skip:
        continue
    _send({"cell": _i})
    try:
        _code = _compile(_src, "<cell %d>" % (_i + 1), "exec")
    except SyntaxError as _e:
        _send({"cell_error": _i, "type": "SyntaxError", "msg": "%s (line %s)" % (_e.msg, _e.lineno)})
        continue
    except _BaseException as _e:                 # null bytes, unencodable characters
        _d = _err(_e)
        _send({"cell_error": _i, "type": _d["type"], "msg": _d["msg"]})
        continue
    try:
        _exec(_code, _ns)
    except _BaseException as _e:
        _d = _err(_e)
        _send({"cell_error": _i, "type": _d["type"], "msg": _d["msg"]})
    _stop_timers()                               # an alarm set by a cell would stop a later one
    _now_bg = _background()
    if _now_bg > _base:                          # a thread or process still runs: remember who started it
        _send({"background": _i})
        _base = _now_bg
_send({"cells_done": 1})
_sweep()                                         # processes that cells left behind
for _s in _signals:                              # handlers and hooks a cell installed would run in the harness
    try:
        _signal(_s, _SIG_DFL)
    except _BaseException:
        pass
_settrace(None); _setprofile(None); _tsettrace(None); _tsetprofile(None)
_ts = _req["task_seconds"]
for _task in _req["tasks"]:
    _k, _cases = _task["k"], _task["cases"]
    _send({"task": _k})
    _fn = _ns.get(_task["func"])
    if not callable(_fn):
        _send({"missing": _k})
        continue
    _deadline = _now() + _ts
    _next = _task["first"]
    while _next < _len(_cases):
        _shm = _mmap(-1, 8)
        _shm[0:4] = _next.to_bytes(4, "little")
        for _try in _range(20):                  # a process limit just reached by swept processes frees up
            try:
                _pid = _fork()
                break
            except OSError:
                _sweep()
                _sleep(0.1)
        else:
            _pid = _fork()
        if _pid == 0:
            _run_cases(_k, _fn, _cases, _next, _shm)
        try:
            _setpgid(_pid, _pid)
        except OSError:
            pass
        _pfd = _pidfd_open(_pid)
        _p = _poll()
        _p.register(_pfd, _POLLIN)
        _left = _deadline - _now()
        _ready = _p.poll(max(0, _int(_left * 1000))) if _left > 0 else []
        os.close(_pfd)
        if not _ready:
            try:
                _kill(-_pid, _SIGKILL)
            except OSError:
                pass
            _sweep()
            _send({"task_timeout": _k, "case": _int.from_bytes(_shm[0:4], "little")})
            _ts = _req["later_seconds"]              # after one endless loop, later tasks get less time
            break
        _status = _waitpid(_pid, 0)[1]
        _sweep()
        if _int.from_bytes(_shm[4:8], "little") == 1:
            break
        _j = _int.from_bytes(_shm[0:4], "little")
        _send({"task_exit": _k, "case": _j, "status": os.waitstatus_to_exitcode(_status)})
        _next = _j + 1
_send({"done": 1})
'''


@dataclass
class Limits:
    """What one submission may use. ``seconds``: wall time for one task (all its hidden cases) and for
    one notebook cell; ``memory_mb``: address space of each process; ``output_bytes``: the largest file it
    may write (its printed output and files in its /tmp); ``result_bytes``: how much the grader reads back;
    ``procs``: processes and threads at once; ``tmp_mb``: size of its /tmp."""
    seconds: float = 5.0
    memory_mb: int = 1536
    output_bytes: int = 1 << 20
    result_bytes: int = 16 << 20
    procs: int = 64
    tmp_mb: int = 64


def digest(x):
    """Fingerprint of an argument as the child rebuilds it (the harness's ``_digest``): None for non-arrays."""
    if not isinstance(x, np.ndarray):
        return None
    return hashlib.sha256(f"{x.dtype.str}|{list(x.shape)}|".encode() + x.tobytes()).hexdigest()[:32]


def encode_arg(a, depth=0):
    """A hidden-test argument as plain data for the child: numbers, strings and None as JSON, arrays
    (and NumPy scalars) as dtype, shape and raw bytes, lists and tuples item by item."""
    if depth > 8:
        raise ValueError("argument nested too deeply")
    if a is None:
        return {"none": 1}
    if isinstance(a, (bool, int, float)) and not isinstance(a, np.generic):
        return {"n": a}
    if isinstance(a, str):
        return {"s": a}
    if isinstance(a, (list, tuple)):
        return {"seq": [encode_arg(x, depth + 1) for x in a], "kind": type(a).__name__}
    arr = np.asarray(a)
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"a hidden-test argument of type {type(a).__name__} cannot be sent to the sandbox")
    arr = np.ascontiguousarray(arr)
    enc = {"dtype": arr.dtype.str, "shape": list(arr.shape), "b": base64.b64encode(arr.tobytes()).decode()}
    if isinstance(a, np.generic):
        enc["scalar"] = 1
    return enc


def decoded_arg(a):
    """The argument exactly as the child will see it (for the in-place-change fingerprint)."""
    if isinstance(a, np.ndarray):
        return np.ascontiguousarray(a).copy()
    return a


def _ancestors(path):
    p = Path(path)
    return [q for q in reversed(p.parents) if str(q) != "/"]


def python_paths():
    """What the child needs to read to run Python with NumPy and nnkit: the venv, the base installation
    and the nnkit package (from an editable install it lives in the course folder, which stays hidden)."""
    paths = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), Path(sys.prefix)}
    exe = Path(sys.executable)
    paths.add(exe.resolve().parent.parent)
    spec = importlib.util.find_spec("nnkit")
    if spec and spec.submodule_search_locations:
        paths.add(Path(list(spec.submodule_search_locations)[0]).resolve())
    out = []
    for p in sorted(paths, key=lambda q: len(str(q))):
        if str(p).startswith("/usr/") or any(str(p).startswith(str(o) + "/") or p == o for o in out):
            continue
        out.append(p)
    return out


def bwrap_command(slot, tmp_mb, as_root):
    """The ``bwrap`` (+ ``setpriv`` as root) command line that runs a program in the sandbox."""
    cmd = [shutil.which("bwrap") or "bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
           "--die-with-parent", "--new-session", "--clearenv"]
    if not as_root:
        cmd += ["--unshare-user", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL", "--disable-userns"]
    cmd += ["--perms", "0755", "--dir", "/usr"]
    for sub in ("bin", "lib", "lib64", "lib32", "libexec"):     # programs and libraries, not /usr/local or /usr/share
        if Path("/usr", sub).is_dir() and not Path("/usr", sub).is_symlink():
            cmd += ["--ro-bind", f"/usr/{sub}", f"/usr/{sub}"]
    for name in ("bin", "lib", "lib64", "lib32", "sbin"):
        p = Path("/") / name
        if p.is_symlink():
            cmd += ["--symlink", os.readlink(p), str(p)]
        elif p.is_dir():
            cmd += ["--ro-bind", str(p), str(p)]
    if Path("/etc/ld.so.cache").is_file():
        cmd += ["--perms", "0755", "--dir", "/etc", "--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--size", str(tmp_mb << 20), "--perms", "1777", "--tmpfs", "/tmp"]
    made = {"/tmp", "/usr", "/proc", "/dev", "/etc"}
    for p in python_paths():
        for a in _ancestors(p):
            if str(a) not in made:
                cmd += ["--perms", "0755", "--dir", str(a)]
                made.add(str(a))
        cmd += ["--ro-bind", str(p), str(p)]
        made.add(str(p))
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg",
           "MPLCONFIGDIR": "/tmp/.matplotlib", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
    for k, v in env.items():
        cmd += ["--setenv", k, v]
    cmd += ["--chdir", "/tmp"]
    if as_root:
        uid = str(sandbox_uid(slot))
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP", "--",
                "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--bounding-set=-all",
                "--inh-caps=-all", "--no-new-privs"]
    else:
        cmd += ["--"]
    return cmd


def _user_process_count():
    """Processes and threads of this uid (RLIMIT_NPROC counts them all when the grader is not root)."""
    uid, n = os.getuid(), 0
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                st = os.stat(f"/proc/{d}")
                if st.st_uid == uid:
                    n += len(os.listdir(f"/proc/{d}/task"))
            except OSError:
                pass
    return n


def prlimit_command(limits, as_root):
    """``prlimit`` options for one sandbox (inherited by everything in it)."""
    mem = limits.memory_mb << 20
    cpu = int(limits.seconds * 4 + 30)             # a backstop: wall-time limits stop a task first
    procs = limits.procs if as_root else _user_process_count() + limits.procs
    return [shutil.which("prlimit") or "prlimit", f"--as={mem}", f"--cpu={cpu}", f"--fsize={limits.output_bytes}", f"--nproc={procs}",
            "--core=0", "--nofile=256", "--"]


@lru_cache(maxsize=None)
def sandbox_status():
    """(True, description) when the bubblewrap sandbox works on this machine, else (False, why not).
    Checked once by running ``id`` and Python inside it."""
    missing = [t for t in ("bwrap", "prlimit") + (("setpriv",) if os.geteuid() == 0 else ()) if not shutil.which(t)]
    if missing:
        return False, (f"{' and '.join(missing)} not found (Debian/Ubuntu: apt-get install "
                       f"{'bubblewrap' if 'bwrap' in missing else 'util-linux'})")
    as_root = os.geteuid() == 0
    cmd = bwrap_command(0, 1, as_root) + [sys.executable, "-I", "-c",
                                            "import os, numpy; print(os.getuid(), len(os.listdir('/proc')))"]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bubblewrap did not start ({exc})"
    if p.returncode != 0:
        why = (p.stderr or p.stdout).strip().splitlines()[-1:] or ["no message"]
        return False, f"bubblewrap did not start here: {why[0][:200]}"
    if as_root:
        return True, (f"bubblewrap sandbox, student code as uid {sandbox_uid(0)}+worker without capabilities "
                      f"(grader runs as root)")
    return True, "bubblewrap sandbox in a user namespace without capabilities (grader runs as a normal user)"


_CGROUPS = {}


def memory_cgroup(slot, limit_bytes):
    """As root, a memory cgroup for sandbox slot ``slot`` that caps the memory of all its processes
    together (a fork bomb of large allocations cannot exhaust the machine); None where cgroups cannot be
    made (not root, or no writable memory controller). Removed when the grader exits."""
    if os.geteuid() != 0:
        return None
    key = (slot, limit_bytes)
    if key in _CGROUPS:
        return _CGROUPS[key]
    name = f"coursetools-grade-{os.getpid()}-{slot}"
    path = None
    try:
        if os.path.isfile("/sys/fs/cgroup/memory/memory.limit_in_bytes"):          # cgroup v1
            path = f"/sys/fs/cgroup/memory/{name}"
            os.makedirs(path, exist_ok=True)
            with open(f"{path}/memory.limit_in_bytes", "w") as fh:
                fh.write(str(limit_bytes))
        elif "memory" in open("/sys/fs/cgroup/cgroup.controllers").read().split():   # cgroup v2
            path = f"/sys/fs/cgroup/{name}"
            os.makedirs(path, exist_ok=True)
            with open(f"{path}/memory.max", "w") as fh:
                fh.write(str(limit_bytes))
            with open(f"{path}/memory.swap.max", "w") as fh:
                fh.write("0")
    except OSError:
        if path:
            try:
                os.rmdir(path)
            except OSError:
                pass
        path = None
    if path:
        atexit.register(_remove_cgroup, path)
    _CGROUPS[key] = path
    return path


def _remove_cgroup(path):
    try:
        os.rmdir(path)
    except OSError:
        pass


class Child:
    """One running sandbox: ``lines()`` yields raw result lines; ``kill()`` ends it and all it started."""

    def __init__(self, request, limits, slot=0, unsafe=False):
        self.unsafe = unsafe
        self.work = tempfile.mkdtemp(prefix="coursetools-grade-")
        os.chmod(self.work, 0o700)
        self.out_path = os.path.join(self.work, "output.txt")
        r, w = os.pipe()
        as_root = os.geteuid() == 0
        harness = [sys.executable, "-I", "-c", HARNESS, str(w)]
        if unsafe:
            env = {"PATH": "/usr/bin:/bin", "HOME": self.work, "TMPDIR": self.work, "OPENBLAS_NUM_THREADS": "1",
                   "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"}
            cmd = prlimit_command(limits, False) + harness
            cwd = self.work
        else:
            env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
            cmd = prlimit_command(limits, as_root) + bwrap_command(slot, limits.tmp_mb, as_root) + harness
            cwd = "/"
            group = memory_cgroup(slot, 2 * limits.memory_mb << 20)
            if group:       # join the cgroup first, then become prlimit, bwrap, the harness
                cmd = ["/bin/sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', group] + cmd
        with open(self.out_path, "wb") as out:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT,
                                         pass_fds=(w,), cwd=cwd, env=env, start_new_session=True)
        os.close(w)
        self.fd = r
        threading.Thread(target=self._feed, args=(request,), daemon=True).start()

    def _feed(self, request):
        try:
            self.proc.stdin.write(request)
        except (BrokenPipeError, OSError, ValueError):
            pass
        finally:
            try:
                self.proc.stdin.close()
            except (BrokenPipeError, OSError):
                pass

    def kill(self):
        """End the sandbox and everything in it. SIGKILL goes first to the PID namespace's init (bwrap's
        child): the kernel then kills every process of the namespace and the init waits for them, bwrap
        reaps the init and exits, and we reap bwrap, so no process and no zombie is left when this
        returns. bwrap's process group is killed too, as a fallback."""
        if self.proc.poll() is None and not self.unsafe:
            try:
                with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as fh:
                    inits = [int(p) for p in fh.read().split()]
            except (OSError, ValueError):
                inits = []
            for pid in inits:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()

    def output_excerpt(self, n=300):
        try:
            with open(self.out_path, "rb") as fh:
                return fh.read(n).decode("utf-8", "replace")
        except OSError:
            return ""

    def close(self):
        self.kill()
        # Every process of the sandbox holds the result pipe: end of file means the kernel has finished
        # killing the PID namespace, so no sandbox process is left when grading returns.
        end = time.monotonic() + 5
        while time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready and not os.read(self.fd, 1 << 16):
                break
        try:
            os.close(self.fd)
        except OSError:
            pass
        shutil.rmtree(self.work, ignore_errors=True)
