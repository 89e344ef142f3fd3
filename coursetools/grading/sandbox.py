"""Run student code in a limited child process and bring back plain data.

The child is ``python -I -c HARNESS``: it reads one JSON request on stdin (the notebook's code cells, a
function name and the argument arrays of each test case), runs the cells one by one (an exception in a
cell is reported and the next cell still runs), calls the function on each case and writes JSON lines to
a private pipe. Arrays travel as dtype, shape and raw bytes. Everything the harness needs is bound before
the first student line runs, so monkeypatching NumPy or builtins cannot change what it reports.
"""
import base64
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

HARNESS = r'''
import sys, os, json, base64, builtins
import numpy as np
_fd = int(sys.argv[1]); _write = os.write; _dumps = json.dumps; _b64e = base64.b64encode; _b64d = base64.b64decode
_asarray = np.asarray; _ndarray = np.ndarray; _frombuffer = np.frombuffer; _bytes = bytes; _mv = memoryview
_isinstance = isinstance; _type = type; _str = str; _len = len; _BaseException = BaseException
def _send(obj):
    data = (_dumps(obj) + "\n").encode()
    while data:
        n = _write(_fd, data); data = data[n:]
def _decode(a):
    if "number" in a:
        return a["number"]
    return _frombuffer(_b64d(a["b"]), dtype=a["dtype"]).reshape(a["shape"]).copy()
def _encode(x):
    arr = _asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError("not numbers")
    arr = arr.astype(arr.dtype.newbyteorder("="), copy=True)
    return {"dtype": arr.dtype.str, "shape": list(arr.shape), "b": _b64e(_bytes(_mv(arr))).decode()}
_req = json.loads(sys.stdin.read())
_ns = {"__name__": "__main__", "__builtins__": builtins}
for _i, _src in enumerate(_req["cells"]):
    if _i in _req["skip"]:
        continue
    _send({"cell": _i})
    try:
        _code = compile(_src, "<cell %d>" % (_i + 1), "exec")
    except SyntaxError as _e:
        _send({"cell_error": _i, "msg": "SyntaxError: %s (line %s)" % (_e.msg, _e.lineno)})
        continue
    try:
        exec(_code, _ns)
    except _BaseException as _e:
        _send({"cell_error": _i, "msg": ("%s: %s" % (_type(_e).__name__, _e))[:300]})
_send({"cells_done": True})
_fn = _ns.get(_req["func"])
if not callable(_fn):
    _send({"missing": _req["func"]})
else:
    for _k, _case in enumerate(_req["cases"]):
        _args = [_decode(a) for a in _case]
        _before = [_bytes(_mv(a)) if _isinstance(a, _ndarray) else a for a in _args]
        _send({"start": _k})
        try:
            _res = _fn(*_args)
        except _BaseException as _e:
            _send({"case": _k, "error": ("%s: %s" % (_type(_e).__name__, _e))[:300]})
            continue
        _mut = [j for j, a in enumerate(_args) if _isinstance(a, _ndarray) and _bytes(_mv(a)) != _before[j]]
        try:
            _send({"case": _k, "result": _encode(_res), "type": _type(_res).__name__, "mutated": _mut})
        except _BaseException:
            _send({"case": _k, "error": "returned a %s, which is not a number or an array of numbers"
                   % _type(_res).__name__, "mutated": _mut})
_send({"done": True})
'''


def encode_array(a):
    """An argument for the child: a Python int/float stays a number, anything else goes as array bytes."""
    if isinstance(a, (int, float)) and not isinstance(a, bool):
        return {"number": a}
    a = np.asarray(a)
    return {"dtype": a.dtype.str, "shape": list(a.shape), "b": base64.b64encode(a.tobytes()).decode()}


