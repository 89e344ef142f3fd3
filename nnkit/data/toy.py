"""Small seeded toy data sets in 2-D: two Gaussian clouds, two moons, two circles.

Each returns ``X`` of shape (N, 2) and integer labels ``y`` of shape (N,), shuffled with the seed.
"""
import numpy as np

from ..errors import check_count, check_rate
from ..i18n import tr

__all__ = ["two_clouds", "moons", "circles"]


def _check_n(n, name, minimum=2):
    return check_count(n, "n", where=name, minimum=minimum)


def _check_seed(seed, name):
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(tr("{name}: seed must be a whole number >= 0, but {seed!r} was given. The same seed gives the "
                           "same points every time, e.g. seed=0.", name=name, seed=seed))


def _shuffle(X, y, rng):
    order = rng.permutation(len(X))
    return X[order], y[order]


def two_clouds(n=500, centers=((0.0, 0.0), (3.0, 2.0)), std=1.0, seed=0):
    """Two round Gaussian clouds of ``n`` points each (so N = 2n); class k is centred at ``centers[k]``.
    Lesson 4 (the first two-class problem: a sigmoid and BCE learn the line between them).

    Inputs:
    - n: points per class (a whole number >= 1).
    - centers: the (x, y) centres of class 0 and class 1, shape (2, 2).
    - std: the standard deviation of each cloud (> 0); seed: a whole number >= 0.
    Returns X (2n, 2) float64 points and y (2n,) int64 labels 0/1, shuffled with the seed.
    """
    n = _check_n(n, "two_clouds", 1)
    std = check_rate(std, "std", where="two_clouds", example=1.0)
    _check_seed(seed, "two_clouds")
    centers = np.asarray(centers, dtype=float)
    if centers.shape != (2, 2):
        raise ValueError(tr("two_clouds: centers must be two (x, y) points, shape (2, 2); got {shape}.",
                            shape=centers.shape))
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.standard_normal((n, 2)) * std + centers[k] for k in (0, 1)])
    y = np.repeat(np.arange(2), n)
    return _shuffle(X, y, rng)


def moons(n=200, noise=0.2, seed=0):
    """Two interleaving half circles ("moons") of ``n`` points in total, with Gaussian noise of std ``noise``.

    Class 0: the upper arc (cos t, sin t); class 1: the lower arc (1 - cos t, 0.5 - sin t), t in [0, pi].
    Lesson 4 (a straight line gets them only partly right), Lesson 5 (a hidden layer separates them).

    Inputs:
    - n: the number of points of both classes together (a whole number >= 2); class 0 gets n // 2.
    - noise: the standard deviation of the Gaussian noise added to every coordinate (>= 0).
    - seed: a whole number >= 0.
    Returns X (n, 2) float64 points and y (n,) int64 labels 0/1, shuffled with the seed.
    """
    n = _check_n(n, "moons")
    noise = check_rate(noise, "noise", where="moons", low_inclusive=True, example=0.2)
    _check_seed(seed, "moons")
    rng = np.random.default_rng(seed)
    n0 = n // 2
    t0 = np.linspace(0, np.pi, n0)
    t1 = np.linspace(0, np.pi, n - n0)
    X = np.concatenate([np.c_[np.cos(t0), np.sin(t0)], np.c_[1 - np.cos(t1), 0.5 - np.sin(t1)]])
    y = np.r_[np.zeros(n0, dtype=np.int64), np.ones(n - n0, dtype=np.int64)]
    X = X + rng.normal(scale=noise, size=X.shape)
    return _shuffle(X, y, rng)


def circles(n=200, noise=0.1, factor=0.5, seed=0):
    """Two concentric circles of ``n`` points in total: class 0 the outer (radius 1), class 1 the inner
    (radius ``factor``), with Gaussian noise of std ``noise``. Lesson 5.

    Inputs:
    - n: the number of points of both classes together (a whole number >= 2); class 0 gets n // 2.
    - noise: the standard deviation of the Gaussian noise added to every coordinate (>= 0).
    - factor: the inner radius divided by the outer one, between 0 and 1 (exclusive).
    - seed: a whole number >= 0.
    Returns X (n, 2) float64 points and y (n,) int64 labels 0/1, shuffled with the seed.
    """
    n = _check_n(n, "circles")
    noise = check_rate(noise, "noise", where="circles", low_inclusive=True, example=0.1)
    _check_seed(seed, "circles")
    if not isinstance(factor, (int, float, np.integer, np.floating)) or not 0 < factor < 1:
        raise ValueError(tr("circles: factor (inner radius / outer radius) must be between 0 and 1, got {factor}.",
                            factor=factor))
    rng = np.random.default_rng(seed)
    n0 = n // 2
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n - n0, endpoint=False)
    X = np.concatenate([np.c_[np.cos(t0), np.sin(t0)], factor * np.c_[np.cos(t1), np.sin(t1)]])
    y = np.r_[np.zeros(n0, dtype=np.int64), np.ones(n - n0, dtype=np.int64)]
    X = X + rng.normal(scale=noise, size=X.shape)
    return _shuffle(X, y, rng)
