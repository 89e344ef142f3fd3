"""Hidden tests of the grader's test fixture (a three-task version of exercise 02, owned by the grading
tests so that they do not change when the real exercise does): loss 2 points, gradient 3, descend 2."""
import numpy as np

from coursetools.grading import Task, Case


def _loss(X, w, t):
    return 0.5 * np.sum((X @ w - t) ** 2)


def _gradient(X, w, t):
    return X.T @ (X @ w - t)


def _descend(X, t, w0, eta, steps):
    w = np.array(w0, dtype=float)
    for _ in range(int(steps)):
        w = w - eta * _gradient(X, w, t)
    return w


def _data(seed, N, D):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(N, D)), rng.normal(size=D), rng.normal(size=N)


_loss_cases = [Case(_data(10 + i, N, D), np.array(_loss(*_data(10 + i, N, D))), f"X of shape {(N, D)}")
               for i, (N, D) in enumerate([(6, 3), (1, 1), (20, 5)])]
_grad_cases = [Case(_data(20 + i, N, D), _gradient(*_data(20 + i, N, D)), f"X of shape {(N, D)}")
               for i, (N, D) in enumerate([(6, 3), (1, 1), (30, 4)])]
_X = np.array([[0.0, 1], [1, 1], [2, 1], [4, 1], [5, 1]])
_t = np.array([0.5, 1.0, 2.5, 3.0, 5.5])
# eta and steps arrive as NumPy scalars (np.float64, np.int64): correct code that calls float(eta) or
# range(steps) must keep full marks
_descend_cases = [Case((_X, _t, np.zeros(2), np.float64(eta), np.int64(steps)), _descend(_X, _t, np.zeros(2), eta, steps),
                       f"5 points, eta = {eta}, steps = {steps}") for eta, steps in [(0.01, 1), (0.01, 50), (0.03, 200)]]
_descend_cases.append(Case((_X, _t, np.ones(2), 0.02, 0), np.ones(2), "steps = 0"))

TASKS = [
    Task("1. loss", "loss", 2, _loss_cases, scalar=True),
    Task("2. gradient", "gradient", 3, _grad_cases),
    Task("3. descend", "descend", 2, _descend_cases),
]
