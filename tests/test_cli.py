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
