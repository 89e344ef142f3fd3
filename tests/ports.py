"""Loopback ports for the tests, without the race of "find a free port, close it, and hope nobody takes it
before the server binds it":

- a server a test starts binds port 0 itself and reports the port the system gave it (JupyterLab writes
  it into ``jpserver-<pid>.json`` in its runtime folder: ``jupyter_server_url`` reads it);
- a port where nothing listens (a mirror that is down) stays bound by this process, never listening,
  until the process ends: connecting to it is refused, and no other program can take it meanwhile.
"""
import json
import socket
import time
from pathlib import Path

_held = []          # sockets bound by refused_port(), kept open for the life of the process


def refused_port():
    """A TCP port on 127.0.0.1 where a connection is refused, and stays refused: this process keeps it
    bound (without listening) until it exits, so no other program can start listening there."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    _held.append(s)
    return s.getsockname()[1]


def jupyter_server_url(runtime_dir, process, timeout=120, log=None):
    """The URL of the Jupyter server ``process`` (a Popen started with ``--ServerApp.port=0`` and
    ``JUPYTER_RUNTIME_DIR=runtime_dir``), read from the ``jpserver-*.json`` it writes there once it has
    bound its port. Fails the test if the server exits first or writes nothing within ``timeout`` s
    (``log``: a file whose end is shown then)."""
    import pytest
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for info_file in Path(runtime_dir).glob("jpserver-*.json"):
            try:
                info = json.loads(info_file.read_text())
            except (OSError, ValueError):          # being written: read it again
                continue
            if info.get("port"):
                return f"http://127.0.0.1:{info['port']}"
        if process.poll() is not None:
            break
        time.sleep(0.1)
    tail = Path(log).read_text(errors="replace")[-2000:] if log else ""
    state = f"exited with code {process.returncode}" if process.poll() is not None else \
        f"wrote no jpserver-*.json into {runtime_dir} within {timeout} s"
    pytest.fail(f"the Jupyter server {state}\n{tail}")
