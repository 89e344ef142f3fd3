"""Hidden tests of exercises/03_gradient_descent.ipynb: other dimensions, matrices, learning rates and step
counts. Expected values come from the reference update rules below; numerical_gradient is graded through the
notebook's locked helper numgrad_of_cubic (a cubic, so that one-sided differences are visibly off). No task calls
another task's function, so no task needs reference versions of the others."""
import numpy as np

from coursetools.grading import N_, Task, Case

rng = np.random.default_rng(303)


def _cubic_numgrad(c, p, h):
    f = lambda q: float(np.sum(c * q ** 3) + q[0] * q[-1])
    g = np.zeros_like(p)
    for i in range(p.size):
        e = np.zeros_like(p); e[i] = h
        g[i] = (f(p + e) - f(p - e)) / (2 * h)
    exact = 3 * c * p ** 2 + c * h ** 2          # central differences of q^3 are exact up to the h^2 term
    exact[0] += p[-1]; exact[-1] += p[0]
    assert np.allclose(g, exact, rtol=1e-7, atol=1e-9)
    return g


def _paths(A, p0, eta, steps, beta=0.0, adam=False):
    p, v, m, s = p0.astype(float), np.zeros_like(p0), np.zeros_like(p0), np.zeros_like(p0)
    out = [p]
    for t in range(1, steps + 1):
        g = A @ p
        if adam:
            m = 0.9 * m + 0.1 * g
            s = 0.999 * s + 0.001 * g ** 2
            p = p - eta * (m / (1 - 0.9 ** t)) / (np.sqrt(s / (1 - 0.999 ** t)) + 1e-8)
        else:
            v = beta * v - eta * g
            p = p + v
        out.append(p)
    return np.array(out)


def _line_search(A, p0, steps):
    p, out = p0.astype(float), [p0.astype(float)]
    for _ in range(steps):
        g = A @ p
        gg = float(g @ g)
        p = p - (gg / float(g @ A @ g) if gg > 0 else 0.0) * g
        out.append(p)
    return np.array(out)


def _spd(D):
    Q = np.linalg.qr(rng.normal(size=(D, D)))[0]
    return Q @ np.diag(rng.uniform(0.5, 8.0, D)) @ Q.T


_ng = []
for D, h in [(1, 0.05), (3, 1e-2), (5, 1e-3)]:
    c, p = rng.normal(size=D), rng.normal(size=D) * 2
    _ng.append(Case((c, p, h), _cubic_numgrad(c, p, h), N_("c and p of shape {shape}, h={h}", shape=(D,), h=h), rtol=1e-6, atol=1e-7))
_gd, _mo, _ad = [], [], []
for D, steps in [(1, 3), (3, 15), (4, 60)]:
    A, p0 = _spd(D), rng.normal(size=D)
    eta = 0.1
    desc = N_("A of shape {A}, p0 of shape {p0}, eta={eta}, steps={steps}", A=(D, D), p0=(D,), eta=eta, steps=steps)
    _gd.append(Case((A, p0, eta, steps), _paths(A, p0, eta, steps), desc))
    _mo.append(Case((A, p0, eta / 2, 0.75, steps), _paths(A, p0, eta / 2, steps, beta=0.75),
                    N_("{description}, beta={beta}", description=desc, beta=0.75)))
    _ad.append(Case((A, p0, 0.05, steps), _paths(A, p0, 0.05, steps, adam=True),
                    N_("A of shape {A}, eta={eta}, steps={steps}", A=(D, D), eta=0.05, steps=steps)))

_ln = []
for D, steps, start in [(2, 5, "random"), (3, 12, "random"), (5, 30, "random"), (3, 4, "eigen"), (4, 3, "zero")]:
    A = _spd(D)
    p0 = {"random": rng.normal(size=D), "eigen": 2 * np.linalg.eigh(A)[1][:, 1], "zero": np.zeros(D)}[start]
    path = _line_search(A, p0, steps)
    e = 0.5 * np.einsum("kd,de,ke->k", path, A, path)
    assert np.all(np.diff(e) <= 1e-12)                      # never uphill
    shapes = N_("A of shape {A}, p0 of shape {p0}, steps={steps}", A=(D, D), p0=(D,), steps=steps)
    desc = {"random": shapes, "eigen": N_("{shapes} (p0 along an eigenvector: the minimum in one step)", shapes=shapes),
            "zero": N_("{shapes} (p0 = 0, already the minimum)", shapes=shapes)}[start]
    _ln.append(Case((A, p0, steps), path, desc, rtol=1e-6, atol=1e-9))

TASKS = [Task("1. numerical_gradient", "numgrad_of_cubic", 2, _ng, shown="numerical_gradient"), Task("2. gd_path", "gd_path", 2, _gd),
         Task("3. momentum_path", "momentum_path", 2, _mo), Task("4. adam_path", "adam_path", 2, _ad),
         Task("5. line_search_path", "line_search_path", 2, _ln),
         Task("6. adam_scale_prediction", "adam_scale_prediction", 1,
              [Case((), np.array(1.0), N_("your prediction (1, 2, 3 or 4)"))], scalar=True)]
