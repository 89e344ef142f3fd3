"""Lesson 2 widget: a learning-rate slider for gradient descent on the least-squares line fit.

Logic (plain Python, tested): ``DescentRun(X, t, w0, eta, steps)`` holds the path, the losses and a
one-word description of the run. View: ``descent_widget(X, t)`` redraws ``plot_descent`` when the
slider moves.
"""
import numpy as np

from ..landscape import least_squares_descent, descent_regime, stability_limit

__all__ = ["DescentRun", "plot_descent", "descent_widget"]


class DescentRun:
    """Gradient descent on ||Xw - t||^2 / 2 for one learning rate ``eta``; attributes ws, losses, regime."""

    def __init__(self, X, t, w0=(1.0, 1.0), eta=0.01, steps=100):
        self.X, self.t = np.asarray(X, float), np.asarray(t, float)
        self.w0, self.steps = np.asarray(w0, float), int(steps)
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


def plot_descent(run, every=10):
    """Left: the data and the line after every ``every`` steps; right: the loss per step (log scale)."""
    import matplotlib.pyplot as plt
    fig, (a, b) = plt.subplots(1, 2, figsize=(8, 3))
    x = run.X[:, 0]
    a.scatter(x, run.t, color="k", zorder=3, label="data")
    xs = np.linspace(x.min() - 1, x.max() + 1, 2)
    shown = run.ws[::every]
    for k, w in enumerate(shown):
        a.plot(xs, w[0] * xs + w[1], color=plt.cm.viridis(k / max(len(shown) - 1, 1)), lw=1, alpha=0.8)
    a.set_ylim(run.t.min() - 4, run.t.max() + 4)
    a.set_title(f"lines every {every} steps (dark: early)", fontsize=9)
    a.set_xlabel("x"); a.set_ylabel("t")
    b.semilogy(run.losses, ".-", ms=2, lw=0.8)
    b.axhline(1.35, color="green", ls="--", lw=0.8, label="best possible: 1.35")
    b.set_xlabel("step"); b.set_ylabel("loss"); b.legend(fontsize=8)
    b.set_title(f"η = {run.eta:.4f}  (limit {run.limit:.6f}): {run.regime}", fontsize=9)
    for ax in (a, b):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def descent_widget(X, t, w0=(1.0, 1.0), steps=100, eta=0.01):
    """A slider for eta (0.001 to 0.0240) that redraws the descent."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display
    run = DescentRun(X, t, w0, eta, steps)
    slider = widgets.FloatSlider(value=eta, min=0.001, max=0.024, step=0.0001, readout_format=".4f",
                                 description="η", continuous_update=False,
                                 layout=widgets.Layout(width="420px"))
    out = widgets.Output()

    def redraw(*_):
        run.set_eta(slider.value)
        with out:
            out.clear_output(wait=True)
            fig = plot_descent(run)
            display(fig)
            plt.close(fig)

    slider.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([slider, out])
    box.run = run            # for tests and the curious: the logic behind the picture
    return box
