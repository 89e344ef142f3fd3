"""Execute notebooks in place, as ``jupyter nbconvert --to notebook --execute --inplace`` does, without
nbclient's stall after widget cells.

    python -m coursetools execute lessons/02_least_squares.ipynb [more notebooks] [--timeout 600]

Each notebook runs from top to bottom in a fresh kernel (nbclient, in the notebook's own folder), and is
written back with its new outputs: this is how the committed outputs of lessons and solutions are made.
After a cell that draws into an ipywidgets ``Output``, nbclient's one long wait for the kernel's reply
sometimes misses the reply that has already arrived and sits out its whole cell time-out (nbclient issue
312: lesson 2 stood still for the full 600 s under nbconvert); this client waits in 1-second slices,
which finds it. A notebook with a failing cell is not written: it keeps its old outputs, and the
command names the notebook and the error.
"""
import argparse
import os
import queue
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["execute", "notebook_client"]


def _get_in_slices(channel, slice_seconds=1.0):
    """Make ``channel.get_msg(timeout)`` wait in slices of ``slice_seconds`` (nbclient issue 312)."""
    get = channel.get_msg

    async def get_msg(timeout=None, **kwargs):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            step = slice_seconds if deadline is None else min(slice_seconds, max(0.0, deadline - time.monotonic()))
            try:
                return await get(timeout=step, **kwargs)
            except queue.Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    channel.get_msg = get_msg


def notebook_client(nb, path, timeout=600, **kwargs):
    """An nbclient NotebookClient for the notebook ``nb`` read from ``path``, running in path's folder, whose
    waits for the kernel are sliced. Inputs: nb (nbformat NotebookNode), path (Path), timeout (seconds per
    cell), further NotebookClient options. Returns the client (``client.execute()`` runs every cell)."""
    from nbclient import NotebookClient

    class SlicedWaitClient(NotebookClient):
        async def async_start_new_kernel_client(self):
            kc = await super().async_start_new_kernel_client()
            _get_in_slices(self.kc.shell_channel)
            _get_in_slices(self.kc.iopub_channel)
            return kc

    kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
    return SlicedWaitClient(nb, timeout=timeout, kernel_name=kernel,
                            resources={"metadata": {"path": str(Path(path).parent)}}, **kwargs)


def execute(path, timeout=600):
    """Run the notebook at ``path`` in a fresh kernel and write it back with the new outputs.

    Inputs: path (str or Path of an .ipynb), timeout (seconds a single cell may take). Returns the seconds it
    took. Raises RuntimeError with the error's last line if a cell fails or runs too long; the file is then
    unchanged.
    """
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such notebook.")
    nb = nbformat.read(path, as_version=4)
    client = notebook_client(nb, path, timeout=timeout)
    t0 = time.perf_counter()
    try:
        client.execute(stderr=subprocess.DEVNULL)
    except CellTimeoutError:
        raise RuntimeError(f"{path}: a cell ran longer than {timeout} s; the file is unchanged.") from None
    except (CellExecutionError, DeadKernelError) as exc:
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()        # without the traceback's colours
        last = text.splitlines()[-1] if text else type(exc).__name__
        raise RuntimeError(f"{path}: a cell failed ({last[:200]}); the file is unchanged.") from None
    seconds = time.perf_counter() - t0
    # written next to the file, then moved over it: an interrupted write never leaves half a notebook
    fd, tmp = tempfile.mkstemp(suffix=".ipynb", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            nbformat.write(nb, f)
        os.chmod(tmp, path.stat().st_mode & 0o7777)      # mkstemp makes it 0600; keep the notebook's own mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return seconds


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m coursetools execute", description=__doc__.split("\n\n")[0])
    ap.add_argument("notebooks", nargs="+", help="the .ipynb files to run and rewrite")
    ap.add_argument("--timeout", type=int, default=600, help="seconds a single cell may take (default 600)")
    a = ap.parse_args(argv)
    failed = 0
    for nb in a.notebooks:
        try:
            print(f"{nb}: executed in {execute(nb, a.timeout):.1f} s")
        except (RuntimeError, FileNotFoundError) as exc:
            print(f"coursetools execute: {exc}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
