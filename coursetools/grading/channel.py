"""The grader's side of the result channel: JSON lines from a sandboxed child, trusted in nothing.

Every line is checked before it is used: its length, its nesting (counted before ``json.loads`` sees it),
its JSON, and then its shape against the few message kinds the harness sends, with exact types and
ranges (a ``bool`` is not an index, a cell index must be a cell of this notebook, an array must have a
numeric dtype and bytes that match its shape). Anything else raises ``ChannelError``, which costs that
student's submission a clear message and never another student's grade.
"""
import base64
import binascii
import json
import re

import numpy as np

MAX_LINE = 24 << 20         # bytes in one line (a base64 array result of up to 16 MB)
MAX_BRACKETS = 64           # '[' and '{' in one line: the harness sends at most a few
MAX_DIMS = 8
_DTYPE = re.compile(r"^[<>|=]?[biuf][1248]$|^[<>|=]?f16$")
KINDS = {"array", "0-d array", "numpy scalar", "float", "int", "bool", "list", "tuple", "str", "dict",
         "NoneType", "complex", "other"}
_NAME = re.compile(r"[^A-Za-z0-9_.]")


class ChannelError(Exception):
    """The child sent something the harness never sends."""


def _int(v, lo, hi, what):
    if type(v) is not int or not lo <= v < hi:
        raise ChannelError(f"{what} is not an index in range")
    return v


def _str(v, cap):
    if type(v) is not str:
        raise ChannelError("a text field is not text")
    return v[:cap]


def clean_text(text, cap=200):
    """A short, printable excerpt of text that came from student code (control characters removed)."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(text)[:cap * 2])
    text = " ".join(text.split())
    return text[:cap] + ("..." if len(text) > cap else "")


def exception_name(v):
    """The exception's class name as sent by the child, reduced to identifier characters."""
    return _NAME.sub("", _str(v, 60))[:60] or "Exception"


def decode_array(d, max_bytes):
    """Rebuild a result array from ``{"dtype", "shape", "b"}``, checking every field."""
    if type(d) is not dict or set(d) != {"dtype", "shape", "b"}:
        raise ChannelError("a result is not an encoded array")
    dt = _str(d["dtype"], 8)
    if not _DTYPE.match(dt):
        raise ChannelError("a result has an unexpected dtype")
    dtype = np.dtype(dt)
    shape = d["shape"]
    if type(shape) is not list or len(shape) > MAX_DIMS:
        raise ChannelError("a result has an unexpected shape")
    size = 1
    for s in shape:
        _int(s, 0, max_bytes + 1, "a dimension")
        size *= s
    if size * dtype.itemsize > max_bytes:
        raise ChannelError("a result is larger than allowed")
    b = _str(d["b"], max_bytes * 2)
    try:
        raw = base64.b64decode(b, validate=True)
    except (binascii.Error, ValueError):
        raise ChannelError("a result's bytes are not base64") from None
    if len(raw) != size * dtype.itemsize:
        raise ChannelError("a result's bytes do not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def parse_line(line, n_cells, tasks, max_bytes):
    """One raw line -> a checked message dict. ``n_cells``: the notebook's cell count (all cells);
    ``tasks``: the list of (number of cases, unused) per task."""
    if len(line) > MAX_LINE:
        raise ChannelError("a result line is too long")
    if line.count(b"[") + line.count(b"{") > MAX_BRACKETS:
        raise ChannelError("a result line is nested too deeply")
    try:
        msg = json.loads(line)
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise ChannelError("a result line is not valid JSON") from None
    if type(msg) is not dict or not msg:
        raise ChannelError("a result line is not a message")
    keys = set(msg)
    n_tasks = len(tasks)
    if keys in ({"ready"}, {"cells_done"}, {"done"}):
        if msg[next(iter(keys))] != 1 or type(msg[next(iter(keys))]) is not int:
            raise ChannelError("unexpected flag value")
        return {next(iter(keys)): True}
    if keys in ({"cell"}, {"background"}):
        k = next(iter(keys))
        return {k: _int(msg[k], 0, n_cells, "a cell")}
    if keys == {"cell_error", "type", "msg"}:
        return {"cell_error": _int(msg["cell_error"], 0, n_cells, "a cell"),
                "type": exception_name(msg["type"]), "msg": clean_text(_str(msg["msg"], 1000))}
    if keys in ({"task"}, {"missing"}):
        k = next(iter(keys))
        return {k: _int(msg[k], 0, n_tasks, "a task")}
    if keys in ({"task_timeout", "case"}, {"task_exit", "case", "status"}):
        k = "task_timeout" if "task_timeout" in keys else "task_exit"
        t = _int(msg[k], 0, n_tasks, "a task")
        out = {k: t, "case": _int(msg["case"], 0, tasks[t][0], "a case")}
        if k == "task_exit":
            out["status"] = _int(msg["status"], -256, 256, "an exit status")
        return out
    if keys == {"start"} or "case" in keys:
        pair = msg.get("start", msg.get("case"))
        if type(pair) is not list or len(pair) != 2:
            raise ChannelError("a case reference is malformed")
        t = _int(pair[0], 0, n_tasks, "a task")
        j = _int(pair[1], 0, tasks[t][0], "a case")
        if keys == {"start"}:
            return {"start": (t, j)}
        out = {"case": (t, j)}
        rest = keys - {"case"}
        if "after" in rest:
            after = msg["after"]
            if type(after) is not list or len(after) > 64:
                raise ChannelError("the argument fingerprints are malformed")
            for a in after:
                if a is not None and (type(a) is not str or not re.fullmatch(r"[0-9a-f]{32}", a)):
                    raise ChannelError("an argument fingerprint is malformed")
            out["after"] = after
            rest.discard("after")
        if "kind" in rest:
            kind = _str(msg["kind"], 20)
            out["kind"] = kind if kind in KINDS else "value"
            rest.discard("kind")
        if rest == {"result"}:
            out["result"] = decode_array(msg["result"], max_bytes)
            return out
        if rest == {"error"}:
            e = msg["error"]
            if type(e) is not dict or set(e) != {"type", "msg"}:
                raise ChannelError("an error report is malformed")
            out["error"] = exception_name(e["type"])
            out["msg"] = clean_text(_str(e["msg"], 1000))
            return out
        raise ChannelError("a case report is malformed")
    raise ChannelError("an unknown message")
