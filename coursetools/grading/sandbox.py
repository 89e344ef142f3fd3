"""Start one student's code in a bubblewrap sandbox, and stop it with everything it started.

The sandbox is made of established parts, not home-made rules; the table in the README compares it with
IOI isolate's defaults row by row.

- ``bwrap`` (bubblewrap, the sandbox Flatpak relies on) gives the child its own mount, PID, network, IPC
  and UTS namespaces. Its file system holds only the Python interpreter and its standard library, the
  venv's packages and ``nnkit`` (read-only; anything of ``coursetools`` inside them, however the course
  was installed, is covered by an empty read-only folder), ``/usr/lib*`` for shared libraries, a fresh
  size-limited ``/tmp`` (its working folder) and ``/dev/shm``; ``/`` and ``/dev`` are read-only. Its own
  ``/proc`` shows only its own processes; it has no network but a downed loopback. When ``bwrap`` dies,
  the kernel kills every process of the PID namespace (``--die-with-parent``).
- A seccomp filter built with libseccomp (``seccomp.py``) refuses what no namespace separates: the kernel
  keyrings, file locks, SysV IPC, new namespaces, ptrace, vsock sockets, io_uring and other rarely
  needed kernel interfaces, as isolate's and Docker's default profiles do.
- As root, ``setpriv`` (util-linux) switches the child to a uid/gid of its own, leased for the run from
  ``UID_BASE`` .. ``UID_BASE + UID_COUNT - 1`` under a lock that every grader on the machine shares (no
  two sandboxes ever share a uid, so no two share a process count), with no supplementary groups, no
  capabilities and ``no_new_privs``; a memory cgroup per sandbox caps all its processes together. As a
  normal user, ``bwrap`` maps the child into a user namespace with all capabilities dropped.
- ``prlimit`` (util-linux) sets CPU time, address space, file size, process count and core-dump limits.
  The grader (``runner.py``) enforces every wall-clock deadline from outside.
"""
import atexit
import fcntl
import importlib.util
import marshal
import os
import select
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import seccomp
from ..paths import HIDDEN_DIR, REPO

UID_BASE = 61000          # sandbox uids/gids (as root): ids no account uses
UID_COUNT = 1000
LOCK_DIR = Path("/run/coursetools-grade") if Path("/run").is_dir() else Path(tempfile.gettempdir()) / "coursetools-grade"
CGROUP_V1 = Path("/sys/fs/cgroup/memory")
CGROUP_V2 = Path("/sys/fs/cgroup")
CGROUP_PREFIX = "coursetools-grade-"
SHM_MB = 16
# The environment of student code. NUMPY_MADVISE_HUGEPAGE=0: NumPy does not ask the kernel for transparent huge pages
# for its large arrays. Where the kernel then compacts memory on demand (THP "defrag=madvise", Linux's default), the
# first touch of a large array can cost ten times more: a fresh 172 MB array took 0.8 to 1.0 s of system time with
# the advice and 0.07 to 0.1 s without, on the course's 2-core test machine. The numbers computed are the same.
ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
       "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
       "NUMPY_MADVISE_HUGEPAGE": "0"}


@dataclass
class Limits:
    """What one submission may use. ``seconds``: wall time for one task (all its hidden cases) and for
    one notebook cell; ``memory_mb``: address space of each process (and half the memory cgroup of a
    sandbox, as root); ``output_bytes``: the largest file it may write (its printed output and files in its
    /tmp); ``result_bytes``: how much the grader reads back; ``procs``: processes and threads at once;
    ``tmp_mb``: size of its /tmp; ``submission_seconds``: see ``budget``."""
    seconds: float = 5.0
    memory_mb: int = 1536
    output_bytes: int = 1 << 20
    result_bytes: int = 16 << 20
    procs: int = 64
    tmp_mb: int = 64
    submission_seconds: float = None

    @property
    def budget(self):
        """The wall-clock budget of one submission, all its sandbox runs together (default: the larger of
        60 s and 12 task times)."""
        return self.submission_seconds or max(60.0, 12 * self.seconds)

    @property
    def cpu_seconds(self):
        """The CPU-time backstop of one sandbox: the wall-clock deadlines stop a task long before."""
        return int(self.seconds * 4 + 30)


