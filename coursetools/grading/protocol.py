"""The one definition of the messages between the sandboxed harness and the grader.

The harness (``harness.py``, run inside the sandbox) writes one JSON object per line on an inherited pipe:
``{"m": KIND, field: value, ...}``. ``MESSAGES`` below is the schema: for each kind, its fields and
their types. The harness builds every line with ``message()`` from this schema (this file's text is sent
into the sandbox in front of the harness's), and the grader reads every line with ``parse()`` against the
same schema: size, nesting, JSON, kind, exact field set, types and ranges. The order of the messages is
checked by the grader (``runner.py``), not here. Nothing a student prints is read: printed output goes to
a separate file.

This file imports only the standard library and NumPy (it runs inside the sandbox too).
"""
import base64
import binascii
import json
import re

import numpy as np

MAX_LINE = 24 << 20         # bytes in one line (a base64 array result of up to 16 MB)
MAX_DEPTH = 6               # nesting of the parsed JSON: a result message is 4 deep
MAX_DIMS = 8
MAX_PARTS = 8               # arrays in one result (a function that returns several: dW, db, dx)
TEXT_CAP = 1000             # characters kept of a text field

# Field types: "cell" (an index of a notebook cell that was sent), "task", "case" (index in range),
# "text" (a string, cut), "name" (an exception's class name), "status" (an exit code), "pytype" (the Python
# type of a result, for feedback), "arrays" (a list of encoded arrays).
MESSAGES = {
    "ready": {},                                         # the harness has read its request
    "cell": {"i": "cell"},                               # cell i starts
    "cell_error": {"i": "cell", "type": "name", "msg": "text"},
    "background": {"i": "cell"},                         # cell i left a thread or process running
    "cells_done": {},
    "task": {"k": "task"},                               # task k starts (its function exists)
    "missing": {"k": "task"},                            # no callable of task k's name
    "no_process": {"k": "task"},                         # no process could be started for task k
    "start": {"k": "task", "j": "case"},                 # case j of task k is called
    "result": {"k": "task", "j": "case", "value": "arrays", "pytype": "pytype"},
    "error": {"k": "task", "j": "case", "type": "name", "msg": "text"},
    "bad_result": {"k": "task", "j": "case", "why": "text", "pytype": "pytype"},
    "task_timeout": {"k": "task", "j": "case"},
    "task_exit": {"k": "task", "j": "case", "status": "status"},
    "done": {},
}
KINDS = ("array", "0-d array", "numpy scalar", "float", "int", "bool", "list", "tuple", "str", "dict",
         "NoneType", "complex", "other")
_DTYPE = re.compile(r"^[<>|=]?[biuf][1248]$|^[<>|=]?f16$")
_NAME = re.compile(r"[^A-Za-z0-9_.]")


def message(kind, **fields):
    """One line of the protocol as bytes (the harness's side). A field set that the schema does not
    define is a bug in the harness, so it raises."""
    if kind not in MESSAGES or set(fields) != set(MESSAGES[kind]):
        raise ValueError(f"not a message of the protocol: {kind} {sorted(fields)}")
    return (json.dumps({"m": kind, **fields}) + "\n").encode()


def encode_array(x):
    """An array of numbers (ndarray, NumPy scalar, Python number, list) as ``{dtype, shape, b}``."""
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError("not numbers")
    if arr.nbytes > (16 << 20):
        raise OverflowError("too large")
    arr = arr.astype(arr.dtype.newbyteorder("="), copy=True)
    return {"dtype": arr.dtype.str, "shape": list(arr.shape), "b": base64.b64encode(arr.tobytes()).decode()}


class ChannelError(Exception):
    """The child sent something the harness never sends."""


def N_(template, **fields):
    """A feedback text (see ``coursetools.grading.tasks.N_``, which this file cannot import: it is also the start of
    the harness inside the sandbox): the English template filled; its Japanese entry is in i18n/ja/coursetools.po."""
    return template.format(**fields) if fields else template