def decode_array(d):
    """Rebuild an array from the child's plain data, with checks (never trusting the child)."""
    dtype = np.dtype(d["dtype"])
    if dtype.kind not in "biuf":
        raise ValueError("unexpected dtype")
    shape = tuple(int(s) for s in d["shape"])
    raw = base64.b64decode(d["b"], validate=True)
    if len(raw) != dtype.itemsize * int(np.prod(shape)):
        raise ValueError("size does not match shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


class Limits:
    def __init__(self, seconds=10.0, memory_mb=1536, output_bytes=1 << 20, result_bytes=64 << 20):
        self.seconds, self.memory_mb, self.output_bytes, self.result_bytes = seconds, memory_mb, output_bytes, result_bytes


def _preexec(limits):
    def apply():
        mem = limits.memory_mb << 20
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        cpu = int(limits.seconds) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.output_bytes, limits.output_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # printing past the cap fails instead of killing
    return apply


# Run as root: a private mount namespace hides the protected folders behind empty, unreadable tmpfs mounts,
# a private PID namespace hides every other process (nothing to signal, ptrace or read in /proc), and all
# capabilities are dropped before Python starts, so the student code cannot undo the mounts or read
# through file permissions.
_WRAP = 'IFS=:; for d in $NNKIT_HIDE; do [ -d "$d" ] && ' \
        'mount -t tmpfs -o size=4k,mode=000 tmpfs "$d" || true; done; unset IFS; ' \
        'exec setpriv --bounding-set=-all --inh-caps=-all --no-new-privs "$@"'


def isolation():
    """'namespaces' when the grader can hide folders and processes from the child, else 'limits only'."""
    if os.geteuid() == 0 and shutil.which("unshare") and shutil.which("setpriv"):
        return "namespaces"
    return "limits only"


def run_in_child(cells, func, cases, limits, skip=(), hide=()):
    """Run ``cells`` then ``func(*case)`` for each case in a child. Returns (messages, info) where info has
    'timeout', 'returncode', 'output' (the first bytes the student code printed), 'seconds'."""
    work = tempfile.mkdtemp(prefix="nnkit-grade-")
    os.chmod(work, 0o700)
    out_path = os.path.join(work, "output.txt")
    r, w = os.pipe()
    env = {"PATH": "/usr/bin:/bin", "HOME": work, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"}
    request = json.dumps({"cells": list(cells), "skip": list(skip), "func": func,
                          "cases": [[encode_array(a) for a in case] for case in cases]}).encode()
    chunks, size = [], [0]

    def reader():
        while True:
            data = os.read(r, 1 << 16)
            if not data:
                break
            if size[0] < limits.result_bytes:
                chunks.append(data)
                size[0] += len(data)

    start = time.monotonic()
    cmd = [sys.executable, "-I", "-c", HARNESS, str(w)]
    if isolation() == "namespaces":
        env["NNKIT_HIDE"] = ":".join(str(p) for p in hide)
        cmd = ["unshare", "--mount", "--pid", "--fork", "--kill-child", "sh", "-c", _WRAP, "sh"] + cmd
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT, pass_fds=(w,),
                                cwd=work, env=env, preexec_fn=_preexec(limits), start_new_session=True)
    os.close(w)
    t = threading.Thread(target=reader, daemon=True)
    t.start()
    timeout = False
    try:
        try:
            proc.stdin.write(request)
            proc.stdin.close()
        except BrokenPipeError:
            pass
        proc.wait(timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        timeout = True
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)     # the child and anything it started
        except ProcessLookupError:
            pass
        proc.wait()
    t.join(5)
    os.close(r)
    try:
        with open(out_path, "rb") as fh:
            printed = fh.read(2000).decode("utf-8", "replace")
    except OSError:
        printed = ""
    subprocess.run(["rm", "-rf", work], check=False)
    messages = []
    for line in b"".join(chunks).split(b"\n"):
        try:
            msg = json.loads(line)
            if isinstance(msg, dict):
                messages.append(msg)
        except ValueError:
            continue
    return messages, {"timeout": timeout, "returncode": proc.returncode, "output": printed,
                      "seconds": time.monotonic() - start}
