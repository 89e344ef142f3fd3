"""1-D loss landscapes and gradient descent on them (lesson 3), and the 2-D least-squares valley (lessons 2, 3).

A landscape is a loss E(w) of one number w, with its derivative dE/dw. ``descend`` rolls a ball down
it with any nnkit optimizer and records the path. ``least_squares_descent`` walks the valley of
E(w) = ||Xw - t||^2 / 2 (plain descent or any nnkit optimizer) and ``plot_valley`` draws the walk on the
contour lines of E. Plots import matplotlib only when called.
"""
import numpy as np

from .errors import ShapeError, check_array
from .optimizers import SGD, Momentum, AdaGrad, Adam
from .i18n import tr

__all__ = ["Landscape", "LANDSCAPES", "descend", "make_optimizer", "least_squares_descent",
           "least_squares_solution", "steps_to_reach", "descent_regime", "stability_limit", "plot_paths",
           "plot_optimizer_paths", "plot_valley", "plot_least_squares_runs"]


class Landscape:
    """A named 1-D loss E(w) with its derivative dE/dw and a w-range for plots. Lesson 3 (the entries of LANDSCAPES).

    Inputs:
    - name: the title plots show, e.g. "E(w) = w²".
    - E, dE: functions of w (a number or an array) giving E(w) and dE/dw, of the same shape as w.
    - wrange: (lo, hi), the w-range that plots show.
    Returns (what the object offers): the attributes ``name``, ``E``, ``dE`` and ``wrange`` (a tuple), which
    ``descend`` and ``plot_paths`` read.
    """

    def __init__(self, name, E, dE, wrange):
        self.name, self.E, self.dE, self.wrange = name, E, dE, tuple(wrange)

    def __repr__(self):
        return f"Landscape({self.name!r})"


LANDSCAPES = {
    "w^2": Landscape("E(w) = w²", lambda w: w ** 2, lambda w: 2 * w, (-1.5, 1.5)),
    "cubic": Landscape("E(w) = w³ − 0.75w + 1", lambda w: w ** 3 - 0.75 * w + 1, lambda w: 3 * w ** 2 - 0.75,
                       (-2.0, 1.3)),
    "p = w x": Landscape("E(w) = (w·x − t)², x = 2, t = 2", lambda w: (2 * w - 2) ** 2, lambda w: 8 * w - 8,
                         (-0.2, 2.2)),
}


# The optimizers of lesson 3 by the names that descend, make_optimizer and the explorer's menu use.
OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adagrad": AdaGrad, "adam": Adam}


def make_optimizer(name, lr):
    """An nnkit optimizer from its name. Lesson 3 (behind ``descend`` and the explorer's optimizer menu).

    Inputs:
    - name: "sgd", "momentum", "adagrad" or "adam" (anything else raises ValueError).
    - lr: the learning rate; every other setting keeps the optimizer's default.
    Returns the optimizer object (SGD, Momentum, AdaGrad or Adam); its ``update(params, grads)`` changes the
    arrays in ``params`` in place.
    """
    if name not in OPTIMIZERS:
        raise ValueError(tr("make_optimizer: optimizer must be one of {choices}, got {name!r}.",
                            choices=list(OPTIMIZERS), name=name))
    return OPTIMIZERS[name](lr)