def harness_source():
    """The program the sandbox runs: ``protocol.py``'s text, then ``harness.py``'s without its import of
    the protocol (``coursetools`` is not importable in the sandbox)."""
    here = Path(__file__).parent
    harness = "\n".join(line for line in (here / "harness.py").read_text().splitlines()
                        if not line.endswith("# harness: inline (the text is prepended)"))
    return (here / "protocol.py").read_text() + "\n" + harness


# The sandbox's Python runs this, which reads the compiled harness (``harness_code``, its length in argv[3])
# from the front of its standard input; the harness then reads its request from the rest. The garbage
# collector is off until the harness has imported NumPy and built the arguments (``harness.main`` turns it
# on before any cell runs): its passes over the objects of half-done imports were a tenth of the import time.
HARNESS_BOOT = "import gc, marshal, sys; gc.disable(); exec(marshal.loads(sys.stdin.buffer.read(int(sys.argv[3]))))"


@lru_cache(maxsize=None)
def harness_code():
    """``harness_source()`` compiled once per grader (``marshal`` bytes, for this very interpreter): compiling
    its 20 kB in every sandbox cost about 5 ms of CPU per submission."""
    return marshal.dumps(compile(harness_source(), "<harness>", "exec"))


# --- what the sandbox sees ---------------------------------------------------------------------------------
def _inside(p, d):
    return p == d or d in p.parents


def _executable_chain():
    """(symlinks, file): the links from sys.executable to the real interpreter, and the interpreter."""
    links, p = [], Path(sys.executable).absolute()
    for _ in range(40):
        if not p.is_symlink():
            break
        target = os.readlink(p)
        links.append((target, p))
        p = (p.parent / target).absolute() if not os.path.isabs(target) else Path(target)
    return links, p


def _course_folder():
    """The course checkout (solutions, hidden tests, git history), when the grader runs from one; None when
    coursetools is installed into site-packages (then ``masked_paths`` covers it)."""
    root = REPO.resolve()
    return root if (root / "pyproject.toml").is_file() or (root / "solutions").is_dir() else None


def python_paths():
    """Folders and files the child must read to run Python with NumPy and nnkit: the venv, the
    interpreter with its standard library and shared library, the folders of sys.path where packages
    live (never the course folder), and the nnkit package (from an editable install it lives in the
    course folder, which stays hidden)."""
    binds = set()
    if sys.prefix != sys.base_prefix:
        binds.add(Path(sys.prefix).absolute())
    _, exe = _executable_chain()
    binds.add(exe)
    for key in ("stdlib", "platstdlib"):
        binds.add(Path(sysconfig.get_paths()[key]).resolve())
    if sysconfig.get_config_var("Py_ENABLE_SHARED"):
        libdir = Path(sysconfig.get_config_var("LIBDIR") or "/nonexistent")
        binds.update(p.resolve() for p in libdir.glob(f"{sysconfig.get_config_var('LDLIBRARY')}*"))
    repo = _course_folder()
    for entry in sys.path:                    # package folders only: never the script's folder or the cwd
        p = Path(entry).resolve() if entry else None
        if p is None or not p.is_dir() or not {"site-packages", "dist-packages"} & set(p.parts):
            continue
        if repo and _inside(repo, p):         # a folder that holds the course
            continue
        binds.add(p)
    spec = importlib.util.find_spec("nnkit")
    if spec and spec.submodule_search_locations:
        binds.add(Path(list(spec.submodule_search_locations)[0]).resolve())
    out = []
    for p in sorted(binds, key=lambda q: (len(q.parts), str(q))):
        if p.exists() and str(p) != "/" and not any(_inside(p, o) for o in out) and not _is_system_dir(p):
            out.append(p)
    return out


def _is_system_dir(p):
    """Folders bound anyway (``/usr/lib``...) or never bound whole (``/usr``)."""
    return p in (Path("/usr"), Path("/usr/local")) or any(_inside(p, Path(d)) for d in _lib_dirs())


