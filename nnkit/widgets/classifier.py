"""Move a linear classifier by hand and watch its probabilities and its loss (lesson 4).

Two Gaussian clouds, a model P(class 1 | x) = sigmoid(x @ w + b) with two weights and a bias.

Logic (plain NumPy, tested without a browser):
    LinearClassifierPlayground(X, y)   .set(w1=..., w2=..., b=...)
        .probabilities()   P(class 1) for every point (N,)
        .loss()            binary cross-entropy: mean of -log(probability given to the right class)
        .likelihood()      product of those probabilities (what the loss is minus the log of, averaged)
        .accuracy()        fraction on the right side of the 50 % line
        .gradient()        (dL/dw1, dL/dw2, dL/db)
        .step(lr) / .fit(lr, steps)   gradient descent from the current setting
        .figure()          the plane coloured by probability, the 50 % line, and the loss
View:
    classifier_widget()   sliders for w1, w2, b and buttons "one step" / "fit" (ipywidgets)
"""
import numpy as np

from ..data import two_clouds
from ..functions import sigmoid
from . import _view
from ..i18n import tr

__all__ = ["LinearClassifierPlayground", "classifier_widget", "slider_limit"]


class LinearClassifierPlayground:
    """A sigmoid classifier P(class 1 | x) = sigmoid(x @ w + b) with two weights and a bias, moved by hand. Lesson 4.

    Inputs:
    - X: (N, 2) points; y: (N,) labels 0 or 1. Default None: ``two_clouds(n=500, seed=0)``.
    - w1, w2, b: the starting parameters (default 0: every probability is 0.5).
    Returns (what the object offers; ``set``, ``step`` and ``fit`` return the playground, so calls chain):
    - set(w1=None, w2=None, b=None): sets the parameters given.
    - probabilities(): P(class 1) for every point, (N,). accuracy(): fraction on the right side of the 50 % line.
    - loss(): mean binary cross-entropy, a float; likelihood(): product of the probabilities given to the
      right class (a float, often so tiny that it underflows to 0).
    - gradient(): (dL/dw1, dL/dw2, dL/db), three floats; step(lr=0.5): one gradient-descent step;
      fit(lr=0.5, steps=500): that many steps.
    - figure(ax=None): the matplotlib Figure of ``plot_sigmoid_clouds`` with the numbers in its title.
    - attributes X (N, 2), y (N,), w (2,), b.
    """

    def __init__(self, X=None, y=None, w1=0.0, w2=0.0, b=0.0):
        if X is None:
            X, y = two_clouds(n=500, seed=0)
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        if X.ndim != 2 or X.shape[1] != 2 or y.shape != (len(X),):
            raise ValueError(tr("expected X (N, 2) and y (N,), got {X_shape} and {y_shape}.", X_shape=X.shape,
                                y_shape=y.shape))
        if not np.all((y == 0) | (y == 1)):
            raise ValueError(tr("labels y must be 0 or 1."))
        self.X, self.y = X, y.astype(np.int64)
        self.w = np.array([w1, w2], dtype=np.float64)
        self.b = float(b)

    def set(self, w1=None, w2=None, b=None):
        if w1 is not None:
            self.w[0] = float(w1)
        if w2 is not None:
            self.w[1] = float(w2)
        if b is not None:
            self.b = float(b)
        return self

    def probabilities(self):
        """P(class 1 | x) = sigmoid(x @ w + b) for every point, shape (N,)."""
        return sigmoid(self.X @ self.w + self.b)

    def _p_right(self):
        p = self.probabilities()
        return np.where(self.y == 1, p, 1.0 - p)      # the probability given to the right class

    def loss(self):
        """Binary cross-entropy: -1/N sum log(probability given to the right class)."""
        z = self.X @ self.w + self.b
        # -log sigmoid(z) for class 1, -log(1 - sigmoid(z)) = -log sigmoid(-z) for class 0, without overflow
        s = np.where(self.y == 1, z, -z)
        return float(np.mean(np.logaddexp(0.0, -s)))

    def likelihood(self):
        """Product over all points of the probability given to the right class (often tiny: underflows to 0)."""
        return float(np.prod(self._p_right()))

    def accuracy(self):
        return float(np.mean((self.probabilities() >= 0.5) == (self.y == 1)))

    def gradient(self):
        """(dL/dw1, dL/dw2, dL/db) of the mean BCE: X^T (p - y) / N and mean(p - y)."""
        err = self.probabilities() - self.y
        gw = self.X.T @ err / len(self.y)
        return float(gw[0]), float(gw[1]), float(err.mean())

    def step(self, lr=0.5):
        g1, g2, gb = self.gradient()
        self.w -= lr * np.array([g1, g2])
        self.b -= lr * gb
        return self

    def fit(self, lr=0.5, steps=500):
        for _ in range(int(steps)):
            self.step(lr)
        return self

    def describe(self):
        """The picture in words, with its numbers: how many points the line puts on the right side and how sure
        the model is of them."""
        right = self._p_right()
        wrong = int(np.sum(right < 0.5))
        return tr("{n} points of two classes and the line w = ({w1:.2f}, {w2:.2f}), b = {b:.2f}: accuracy "
                  "{accuracy:.1%} ({wrong} points on the wrong side of the 50 % line); the model gives the right class "
                  "{mean:.0%} on average, {worst:.0%} at worst; loss {loss:.3f}.", n=len(self.y), w1=self.w[0],
                  w2=self.w[1], b=self.b, accuracy=self.accuracy(), wrong=wrong, mean=np.mean(right),
                  worst=np.min(right), loss=self.loss())

    def figure(self, ax=None):
        from ..plotting import plot_sigmoid_clouds, describe
        title = tr("w = ({w1:.2f}, {w2:.2f}), b = {b:.2f}: accuracy {accuracy:.1%}\nlikelihood {likelihood:.1e} → "
                   "loss {loss:.3f}", w1=self.w[0], w2=self.w[1], b=self.b, accuracy=self.accuracy(),
                   likelihood=self.likelihood(), loss=self.loss())
        fig = plot_sigmoid_clouds(self.X, self.y, self.w, self.b, ax=ax, title=title)
        describe(fig, self.describe())
        return fig