def descend(landscape, w0=1.0, lr=0.1, steps=50, optimizer="sgd", limit=1e6):
    """Gradient descent on a 1-D landscape: the path w_0, w_1, ..., w_steps. Lesson 3.

    Inputs:
    - landscape: a key of LANDSCAPES ("w^2", "cubic", "p = w x") or a Landscape.
    - w0: the start (default 1.0); lr: the learning rate (default 0.1); steps: number of updates (default 50).
    - optimizer: a name for make_optimizer (default "sgd": w <- w - lr dE/dw) or an optimizer object (which
      keeps its state, e.g. momentum, from earlier calls).
    - limit: the walk stops as soon as |w| exceeds it or w is not finite (default 1e6): it has diverged.
    Returns path, float array (steps + 1,); shorter when the walk stopped early.
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


def least_squares_descent(X, t, w0, eta, steps, optimizer=None):
    """Gradient descent on E(w) = ||X w - t||^2 / 2, whose gradient is X^T (X w - t). Lesson 2.

    Inputs:
    - X (N, D), t (N,), w0 (D,): float arrays (w0 is copied, not changed).
    - eta: the learning rate; steps: the number of steps.
    - optimizer: None (default): plain descent w <- w - eta X^T (X w - t); or a name for make_optimizer
      ("sgd", "momentum", "adagrad", "adam", with learning rate ``eta``); or an nnkit optimizer object.
    Returns (ws, losses): ws (steps + 1, D), ws[0] = w0; losses (steps + 1,), E at each ws[k]. Both are
    shorter when the loss overflows or exceeds 1e12 (the run stops there).
    """
    X = check_array(X, "X", ndim=2, floating=True, where="least_squares_descent")
    t = check_array(t, "t", ndim=1, floating=True, where="least_squares_descent")
    w = check_array(w0, "w0", ndim=1, floating=True, where="least_squares_descent").astype(float).copy()
    if len(t) != len(X) or len(w) != X.shape[1]:
        raise ShapeError(tr("least_squares_descent: X {X_shape}, t {t_shape} and w0 {w0_shape} do not fit: expected X "
                            "(N, D), t (N,), w0 (D,).", X_shape=X.shape, t_shape=t.shape, w0_shape=w.shape))
    opt = make_optimizer(optimizer, eta) if isinstance(optimizer, str) else optimizer
    params = {"w": w}
    ws, losses = [w.copy()], [0.5 * np.sum((X @ w - t) ** 2)]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(int(steps)):
            grad = X.T @ (X @ params["w"] - t)
            if opt is None:
                params["w"] = params["w"] - eta * grad
            else:
                opt.update(params, {"w": grad})
            w = params["w"]
            loss = 0.5 * np.sum((X @ w - t) ** 2)
            ws.append(w.copy()); losses.append(loss)
            if not np.isfinite(loss) or loss > 1e12:
                break
    return np.array(ws), np.array(losses)


def least_squares_solution(X, t):
    """The exact minimiser of E(w) = ||Xw - t||^2 / 2 and its loss. Lesson 3.

    Inputs: X (N, D), t (N,), float arrays.
    Returns (w_best, E_min): w_best (D,) from ``np.linalg.lstsq`` (the shortest one if several minimise E),
    E_min a float.
    """
    X = check_array(X, "X", ndim=2, floating=True, where="least_squares_solution")
    t = check_array(t, "t", ndim=1, floating=True, where="least_squares_solution")
    w_best = np.linalg.lstsq(X, t, rcond=None)[0]
    return w_best, float(0.5 * np.sum((X @ w_best - t) ** 2))


def steps_to_reach(ws, target, tol):
    """How many steps a run needed to get within ``tol`` of a target and stay there. Lesson 3.

    Inputs:
    - ws: (steps + 1, D) parameters along a run, from least_squares_descent.
    - target: (D,), e.g. w_best from least_squares_solution; tol: largest allowed max_d |ws[k, d] - target[d]|.
    Returns the first step k (an int) from which every step is within ``tol`` (0 if all are), or None when the
    last step is still outside.
    """
    dist = np.abs(np.asarray(ws, dtype=float) - np.asarray(target, dtype=float)).max(axis=1)
    outside = np.flatnonzero(~(dist <= tol))
    if len(outside) == 0:
        return 0
    k = int(outside[-1]) + 1
    return k if k < len(dist) else None


def stability_limit(X):
    """The largest learning rate for which descent on ||Xw - t||^2 / 2 converges. Lesson 2 (the slider's end and
    the title of ``descent_widget``).

    Inputs: X (N, D), a float array.
    Returns 2 / lambda_max(X^T X), a float: gradient descent converges exactly for eta below it.
    """
    X = check_array(X, "X", ndim=2, floating=True, where="stability_limit")
    return 2.0 / np.linalg.eigvalsh(X.T @ X).max()


def descent_regime(losses, ws=None, rel_tol=1e-6):
    """Describe a run in a word or two. Lesson 2.

    Checked in this order: "diverging" (a loss is not finite, or the last is above the first);
    "zig-zagging" (``ws`` given and more than half of the steps reverse the previous one: w jumps across the
    valley while the loss falls); "oscillating" (the loss rises somewhere in the last 20 steps); "converged"
    (the last step changed the loss by at most ``rel_tol`` of it); otherwise "still descending".

    Inputs:
    - losses: (steps + 1,), at least 3 values (fewer raise ValueError).
    - ws: optional (steps + 1, D), the parameters along the way (default None: no zig-zag test).
    - rel_tol: relative change that counts as converged (default 1e-6).
    Returns one of the five strings above.
    """
    losses = np.asarray(losses, dtype=float)
    if len(losses) < 3:
        raise ValueError(tr("descent_regime: need at least 3 losses."))
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


def regime_text(regime):
    """A regime of ``descent_regime`` ("diverging", ...) in nnkit's language, for titles and legends."""
    return {"diverging": tr("diverging"), "zig-zagging": tr("zig-zagging"), "oscillating": tr("oscillating"),
            "converged": tr("converged"), "still descending": tr("still descending")}[regime]


