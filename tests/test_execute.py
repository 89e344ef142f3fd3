"""python -m coursetools execute: runs notebooks in a fresh kernel and writes their outputs back, like
nbconvert --execute --inplace, with nbclient's waits sliced; a failing notebook is left as it was."""
import subprocess
import sys

import nbformat
import pytest

from coursetools.paths import REPO

WIDGET_CELL = """import ipywidgets as W
from IPython.display import display
out = W.Output()
with out:
    out.clear_output(wait=True)
    print("inside the widget")
display(out)"""


def _run(*args):
    return subprocess.run([sys.executable, "-m", "coursetools", "execute", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=240)


def test_execute_writes_the_outputs_back(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# tiny"), nbformat.v4.new_code_cell(WIDGET_CELL),
                nbformat.v4.new_code_cell("import os\nprint(os.path.basename(os.getcwd()), 6 * 7)")]
    path = tmp_path / "nb_folder" / "tiny.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, path)
    path.chmod(0o644)
    res = _run(path, "--timeout", "60")
    assert res.returncode == 0, res.stderr
    assert path.stat().st_mode & 0o777 == 0o644                       # the file keeps its permissions
    assert "tiny.ipynb: executed in" in res.stdout
    done = nbformat.read(path, as_version=4)
    assert [c.get("execution_count") for c in done.cells if c.cell_type == "code"] == [1, 2]
    assert done.cells[2].outputs[0]["text"] == "nb_folder 42\n"       # ran in the notebook's own folder
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in done.cells[1].outputs)
    assert list(tmp_path.joinpath("nb_folder").iterdir()) == [path]    # no temporary file left behind


def test_a_failing_notebook_is_left_unchanged(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print('old output')"), nbformat.v4.new_code_cell("1 / 0")]
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="old output\n")]
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    before = path.read_bytes()
    res = _run(path, tmp_path / "missing.ipynb", "--timeout", "60")
    assert res.returncode == 1
    assert "broken.ipynb: a cell failed (ZeroDivisionError" in res.stderr and "the file is unchanged" in res.stderr
    assert "missing.ipynb: no such notebook" in res.stderr
    assert path.read_bytes() == before


def test_waits_in_slices_find_a_reply_that_one_long_wait_misses():
    """nbclient issue 312 in miniature: a wait that starts before the reply arrives never sees it and runs out
    its whole timeout; a fresh wait finds it. With the sliced waits the reply is found about a second later."""
    import asyncio
    import queue
    import time
    from coursetools.execute import _get_in_slices

    arrives = time.monotonic() + 0.5

    class Channel:
        async def get_msg(self, timeout=None):
            started = time.monotonic()
            if started >= arrives:
                return {"msg": "reply"}
            await asyncio.sleep(timeout)        # this wait began too early: it misses the reply
            raise queue.Empty

    ch = Channel()
    t0 = time.monotonic()
    with pytest.raises(queue.Empty):
        asyncio.run(ch.get_msg(timeout=2.0))                  # one long wait: the whole 2 s, nothing found
    assert time.monotonic() - t0 >= 2.0
    arrives = time.monotonic() + 0.5
    _get_in_slices(ch, slice_seconds=0.2)
    t0 = time.monotonic()
    assert asyncio.run(ch.get_msg(timeout=30)) == {"msg": "reply"}
    assert time.monotonic() - t0 < 2.0
