"""Hidden tests of exercises/05_relu_nonlinearity.ipynb: other shapes (1-D to 3-D), a dout that is never all
ones, exact zeros at ReLU's kink, and the trained network graded on fresh moons points (labels stay here).
The backward rules are checked numerically here before they are used as expected values."""
import numpy as np

import nnkit
from coursetools.grading import Task, Case

rng = np.random.default_rng(505)


def _num(f, x, h=1e-6):
    """Central differences of f at x (nnkit's numerical_gradient on a float64 copy of x)."""
    return nnkit.numerical_gradient(f, np.array(x, dtype=np.float64), h)


_co, _si, _ta, _re = [], [], [], []
for D, H, M in [(1, 1, 1), (4, 5, 3), (3, 3, 3)]:
    W1, b1, W2, b2 = rng.normal(size=(D, H)), rng.normal(size=H), rng.normal(size=(H, M)), rng.normal(size=M)
    _co.append(Case((W1, b1, W2, b2), np.r_[(W1 @ W2).ravel(), b1 @ W2 + b2],
                    f"W1 of shape {(D, H)}, b1 {(H,)}, W2 {(H, M)}, b2 {(M,)}"))
for shape in [(6,), (2, 3), (2, 2, 3)]:
    a, dout = rng.normal(size=shape) * 3, rng.normal(size=shape) * 2 + 0.5
    s, t = 1 / (1 + np.exp(-a)), np.tanh(a)
    gs = _num(lambda v: np.sum(dout / (1 + np.exp(-v))), a)
    gt = _num(lambda v: np.sum(dout * np.tanh(v)), a)
    assert np.allclose(gs, dout * s * (1 - s), atol=1e-7) and np.allclose(gt, dout * (1 - t ** 2), atol=1e-7)
    _si.append(Case((dout, s), dout * s * (1 - s), f"dout and out of shape {shape}", atol=1e-7))
    _ta.append(Case((dout, t), dout * (1 - t ** 2), f"dout and out of shape {shape}", atol=1e-7))
for a, desc in [(rng.normal(size=(7,)), "a of shape (7,)"),
                (np.array([[0.0, -0.0, 1e-3], [-1e-3, 0.0, 2.0]]), "a of shape (2, 3) with exact zeros (the kink)"),
                (rng.normal(size=(2, 3, 4)), "a of shape (2, 3, 4)")]:
    dout = rng.normal(size=a.shape) * 2 + 0.5
    _re.append(Case((dout, a), dout * (a > 0), f"dout and {desc}"))


def _accuracy_check(labels, needed):
    def check(pred):
        acc = float(np.mean(pred == labels))
        return None if acc >= needed else f"accuracy on new points {acc:.1%}, at least {needed:.0%} expected"
    return check


_tr = []
for seed, hidden, steps, lr in [(3, 3, 1500, 0.5), (4, 8, 1000, 0.3)]:
    X, y = nnkit.moons(n=200, noise=0.2, seed=seed)
    Xe, ye = nnkit.moons(n=400, noise=0.2, seed=seed + 100)
    _tr.append(Case((X, y, Xe, hidden, steps, lr, seed), np.zeros(400), f"200 moons points (seed {seed}), "
                    f"hidden={hidden}, steps={steps}, lr={lr}; tested on 400 new points", check=_accuracy_check(ye, 0.9)))

TASKS = [Task("1. collapse", "collapse_flat", 2, _co), Task("2. sigmoid_backward", "sigmoid_backward", 2, _si),
         Task("3. tanh_backward", "tanh_backward", 1, _ta), Task("4. relu_backward", "relu_backward", 1, _re),
         Task("5. train_moons", "moons_predictions", 2, _tr)]