def _in_window(path, lo, hi):
    """The path with NaN where it leaves [lo, hi], so that a line never joins points across a gap."""
    p = np.asarray(path, dtype=float).copy()
    p[(p < lo) | (p > hi) | ~np.isfinite(p)] = np.nan
    return p


def plot_paths(landscape, paths, ax=None, title=None, max_marks=60):
    """Draw a landscape and one or more descent paths on it. Lesson 3.

    Each path has its own colour, marker and line style; points outside the plotted w-range are left
    out (and the line is broken there).

    Inputs:
    - landscape: a key of LANDSCAPES or a Landscape.
    - paths: {label: path (K,)}, e.g. from ``descend``.
    - ax: axes to draw into (default None: a new figure); title: default the landscape's name.
    - max_marks: how many points of each path are drawn (default 60).
    Returns the matplotlib Figure.
    """
    from .plotting import _fig_ax, OKABE_ITO, MARKERS, LINESTYLES
    land = LANDSCAPES[landscape] if isinstance(landscape, str) else landscape
    fig, ax = _fig_ax(ax, (6, 4))
    lo, hi = land.wrange
    w = np.linspace(lo, hi, 400)
    ax.plot(w, land.E(w), color="0.55", lw=2, ls="-", zorder=1)
    for k, (label, path) in enumerate(paths.items()):
        p = _in_window(np.asarray(path)[:max_marks], lo, hi)
        ax.plot(p, land.E(p), marker=MARKERS[k % 8], ls=LINESTYLES[k % 6], color=OKABE_ITO[k % 8], ms=6, lw=1.2,
                alpha=0.85, label=label, zorder=2 + k)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("w"); ax.set_ylabel("E(w)")
    ax.set_title(title or land.name)
    if paths:
        ax.legend()
    ax.grid(alpha=0.3)
    return fig


def plot_optimizer_paths(landscape, paths, title=None, max_steps=60):
    """Two panels for several descent paths: left, on the landscape; right, w against the step number. Lesson 3.

    The right panel shows the order in time (overshooting and swinging back).

    Inputs:
    - landscape: a key of LANDSCAPES or a Landscape; paths: {label: path (K,)}, e.g. from ``descend``.
    - title: the figure's title (default none; the left panel is titled with the landscape's name).
    - max_steps: how many steps of each path are drawn (default 60).
    Returns the matplotlib Figure.
    """
    from .plotting import _plt, OKABE_ITO, MARKERS, LINESTYLES
    land = LANDSCAPES[landscape] if isinstance(landscape, str) else landscape
    fig, (a, b) = _plt().subplots(1, 2, figsize=(11, 4.2))
    plot_paths(land, paths, ax=a, max_marks=max_steps, title=land.name)
    a.get_legend().remove()
    lo, hi = land.wrange
    for k, (label, path) in enumerate(paths.items()):
        p = _in_window(np.asarray(path)[:max_steps + 1], lo, hi)
        b.plot(np.arange(len(p)), p, marker=MARKERS[k % 8], ls=LINESTYLES[k % 6], color=OKABE_ITO[k % 8], ms=5,
               lw=1.5, label=label)
    b.set_xlabel(tr("step")); b.set_ylabel("w"); b.set_ylim(lo, hi); b.grid(alpha=0.3)
    b.legend(loc="best")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_valley(X, t, paths, ax=None, title=None, max_steps=None, window=None):
    """The valley of E(w) = ||Xw - t||^2 / 2 as contour lines in the (w1, w2) plane, with descent paths. Lesson 2.

    Each path is drawn with its own colour, marker and line style, every step joined, so a zig-zag across
    the valley shows as one. The cross marks the exact minimum.

    Inputs:
    - X: (N, 2) floats (two weights: slope and offset); t: (N,) targets.
    - paths: {label: ws (K, 2)}, e.g. from least_squares_descent.
    - ax: axes to draw into (default None: a new figure); title: the axes' title (default none).
    - max_steps: draw only the first steps (default None: all).
    - window: ((w1 lo, w1 hi), (w2 lo, w2 hi)); default None: the box around the minimum and the points of
      the paths within 5 of it in both coordinates.
    Returns the matplotlib Figure.
    """
    from .plotting import _fig_ax, OKABE_ITO, MARKERS, LINESTYLES
    X = check_array(X, "X", ndim=2, floating=True, where="plot_valley")
    if X.shape[1] != 2:
        raise ShapeError(tr("plot_valley: X must have 2 columns (two weights w1, w2), got {shape}.", shape=X.shape))
    w_best, e_min = least_squares_solution(X, t)
    shown = {k: np.asarray(v, dtype=float)[: None if max_steps is None else max_steps + 1] for k, v in paths.items()}
    if window is None:
        pts = [w_best[None]] + [p[np.all(np.abs(p - w_best) < 5, axis=1)] for p in shown.values()]
        pts = np.concatenate(pts)
        span = np.maximum(pts.max(0) - pts.min(0), 0.2)
        lo, hi = pts.min(0) - 0.12 * span, pts.max(0) + 0.12 * span
        window = ((lo[0], hi[0]), (lo[1], hi[1]))
    (a0, a1), (b0, b1) = window
    g1, g2 = np.meshgrid(np.linspace(a0, a1, 300), np.linspace(b0, b1, 300))
    W = np.stack([g1.ravel(), g2.ravel()], axis=1)
    E = 0.5 * np.sum((W @ X.T - t) ** 2, axis=1).reshape(g1.shape)
    fig, ax = _fig_ax(ax, (6.5, 5))
    levels = e_min + np.geomspace(1e-3, max(E.max() - e_min, 1e-2), 14)
    ax.contour(g1, g2, E, levels=levels, colors="0.6", linewidths=1)
    for k, (label, p) in enumerate(shown.items()):
        ax.plot(p[:, 0], p[:, 1], marker=MARKERS[k % 8], ls=LINESTYLES[k % 6], color=OKABE_ITO[k % 8], ms=4,
                lw=1.3, label=label)
    ax.plot(*w_best, "X", color="k", ms=12, label=tr("minimum ({w1:.3g}, {w2:.3g})", w1=w_best[0], w2=w_best[1]))
    ax.set_xlim(a0, a1); ax.set_ylim(b0, b1)
    ax.set_xlabel(tr("w₁ (slope)")); ax.set_ylabel(tr("w₂ (offset)"))
    ax.legend(loc="best", framealpha=0.9)
    if title:
        ax.set_title(title)
    return fig