def _lib_dirs():
    return [f"/usr/{d}" for d in ("lib", "lib64", "lib32") if Path("/usr", d).is_dir() and not Path("/usr", d).is_symlink()]


def masked_paths(binds):
    """Paths inside the bound folders that the child must not see: anything of ``coursetools`` (the
    hidden tests and the grader, however the course was installed) and site-packages folders that are
    not the venv's."""
    masks = set()
    spec = importlib.util.find_spec("coursetools")
    grader = [Path(p).resolve() for p in (spec.submodule_search_locations or [])] if spec else []
    for d in binds + [Path(x) for x in _lib_dirs()]:
        if not d.is_dir():
            continue
        for sub in ("coursetools", "site-packages/coursetools", "python3/dist-packages", "site-packages",
                    "dist-packages"):
            cand = d / sub
            if cand.is_dir() and (cand.name == "coursetools" or not _is_package_dir(cand)):
                masks.add(cand)
        for g in grader + [HIDDEN_DIR.resolve()] + ([_course_folder()] if _course_folder() else []):
            if _inside(g, d):
                masks.add(g)
    return sorted(m for m in masks if not any(_inside(m, o) and m != o for o in masks))


def _is_package_dir(p):
    """True for site-packages folders the child's Python uses (sys.path), False for others."""
    return any(Path(e).resolve() == p.resolve() for e in sys.path if e)


def _ancestors(p):
    return [q for q in reversed(Path(p).parents) if str(q) != "/"]


class _Mounts:
    def __init__(self):
        self.args, self.made = [], {"/tmp", "/usr", "/proc", "/dev", "/etc"}

    def dirs_to(self, p):
        for a in _ancestors(p):
            if str(a) not in self.made:
                self.args += ["--perms", "0755", "--dir", str(a)]
                self.made.add(str(a))

    def bind(self, p):
        if str(p) in self.made:
            return
        self.dirs_to(p)
        self.args += ["--ro-bind", str(p), str(p)]
        self.made.add(str(p))

    def symlink(self, target, p):
        if str(p) in self.made:
            return
        self.dirs_to(p)
        self.args += ["--symlink", target, str(p)]
        self.made.add(str(p))

    def mask(self, p):
        self.args += ["--perms", "0555", "--tmpfs", str(p), "--remount-ro", str(p)]


MNIST_CACHE = "/nnkit-cache"          # NNKIT_CACHE_DIR inside the sandbox


@lru_cache(maxsize=None)
def mnist_cache():
    """The grader's folder of decoded, verified MNIST arrays (nnkit's cache, filled once), which every
    sandbox reads (read-only) instead of decompressing 11 MB per submission; None where it cannot be had.
    A sandbox runs as another user, so the arrays must be readable by others: files an older nnkit wrote
    private (mode 600) are opened up here (MNIST is public data)."""
    try:
        from nnkit.data import mnist
        folder = mnist.cache_dir() / "mnist"
        if len(list(folder.glob("*.npy"))) < len(mnist.FILES):
            mnist.load_mnist()
        arrays = list(folder.glob("*.npy"))
        for p in arrays:
            mode = p.stat().st_mode
            if mode & 0o044 != 0o044:
                os.chmod(p, mode | 0o044)
        return folder.resolve() if len(arrays) >= len(mnist.FILES) else None
    except Exception:
        return None


