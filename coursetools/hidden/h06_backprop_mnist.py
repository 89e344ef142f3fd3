"""Hidden tests of exercises/06_backprop_mnist.ipynb: other shapes (including two hidden layers of different
widths), each of the six gradients graded on its own (a wrong bias costs the bias cases, not everything), the
numerical referee with a larger h (so one-sided differences show), and the trainer graded on test digits it
never saw (labels stay here). Reference gradients are checked against numerical ones here first."""
import numpy as np

import nnkit
from coursetools.grading import Task, Case

rng = np.random.default_rng(606)
NAMES = ["W1", "b1", "W2", "b2", "W3", "b3"]


def _forward(X, y, W1, b1, W2, b2, W3, b3):
    a1 = X @ W1 + b1; x1 = np.maximum(a1, 0)
    a2 = x1 @ W2 + b2; x2 = np.maximum(a2, 0)
    p = x2 @ W3 + b3
    e = np.exp(p - p.max(axis=1, keepdims=True))
    probs = e / e.sum(axis=1, keepdims=True)
    return -np.mean(np.log(probs[np.arange(len(y)), y])), (a1, x1, a2, x2, probs)


def _backward(X, y, W1, b1, W2, b2, W3, b3):
    _, (a1, x1, a2, x2, probs) = _forward(X, y, W1, b1, W2, b2, W3, b3)
    dp = probs.copy(); dp[np.arange(len(y)), y] -= 1; dp /= len(y)
    da2 = (dp @ W3.T) * (a2 > 0)
    da1 = (da2 @ W2.T) * (a1 > 0)
    return [X.T @ da1, da1.sum(0), x1.T @ da2, da2.sum(0), x2.T @ dp, dp.sum(0)]


def _numerical(X, y, params, h):
    Q = [p.copy() for p in params]
    out = []
    for k in range(6):
        g = np.zeros_like(Q[k])
        for i in range(Q[k].size):
            old = Q[k].flat[i]
            Q[k].flat[i] = old + h; up = _forward(X, y, *Q)[0]
            Q[k].flat[i] = old - h; down = _forward(X, y, *Q)[0]
            Q[k].flat[i] = old
            g.flat[i] = (up - down) / (2 * h)
        out.append(g)
    return out


def _net(N, D, H1, H2, C):
    """A random network in which every hidden unit is on for some example and off for another: no gradient is
    zero by accident, and every ReLU mask matters."""
    for _ in range(1000):
        X, y = rng.normal(size=(N, D)), rng.integers(0, C, N)
        params = [rng.normal(0, 0.8, (D, H1)), rng.normal(0, 0.2, H1), rng.normal(0, 0.8, (H1, H2)),
                  rng.normal(0, 0.2, H2), rng.normal(0, 0.8, (H2, C)), rng.normal(0, 0.2, C)]
        _, (a1, _, a2, _, _) = _forward(X, y, *params)
        if all(0 < np.mean(a > 0, axis=0).min() and np.mean(a > 0, axis=0).max() < 1 for a in (a1, a2)):
            return X, y, params
    raise RuntimeError("no network with live and dead units found")


_lb = []
for N, D, M in [(1, 1, 1), (5, 4, 3), (3, 7, 2)]:
    dout, x, W = rng.normal(size=(N, M)), rng.normal(size=(N, D)), rng.normal(size=(D, M))
    _lb.append(Case((dout, x, W), np.r_[(dout @ W.T).ravel(), (x.T @ dout).ravel(), dout.sum(0)],
                    f"dout of shape {(N, M)}, x of shape {(N, D)}, W of shape {(D, M)}"))
_b3 = []
for N, D, H1, H2, C in [(4, 5, 4, 4, 3), (7, 6, 5, 3, 4)]:
    X, y, params = _net(N, D, H1, H2, C)
    grads = _backward(X, y, *params)
    for g, n in zip(grads, _numerical(X, y, params, 1e-6)):
        assert np.allclose(g, n, atol=1e-7)
    for k in range(6):
        _b3.append(Case((X, y, *params, k), grads[k], f"X of shape {(N, D)}, hidden layers {H1} and {H2}, "
                        f"C={C}, which={k} (d{NAMES[k]})"))
_ng = []
X, y, params = _net(3, 4, 3, 2, 3)
for k, g in enumerate(_numerical(X, y, params, 1e-3)):
    _ng.append(Case((X, y, *params, 1e-3, k), g, f"X of shape (3, 4), hidden layers 3 and 2, h=0.001, which={k} (d{NAMES[k]})",
                    rtol=1e-6, atol=1e-9))


def _accuracy_check(labels, needed):
    def check(pred):
        acc = float(np.mean(pred == labels))
        return None if acc >= needed else f"test accuracy of the trained network {acc:.1%}, at least {needed:.0%} expected"
    return check


X_tr, y_tr, X_te, y_te = nnkit.load_mnist(flatten=True, normalize=True)
_tr = [Case((X_tr[5000:7000], y_tr[5000:7000], X_te[2000:3000], 32, 5, 0.2, 1), np.zeros(1000),
            "2,000 MNIST training images, hidden=32, epochs=5, lr=0.2, seed=1; tested on 1,000 test images",
            check=_accuracy_check(y_te[2000:3000], 0.8))]

TASKS = [Task("1. linear_backward", "linear_backward_flat", 2, _lb), Task("2. backward3", "backward3_grad", 3, _b3),
         Task("3. numerical_grads", "numerical_grads_one", 2, _ng), Task("4. train_mnist", "mnist_predictions", 2, _tr)]
