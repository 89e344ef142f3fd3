"""How many threads NumPy's matrix products use: one, set once when nnkit is imported.

NumPy multiplies matrices with OpenBLAS, which by default starts one thread per core and splits every
product between them. For the course's matrices (a batch of 100 rows times a 784x100 weight matrix) a
product takes tens of microseconds, less than the threads need to hand work to each other; and when
another program keeps one of two cores busy (a browser, a video call), every product waits for the
thread that is not running. Measured on a 2-core machine (`python -m coursetools lesson-bench`, README
"Speed"): with two BLAS threads and one core busy, lesson 6 took minutes instead of seconds; with one
thread it runs as fast as on the idle machine, and the idle machine is not slower.

So ``import nnkit`` limits BLAS to 1 thread (with threadpoolctl, in about 1 ms). It leaves the setting
alone when you chose one yourself: the environment variable ``NNKIT_BLAS_THREADS`` (a number, or
``default`` for OpenBLAS's own choice), or ``OPENBLAS_NUM_THREADS`` / ``OMP_NUM_THREADS`` /
``MKL_NUM_THREADS`` set before starting Python. ``blas_threads()`` tells the current number;
``blas_threads(n)`` changes it.
"""
import os

import numpy as np   # noqa: F401  (loads NumPy's OpenBLAS, so that there is something to limit)

from .i18n import tr

__all__ = ["blas_threads"]

_USER_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def blas_threads(n=None):
    """Set the number of BLAS threads (the threads of NumPy's matrix products) to ``n``, or read it. Lesson 1
    on: ``import nnkit``, at the top of every lesson, sets it to 1 unless you chose a number yourself (see
    the module docstring for why and how).

    Inputs:
    - n: a Python int >= 1 to set (anything else raises a ValueError), or None (default) to read.
    Returns ``n`` after setting it; with no argument the current number (the largest among NumPy's BLAS
    libraries), or None if NumPy's BLAS was not found. Without threadpoolctl installed it changes nothing
    and returns None.
    """
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        return None
    if n is None:
        counts = [info["num_threads"] for info in threadpool_info() if info.get("user_api") == "blas"]
        return max(counts) if counts else None
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(tr("blas_threads(n): n must be a whole number >= 1, but {n!r} was given.", n=n))
    threadpool_limits(n, user_api="blas")
    return n


def _limit_on_import():
    setting = os.environ.get("NNKIT_BLAS_THREADS", "").strip().lower()
    if setting == "default" or (not setting and any(os.environ.get(v) for v in _USER_VARIABLES)):
        return
    try:
        n = int(setting) if setting else 1
    except ValueError:
        n = 1
    try:
        blas_threads(max(n, 1))
    except Exception:      # never let a thread setting stop `import nnkit`
        pass


_limit_on_import()