def slider_limit(X, y, lr=0.5, steps=300):
    """How far the sliders of ``classifier_widget`` reach. Lesson 4.

    Twice the largest parameter of the trained line, rounded up to a multiple of 5 (10 for the two clouds,
    whose trained b is about -4.4), so the trained line and its double both fit.

    Inputs:
    - X: (N, 2) points; y: (N,) labels 0 or 1.
    - lr, steps: learning rate and number of steps of the trial fit (defaults 0.5 and 300).
    Returns a float, a multiple of 5: the sliders run from minus it to it.
    """
    trained = LinearClassifierPlayground(X, y).fit(lr, steps)
    biggest = max(np.abs(trained.w).max(), abs(trained.b))
    return float(5 * np.ceil(2 * biggest / 5))


def classifier_widget(w1=-1.0, w2=1.0, b=0.0, lr=0.5):
    """Sliders for w1, w2, b and the buttons "one step" and "fit (200 steps)" around the two clouds. Lesson 4.

    The sliders' range comes from ``slider_limit``. If a step takes a parameter past the sliders' ends, it
    is clipped there, in the model as well as on the slider, so that what the sliders show is always the
    model that is drawn.

    Inputs:
    - w1, w2, b: the starting line (default -1, 1, 0).
    - lr: the learning rate of the buttons (default 0.5; also that of slider_limit's trial fit).
    Returns an ipywidgets box: a VBox of the three sliders, the two buttons and the picture
    (``LinearClassifierPlayground.figure``); ``box.playground``, ``box.sliders`` (a dict) and ``box.buttons``
    give the parts behind it.
    """
    import ipywidgets as W
    play = LinearClassifierPlayground(w1=w1, w2=w2, b=b)
    lim = slider_limit(play.X, play.y, lr)
    sl = {k: W.FloatSlider(value=v, min=-lim, max=lim, step=0.05, description=k, continuous_update=False)
          for k, v in (("w1", w1), ("w2", w2), ("b", b))}
    one, many = W.Button(description=tr("one step")), W.Button(description=tr("fit (200 steps)"))
    out = W.Output()
    busy = {"flag": False}

    def draw():
        _view.redraw(out, play.figure)

    def on_slider(_):
        if not busy["flag"]:
            play.set(**{k: s.value for k, s in sl.items()})
            draw()

    def sync():
        busy["flag"] = True
        w1c, w2c, bc = (float(np.clip(v, -lim, lim)) for v in (*play.w, play.b))
        play.set(w1=w1c, w2=w2c, b=bc)
        sl["w1"].value, sl["w2"].value, sl["b"].value = w1c, w2c, bc
        busy["flag"] = False
        draw()

    one.on_click(lambda _: (play.step(lr), sync()))
    many.on_click(lambda _: (play.fit(lr, 200), sync()))
    for s in sl.values():
        s.observe(on_slider, names="value")
    draw()
    box = W.VBox([W.HBox(list(sl.values())), W.HBox([one, many]), out])
    box.playground, box.sliders, box.buttons = play, sl, (one, many)
    return box
