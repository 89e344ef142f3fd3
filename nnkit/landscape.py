"""1-D loss landscapes and gradient descent on them (lessons 2 and 3), and the least-squares descent.

A landscape is a loss E(w) of one number w, with its derivative dE/dw. ``descend`` rolls a ball down
it with any nnkit optimizer and records the path. Plots import matplotlib only when called.
"""
import numpy as np

from .errors import ShapeError, check_array

__all__ = ["Landscape", "LANDSCAPES", "descend", "make_optimizer", "least_squares_descent",
           "descent_regime", "stability_limit", "plot_paths", "plot_least_squares_runs"]


class Landscape:
    """A named 1-D loss E(w) with its derivative dE/dw and a w-range for plots."""

    def __init__(self, name, E, dE, wrange):
        self.name, self.E, self.dE, self.wrange = name, E, dE, tuple(wrange)

    def __repr__(self):
        return f"Landscape({self.name!r})"


LANDSCAPES = {
    "w^2": Landscape("E(w) = w²", lambda w: w ** 2, lambda w: 2 * w, (-1.5, 1.5)),
    "cubic": Landscape("E(w) = w³ − 0.75w + 1", lambda w: w ** 3 - 0.75 * w + 1, lambda w: 3 * w ** 2 - 0.75,
                       (-1.3, 1.3)),
    "p = w x": Landscape("E(w) = (w·x − t)², x = 2, t = 2", lambda w: (2 * w - 2) ** 2, lambda w: 8 * w - 8,
                         (-0.2, 2.2)),
}


def make_optimizer(name, lr):
    """'sgd', 'momentum', 'adagrad' or 'adam' -> the nnkit optimizer with learning rate ``lr``."""
    from . import optimizers
    table = {"sgd": optimizers.SGD, "momentum": optimizers.Momentum, "adagrad": optimizers.AdaGrad,
             "adam": optimizers.Adam}
    if name not in table:
        raise ValueError(f"make_optimizer: optimizer must be one of {sorted(table)}, got {name!r}.")
    return table[name](lr)


def descend(landscape, w0=1.0, lr=0.1, steps=50, optimizer="sgd", limit=1e6):
    """Gradient descent on a 1-D landscape: the path w_0, w_1, ..., w_steps as an array (steps + 1,).

    ``landscape`` is a key of LANDSCAPES or a Landscape; ``optimizer`` a name for make_optimizer or an
    optimizer object. The walk stops early (path shorter) if |w| exceeds ``limit``: it has diverged.
    """
    land = LANDSCAPES[landscape] if isinstance(landscape, str) else landscape
    opt = make_optimizer(optimizer, lr) if isinstance(optimizer, str) else optimizer
    params = {"w": np.array(float(w0))}
    path = [float(w0)]
    for _ in range(int(steps)):
        opt.update(params, {"w": np.array(land.dE(float(params["w"])))})
        w = float(params["w"])
        path.append(w)
        if not np.isfinite(w) or abs(w) > limit:
            break
    return np.array(path)


def least_squares_descent(X, t, w0, eta, steps):
    """Gradient descent on E(w) = ||X w - t||^2 / 2 with gradient X^T (X w - t).

    X (N, D), t (N,), w0 (D,). Returns (ws (steps + 1, D), losses (steps + 1,)); stops early when the
    loss overflows.
    """
    X = check_array(X, "X", ndim=2, floating=True, where="least_squares_descent")
    t = check_array(t, "t", ndim=1, floating=True, where="least_squares_descent")
    w = check_array(w0, "w0", ndim=1, floating=True, where="least_squares_descent").astype(float).copy()
    if len(t) != len(X) or len(w) != X.shape[1]:
        raise ShapeError(f"least_squares_descent: X {X.shape}, t {t.shape} and w0 {w.shape} do not fit: "
                         f"expected X (N, D), t (N,), w0 (D,).")
    ws, losses = [w.copy()], [0.5 * np.sum((X @ w - t) ** 2)]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(int(steps)):
            w = w - eta * (X.T @ (X @ w - t))
            loss = 0.5 * np.sum((X @ w - t) ** 2)
            ws.append(w.copy()); losses.append(loss)
            if not np.isfinite(loss) or loss > 1e12:
                break
    return np.array(ws), np.array(losses)


def stability_limit(X):
    """2 / lambda_max(X^T X): gradient descent on ||Xw - t||^2 / 2 converges exactly for eta below it."""
    X = check_array(X, "X", ndim=2, floating=True, where="stability_limit")
    return 2.0 / np.linalg.eigvalsh(X.T @ X).max()


def descent_regime(losses, ws=None, rel_tol=1e-6):
    """Describe a run: 'diverging', 'oscillating' (loss goes up and down), 'zig-zagging' (the loss falls
    but each step reverses the previous one: w jumps across the valley), 'converged' or 'still descending'.

    ``losses`` (steps + 1,); ``ws`` (steps + 1, D), optional, the parameters along the way.
    """
    losses = np.asarray(losses, dtype=float)
    if len(losses) < 3:
        raise ValueError("descent_regime: need at least 3 losses.")
    if not np.all(np.isfinite(losses)) or losses[-1] > losses[0]:
        return "diverging"
    if ws is not None:
        steps = np.diff(np.asarray(ws, dtype=float).reshape(len(ws), -1), axis=0)
        turns = np.sum(steps[1:] * steps[:-1], axis=1) < 0
        if len(turns) and turns.mean() > 0.5:
            return "zig-zagging"
    drops = np.diff(losses[-20:])
    if np.any(drops > 0):
        return "oscillating"
    if abs(losses[-1] - losses[-2]) <= rel_tol * max(abs(losses[-1]), 1e-12):
        return "converged"
    return "still descending"


def plot_paths(landscape, paths, ax=None, title=None, max_marks=60):
    """Draw a landscape and one or more descent paths on it: ``paths`` is {label: path array}."""
    from .plotting import _fig_ax
    land = LANDSCAPES[landscape] if isinstance(landscape, str) else landscape
    fig, ax = _fig_ax(ax, (4.5, 3.2))
    lo, hi = land.wrange
    w = np.linspace(lo, hi, 400)
    ax.plot(w, land.E(w), color="0.3", lw=1.5)
    for label, path in paths.items():
        p = np.asarray(path)
        p = p[(p >= lo) & (p <= hi)][:max_marks]
        ax.plot(p, land.E(p), "o-", ms=3.5, lw=0.8, alpha=0.8, label=label)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("w"); ax.set_ylabel("E(w)")
    ax.set_title(title or land.name, fontsize=10)
    if paths:
        ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig


def plot_least_squares_runs(X, t, w0, etas, steps=60):
    """One panel per learning rate: the loss per step (log scale) of descent on ||Xw - t||^2/2."""
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(etas), figsize=(2.3 * len(etas), 2.6), squeeze=False)
    for ax, eta in zip(axes[0], etas):
        ws, losses = least_squares_descent(X, t, w0, eta, steps)
        ax.semilogy(losses, ".-", ms=3, lw=0.8)
        ax.set_title(f"η = {eta:g}\n{descent_regime(losses, ws)}", fontsize=9)
        ax.set_xlabel("step"); ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("loss")
    fig.tight_layout()
    return fig
