"""The visible checks of every exercise catch an answer that has the right shape and nothing else: with the
task's functions replaced by ones that return zeros of the shape the reference returns, every check cell stops
with an AssertionError that carries a message (never a bare assert), and with the reference it passes."""
import re

import nbformat
import numpy as np
import pytest

from coursetools.paths import REPO

SOLUTIONS = sorted((REPO / "solutions").glob("0[1-7]_*.ipynb"))
_DEF = re.compile(r"^def (\w+)\(", re.M)


def _zeros_like(x):
    if isinstance(x, np.ndarray):
        return np.zeros_like(x)
    if isinstance(x, (float, int, np.floating, np.integer)) and not isinstance(x, bool):
        return type(x)(0)
    if isinstance(x, (tuple, list)) and x and all(isinstance(v, (np.ndarray, float, int, np.floating)) for v in x):
        return type(x)(_zeros_like(v) for v in x)
    return None                                   # not plain numbers (a Value, None): leave this function alone


def _zeroed(func, used):
    def wrapper(*args, **kwargs):
        result = func(*args, **kwargs)
        zeros = _zeros_like(result)
        if zeros is None:
            return result
        used.append(func.__name__)
        return zeros
    return wrapper


def _source(cell):
    return "\n".join(("# " + ln) if ln.lstrip().startswith("%") else ln for ln in cell.source.splitlines())


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_visible_checks_reject_right_shaped_zeros(path, monkeypatch):
    import matplotlib.pyplot as plt
    monkeypatch.setattr(plt, "show", lambda *a, **k: plt.close("all"))
    nb = nbformat.read(str(path), as_version=4)
    ns, task_funcs, checked = {"__name__": "__main__"}, [], 0
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        if cell.cell_type == "markdown":
            if cell.source.startswith("## Task "):
                task_funcs = []
            continue
        src = _source(cell)
        if meta.get("solution"):
            task_funcs += [n for n in _DEF.findall(src)]
        if meta.get("grade"):
            originals, used = {n: ns[n] for n in task_funcs}, []
            for n, f in originals.items():
                ns[n] = _zeroed(f, used)
            caught = None
            try:
                exec(compile(src, f"{path.name}:{meta['grade_id']}", "exec"), ns)
            except AssertionError as exc:
                caught = exc
            finally:
                ns.update(originals)
            if used:                       # some function of this task returned plain numbers: zeros must fail
                assert caught is not None, f"{meta['grade_id']} passes when {sorted(set(used))} return zeros"
                assert str(caught).strip(), f"{meta['grade_id']}: an AssertionError without a message"
                checked += 1
        exec(compile(src, f"{path.name}:{meta['grade_id']}", "exec"), ns)      # the reference passes
    # exercise 7's Value methods return Values, not numbers: only its training check can be tried there
    assert checked >= (1 if "autodiff" in path.name else 3), f"only {checked} checks could be tried with zeros"


# The common mistakes of the review of 2026-12-06 that the visible checks must catch (not only the hidden tests):
# (exercise, the kept wrong submission's function, the start of its description in tests/submissions/exNN.py)
COMMON_MISTAKES = [
    ("01_rule_based", "per_digit_accuracy", "range(9)"),
    ("01_rule_based", "my_rule", "memorises the 600 digits the notebook shows"),
    ("04_linear_classifier", "train_softmax", "gradients summed over all steps and never reset"),
    ("04_linear_classifier", "train_softmax", "the bias overwritten instead of updated"),
    ("05_relu_nonlinearity", "train_moons", "gradients summed over all steps and never reset"),
    ("05_relu_nonlinearity", "train_moons", "the output bias overwritten instead of updated"),
    ("06_backprop_mnist", "train_mnist", "gradients summed over all steps and never reset"),
    ("06_backprop_mnist", "train_mnist", "the biases overwritten instead of updated"),
    ("07_autodiff", "backward", "breadth-first from the root, each node once"),
    ("07_autodiff", "train_tiny", "gradients summed over all steps and never reset"),
]


def _wrong_code(exercise, func, what):
    import importlib.util
    spec = importlib.util.spec_from_file_location(f"subs_{exercise[:2]}", REPO / "tests" / "submissions" / f"ex{exercise[:2]}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    [code] = [c for f, w, c, _ in mod.WRONG if f == func and w.startswith(what)]
    return getattr(mod, "CELL", {}).get(func, func), code


@pytest.mark.parametrize("exercise, func, what", COMMON_MISTAKES, ids=lambda v: v[:30] if isinstance(v, str) else v)
def test_visible_check_catches_the_common_mistake(exercise, func, what, monkeypatch):
    """The notebook runs from the top with the wrong cell in place of the solution; the check cell of that task
    stops with a message (every cell before it runs as in the solution)."""
    import matplotlib.pyplot as plt
    monkeypatch.setattr(plt, "show", lambda *a, **k: plt.close("all"))
    gid, code = _wrong_code(exercise, func, what)
    nb = nbformat.read(str(REPO / "solutions" / f"{exercise}.ipynb"), as_version=4)
    ns, replaced = {"__name__": "__main__"}, False
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        if cell.cell_type != "code":
            continue
        src = code if meta["grade_id"] == gid else _source(cell)
        replaced = replaced or meta["grade_id"] == gid
        if replaced and meta.get("grade"):
            with pytest.raises(AssertionError) as caught:
                exec(compile(src, f"{exercise}:{meta['grade_id']}", "exec"), ns)
            assert str(caught.value).strip(), "an AssertionError without a message"
            return
        exec(compile(src, f"{exercise}:{meta['grade_id']}", "exec"), ns)
    pytest.fail(f"no check cell after {gid}")
