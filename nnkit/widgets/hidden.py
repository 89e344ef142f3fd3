"""One hidden layer on a 2-D toy set: hidden size, activation and learning rate -> decision boundary (lesson 5).

Logic (plain NumPy, tested without a browser):
    fit_hidden_layer(X, y, num_hiddens, activation, lr, steps, seed)  -> HiddenFit (model, losses, accuracy)
    HiddenLayerExplorer(dataset)         .set(num_hiddens=..., activation=..., lr=...) .fit() .figure()
The source's recipe (WildML, NumPy only; reproduces its printed loss trace):
    source_moons(n, noise, seed)         make_moons as the source drew it (legacy RandomState)
    fit_source_recipe(X, y, num_hiddens) tanh, summed gradient + L2 0.01, step 0.01, 20,000 passes
Pictures:
    boundary_grid(X, y, sizes)           one decision-boundary panel per hidden size
View:
    hidden_layer_widget()                dropdowns and sliders around HiddenLayerExplorer (ipywidgets)

Training is full-batch gradient descent (every step looks at all points): small data, a few thousand
steps, well under a second per fit.
"""
from dataclasses import dataclass, field

import numpy as np

from ..data import moons, circles, two_clouds
from ..losses import SoftmaxCrossEntropy
from ..model import ACTIVATIONS as _ACTIVATION_LAYERS, mlp
from ..optimizers import SGD
from . import _view
from ..i18n import tr

__all__ = ["fit_hidden_layer", "HiddenFit", "source_moons", "fit_source_recipe", "SourceFit", "HiddenLayerExplorer", "boundary_grid", "hidden_layer_widget",
           "DATASETS", "HIDDEN_SIZES", "ACTIVATIONS"]

DATASETS = {
    "moons": lambda: moons(n=200, noise=0.2, seed=0),
    "circles": lambda: circles(n=200, noise=0.1, factor=0.5, seed=0),
    "clouds": lambda: two_clouds(n=100, seed=0),
}
HIDDEN_SIZES = (1, 2, 3, 4, 10, 20, 50, 200)
ACTIVATIONS = tuple(_ACTIVATION_LAYERS)     # the names nnkit.mlp knows


@dataclass
class HiddenFit:
    """The result of one :func:`fit_hidden_layer`: the trained model, its losses and training accuracy. Lesson 5.

    Inputs (the fields, filled by fit_hidden_layer):
    - model: the trained Sequential; losses: list of floats, the loss before each step; accuracy: the
      training accuracy in [0, 1] (nan if the loss blew up).
    - num_hiddens, activation, lr, steps: the settings it was trained with.
    Returns (what the object offers): the fields above, and predict(X (M, 2)) -> class ids (M,).
    """
    model: object
    losses: list = field(repr=False)
    accuracy: float
    num_hiddens: int
    activation: str
    lr: float
    steps: int

    def predict(self, X):
        return self.model.predict(X)


def fit_hidden_layer(X, y, num_hiddens, activation="tanh", lr=0.5, steps=3000, seed=0, dtype=np.float64):
    """Train a 2 -> num_hiddens -> 2 network (softmax) with full-batch gradient descent. Lesson 5.

    The loop is the one lesson 5 writes for its linear model: forward, loss, backward, SGD update, on all
    points at every step. It stops early if the loss stops being finite.

    Inputs:
    - X: (N, 2) points; y: (N,) labels 0 or 1.
    - num_hiddens: the hidden layer's size H; activation: "tanh" (default), "relu" or "sigmoid".
    - lr: learning rate (default 0.5); steps: number of steps, each on all N points (default 3000);
      seed: seed of the initial weights (default 0); dtype: float type of the weights and the computation
      (default np.float64; np.float32 is several times faster for wide layers).
    Returns a :class:`HiddenFit` (model, losses (at most ``steps``), accuracy, and the settings).
    """
    X = np.asarray(X, dtype=dtype)
    y = np.asarray(y)
    model = mlp([X.shape[1], int(num_hiddens), 2], activation=activation, seed=seed, dtype=dtype)
    loss = SoftmaxCrossEntropy()
    opt = SGD(lr)
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(int(steps)):
            L = loss.forward(model.forward(X), y)
            losses.append(L)
            if not np.isfinite(L):
                break
            model.backward(loss.backward())
            opt.update(model.params, model.grads)
    acc = float(np.mean(model.predict(X) == y)) if np.isfinite(losses[-1]) else float("nan")
    return HiddenFit(model, losses, acc, int(num_hiddens), activation, float(lr), int(steps))


