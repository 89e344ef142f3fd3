"""Lesson 3 widget: explore gradient descent on 1-D landscapes.

Logic (plain Python, tested): ``Explorer`` holds the landscape, start point, learning rate, optimizer and
number of steps, and recomputes the path whenever one of them is set. View: ``explorer_widget()`` with
dropdowns and sliders, and a play button that animates the ball step by step.
"""

from ..landscape import LANDSCAPES, OPTIMIZERS as _OPTIMIZER_TABLE, descend, plot_optimizer_paths
from ..plotting import describe
from . import _view
from ..i18n import tr

__all__ = ["Explorer", "explorer_widget", "OPTIMIZERS", "LEARNING_RATES"]

OPTIMIZERS = tuple(_OPTIMIZER_TABLE)      # the names nnkit.landscape.make_optimizer knows
# The learning rates the slider offers: round numbers a lesson can name, every one of them settable.
LEARNING_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 0.9, 1.0, 1.05, 1.2)


class Explorer:
    """The state behind ``explorer_widget``: a ball rolled down a 1-D landscape by an optimizer. Lesson 3.

    Inputs:
    - landscape: a key of LANDSCAPES (default "cubic"); w0: the start (default 1.0); lr: the learning rate
      (default 0.1); optimizer: a name from OPTIMIZERS (default "sgd"); steps: number of updates (default 50).
    Returns (what the object offers):
    - set(**settings): changes any of the five settings (another name raises AttributeError), recomputes
      the path and returns the explorer; update(): recomputes the path and returns the explorer.
    - path: the w visited, (K,) with K <= steps + 1 (shorter when it diverged), from ``descend``.
    - status: a sentence about where the walk ended (w, E(w) and the slope, or "diverged").
    - frame(k): the path up to step k, (k + 1,), for the animation.
    """

    def __init__(self, landscape="cubic", w0=1.0, lr=0.1, optimizer="sgd", steps=50):
        self.landscape, self.w0, self.lr, self.optimizer, self.steps = landscape, w0, lr, optimizer, steps
        self.update()

    def set(self, **values):
        for key, value in values.items():
            if key not in ("landscape", "w0", "lr", "optimizer", "steps"):
                raise AttributeError(tr("Explorer has no setting {key!r}", key=key))
            setattr(self, key, value)
        return self.update()

    def update(self):
        if self.landscape not in LANDSCAPES:
            raise ValueError(tr("Explorer: landscape must be one of {choices}, got {landscape!r}",
                                choices=sorted(LANDSCAPES), landscape=self.landscape))
        self.path = descend(self.landscape, self.w0, self.lr, self.steps, self.optimizer)
        return self

    @property
    def status(self):
        land = LANDSCAPES[self.landscape]
        w = self.path[-1]
        if len(self.path) <= self.steps or abs(w) > 1e3:
            return tr("diverged: w ran off to {w:.3g}", w=w)
        return tr("after {steps} steps: w = {w:.4f}, E(w) = {E:.4f}, slope {slope:+.4f}", steps=self.steps, w=w,
                  E=land.E(w), slope=land.dE(w))

    def frame(self, k):
        """The path up to step k (for the animation)."""
        return self.path[: int(k) + 1]

    def describe(self, k=None):
        """The picture of steps 0..k in words (k: default all): settings, then where the ball went."""
        land = LANDSCAPES[self.landscape]
        shown = len(self.frame(self.steps if k is None else k)) - 1
        where = "" if shown >= len(self.path) - 1 else tr(" Shown: the first {shown} steps.", shown=shown)
        return tr("{optimizer} with learning rate {lr:g} on {landscape}, from w0 = {w0:g}: {status}.{where}",
                  optimizer=self.optimizer, lr=self.lr, landscape=land.name, w0=self.w0, status=self.status,
                  where=where)


def explorer_widget(**start):
    """Dropdowns, sliders and a play button around an :class:`Explorer`. Lesson 3.

    Inputs:
    - start: keyword settings of :class:`Explorer` (landscape, w0, lr, optimizer, steps); the others keep
      Explorer's defaults.
    Returns an ipywidgets box: a VBox with the landscape and optimizer menus, the start-w0 and eta sliders
    (eta from LEARNING_RATES), a play button with a step slider that animates the ball, and the picture
    (``plot_optimizer_paths``); ``box.explorer`` is the Explorer behind it.
    """
    import ipywidgets as widgets
    ex = Explorer(**start)
    wide = {"description_width": "90px"}
    land = widgets.Dropdown(options=list(LANDSCAPES), value=ex.landscape, description=tr("landscape"), style=wide)
    w0 = widgets.FloatSlider(value=ex.w0, min=-1.5, max=1.2, step=0.05, description=tr("start w₀"),
                             continuous_update=False, style=wide)
    rates = sorted(set(LEARNING_RATES) | {float(ex.lr)})
    lr = widgets.SelectionSlider(options=rates, value=float(ex.lr), description="η", continuous_update=False,
                                 style=wide, tooltip=tr("learning rate η"))
    opt = widgets.Dropdown(options=OPTIMIZERS, value=ex.optimizer, description=tr("optimizer"), style=wide)
    play = widgets.Play(value=ex.steps, min=0, max=ex.steps, step=1, interval=120, description=tr("play"),
                        tooltip=tr("play the walk step by step"))
    step = widgets.IntSlider(value=ex.steps, min=0, max=ex.steps, description=tr("step"), style=wide)
    widgets.jslink((play, "value"), (step, "value"))
    out = widgets.Output()

    def draw(*_):
        def picture():
            fig = plot_optimizer_paths(ex.landscape, {f"{ex.optimizer}, η = {ex.lr:g}": ex.frame(step.value)},
                                       title=ex.status, max_steps=ex.steps)
            describe(fig, ex.describe(step.value))
            return fig
        _view.redraw(out, picture)

    def recompute(*_):
        ex.set(landscape=land.value, w0=w0.value, lr=lr.value, optimizer=opt.value)
        draw()

    for w in (land, w0, lr, opt):
        w.observe(recompute, names="value")
    step.observe(draw, names="value")
    draw()
    box = widgets.VBox([widgets.HBox([land, opt]), widgets.HBox([w0, lr]), widgets.HBox([play, step]), out])
    box.explorer = ex
    return box
