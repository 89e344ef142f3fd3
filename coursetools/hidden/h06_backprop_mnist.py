"""Hidden tests of exercises/06_backprop_mnist.ipynb, checked against nnkit's layers (independent of the
exercise's formulas) and, for the reference itself, against numerical gradients."""
import numpy as np

import nnkit
from coursetools.grading import Task, Case

rng = np.random.default_rng(606)


def _grads(X, y, W1, b1, W2, b2):
    model = nnkit.Sequential(nnkit.Linear(*W1.shape, W=W1, b=b1), nnkit.ReLU(), nnkit.Linear(*W2.shape, W=W2, b=b2))
    loss = nnkit.SoftmaxCrossEntropy()
    S = model.forward(X)
    loss.forward(S, y)
    dS = loss.backward()
    model.backward(dS)
    return S, dS, model.grads["0.W"].copy(), model.grads["2.W"].copy()


_ds, _w2, _w1 = [], [], []
for N, D, M, C in [(6, 4, 5, 3), (1, 3, 2, 2), (20, 10, 8, 10)]:
    X, y = rng.normal(size=(N, D)), rng.integers(0, C, N)
    W1, b1 = rng.normal(size=(D, M)), rng.normal(size=M) * 0.1
    W2, b2 = rng.normal(size=(M, C)), rng.normal(size=C) * 0.1
    S, dS, gW1, gW2 = _grads(X, y, W1, b1, W2, b2)
    desc = f"N={N}, D={D}, M={M}, C={C}"
    _ds.append(Case((S, y), dS, f"S of shape {S.shape}"))
    _w2.append(Case((X, y, W1, b1, W2, b2), gW2, desc))
    _w1.append(Case((X, y, W1, b1, W2, b2), gW1, desc))

TASKS = [Task("1. dscores", "dscores", 1, _ds), Task("2. grad_W2", "grad_W2", 2, _w2),
         Task("3. grad_W1", "grad_W1", 3, _w1)]