def source_moons(n=200, noise=0.2, seed=0):
    """Two moons exactly as the source drew them, in NumPy only. Lesson 5.

    scikit-learn's ``make_moons`` after ``np.random.seed(seed)``: the upper arc is class 0, the lower arc
    class 1; the points are shuffled with the legacy ``RandomState`` and then noise of std ``noise`` is added.

    Inputs: n: number of points (default 200); noise: std of the Gaussian noise (default 0.2); seed (default 0).
    Returns (X, y): X (n, 2) float64, y (n,) int64.
    """
    rs = np.random.RandomState(seed)
    n_upper = n // 2
    n_lower = n - n_upper
    t_up, t_low = np.linspace(0, np.pi, n_upper), np.linspace(0, np.pi, n_lower)
    X = np.c_[np.r_[np.cos(t_up), 1 - np.cos(t_low)], np.r_[np.sin(t_up), 0.5 - np.sin(t_low)]]
    y = np.r_[np.zeros(n_lower, dtype=np.int64), np.ones(n_upper, dtype=np.int64)]
    order = np.arange(n)
    rs.shuffle(order)
    return X[order] + rs.normal(scale=noise, size=X.shape), y[order]


@dataclass
class SourceFit:
    """A 2 -> H (tanh) -> 2 network trained with :func:`fit_source_recipe`. Lesson 5.

    Inputs (the fields, filled by fit_source_recipe):
    - W1 (D, H), b1 (H,), W2 (H, 2), b2 (2,): the trained weights.
    - trace: list of (pass, loss); accuracy: training accuracy in [0, 1]; num_hiddens: H.
    Returns (what the object offers): the fields above, and predict(X (M, D)) -> class ids (M,), the argmax of
    tanh(X W1 + b1) W2 + b2.
    """
    W1: np.ndarray = field(repr=False)
    b1: np.ndarray = field(repr=False)
    W2: np.ndarray = field(repr=False)
    b2: np.ndarray = field(repr=False)
    trace: list = field(repr=False)
    accuracy: float
    num_hiddens: int

    def predict(self, X):
        return np.argmax(np.tanh(np.asarray(X, self.W1.dtype) @ self.W1 + self.b1) @ self.W2 + self.b2, axis=1)


def fit_source_recipe(X, y, num_hiddens, passes=20000, lr=0.01, reg=0.01, seed=0, every=1000,
                      dtype=np.float64, init="random"):
    """The source's training recipe (WildML, NumPy only), which reproduces its printed loss trace. Lesson 5.

    Weights ~ N(0, 1/fan_in) from ``RandomState(seed)``, tanh hidden layer, softmax; full-batch gradient
    descent with the gradient *summed* over the N points plus ``reg * W`` (L2), step ``lr`` (the
    tutorial's epsilon). The loss
    (mean cross-entropy + reg/2 (|W1|^2 + |W2|^2) / N) is recorded after the update of every
    ``every``-th pass, as the source printed it.

    Inputs:
    - X: (N, D) points (D = 2 in the lesson); y: (N,) labels 0 or 1; num_hiddens: the hidden size H.
    - passes: number of steps (default 20000); lr: the learning rate, the source's epsilon (default 0.01);
      reg: L2 strength (default 0.01).
    - seed: seed of the initial weights (default 0); every: record the loss every this many passes
      (default 1000; 0 or None: never); dtype: float type of the computation (default np.float64).
    - init: "random" (default) or "zeros", which starts every weight at 0 (lesson 5 shows why nobody does that).
    Returns a :class:`SourceFit` (weights, trace, training accuracy).
    """
    if init not in ("random", "zeros"):
        raise ValueError(tr("fit_source_recipe: init must be 'random' or 'zeros', got {init!r}.", init=init))
    X = np.asarray(X, dtype)
    y = np.asarray(y)
    N, rows = len(X), np.arange(len(X))
    rs = np.random.RandomState(seed)
    W1 = (rs.randn(X.shape[1], num_hiddens) / np.sqrt(X.shape[1])).astype(dtype)
    W2 = (rs.randn(num_hiddens, 2) / np.sqrt(num_hiddens)).astype(dtype)
    b1, b2 = np.zeros(num_hiddens, dtype), np.zeros(2, dtype)
    if init == "zeros":
        W1, W2 = np.zeros_like(W1), np.zeros_like(W2)

    def probabilities(P):
        h = np.tanh(P @ W1 + b1)
        s = h @ W2 + b2
        e = np.exp(s - s.max(axis=1, keepdims=True))
        return h, e / e.sum(axis=1, keepdims=True)

    trace = []
    for i in range(int(passes)):
        h, p = probabilities(X)
        d = p.copy()
        d[rows, y] -= 1                                   # summed gradient of the cross-entropy w.r.t. scores
        dh = (d @ W2.T) * (1 - h ** 2)
        W2 -= lr * (h.T @ d + reg * W2)
        b2 -= lr * d.sum(axis=0)
        W1 -= lr * (X.T @ dh + reg * W1)
        b1 -= lr * dh.sum(axis=0)
        if every and i % every == 0:
            p = probabilities(X)[1]
            data = -np.log(p[rows, y]).sum()
            trace.append((i, float((data + reg / 2 * ((W1 ** 2).sum() + (W2 ** 2).sum())) / N)))
    fit = SourceFit(W1, b1, W2, b2, trace, 0.0, int(num_hiddens))
    fit.accuracy = float(np.mean(fit.predict(X) == y))
    return fit


