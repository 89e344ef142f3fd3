"""import nnkit puts NumPy's matrix products on one BLAS thread (the reason and the measurements are in
nnkit/threads.py and the README's "Speed"), unless the user chose a number. Each case runs in a fresh
Python with a clean environment: the test workers themselves run with OPENBLAS_NUM_THREADS=1."""
import json
import os
import subprocess
import sys

import pytest

PROBE = ("import json, nnkit, threadpoolctl; "
         "print(json.dumps([i['num_threads'] for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas']))")
BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                  "NNKIT_BLAS_THREADS")


def _threads_after_import(**env):
    clean = {k: v for k, v in os.environ.items() if k not in BLAS_VARIABLES}
    clean.update(env)
    out = subprocess.run([sys.executable, "-c", PROBE], env=clean, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _openblas_default():
    clean = {k: v for k, v in os.environ.items() if k not in BLAS_VARIABLES}
    code = ("import json, numpy, threadpoolctl; "
            "print(json.dumps([i['num_threads'] for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas']))")
    out = subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_nnkit_uses_one_blas_thread():
    assert _threads_after_import() == [1]


def test_a_users_choice_is_kept():
    assert _threads_after_import(NNKIT_BLAS_THREADS="2") == [2]
    assert _threads_after_import(OPENBLAS_NUM_THREADS="2") == [2]
    default = _openblas_default()
    if default == [1]:
        pytest.skip("OpenBLAS uses one thread here anyway (one core)")
    assert _threads_after_import(NNKIT_BLAS_THREADS="default") == default


def test_blas_threads_function():
    import nnkit
    before = nnkit.threads.blas_threads()
    try:
        assert nnkit.threads.blas_threads(2) == 2 and nnkit.threads.blas_threads() == 2
    finally:
        nnkit.threads.blas_threads(before or 1)
    with pytest.raises(ValueError, match="whole number >= 1"):
        nnkit.threads.blas_threads(0)
