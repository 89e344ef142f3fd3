"""Hidden tests of exercises/02_least_squares.ipynb."""
import numpy as np

from coursetools.grading import Task, Case


def _loss(X, w, t):
    return 0.5 * np.sum((X @ w - t) ** 2)


def _gradient(X, w, t):
    return X.T @ (X @ w - t)


def _descend(X, t, w0, eta, steps):
    w = w0.astype(float).copy()
    for _ in range(int(steps)):
        w = w - eta * _gradient(X, w, t)
    return w


def _data(seed, N, D):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(N, D)), rng.normal(size=D), rng.normal(size=N)


def _cases_loss():
    out = []
    for seed, (N, D) in enumerate([(6, 3), (1, 1), (20, 5)]):
        X, w, t = _data(100 + seed, N, D)
        out.append(Case((X, w, t), np.array(_loss(X, w, t)), f"X of shape {X.shape}, w {w.shape}, t {t.shape}"))
    X, w, t = _data(7, 4, 2)
    out.append(Case((X, w, X @ w), np.array(0.0), "a perfect fit (t = X @ w)", atol=1e-10))
    return out


def _cases_gradient():
    out = []
    for seed, (N, D) in enumerate([(6, 3), (1, 1), (30, 4)]):
        X, w, t = _data(200 + seed, N, D)
        g = _gradient(X, w, t)
        # the reference itself agrees with a central-difference gradient of the loss
        h = 1e-6
        num = np.array([(_loss(X, w + h * e, t) - _loss(X, w - h * e, t)) / (2 * h) for e in np.eye(D)])
        assert np.allclose(num, g, rtol=1e-5, atol=1e-6)
        out.append(Case((X, w, t), g, f"X of shape {X.shape}, w {w.shape}, t {t.shape}"))
    return out


def _cases_descend():
    out = []
    X = np.array([[0.0, 1], [1, 1], [2, 1], [4, 1], [5, 1]])
    t = np.array([0.5, 1.0, 2.5, 3.0, 5.5])
    for eta, steps in [(0.01, 1), (0.01, 50), (0.03, 200)]:
        out.append(Case((X, t, np.zeros(2), eta, steps), _descend(X, t, np.zeros(2), eta, steps),
                        f"5 points, w0 = (0, 0), eta = {eta}, steps = {steps}"))
    X3, _, t3 = _data(300, 8, 3)
    out.append(Case((X3, t3, np.ones(3), 0.02, 0), np.ones(3), "steps = 0 (nothing to do)"))
    return out


TASKS = [
    Task("1. loss", "loss", 2, _cases_loss(), scalar=True),
    Task("2. gradient", "gradient", 3, _cases_gradient()),
    Task("3. descend", "descend", 2, _cases_descend()),
]