def _draw(fit, X, y, ax, resolution=120, legend=True):
    from ..plotting import plot_decision_boundary
    with np.errstate(over="ignore", invalid="ignore"):
        plot_decision_boundary(fit.predict, X, y, ax=ax, resolution=resolution)
    if not legend and ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.set_xticks([]); ax.set_yticks([])
    ax.set_title(tr("{num_hiddens} hidden: {accuracy:.1%}", num_hiddens=fit.num_hiddens, accuracy=fit.accuracy),
                 fontsize=16)


def boundary_grid(X, y, sizes=HIDDEN_SIZES, activation="tanh", lr=0.5, steps=3000, seed=0, ncols=4,
                  title=None, fit=None, dtype=np.float64):
    """Fit one network per hidden size and draw their decision boundaries side by side. Lesson 5.

    Each panel title gives the hidden size and the training accuracy; only the first panel has a legend.

    Inputs:
    - X: (N, 2) points; y: (N,) labels 0 or 1.
    - sizes: the hidden sizes, one panel each (default HIDDEN_SIZES).
    - activation, lr, steps, seed, dtype: passed to the default ``fit`` (defaults "tanh", 0.5, 3000, 0,
      np.float64).
    - ncols: panels per row (default 4); title: the figure's title (default none).
    - fit: ``fit(X, y, size)`` trains one network and returns an object with ``predict``, ``accuracy`` and
      ``num_hiddens`` (default None: :func:`fit_hidden_layer`; e.g. a call of :func:`fit_source_recipe`).
    Returns (figure, fits): the matplotlib Figure and {size: fit}.
    """
    import matplotlib.pyplot as plt
    if fit is None:
        def fit(X_, y_, h):
            return fit_hidden_layer(X_, y_, h, activation, lr, steps, seed, dtype)
    nrows = int(np.ceil(len(sizes) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 3.0 * nrows), squeeze=False)
    fits = {}
    for ax, h in zip(axes.flat, sizes):
        fits[h] = fit(X, y, h)
        _draw(fits[h], X, y, ax, legend=h == sizes[0])
    for ax in list(axes.flat)[len(sizes):]:
        ax.axis("off")
    if title:
        fig.suptitle(title, fontsize=18)
    fig.tight_layout()
    return fig, fits