def clean_text(text, cap=200):
    """A short, printable excerpt of text that came from student code (control characters removed)."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(text)[:cap * 2])
    text = " ".join(text.split())
    return text[:cap] + ("..." if len(text) > cap else "")


def _depth(obj, limit):
    stack = [(obj, 1)]
    while stack:
        o, d = stack.pop()
        if d > limit:
            return False
        if isinstance(o, dict):
            stack.extend((v, d + 1) for v in o.values())
        elif isinstance(o, list):
            stack.extend((v, d + 1) for v in o)
    return True


def _index(v, n, what):
    if type(v) is not int or not 0 <= v < n:
        raise ChannelError(N_("{what} is not an index in range", what=what))
    return v


def decode_array(d, max_bytes):
    """Rebuild a result array from ``{"dtype", "shape", "b"}``, checking every field."""
    if type(d) is not dict or set(d) != {"dtype", "shape", "b"}:
        raise ChannelError(N_("a result is not an encoded array"))
    if type(d["dtype"]) is not str or not _DTYPE.match(d["dtype"]):
        raise ChannelError(N_("a result has an unexpected dtype"))
    dtype = np.dtype(d["dtype"])
    shape = d["shape"]
    if type(shape) is not list or len(shape) > MAX_DIMS:
        raise ChannelError(N_("a result has an unexpected shape"))
    size = 1
    for s in shape:
        _index(s, max_bytes + 1, N_("a dimension"))
        size *= s
    if size * dtype.itemsize > max_bytes:
        raise ChannelError(N_("a result is larger than allowed"))
    if type(d["b"]) is not str or len(d["b"]) > 2 * max_bytes:
        raise ChannelError(N_("a result's bytes are not text"))
    try:
        raw = base64.b64decode(d["b"], validate=True)
    except (binascii.Error, ValueError):
        raise ChannelError(N_("a result's bytes are not base64")) from None
    if len(raw) != size * dtype.itemsize:
        raise ChannelError(N_("a result's bytes do not match its shape"))
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def _field(kind, v, limits):
    if kind == "cell":
        if type(v) is not int or v not in limits.cells:
            raise ChannelError(N_("a cell is not one of the cells sent"))
        return v
    if kind == "task":
        return _index(v, limits.n_tasks, N_("a task"))
    if kind == "case":
        return _index(v, limits.max_cases, N_("a case"))
    if kind == "status":
        if type(v) is not int or not -256 < v < 256:
            raise ChannelError(N_("an exit status is out of range"))
        return v
    if type(v) is str and kind in ("text", "name", "pytype"):
        if kind == "text":
            return clean_text(v[:TEXT_CAP])
        if kind == "name":
            return _NAME.sub("", v[:60])[:60] or "Exception"
        return v if v in KINDS else "other"
    if kind == "arrays" and type(v) is list and 1 <= len(v) <= MAX_PARTS:
        return [decode_array(a, limits.max_bytes) for a in v]
    raise ChannelError(N_("a field is not of its type ({kind})", kind=kind))


class Limits:
    """What ``parse`` accepts: the cells that were sent, the number of tasks, the largest case count,
    the largest result in bytes."""

    def __init__(self, cells, n_tasks, max_cases, max_bytes):
        self.cells, self.n_tasks, self.max_cases, self.max_bytes = set(cells), n_tasks, max_cases, max_bytes


def parse(line, limits):
    """One raw line -> ``(kind, fields)``, checked against ``MESSAGES``; ``ChannelError`` otherwise."""
    if len(line) > MAX_LINE:
        raise ChannelError(N_("a result line is too long"))
    try:
        msg = json.loads(line)
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise ChannelError(N_("a result line is not valid JSON")) from None
    if type(msg) is not dict or not _depth(msg, MAX_DEPTH):
        raise ChannelError(N_("a result line is not a message"))
    kind = msg.pop("m", None)
    if type(kind) is not str or kind not in MESSAGES:
        raise ChannelError(N_("an unknown message"))
    schema = MESSAGES[kind]
    if set(msg) != set(schema):
        raise ChannelError(N_("a {kind} message has other fields than the protocol's", kind=kind))
    return kind, {name: _field(t, msg[name], limits) for name, t in schema.items()}
