"""Hidden tests of exercises/04_linear_classifier.ipynb (the gradient is also checked numerically here)."""
import numpy as np

from coursetools.grading import Task, Case

rng = np.random.default_rng(404)


def _softmax(S):
    e = np.exp(S - S.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _loss(S, y):
    return -np.mean(np.log(_softmax(S)[np.arange(len(y)), y]))


def _grad(S, y):
    G = _softmax(S)
    G[np.arange(len(y)), y] -= 1
    return G / len(y)


_sc = []
for N, D, C in [(4, 3, 5), (1, 12, 10)]:
    X, W, b = rng.normal(size=(N, D)), rng.normal(size=(D, C)), rng.normal(size=C)
    _sc.append(Case((X, W, b), X @ W + b, f"X {(N, D)}, W {(D, C)}, b {(C,)}"))
_sm = []
for N, C in [(5, 3), (1, 10)]:
    S = rng.normal(size=(N, C)) * 3
    _sm.append(Case((S,), _softmax(S), f"S of shape {(N, C)}"))
_sm.append(Case((np.array([[800.0, 799.0, -5.0]]),), _softmax(np.array([[800.0, 799.0, -5.0]])), "very large scores"))
_ce = []
for N, C in [(6, 4), (1, 3), (50, 10)]:
    S, y = rng.normal(size=(N, C)), rng.integers(0, C, N)
    G = _grad(S, y)
    h = 1e-6
    num = np.zeros_like(S)
    for i in range(N):
        for j in range(C):
            E = np.zeros_like(S); E[i, j] = h
            num[i, j] = (_loss(S + E, y) - _loss(S - E, y)) / (2 * h)
    assert np.allclose(num, G, atol=1e-7)          # the reference agrees with a numerical gradient
    _ce.append(Case((S, y), G, f"S of shape {(N, C)}, y of shape {(N,)}"))

TASKS = [Task("1. scores", "scores", 1, _sc), Task("2. softmax", "softmax", 2, _sm),
         Task("3. ce_gradient", "ce_gradient", 3, _ce)]
