"""The grading harness: the program that runs a submission inside the sandbox.

It is started as ``python -I -c <sandbox.HARNESS_BOOT> RESULT_FD ARGS_FD LENGTH``, which reads LENGTH bytes of
stdin: protocol.py + this file, compiled once by the grader (``sandbox.harness_code``), so that nothing of
``coursetools`` has to be importable in the sandbox. It then reads one JSON request from the rest of stdin:

    {"cells": [[index, source], ...], "sweep": bool,
     "task_seconds": s, "later_seconds": s,
     "tasks": [{"k", "func", "first", "parts", "uses": [[name, source], ...], "cases": [[arg, ...], ...]}]}

runs the cells once in a fresh ``__main__`` namespace, then each task in a forked process (background
threads started by cells do not exist there) that is killed with everything it started when the task's
time is up. Array arguments are views of a shared memory file (ARGS_FD) that the grader wrote and reads
back after each call: the grader, not this program, decides whether a function changed its input.

Student code (every cell, every call of a graded function) runs in a thread of its own whose frames lead
only to threading's code and to a two-line function defined in an empty namespace, so no frame a cell
walks up to holds the harness's names; the arguments are built before any cell runs. Still, this program
decides nothing: it shares the student's process (the garbage collector reaches everything in it). The
grader outside the sandbox checks the kind, fields and order of every message (``protocol.py``,
``runner.py``), enforces every deadline itself, compares the arguments' bytes itself, and holds the
expected values.
"""
import builtins
import gc
import importlib.abc
import importlib.machinery
import json
import math
import mmap
import os
import select
import signal
import sys
import threading
import time
import types

import numpy as np

from coursetools.grading.protocol import encode_array, message  # harness: inline (the text is prepended)

# Student code runs in a thread whose only frames below it are threading's and this function's, which is
# defined in a namespace of its own: no frame a cell can walk up to holds the harness's names.
_CALL = """
def call(fn, args, out):
    try:
        out.append((True, fn(*args)))
    except BaseException as e:
        out.append((False, e))
"""
# Modules whose import is deferred to their first use: the exercises' setup cells import pyplot, which with
# matplotlib itself costs about half a second of CPU of every submission's start, and the graded functions
# rarely draw.
LAZY_MODULES = ("matplotlib", "matplotlib.pyplot")
_TIMERS = (signal.ITIMER_REAL, signal.ITIMER_VIRTUAL, signal.ITIMER_PROF)
_SIGNALS = (signal.SIGCHLD, signal.SIGALRM, signal.SIGVTALRM, signal.SIGPROF, signal.SIGUSR1, signal.SIGUSR2,
            signal.SIGHUP, signal.SIGTERM)


def _error(e):
    """(class name, message) of an exception, whatever the exception does when asked."""
    try:
        name = type(e).__name__
        name = name if isinstance(name, str) else "Exception"
    except BaseException:
        name = "Exception"
    try:
        text = str(e)[:300]
    except BaseException:
        text = ""
    return name[:60], text


def _pytype(x):
    """The Python type of a result, in the words of the feedback."""
    if isinstance(x, np.ndarray):
        return "0-d array" if x.ndim == 0 else "array"
    if isinstance(x, np.generic):
        return "numpy scalar"
    if type(x) in (float, int, bool, list, tuple, str, dict, type(None), complex):
        return type(x).__name__
    return "other"


def _argument(spec, mem):
    """One argument rebuilt as the task gives it: a Python number, text or None as itself; a list or tuple
    item by item; a NumPy scalar as that scalar type; an array (any number of dimensions, 0-d included) as a
    writable view of the shared memory at its offset."""
    if "n" in spec:
        return spec["n"]
    if "s" in spec:
        return spec["s"]
    if "none" in spec:
        return None
    if "seq" in spec:
        items = [_argument(x, mem) for x in spec["seq"]]
        return items if spec["list"] else tuple(items)
    dtype = np.dtype(spec["dtype"])
    count = math.prod(spec["shape"])
    flat = np.frombuffer(mem, dtype=dtype, count=count, offset=spec["offset"]) if count else np.zeros(0, dtype)
    if "scalar" in spec:
        return flat[0]
    return flat.reshape(spec["shape"])


def isolated_call(fn, args):
    """(True, result) or (False, exception) of ``fn(*args)``, run in a fresh thread (see ``_CALL``)."""
    scope = {"__builtins__": builtins}
    exec(_CALL, scope)
    out = []
    t = threading.Thread(target=scope["call"], args=(fn, args, out), daemon=True)
    t.start()
    t.join()
    return out[0] if out else (False, SystemExit())


