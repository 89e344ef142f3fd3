"""Test-session set-up shared by unit tests and notebook runs (nbval).

With pytest-xdist, each worker process runs its own tests and notebook kernels. Letting every one of
them also start a BLAS thread per core oversubscribes the machine (two workers x two BLAS threads on two
cores spend their time waiting for each other), so each worker, and every kernel it starts, uses one
BLAS thread. A learner's own JupyterLab is not affected.
"""
import os

if os.environ.get("PYTEST_XDIST_WORKER"):
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
