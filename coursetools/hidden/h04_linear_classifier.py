"""Hidden tests of exercises/04_linear_classifier.ipynb: other shapes and numbers; huge scores for the
overflow-safe loss; the trainer graded on the test accuracy of what it returns (labels stay here). Gradients
are checked numerically here before they are used as expected values."""
import numpy as np

import nnkit
from nnkit.data import pixel_digits
from coursetools.grading import Task, Case

rng = np.random.default_rng(404)


def _num(f, x, h=1e-6):
    """Central differences of f at x (nnkit's numerical_gradient on a float64 copy of x)."""
    return nnkit.numerical_gradient(f, np.array(x, dtype=np.float64), h)


def _ce(S, y):
    Z = S - S.max(axis=1, keepdims=True)
    return float(-np.mean((Z - np.log(np.exp(Z).sum(axis=1, keepdims=True)))[np.arange(len(y)), y]))


def _ce_grad(S, y):
    Z = np.exp(S - S.max(axis=1, keepdims=True))
    G = Z / Z.sum(axis=1, keepdims=True)
    G[np.arange(len(y)), y] -= 1.0
    return G / len(y)


def _bce(X, y, w, b):
    p = 1 / (1 + np.exp(-(X @ w + b)))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


_dr, _bg, _sc, _cg = [], [], [], []
for D, C in [(1, 3), (12, 10), (5, 2)]:
    x, W, dp = rng.normal(size=D), rng.normal(size=(D, C)), rng.normal(size=C)
    _dr.append(Case((x, W, dp), np.concatenate([np.outer(x, dp).ravel(), dp, W @ dp]),
                    f"x of shape {(D,)}, W of shape {(D, C)}, delta_p of shape {(C,)}"))
for N, D in [(1, 2), (9, 4), (40, 3)]:
    X, y, w, b = rng.normal(size=(N, D)), rng.integers(0, 2, N), rng.normal(size=D), float(rng.normal())
    y[0] = 1
    wb = np.r_[w, b]
    g = _num(lambda v: _bce(X, y, v[:-1], v[-1]), wb)
    _bg.append(Case((X, y, w, b), g, f"X of shape {(N, D)}, y of shape {(N,)}, w of shape {(D,)}, b={b:.2f}", atol=1e-6, rtol=1e-5))
for S, desc in [(rng.normal(size=(6, 4)), "S of shape (6, 4)"),
                (rng.normal(size=(1, 10)) * 5, "S of shape (1, 10)"),
                (rng.normal(size=(3, 5)) * 50 + 1000, "S of shape (3, 5), scores around 1000"),
                (np.array([[800.0, -800.0, 0.0], [-1000.0, -1001.0, -1002.0]]), "S of shape (2, 3), scores up to "
                                                                               "+-1000, right class far below the best")]:
    y = rng.integers(0, S.shape[1], len(S))
    if len(S) == 2:
        y = np.array([1, 0])
    _sc.append(Case((S, y), np.array(_ce(S, y)), desc + f", y of shape {y.shape}"))
for N, C in [(5, 3), (1, 10), (30, 7)]:
    S, y = rng.normal(size=(N, C)) * 3, rng.integers(0, C, N)
    G = _ce_grad(S, y)
    assert np.allclose(G, _num(lambda s: _ce(s.reshape(N, C), y), S.ravel()).reshape(N, C), atol=1e-7)
    _cg.append(Case((S, y), G, f"S of shape {(N, C)}, y of shape {(N,)}"))
_cg.append(Case((np.array([[1000.0, 0.0, -1000.0]]), np.array([2])), _ce_grad(np.array([[1000.0, 0.0, -1000.0]]), np.array([2])),
                "S of shape (1, 3) with scores +-1000"))


def _accuracy_check(labels, needed):
    def check(pred):
        if pred.shape != labels.shape:
            return f"predictions of shape {pred.shape}, expected {labels.shape}"
        acc = float(np.mean(pred == labels))
        if acc < needed:
            return f"test accuracy of the trained model {acc:.1%}, at least {needed:.0%} expected"
        return None
    return check


X_tr, y_tr, X_te, y_te = nnkit.load_mnist(flatten=True, normalize=True)
Xp, yp = pixel_digits("4x3", copies=40, noise=0.1, seed=7)
Xq, yq = pixel_digits("4x3", copies=40, noise=0.1, seed=8)
_tr = [Case((X_tr[:2000], y_tr[:2000], X_te[:1000], 5, 0.5, 3), np.zeros(1000), "2,000 MNIST training images, "
            "epochs=5, lr=0.5, seed=3; tested on 1,000 MNIST test images", check=_accuracy_check(y_te[:1000], 0.80)),
       Case((Xp.reshape(-1, 12).astype(float), yp, Xq.reshape(-1, 12).astype(float), 5, 0.3, 0), np.zeros(len(yq)),
            "400 noisy 4x3 pixel digits, epochs=5, lr=0.3, seed=0; tested on 400 new ones", check=_accuracy_check(yq, 0.75))]

TASKS = [Task("1. delta_rules", "delta_rules_flat", 2, _dr), Task("2. bce_gradient", "bce_gradient_flat", 2, _bg),
         Task("3. softmax_ce", "softmax_ce", 2, _sc, scalar=True), Task("4. ce_gradient", "ce_gradient", 2, _cg),
         Task("5. train_softmax", "predict_after_training", 2, _tr)]