def plot_least_squares_runs(X, t, w0, etas, steps=60):
    """One curve per learning rate: how far the loss is above its minimum after each step. Lesson 2.

    Log scale, shown from 1e-6 to 1e3; each curve is labelled with its eta and its kind of run
    (``descent_regime``). Each run is plain descent from ``least_squares_descent``.

    Inputs:
    - X (N, D), t (N,), w0 (D,): the problem and the start, as in least_squares_descent.
    - etas: the learning rates, one curve each; steps: steps per run (default 60).
    Returns the matplotlib Figure.
    """
    from .plotting import _fig_ax, OKABE_ITO, MARKERS, LINESTYLES
    _, e_min = least_squares_solution(X, t)
    from .plotting import describe
    fig, ax = _fig_ax(None, (8, 4.5))
    ends = {}
    for k, eta in enumerate(etas):
        ws, losses = least_squares_descent(X, t, w0, eta, steps)
        gap = np.maximum(losses - e_min, 1e-16)
        ends[eta] = (gap[-1], descent_regime(losses, ws))
        ax.semilogy(gap, marker=MARKERS[k % 8], ls=LINESTYLES[k % 6], color=OKABE_ITO[k % 8], ms=4, lw=1.5,
                    markevery=max(1, steps // 15), label=f"η = {eta:g}: {regime_text(ends[eta][1])}")
    ax.set_xlabel(tr("step")); ax.set_ylabel(tr("loss − best possible loss"))
    ax.set_xlim(0, steps); ax.set_ylim(1e-6, 1e3)
    ax.grid(alpha=0.3); ax.legend(loc="lower left")
    fig.tight_layout()
    fastest = min(ends, key=lambda e: ends[e][0])
    runs = "; ".join(f"η = {e:g} {gap:.2g} ({regime_text(kind)})" for e, (gap, kind) in ends.items())
    describe(fig, tr("How far the loss is above the best possible {e_min:.4g} at each of {steps} steps (log scale), "
                     "for {n} learning rates. After {steps} steps: {runs}. Closest: η = {fastest:g}.", e_min=e_min,
                     steps=steps, n=len(etas), runs=runs, fastest=fastest))
    return fig