class Harness:
    def __init__(self, result_fd, args_fd, request):
        self.fd, self.args_fd, self.req = result_fd, args_fd, request
        size = os.fstat(args_fd).st_size
        mem = mmap.mmap(args_fd, size) if size else b""
        # every case's arguments, built before any cell runs (from NumPy as it was then)
        self.args = [[[_argument(a, mem) for a in case] for case in task["cases"]] for task in request["tasks"]]

    def send(self, kind, **fields):
        data = message(kind, **fields)
        while data:
            data = data[os.write(self.fd, data):]

    # --- the cells ------------------------------------------------------------------------------------
    def background(self):
        """Threads of this process, and processes of the sandbox: a rise after a cell means it left one."""
        n = threading.active_count()
        if self.req["sweep"]:
            try:
                n += len([p for p in os.listdir("/proc") if p.isdigit()])
            except OSError:
                pass
        return n

    def run_cells(self, namespace):
        base = self.background()
        for i, src in self.req["cells"]:
            self.send("cell", i=i)
            try:
                code = compile(src, "<cell %d>" % (i + 1), "exec")
            except SyntaxError as e:
                self.send("cell_error", i=i, type="SyntaxError", msg="%s (line %s)" % (e.msg, e.lineno))
                continue
            except BaseException as e:                  # null bytes, unencodable characters
                name, text = _error(e)
                self.send("cell_error", i=i, type=name, msg=text)
                continue
            ok, err = isolated_call(exec, (code, namespace))
            if not ok:
                name, text = _error(err)
                self.send("cell_error", i=i, type=name, msg=text)
            stop_timers()                               # an alarm set by a cell would stop a later one
            now = self.background()
            if now > base:
                self.send("background", i=i)
                base = now
        self.send("cells_done")

    def sweep(self):
        """Kill every process of the sandbox but this one and the namespace's init (processes that cells
        or a task left behind), and reap them."""
        if not self.req["sweep"]:
            return
        for _ in range(20):
            try:
                os.kill(-1, signal.SIGKILL)
            except OSError:
                break
        while True:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break

    # --- the tasks ------------------------------------------------------------------------------------
    def run_cases(self, n, task, fn, first, progress, namespace):
        """In the task's own process: rebind the task's reference functions, then call ``fn`` case by case
        from ``first`` on. Never returns."""
        try:
            os.setpgid(0, 0)
            if task["uses"]:
                refs = {"np": np, "math": math, "__builtins__": builtins}
                for _, src in task["uses"]:
                    exec(compile(src, "<reference>", "exec"), refs)
                for name, _ in task["uses"]:
                    namespace[name] = refs[name]
            k, parts = task["k"], task["parts"]
            for j in range(first, len(task["cases"])):
                progress[0:4] = j.to_bytes(4, "little")
                self.send("start", k=k, j=j)
                ok, res = isolated_call(fn, self.args[n][j])
                if not ok:
                    name, text = _error(res)
                    self.send("error", k=k, j=j, type=name, msg=text)
                    continue
                self.send_result(k, j, res, parts)
            progress[4:8] = (1).to_bytes(4, "little")
        finally:
            os._exit(0)

    def send_result(self, k, j, res, parts):
        pytype = "other"
        try:
            pytype = _pytype(res)
            if parts:
                if not isinstance(res, (tuple, list)) or len(res) != parts:
                    n = len(res) if isinstance(res, (tuple, list)) else 1
                    self.send("bad_result", k=k, j=j, why="count:%d" % n, pytype=pytype)
                    return
                value = [encode_array(r) for r in res]
            else:
                value = [encode_array(res)]
        except OverflowError:
            self.send("bad_result", k=k, j=j, why="large", pytype=pytype)
            return
        except BaseException:
            self.send("bad_result", k=k, j=j, why="type", pytype=pytype)
            return
        self.send("result", k=k, j=j, value=value, pytype=pytype)

    def fork(self):
        for _ in range(20):                  # a process limit just reached by swept processes frees up
            try:
                return os.fork()
            except OSError:
                self.sweep()
                time.sleep(0.1)
        return None

    def run_task(self, n, task, fn, namespace, seconds):
        """Run one task's cases in forked processes; returns the seconds later tasks get."""
        k, cases, nxt = task["k"], task["cases"], task["first"]
        deadline = time.monotonic() + seconds
        while nxt < len(cases):
            progress = mmap.mmap(-1, 8)
            progress[0:4] = nxt.to_bytes(4, "little")
            pid = self.fork()
            if pid is None:
                self.send("no_process", k=k)
                return seconds
            if pid == 0:
                self.run_cases(n, task, fn, nxt, progress, namespace)
            try:
                os.setpgid(pid, pid)
            except OSError:
                pass
            pfd = os.pidfd_open(pid)
            poller = select.poll()
            poller.register(pfd, select.POLLIN)
            left = deadline - time.monotonic()
            ready = poller.poll(max(0, int(left * 1000))) if left > 0 else []
            os.close(pfd)
            if not ready:
                try:
                    os.kill(-pid, signal.SIGKILL)
                except OSError:
                    pass
                self.sweep()
                self.send("task_timeout", k=k, j=int.from_bytes(progress[0:4], "little"))
                return self.req["later_seconds"]         # after one endless loop, later tasks get less time
            status = os.waitpid(pid, 0)[1]
            self.sweep()
            if int.from_bytes(progress[4:8], "little") == 1:
                break
            j = int.from_bytes(progress[0:4], "little")
            self.send("task_exit", k=k, j=j, status=os.waitstatus_to_exitcode(status))
            nxt = j + 1
        return seconds

    def run_tasks(self, namespace):
        seconds = self.req["task_seconds"]
        for n, task in enumerate(self.req["tasks"]):
            fn = namespace.get(task["func"])
            if not callable(fn):
                self.send("missing", k=task["k"])
                continue
            self.send("task", k=task["k"])
            seconds = self.run_task(n, task, fn, namespace, seconds)
        self.send("done")


