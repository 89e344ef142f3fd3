"""Hidden tests of exercises/02_least_squares.ipynb: other shapes, other data, other learning rates.
Expected values come from the reference functions below (the gradient is also checked numerically here).
Tasks that call the learner's earlier functions get these references instead (``uses``): one mistake, one task."""
import numpy as np

from coursetools.grading import N_, Task, Case

rng = np.random.default_rng(202)


# Reference functions. Their source is sent into the sandbox for the tasks that call them (``uses``), so each
# is a plain function of its arguments, NumPy and the other references only.
def loss(X, w, t):
    r = X @ w - t
    return 0.5 * float(r @ r)


def gradient(X, w, t):
    return X.T @ (X @ w - t)


def descend(X, t, w0, eta, steps):
    w = np.array(w0, dtype=float)
    for _ in range(int(steps)):
        w = w - eta * gradient(X, w, t)
    return w


def _limit(X):
    return 2.0 / np.linalg.eigvalsh(X.T @ X).max()


def _data(N, D):
    return rng.normal(size=(N, D)), rng.normal(size=N), rng.normal(size=D)


def _shape_text(N, D):
    return N_("X of shape {X}, w of shape {w}, t of shape {t}", X=(N, D), w=(D,), t=(N,))


_lo, _gr, _de, _ls, _li, _cf, _ri = [], [], [], [], [], [], []
for N, D in [(2, 1), (7, 3), (20, 5)]:
    X, t, w = _data(N, D)
    _lo.append(Case((X, w, t), np.array(loss(X, w, t)), _shape_text(N, D)))
    g = gradient(X, w, t)
    h = 1e-6
    num = np.array([(loss(X, w + h * e, t) - loss(X, w - h * e, t)) / (2 * h) for e in np.eye(D)])
    assert np.allclose(num, g, rtol=1e-5, atol=1e-6)
    _gr.append(Case((X, w, t), g, _shape_text(N, D)))
for N, D, steps in [(3, 1, 1), (6, 3, 5), (30, 4, 40)]:
    X, t, w0 = _data(N, D)
    eta = 0.2 * _limit(X)                 # small enough that no run is near its end point
    eta = eta if D == 4 else float(eta)   # one case sends a NumPy float64, as a learner's own code would
    _de.append(Case((X, t, w0, eta, steps), descend(X, t, w0, eta, steps), N_("X of shape {X}, eta={eta:.4f}, steps={steps}",
                                                                               X=(N, D), eta=eta, steps=steps)))
for N, D, fracs in [(10, 3, [0.3, 0.6, 0.97, 1.04, 1.2]), (25, 2, [0.1, 0.5, 0.9, 0.99, 1.02]), (6, 4, [0.4, 0.8, 1.03, 1.1, 2.0])]:
    X, t, _ = _data(N, D)
    V = np.linalg.eigh(X.T @ X)[1]
    # start far along the flat direction and a little along the steep one: just above the limit, one step
    # still lowers the loss, and only many steps show the divergence
    w0 = np.linalg.lstsq(X, t, rcond=None)[0] + 3 * V[:, 0] + 0.01 * V[:, -1]
    etas = np.array(fracs) * _limit(X)
    start = loss(X, w0, t)
    stable = [e for e in etas if loss(X, descend(X, t, w0, e, 300), t) < start]
    _ls.append(Case((X, t, w0, etas, 300), np.array(float(max(stable, default=0.0))),
                    N_("X of shape {X}, {count} learning rates, steps={steps}", X=(N, D), count=len(etas), steps=300)))
for N, D in [(3, 2), (12, 3), (40, 6)]:
    X, t, _ = _data(N, D)
    _li.append(Case((X,), np.array(_limit(X)), N_("X of shape {X}", X=(N, D))))
    _cf.append(Case((X, t), np.linalg.lstsq(X, t, rcond=None)[0], N_("X of shape {X}, t of shape {t}", X=(N, D), t=(N,))))
for N, D, lam in [(12, 3, 0.5), (9, 4, 0.0), (3, 6, 2.0), (30, 2, 40.0)]:
    X, t, _ = _data(N, D)
    w = np.linalg.solve(X.T @ X + lam * np.eye(D), X.T @ t)
    # the bottom of E_lam: its gradient is zero there
    assert np.allclose(X.T @ (X @ w - t) + lam * w, 0, atol=1e-9)
    desc = (N_("X of shape {X}, t of shape {t}, lam={lam} (N < D)", X=(N, D), t=(N,), lam=lam) if N < D else
            N_("X of shape {X}, t of shape {t}, lam={lam}", X=(N, D), t=(N,), lam=lam))
    _ri.append(Case((X, t, lam), w, desc))

TASKS = [Task("1. loss", "loss", 1, _lo, scalar=True),
         Task("2. gradient", "gradient", 2, _gr),
         Task("3. descend", "descend", 2, _de, uses={"gradient": gradient}),
         Task("4. largest_stable_eta", "largest_stable_eta", 1, _ls, scalar=True,
              uses={"loss": loss, "gradient": gradient, "descend": descend}),
         Task("5. stability_limit", "stability_limit", 2, _li, scalar=True),
         Task("6. one_step_prediction", "one_step_prediction", 1,
              [Case((), np.array(2.0), N_("your prediction (1, 2, 3 or 4)"))], scalar=True),
         Task("7. closed_form", "closed_form", 1, _cf),
         Task("8. ridge_closed_form", "ridge_closed_form", 2, _ri)]
