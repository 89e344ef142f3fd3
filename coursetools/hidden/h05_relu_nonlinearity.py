"""Hidden tests of exercises/05_relu_nonlinearity.ipynb."""
import numpy as np

from coursetools.grading import Task, Case

rng = np.random.default_rng(505)
_shapes = [(7, 5), (1, 1), (3, 4, 2)]
_fwd = []
for s in _shapes:
    X = rng.normal(size=s)
    _fwd.append(Case((X,), np.maximum(X, 0), f"X of shape {s}"))
_fwd.append(Case((np.zeros((2, 3)),), np.zeros((2, 3)), "X all zeros (the kink)"))
_bwd = []
for s in _shapes:
    X, d = rng.normal(size=s), rng.normal(size=s)
    _bwd.append(Case((d, X), d * (X > 0), f"dout and X of shape {s}"))
_bwd.append(Case((np.ones((2, 2)), np.zeros((2, 2))), np.zeros((2, 2)), "X all zeros (take 0 at the kink)"))
_hid = []
for N, D, M in [(5, 4, 3), (1, 2, 6)]:
    X, W, b = rng.normal(size=(N, D)), rng.normal(size=(D, M)), rng.normal(size=M)
    _hid.append(Case((X, W, b), np.maximum(X @ W + b, 0), f"X {(N, D)}, W {(D, M)}, b {(M,)}"))

TASKS = [Task("1. relu_forward", "relu_forward", 2, _fwd), Task("2. relu_backward", "relu_backward", 3, _bwd),
         Task("3. hidden_layer", "hidden_layer", 2, _hid)]
