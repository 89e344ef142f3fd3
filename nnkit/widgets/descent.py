"""Lesson 2 widget: a learning-rate slider for gradient descent on the least-squares line fit.

Logic (plain Python, tested): ``DescentRun(X, t, w0, eta, steps)`` holds the path, the losses and a
one-word description of the run. View: ``descent_widget(X, t)`` redraws ``plot_descent`` when the
slider moves. Everything lesson-specific (the best loss, the slider's range) is computed from X and t.
"""
import numpy as np

from ..landscape import (least_squares_descent, least_squares_solution, descent_regime, stability_limit,
                         plot_valley, regime_text)
from ..i18n import tr
from . import _view

__all__ = ["DescentRun", "plot_descent", "descent_widget", "slider_range", "describe_run"]


class DescentRun:
    """Gradient descent on ||Xw - t||^2 / 2 for one learning rate ``eta``. Lesson 2.

    Inputs:
    - X: (N, D) floats; t: (N,) targets.
    - w0: the start (D,) (default (1.0, 1.0), so D = 2); eta: the learning rate (default 0.01);
      steps: number of steps (default 100).
    Returns (what the object offers):
    - set_eta(eta): runs the descent again with a new learning rate and returns the run.
    - ws (steps + 1, D) and losses (steps + 1,) from ``least_squares_descent`` (shorter if the run blew up);
      regime, a string from ``descent_regime``; w_best (D,) and e_min, the exact minimum and its loss; eta.
    - final_w: ws[-1], (D,); limit: ``stability_limit(X)``, a float.
    """

    def __init__(self, X, t, w0=(1.0, 1.0), eta=0.01, steps=100):
        self.X, self.t = np.asarray(X, float), np.asarray(t, float)
        self.w0, self.steps = np.asarray(w0, float), int(steps)
        self.w_best, self.e_min = least_squares_solution(self.X, self.t)
        self.set_eta(eta)

    def set_eta(self, eta):
        self.eta = float(eta)
        self.ws, self.losses = least_squares_descent(self.X, self.t, self.w0, self.eta, self.steps)
        self.regime = descent_regime(self.losses, self.ws)
        return self

    @property
    def final_w(self):
        return self.ws[-1]

    @property
    def limit(self):
        return stability_limit(self.X)


def slider_range(X):
    """(min, max, step) for a learning-rate slider on ||Xw - t||^2 / 2, from the stability limit L. Lesson 2.

    The step is L rounded down to a power of ten, over 100 (0.0001 for L = 0.022967); the range runs from
    ten steps to 5 % above L, so that the slider reaches just past the limit.

    Inputs: X (N, D), floats (the targets do not matter: L depends on X alone).
    Returns (min, max, step), three floats.
    """
    limit = stability_limit(X)
    step = 10.0 ** np.floor(np.log10(limit)) / 100
    return round(10 * step, 12), round(np.ceil(1.05 * limit / step) * step, 12), step


def describe_run(run):
    """What the picture of a DescentRun says, in words, with its numbers. Lesson 2 (the slider's alt text).

    Inputs: run, a :class:`DescentRun`. Returns a str: the learning rate against the limit, the regime, and
    where the loss went.
    """
    ratio = run.eta / run.limit
    side = tr("below") if ratio < 1 else tr("above")
    finite = np.isfinite(run.losses)
    last = run.losses[finite][-1] if finite.any() else float("nan")
    steps = len(run.losses) - 1
    if run.regime == "diverging":
        fate = tr("the loss grows from {first:.3g} to {last:.3g} in {steps} steps: descent diverges",
                  first=run.losses[0], last=last, steps=steps)
    else:
        fate = tr("the loss falls from {first:.3g} to {last:.6g} in {steps} steps, {gap:.1e} above the best "
                  "possible {best:.4g}", first=run.losses[0], last=last, steps=steps, gap=max(last - run.e_min, 0),
                  best=run.e_min)
    return tr("Gradient descent with learning rate {eta:.4f}, {distance:.1%} {side} the stability limit {limit:.6f}: "
              "{regime}. Left, the path of (w1, w2) across the loss valley's contour lines; right, {fate}.",
              eta=run.eta, distance=abs(1 - ratio), side=side, limit=run.limit, regime=regime_text(run.regime),
              fate=fate)


def plot_descent(run, every=None):
    """The picture of one DescentRun, in two panels. Lesson 2.

    Left: the path in the (w1, w2) plane on the contour lines of the loss (the first 60 steps, every one
    drawn, so a zig-zag shows); right: how far the loss is above its minimum, per step (log scale).

    Inputs:
    - run: a :class:`DescentRun` with D = 2.
    - every: accepted for backward compatibility and ignored (striding the path would hide the zig-zag).
    Returns the matplotlib Figure.
    """
    import matplotlib.pyplot as plt
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.3), gridspec_kw={"width_ratios": [1.15, 1]})
    plot_valley(run.X, run.t, {f"η = {run.eta:.4f}": run.ws}, ax=a, max_steps=60,
                title=tr("the first {steps} steps", steps=min(60, len(run.ws) - 1)))
    gap = np.maximum(run.losses - run.e_min, 1e-16)
    b.semilogy(gap, color="#0072B2", lw=1.5)
    b.set_ylim(1e-8, 1e4)
    b.set_xlabel(tr("step")); b.set_ylabel(tr("loss − best possible loss"))
    b.set_title(tr("η = {eta:.4f}: {regime} (limit {limit:.6f})", eta=run.eta, regime=regime_text(run.regime),
                   limit=run.limit))
    b.grid(alpha=0.3)
    fig.tight_layout()
    from ..plotting import describe
    describe(fig, describe_run(run))
    return fig


def descent_widget(X, t, w0=(1.0, 1.0), steps=100, eta=0.01):
    """A slider for the learning rate eta that redraws ``plot_descent``. Lesson 2.

    Inputs:
    - X: (N, 2) floats; t: (N,) targets.
    - w0, steps, eta: as in :class:`DescentRun` (eta is where the slider starts; the slider's range comes from
      ``slider_range(X)``).
    Returns an ipywidgets box: a VBox of the eta slider and the picture; ``box.run`` is the DescentRun behind it.
    """
    import ipywidgets as widgets
    run = DescentRun(X, t, w0, eta, steps)
    lo, hi, step = slider_range(run.X)
    slider = widgets.FloatSlider(value=eta, min=lo, max=hi, step=step, readout_format=".4f",
                                 description="η", continuous_update=False, tooltip=tr("learning rate η"),
                                 layout=widgets.Layout(width="480px"))
    out = widgets.Output()

    def redraw(*_):
        run.set_eta(slider.value)
        _view.redraw(out, lambda: plot_descent(run))

    slider.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([slider, out])
    box.run = run            # for tests and the curious: the logic behind the picture
    return box
