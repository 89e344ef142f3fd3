"""Hidden tests of exercises/02_least_squares.ipynb: other shapes, other data, other learning rates.
Expected values come from the reference formulas below (the gradient is also checked numerically here)."""
import numpy as np

from coursetools.grading import Task, Case

rng = np.random.default_rng(202)


def _loss(X, w, t):
    r = X @ w - t
    return 0.5 * float(r @ r)


def _grad(X, w, t):
    return X.T @ (X @ w - t)


def _descend(X, t, w0, eta, steps):
    w = np.array(w0, dtype=float)
    for _ in range(steps):
        w = w - eta * _grad(X, w, t)
    return w


def _limit(X):
    return 2.0 / np.linalg.eigvalsh(X.T @ X).max()


def _data(N, D):
    return rng.normal(size=(N, D)), rng.normal(size=N), rng.normal(size=D)


_lo, _gr, _de, _ls, _li, _cf = [], [], [], [], [], []
for N, D in [(2, 1), (7, 3), (20, 5)]:
    X, t, w = _data(N, D)
    _lo.append(Case((X, w, t), np.array(_loss(X, w, t)), f"X of shape {(N, D)}, w of shape {(D,)}, t of shape {(N,)}"))
    g = _grad(X, w, t)
    h = 1e-6
    num = np.array([(_loss(X, w + h * e, t) - _loss(X, w - h * e, t)) / (2 * h) for e in np.eye(D)])
    assert np.allclose(num, g, rtol=1e-5, atol=1e-6)
    _gr.append(Case((X, w, t), g, f"X of shape {(N, D)}, w of shape {(D,)}, t of shape {(N,)}"))
for N, D, steps in [(3, 1, 1), (6, 3, 5), (30, 4, 40)]:
    X, t, w0 = _data(N, D)
    eta = 0.2 * _limit(X)          # small enough that no run is near its end point
    _de.append(Case((X, t, w0, eta, steps), _descend(X, t, w0, eta, steps), f"X of shape {(N, D)}, eta={eta:.4f}, steps={steps}"))
for N, D, fracs in [(10, 3, [0.3, 0.6, 0.97, 1.04, 1.2]), (25, 2, [0.1, 0.5, 0.9, 0.99, 1.02]), (6, 4, [0.4, 0.8, 1.03, 1.1, 2.0])]:
    X, t, _ = _data(N, D)
    V = np.linalg.eigh(X.T @ X)[1]
    # start far along the flat direction and a little along the steep one: just above the limit, one step
    # still lowers the loss, and only many steps show the divergence
    w0 = np.linalg.lstsq(X, t, rcond=None)[0] + 3 * V[:, 0] + 0.01 * V[:, -1]
    etas = np.array(fracs) * _limit(X)
    start = _loss(X, w0, t)
    stable = [e for e in etas if _loss(X, _descend(X, t, w0, e, 300), t) < start]
    _ls.append(Case((X, t, w0, etas, 300), np.array(float(max(stable, default=0.0))),
                    f"X of shape {(N, D)}, {len(etas)} learning rates, steps=300"))
for N, D in [(3, 2), (12, 3), (40, 6)]:
    X, t, _ = _data(N, D)
    _li.append(Case((X,), np.array(_limit(X)), f"X of shape {(N, D)}"))
    _cf.append(Case((X, t), np.linalg.lstsq(X, t, rcond=None)[0], f"X of shape {(N, D)}, t of shape {(N,)}"))

TASKS = [Task("1. loss", "loss", 1, _lo, scalar=True), Task("2. gradient", "gradient", 2, _gr),
         Task("3. descend", "descend", 2, _de),
         Task("4. largest_stable_eta", "largest_stable_eta", 1, _ls, scalar=True),
         Task("5. stability_limit", "stability_limit", 2, _li, scalar=True),
         Task("6. closed_form", "closed_form", 1, _cf)]