def bwrap_command(uid, tmp_mb, seccomp_fd):
    """The ``bwrap`` (+ ``setpriv`` when ``uid`` is given, as root) command line of one sandbox."""
    cmd = [shutil.which("bwrap") or "bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
           "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv"]
    if uid is None:
        cmd += ["--unshare-user", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL", "--disable-userns"]
    m = _Mounts()
    m.args += ["--perms", "0755", "--dir", "/usr"]
    for d in _lib_dirs():                          # shared libraries: not /usr/bin, /usr/local, /usr/share
        m.bind(Path(d))
    for name in ("lib", "lib64", "lib32"):
        p = Path("/") / name
        if p.is_symlink():
            m.symlink(os.readlink(p), p)
        elif p.is_dir():
            m.bind(p)
    if uid is not None:
        m.bind(Path(shutil.which("setpriv") or "/usr/bin/setpriv").resolve())
    if Path("/etc/ld.so.cache").is_file():
        m.args += ["--perms", "0755", "--dir", "/etc", "--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    m.args += ["--proc", "/proc", "--dev", "/dev", "--size", str(tmp_mb << 20), "--perms", "1777", "--tmpfs", "/tmp",
               "--size", str(SHM_MB << 20), "--perms", "1777", "--tmpfs", "/dev/shm"]
    binds = python_paths()
    for p in binds:
        m.bind(p)
    links, _ = _executable_chain()
    for target, p in links:
        if not any(_inside(p, b) for b in binds):
            m.symlink(target, p)
    for p in masked_paths(binds):
        m.mask(p)
    env = {**ENV, "HOME": "/tmp", "TMPDIR": "/tmp", "MPLCONFIGDIR": "/tmp/.matplotlib"}
    if mnist_cache():
        m.args += ["--perms", "0755", "--dir", MNIST_CACHE, "--ro-bind", str(mnist_cache()), f"{MNIST_CACHE}/mnist"]
        env["NNKIT_CACHE_DIR"] = MNIST_CACHE
    cmd += m.args + ["--remount-ro", "/dev", "--remount-ro", "/"]
    for k, v in env.items():
        cmd += ["--setenv", k, v]
    cmd += ["--chdir", "/tmp"]
    if seccomp_fd is not None:
        cmd += ["--seccomp", str(seccomp_fd)]
    if uid is not None:
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP", "--",
                shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                "--bounding-set=-all", "--inh-caps=-all", "--no-new-privs"]
    else:
        cmd += ["--"]
    return cmd


def prlimit_command(limits, procs):
    """``prlimit`` options for one sandbox (inherited by everything in it)."""
    return [shutil.which("prlimit") or "prlimit", f"--as={limits.memory_mb << 20}", f"--cpu={limits.cpu_seconds}",
            f"--fsize={limits.output_bytes}", f"--nproc={procs}", "--core=0", "--nofile=256", "--"]


def _user_process_count():
    """Processes and threads of this uid (RLIMIT_NPROC counts them all when the grader is not root)."""
    uid, n = os.getuid(), 0
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.stat(f"/proc/{d}").st_uid == uid:
                    n += len(os.listdir(f"/proc/{d}/task"))
            except OSError:
                pass
    return n


# --- uids and cgroups, as root -----------------------------------------------------------------------------
def _uid_in_use(uid):
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if os.stat(f"/proc/{d}").st_uid == uid:
                    return True
            except OSError:
                pass
    return False


