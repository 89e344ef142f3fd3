"""The command lines: ``python -m nnkit doctor`` (learners) and ``python -m coursetools bench`` (maintainers),
run as they are run; ``import nnkit`` is fast and loads no instructor code."""
import json
import subprocess
import sys


def _run(*args, timeout=120, package="nnkit"):
    return subprocess.run([sys.executable, "-m", package, *args], capture_output=True, text=True, timeout=timeout)


def _bench(*args):
    return _run("bench", *args, package="coursetools")


def test_import_is_fast_and_needs_only_numpy():
    # python -X importtime: the microseconds each module's own code took. nnkit's modules together (NumPy
    # excluded) must stay small, and nothing heavy or instructor-only may be imported at all.
    res = subprocess.run([sys.executable, "-X", "importtime", "-c", "import nnkit"], capture_output=True, text=True,
                         check=True)
    own_us, loaded = 0, set()
    for line in res.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = (part.strip() for part in line[len("import time:"):].split("|"))
        loaded.add(name.split(".")[0])
        if name.startswith("nnkit"):
            own_us += int(self_us)
    assert "nnkit" in loaded
    assert not loaded & {"matplotlib", "ipywidgets", "tqdm", "coursetools", "nbformat", "IPython"}, loaded
    # measured 10-20 ms on the 2-core development machine; 250 ms leaves room for a loaded machine
    assert own_us < 250_000, f"nnkit's own modules took {own_us / 1000:.0f} ms to import"


def test_doctor_reports_ok():
    res = _run("doctor")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "MNIST verified" in res.stdout and "Jupyter kernel" in res.stdout


def test_bench_json_one_epoch():
    res = _bench("--epochs", "1", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    for key in ("epochs", "epoch_seconds_median", "test_accuracy", "batch_size"):
        assert key in data
    assert data["epochs"] == 1 and data["batch_size"] == 100
    assert 0.9 < data["test_accuracy"] <= 1.0       # one epoch of Adam already gets past 90%
    assert "epoch  1" in res.stderr


def test_unknown_command():
    for package in ("nnkit", "coursetools"):
        res = _run("fly", package=package)
        assert res.returncode == 2 and "unknown command" in res.stderr


def test_nnkit_cli_offers_only_doctor():
    res = _run("--help")
    assert res.returncode == 0 and "doctor" in res.stdout
    for gone in ("grade", "bench", "slides", "release", "build-exercises"):
        assert _run(gone).returncode == 2, gone


def test_bench_compares_with_hand_written_numpy():
    # an epoch of nnkit and of both hand-written NumPy loops (as the lessons write it, and fused), from the
    # same initial weights, on the same batches
    res = _bench("--epochs", "1", "--json", "--compare-numpy", "--no-augment")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    for other in ("numpy", "numpy_fused"):
        assert len(data["epoch_seconds"]) == len(data[f"{other}_epoch_seconds"]) == 1
        # the same model, trained on the same batches: the test accuracies agree closely (float32 rounding differs)
        assert abs(data[f"{other}_test_accuracy"] - data["test_accuracy"]) < 0.005
        assert data[f"ratio_to_{other}"] > 0 and data[f"ratio_to_{other}_best_epochs"] > 0
        best = min(data["epoch_seconds"]) / min(data[f"{other}_epoch_seconds"])   # from the rounded per-epoch times
        assert abs(data[f"ratio_to_{other}_best_epochs"] - best) < 0.01