class HiddenLayerExplorer:
    """The logic behind the widget: choose data, hidden size, activation, learning rate; fit; draw. Lesson 5.

    Fits are cached, so moving a slider back to a setting already seen is instant.

    Inputs:
    - dataset: a key of DATASETS, "moons" (default), "circles" or "clouds".
    - num_hiddens: hidden size, at least 1 (default 3); activation: one of ACTIVATIONS (default "tanh");
      lr: learning rate > 0 (default 0.5); steps: steps per fit (default 2000); seed: initial weights (default 0).
    Returns (what the object offers):
    - set(dataset=None, num_hiddens=None, activation=None, lr=None): changes what is given (a bad value raises
      ValueError) and returns the explorer; X (N, 2) and y (N,) are the chosen data.
    - fit(): the :class:`HiddenFit` of the current setting.
    - figure(): the matplotlib Figure, decision boundary (left) and loss curve (right, log scale).
    """

    def __init__(self, dataset="moons", num_hiddens=3, activation="tanh", lr=0.5, steps=2000, seed=0):
        self._cache = {}
        self.steps, self.seed = int(steps), seed
        self.dataset = self.num_hiddens = self.activation = self.lr = None
        self.set(dataset=dataset, num_hiddens=num_hiddens, activation=activation, lr=lr)

    def set(self, dataset=None, num_hiddens=None, activation=None, lr=None):
        if dataset is not None:
            if dataset not in DATASETS:
                raise ValueError(tr("dataset must be one of {choices}, got {dataset!r}.", choices=sorted(DATASETS),
                                    dataset=dataset))
            self.dataset = dataset
            self.X, self.y = DATASETS[dataset]()
        if num_hiddens is not None:
            if int(num_hiddens) < 1:
                raise ValueError(tr("num_hiddens must be at least 1, got {num_hiddens}.", num_hiddens=num_hiddens))
            self.num_hiddens = int(num_hiddens)
        if activation is not None:
            if activation not in ACTIVATIONS:
                raise ValueError(tr("activation must be one of {choices}, got {activation!r}.",
                                    choices=ACTIVATIONS, activation=activation))
            self.activation = activation
        if lr is not None:
            if not float(lr) > 0:
                raise ValueError(tr("lr must be positive, got {lr}.", lr=lr))
            self.lr = float(lr)
        return self

    def fit(self):
        key = (self.dataset, self.num_hiddens, self.activation, self.lr, self.steps, self.seed)
        if key not in self._cache:
            self._cache[key] = fit_hidden_layer(self.X, self.y, self.num_hiddens, self.activation, self.lr,
                                                self.steps, self.seed)
        return self._cache[key]

    def figure(self):
        """Decision boundary (left) and loss curve (right) of the current setting."""
        import matplotlib.pyplot as plt
        fit = self.fit()
        fig, (a, b) = plt.subplots(1, 2, figsize=(7.5, 3.2))
        _draw(fit, self.X, self.y, a, resolution=150)
        a.set_title(tr("{dataset}, {num_hiddens} {activation} units: {accuracy:.1%} right", dataset=self.dataset,
                       num_hiddens=fit.num_hiddens, activation=fit.activation, accuracy=fit.accuracy), fontsize=13)
        b.plot(fit.losses)
        b.set_yscale("log"); b.set_xlabel(tr("step")); b.set_ylabel(tr("loss (log scale)"))
        from matplotlib.ticker import LogLocator, NullFormatter
        b.yaxis.set_major_locator(LogLocator(base=10)); b.yaxis.set_minor_formatter(NullFormatter())
        b.set_title(tr("lr = {lr:g}, final loss {loss:.3g}", lr=fit.lr, loss=fit.losses[-1]), fontsize=13)
        b.grid(alpha=0.3)
        fig.tight_layout()
        from ..plotting import describe
        right = int(round(fit.accuracy * len(self.y)))
        describe(fig, tr("{dataset}: one hidden layer of {num_hiddens} {activation} units, {steps} steps at learning "
                         "rate {lr:g}. Left, its decision boundary gets {right} of {n} points right ({accuracy:.1%}); "
                         "right, the loss goes from {first:.3g} to {last:.3g}.", dataset=self.dataset,
                         num_hiddens=fit.num_hiddens, activation=fit.activation, steps=self.steps, lr=fit.lr,
                         right=right, n=len(self.y), accuracy=fit.accuracy, first=fit.losses[0],
                         last=fit.losses[-1]))
        return fig


def hidden_layer_widget(dataset="moons", num_hiddens=3, activation="tanh", lr=0.5):
    """Dropdowns and sliders for data set, hidden size, activation and learning rate. Lesson 5.

    Inputs:
    - dataset, activation, lr: the start, as in :class:`HiddenLayerExplorer`; num_hiddens: one of HIDDEN_SIZES.
    Returns an ipywidgets box: a VBox of the data and activation menus, the hidden-units slider (HIDDEN_SIZES),
    the learning-rate slider (log scale, 0.001 to 10) and the picture of ``HiddenLayerExplorer.figure``.
    """
    import ipywidgets as W
    explorer = HiddenLayerExplorer(dataset, num_hiddens, activation, lr)
    full = {"description_width": "initial"}        # labels are never cut ("hidde…")
    w_data = W.Dropdown(options=list(DATASETS), value=dataset, description=tr("data"), style=full)
    w_h = W.SelectionSlider(options=list(HIDDEN_SIZES), value=num_hiddens, description=tr("hidden units"),
                            continuous_update=False, style=full)
    w_act = W.Dropdown(options=list(ACTIVATIONS), value=activation, description=tr("activation"), style=full)
    w_lr = W.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.25, description=tr("learning rate"),
                            continuous_update=False, style=full)
    out = W.Output()

    def redraw(*_):
        explorer.set(dataset=w_data.value, num_hiddens=w_h.value, activation=w_act.value, lr=w_lr.value)
        _view.redraw(out, explorer.figure)

    for w in (w_data, w_h, w_act, w_lr):
        w.observe(redraw, names="value")
    redraw()
    return W.VBox([W.HBox([w_data, w_act]), W.HBox([w_h, w_lr]), out])