class UidLease:
    """A sandbox uid held by this process alone: an exclusive ``flock`` on LOCK_DIR/<uid>.lock, taken by
    every grader on the machine, and no process of that uid running. Released by ``release()`` or when
    the grader dies (the kernel drops the lock)."""

    def __init__(self):
        LOCK_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        start = os.getpid() % UID_COUNT
        for n in range(UID_COUNT):
            uid = UID_BASE + (start + n) % UID_COUNT
            fd = os.open(LOCK_DIR / f"{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            if _uid_in_use(uid):
                os.close(fd)
                continue
            self.uid, self.fd = uid, fd
            return
        raise RuntimeError(f"all {UID_COUNT} sandbox uids from {UID_BASE} are in use")

    def release(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def remove_stale_cgroups():
    """Memory cgroups left by a grader that was killed (its pid is gone and so are its processes)."""
    for root in (CGROUP_V1, CGROUP_V2):
        try:
            names = [p for p in root.iterdir() if p.name.startswith(CGROUP_PREFIX)]
        except OSError:
            continue
        for p in names:
            pid = p.name[len(CGROUP_PREFIX):].split("-")[0]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                try:
                    p.rmdir()
                except OSError:
                    pass


def make_cgroup(uid, limit_bytes):
    """As root, a memory cgroup for one sandbox that caps the memory of all its processes together (shared
    memory and tmpfs pages included); None where no memory controller is writable."""
    name = f"{CGROUP_PREFIX}{os.getpid()}-{uid}"
    for root, files in ((CGROUP_V1, {"memory.limit_in_bytes": limit_bytes}),
                        (CGROUP_V2, {"memory.max": limit_bytes, "memory.swap.max": 0})):
        if root == CGROUP_V1 and not (root / "memory.limit_in_bytes").is_file():
            continue
        if root == CGROUP_V2 and "memory" not in _read(root / "cgroup.controllers").split():
            continue
        path = root / name
        try:
            path.mkdir(exist_ok=True)
            for f, v in files.items():
                (path / f).write_text(str(v))
            return path
        except OSError:
            try:
                path.rmdir()
            except OSError:
                pass
    return None


def _read(p):
    try:
        return Path(p).read_text()
    except OSError:
        return ""


def remove_cgroup(path):
    """Remove a sandbox's cgroup once its processes are gone (they are when ``Child.close`` returns)."""
    if path is None:
        return
    for _ in range(50):
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.05)


@lru_cache(maxsize=None)
def user_memory_scope():
    """As a normal user, ``systemd-run --user --scope -p MemoryMax=`` where the machine delegates a memory
    cgroup to the user (a systemd user session); None elsewhere."""
    tool = shutil.which("systemd-run")
    if os.geteuid() == 0 or not tool:
        return None
    try:
        p = subprocess.run([tool, "--user", "--scope", "--quiet", "-p", "MemoryMax=64M", "true"],
                           capture_output=True, timeout=20, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return tool if p.returncode == 0 else None


# --- the sandbox itself ------------------------------------------------------------------------------------
class Isolation:
    """How student code runs on this machine: ``mode`` is "root" (setpriv, leased uid, memory cgroup),
    "user" (user namespace), "unsafe" (no sandbox: asked for with --unsafe, for trusted notebooks) or None
    (no sandbox here and none asked for: grading is refused)."""

    def __init__(self, limits, unsafe=False):
        self.limits = limits
        ok, why = sandbox_status()
        self.available, self.why = ok, why
        if unsafe:
            self.mode = "unsafe"
            self.why = why if not ok else "--unsafe was asked for"
        else:
            self.mode = ("root" if os.geteuid() == 0 else "user") if ok else None
        if self.mode == "root":
            remove_stale_cgroups()

    def describe(self):
        if self.mode == "unsafe":
            return f"NO SANDBOX (--unsafe): {self.why}"
        mb = self.limits.memory_mb
        if self.mode == "root":
            return (f"bubblewrap sandbox, student code as a uid of its own per sandbox (from {UID_BASE}) without "
                    f"capabilities, seccomp filter, memory cgroup of {2 * mb} MB per sandbox (grader runs as root)")
        memory = (f"memory cgroup of {2 * mb} MB per sandbox through systemd" if user_memory_scope() else
                  f"memory: {mb} MB address space per process, {self.limits.procs} processes, /tmp "
                  f"{self.limits.tmp_mb} MB, /dev/shm {SHM_MB} MB, no SysV IPC; no delegated memory cgroup")
        return (f"bubblewrap sandbox in a user namespace without capabilities, seccomp filter, {memory} "
                f"(grader runs as a normal user)")

    def start(self, request, args_fd):
        return Child(self, request, args_fd)


class Child:
    """One running sandbox: ``fd`` delivers its result lines; ``close()`` ends it and all it started and
    gives back its uid and cgroup."""

    _live = set()
    _lock = threading.Lock()

    def __init__(self, isolation, request, args_fd):
        self.unsafe = isolation.mode == "unsafe"
        self.lease = self.cgroup = None
        self.work = tempfile.mkdtemp(prefix="coursetools-grade-")
        os.chmod(self.work, 0o700)
        self.out_path = os.path.join(self.work, "output.txt")
        limits = isolation.limits
        r, w = os.pipe()
        code = harness_code()
        harness = [sys.executable, "-I", "-c", HARNESS_BOOT, str(w), str(args_fd), str(len(code))]
        keep = [w, args_fd]
        try:
            if self.unsafe:
                env = {**ENV, "HOME": self.work, "TMPDIR": self.work}
                cmd, cwd = prlimit_command(limits, _user_process_count() + limits.procs) + harness, self.work
            else:
                env, cwd = {"PATH": ENV["PATH"], "LANG": ENV["LANG"]}, "/"
                filt = seccomp.filter_fd()
                keep.append(filt)
                if isolation.mode == "root":
                    self.lease = UidLease()
                    procs = limits.procs
                    self.cgroup = make_cgroup(self.lease.uid, 2 * limits.memory_mb << 20)
                    cmd = prlimit_command(limits, procs) + bwrap_command(self.lease.uid, limits.tmp_mb, filt) + harness
                    if self.cgroup:     # join the cgroup first, then become prlimit, bwrap, the harness
                        cmd = ["/bin/sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', str(self.cgroup)] + cmd
                else:
                    procs = _user_process_count() + limits.procs
                    cmd = prlimit_command(limits, procs) + bwrap_command(None, limits.tmp_mb, filt) + harness
                    scope = user_memory_scope()
                    if scope:
                        cmd = [scope, "--user", "--scope", "--quiet", "-p", f"MemoryMax={2 * limits.memory_mb}M",
                               "-p", "MemorySwapMax=0", "--"] + cmd
            with open(self.out_path, "wb") as out, Child._lock:
                self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT,
                                             pass_fds=keep, cwd=cwd, env=env, start_new_session=True)
                Child._live.add(self)
        except BaseException:
            os.close(r)
            self._give_back()
            raise
        finally:
            os.close(w)
            if len(keep) > 2:
                os.close(keep[2])
        self.fd = r
        threading.Thread(target=self._feed, args=(code + request,), daemon=True).start()

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
        reaps the init and exits, and we reap bwrap. bwrap's process group is killed too, as a fallback, and at
        once when bwrap has no init yet (its child gets SIGKILL with it: --die-with-parent)."""
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
            try:                         # no init yet (bwrap still setting up): its process group at once
                self.proc.wait(timeout=5 if inits else 0)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()

    @classmethod
    def kill_all(cls):
        """Ctrl-C: end every sandbox this grader is running (their ``close`` still runs in their threads)."""
        with cls._lock:
            live = list(cls._live)
        for child in live:
            try:
                child.kill()
            except Exception:
                pass

    def output_excerpt(self, n=300):
        try:
            with open(self.out_path, "rb") as fh:
                return fh.read(n).decode("utf-8", "replace")
        except OSError:
            return ""

    def _give_back(self):
        remove_cgroup(self.cgroup)
        self.cgroup = None
        if self.lease:
            self.lease.release()
            self.lease = None

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
        with Child._lock:
            Child._live.discard(self)
        self._give_back()
        shutil.rmtree(self.work, ignore_errors=True)


@lru_cache(maxsize=None)
def sandbox_status():
    """(True, description) when the bubblewrap sandbox works on this machine, else (False, why not).
    Checked once by running Python with NumPy inside it."""
    missing = [t for t in ("bwrap", "prlimit") + (("setpriv",) if os.geteuid() == 0 else ()) if not shutil.which(t)]
    if missing:
        return False, (f"{' and '.join(missing)} not found (Debian/Ubuntu: apt-get install "
                       f"{'bubblewrap' if 'bwrap' in missing else 'util-linux'})")
    try:
        filt = seccomp.filter_fd()
    except Exception as exc:
        return False, f"the seccomp filter could not be built ({type(exc).__name__}: {exc})"
    lease = UidLease() if os.geteuid() == 0 else None
    try:
        cmd = bwrap_command(lease.uid if lease else None, 1, filt) + [
            sys.executable, "-I", "-c", "import gc; gc.disable(); import os, numpy, nnkit; print(os.getuid(), flush=True); os._exit(0)"]
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, pass_fds=[filt])
        except (OSError, subprocess.TimeoutExpired) as exc:
            return False, f"bubblewrap did not start ({exc})"
    finally:
        os.close(filt)
        if lease:
            lease.release()
    if p.returncode != 0:
        why = (p.stderr or p.stdout).strip().splitlines()[-1:] or ["no message"]
        return False, f"bubblewrap did not start here: {why[0][:200]}"
    return True, "bubblewrap sandbox"


atexit.register(Child.kill_all)