class LazyImports:
    """A finder that gives the modules of LAZY_MODULES a loader that runs them at their first use
    (``LazyLoader``): ``import matplotlib.pyplot as plt`` binds ``plt`` at once, and matplotlib and pyplot are
    really imported when a cell or function first uses ``plt.something`` or ``matplotlib.something``.
    Everything else about the import (sys.modules, the parent package's attribute) is Python's own."""

    def find_spec(self, name, path, target=None):
        parent = sys.modules.get(name.rpartition(".")[0])
        if name not in LAZY_MODULES:
            if type(parent) is not LazyModule:
                return None
            # Another submodule of a package whose code has not run: the package's code runs first, as Python
            # runs a package before its submodules. If that imported this submodule, the import gets that module
            # (Python's import system asks for its spec then: ``Imported`` hands the module over as it is).
            _run_lazy(parent, object.__getattribute__(parent, "__dict__"))
            module = sys.modules.get(name)
            if module is None:
                return None
            module.__spec__ = importlib.machinery.ModuleSpec(name, Imported(module, module.__spec__))
            return module.__spec__
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = LazyLoader(spec.loader)
        return spec


class LazyLoader(importlib.abc.Loader):
    """``importlib.util.LazyLoader``'s idea with a module that can be a lazy package: the module's code runs at
    the first use of any attribute but its import metadata (``IMPORT_METADATA``) and the submodules imported into
    it meanwhile, which Python's import system reads when it imports a submodule of the package (the standard
    lazy module runs its code then, so ``import matplotlib.pyplot`` would import all of matplotlib)."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        module.__spec__.loader = module.__loader__ = self.loader
        module.__spec__.loader_state = {"__dict__": module.__dict__.copy()}
        module.__class__ = LazyModule


class Imported(importlib.abc.Loader):
    """The loader of a module that is already imported: gives that module, and puts its own spec back."""

    def __init__(self, module, spec):
        self.module, self.spec = module, spec

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        module.__spec__ = self.spec


IMPORT_METADATA = frozenset(("__name__", "__loader__", "__package__", "__spec__", "__path__", "__file__", "__cached__"))


class LazyModule(types.ModuleType):
    """A module whose code has not run yet (``LazyLoader``)."""

    def __getattribute__(self, attr):
        d = object.__getattribute__(self, "__dict__")
        if attr in d and (attr in IMPORT_METADATA or sys.modules.get(d["__spec__"].name + "." + attr) is d[attr]):
            return d[attr]
        _run_lazy(self, d)
        return getattr(self, attr)

    def __delattr__(self, attr):
        _run_lazy(self, object.__getattribute__(self, "__dict__"))
        delattr(self, attr)


def _run_lazy(module, d):
    """Run a ``LazyModule``'s code now, as its import would have; what was set on it meanwhile (submodules)
    stays."""
    module.__class__ = types.ModuleType
    spec = d["__spec__"]
    before = spec.loader_state["__dict__"]
    added = {k: v for k, v in d.items() if k not in before or v is not before[k]}
    spec.loader.exec_module(module)
    d.update(added)


def stop_timers():
    try:
        signal.alarm(0)
        for t in _TIMERS:
            signal.setitimer(t, 0)
    except BaseException:
        pass


def reset_hooks():
    """Signal handlers and trace hooks that a cell installed would otherwise run in the harness."""
    for s in _SIGNALS:
        try:
            signal.signal(s, signal.SIG_DFL)
        except BaseException:
            pass
    sys.settrace(None)
    sys.setprofile(None)
    threading.settrace(None)
    threading.setprofile(None)


def main(result_fd, args_fd):
    request = json.loads(sys.stdin.buffer.read())
    try:
        sys.stdin = open(os.devnull)
    except BaseException:
        pass
    harness = Harness(result_fd, args_fd, request)
    # The harness's own objects (NumPy's modules, the arguments) go to the collector's permanent generation,
    # which no later collection walks (nor writes to, in the tasks' forked processes); then the collector
    # runs as in any Python for everything the cells make.
    gc.freeze()
    gc.enable()
    harness.send("ready")
    sys.meta_path.insert(0, LazyImports())
    module = types.ModuleType("__main__")
    module.__builtins__ = builtins
    sys.modules["__main__"] = module
    harness.run_cells(module.__dict__)
    harness.sweep()                                  # processes that cells left behind
    reset_hooks()
    harness.run_tasks(module.__dict__)
    # Everything is sent: leave without Python's clean-up (tearing down NumPy's modules and a last collection cost
    # about 20 ms of CPU, which the grader, about to end the sandbox, waits for in vain). What the code printed is
    # written out first.
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except BaseException:
            pass
    os._exit(0)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
