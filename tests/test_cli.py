"""The command line: doctor and the benchmark's JSON, run as a learner would run them."""
import json
import subprocess
import sys
import time

import pytest


def _run(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "nnkit", *args], capture_output=True, text=True, timeout=timeout)


def test_import_is_fast_and_needs_only_numpy():
    code = ("import sys, time; t = time.perf_counter(); import nnkit; dt = time.perf_counter() - t; "
            "print(dt, 'matplotlib' in sys.modules, 'ipywidgets' in sys.modules, 'tqdm' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[1:] == ["False", "False", "False"]


def test_doctor_reports_ok():
    res = _run("doctor")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "MNIST verified" in res.stdout and "Jupyter kernel" in res.stdout


def test_bench_json_one_epoch():
    res = _run("bench", "--epochs", "1", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    for key in ("epochs", "epoch_seconds_median", "test_accuracy", "batch_size"):
        assert key in data
    assert data["epochs"] == 1 and data["batch_size"] == 100
    assert 0.9 < data["test_accuracy"] <= 1.0       # one epoch of Adam already gets past 90%
    assert "epoch  1" in res.stderr


def test_unknown_command():
    res = _run("fly")
    assert res.returncode == 2 and "unknown command" in res.stderr


def test_bench_compares_with_hand_written_numpy():
    # two epochs of nnkit and of the hand-written NumPy loop, from the same initial weights, on the same batches
    res = _run("bench", "--epochs", "2", "--json", "--compare-numpy", "--no-augment")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert len(data["epoch_seconds"]) == len(data["numpy_epoch_seconds"]) == 2
    # the same model, trained on the same batches: the test accuracies agree closely (float32 rounding differs)
    assert abs(data["numpy_test_accuracy"] - data["test_accuracy"]) < 0.005
    assert data["ratio_to_numpy"] > 0 and data["ratio_to_numpy_best_epochs"] > 0
    best = min(data["epoch_seconds"]) / min(data["numpy_epoch_seconds"])      # from the rounded per-epoch times
    assert abs(data["ratio_to_numpy_best_epochs"] - best) < 0.01
