"""Every static figure of the lessons: digit grids, training curves, confusion matrix, decision boundary,
activations, pixel weights, sigmoid clouds, computation graphs (lessons 4-7 at the end).
(Each widget keeps its own live picture beside its logic in ``nnkit/widgets/``.)

matplotlib is imported when a function is called, so ``import nnkit`` stays fast. Each function draws
into ``ax`` when given one and returns the matplotlib Figure it drew on.

Every figure of the lessons carries a description of its message for a reader who cannot see it:
``describe(fig, "Loss falls from 2.30 to 0.10 in 8 epochs")`` (the one mechanism, below).
"""
import html
import logging
from pathlib import Path

import numpy as np

from .errors import ShapeError, check_array
from .i18n import tr

__all__ = ["describe", "description", "show_digits", "plot_history", "plot_confusion_matrix", "plot_decision_boundary",
           "plot_activations", "plot_pixel_weights", "plot_sigmoid_clouds", "draw_graph",
           "use_course_style", "use_japanese_font", "plot_delta_rule", "draw_network", "OKABE_ITO", "MARKERS", "LINESTYLES"]


def _plt():
    import matplotlib.pyplot as plt
    return plt


# Okabe & Ito's palette (readable with every common colour-vision deficiency); blue first, black last.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 3)))


def use_course_style(dpi=100):
    """Projector-sized matplotlib defaults and the Okabe-Ito colours with line styles. Lesson 1 (and every lesson).

    At ``dpi`` 100 a 12-point tick label is 17 pixels high, so figures stay legible when a 1280x720
    slide shows them at their own size. Each further line gets the next colour *and* line style.

    Inputs:
    - dpi: dots per inch of shown and saved figures (default 100, the size the sentence above assumes).
    Returns None; it changes ``matplotlib.pyplot.rcParams`` for the rest of the session.
    """
    plt = _plt()
    from cycler import cycler
    plt.rcParams.update({
        "figure.dpi": dpi, "savefig.dpi": dpi, "font.size": 13, "axes.titlesize": 14, "axes.labelsize": 14,
        "xtick.labelsize": 12, "ytick.labelsize": 12, "legend.fontsize": 12, "figure.titlesize": 15,
        "lines.linewidth": 2, "lines.markersize": 6, "axes.grid": False,
        "axes.prop_cycle": cycler(color=OKABE_ITO[:6]) + cycler(linestyle=LINESTYLES),
    })
    _show_descriptions()
    from .i18n import language
    if language() == "ja":
        use_japanese_font()


# The Japanese font: IPAexGothic, shipped inside the pinned package matplotlib-fontja (requirements.txt), so
# figures show Japanese text on any machine without a system font. Only its file is used: importing
# matplotlib_fontja would change the settings on import.
JAPANESE_FONT = "IPAexGothic"


def japanese_font_folder():
    """The folder of matplotlib-fontja's font files (``ipaexg.ttf`` and its licence), found without importing the
    package: its import calls ``japanize()``, which sets every later figure's font to IPAexGothic alone (no
    subscript digits: "w₁" would lose its ₁). Returns a Path; ModuleNotFoundError when the package is missing."""
    import importlib
    import importlib.util
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None:
        importlib.import_module("matplotlib_fontja")      # not installed: Python's own ModuleNotFoundError
    return Path(spec.origin).parent / "fonts"


class _OneWeightJapanese(logging.Filter):
    def filter(self, record):
        return not (JAPANESE_FONT in record.getMessage() and "Failed to find font weight" in record.getMessage())


def use_japanese_font():
    """Register the Japanese font and add it to matplotlib's font family after DejaVu Sans (matplotlib's own):
    Latin letters, digits and symbols (x₁, −) look as in the English edition, and every character DejaVu Sans
    lacks (kana, kanji) comes from IPAexGothic, glyph by glyph. Lesson 1 on, in the Japanese edition:
    ``use_course_style`` and ``nnkit.set_language`` call it when nnkit speaks Japanese.

    Inputs: none. Returns the font file's path (the IPAexGothic that the matplotlib-fontja package installs)."""
    from matplotlib import font_manager
    plt = _plt()
    path = str(japanese_font_folder() / "ipaexg.ttf")
    if JAPANESE_FONT not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    plt.rcParams["font.family"] = ["DejaVu Sans", JAPANESE_FONT]
    # IPAexGothic has one weight: bold titles draw their kana and kanji in it, which matplotlib would log once
    # per figure ("Failed to find font weight bold"), printed under the cell. Only that message is dropped.
    logger = logging.getLogger("matplotlib.font_manager")
    if not any(isinstance(f, _OneWeightJapanese) for f in logger.filters):
        logger.addFilter(_OneWeightJapanese())
    return path


# ------------------------------------------------------------------------------------------------------
# Figure descriptions. A figure shown in a notebook is an image; a screen reader, a reader of the text
# export and a reader whose images do not load get its description instead. describe() attaches the text to
# the figure; IPython then shows the figure with it (the inline backend shows every figure at the end of
# the cell, through IPython's display formatters):
#   - image/png with metadata {"alt": text}: nbconvert's HTML and slide templates put it in <img alt>;
#   - text/html, <img alt="text"> around the same PNG: JupyterLab (4.6) ignores the alt of image/png and
#     renders HTML first, so this is what gives its <img> an alt (in a trusted notebook; the README's
#     install trusts the lessons). The class jp-RenderedImage gives it JupyterLab's image styling;
#   - text/plain, the text itself, instead of "<Figure size 640x480 with 1 Axes>".

_TEXT = "_nnkit_description"
_PNG = "_nnkit_png"
UNDESCRIBED = ("figure", "image", "plot", "chart", "graph", "picture", "diagram", "alt", "description")


def _word_count(text):
    """Words of a description: space-separated words, and in Japanese (written without spaces) one word for
    every two kana or kanji."""
    cjk = sum(1 for ch in text if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff")
    return len(text.split()) + cjk // 2


def describe(fig, text):
    """Attach a description of the figure's message, read wherever the picture cannot be seen. Lesson 1 (and
    every figure of the course).

    Write what the figure shows a reader, as measured, not how it looks: "Loss falls from 2.30 to 0.10 in
    8 epochs; validation follows training", not "a line chart with two lines".

    Inputs: fig, a matplotlib Figure (or an Axes of it); text, one to three sentences.
    Returns None (so that a cell ending in ``describe(...)`` does not show the figure twice). In a notebook
    the figure is then shown with the text as its image's alt text (see the comment above).
    """
    from matplotlib.figure import Figure
    fig = getattr(fig, "figure", fig) if not isinstance(fig, Figure) else fig
    if not isinstance(fig, Figure):
        raise TypeError(tr("describe(fig, text): fig must be a matplotlib Figure (or Axes), but a {type} was given. "
                           "Pass the figure a plotting function returned.", type=type(fig).__name__))
    if not isinstance(text, str) or _word_count(text) < 4 or text.strip().lower().strip(".") in UNDESCRIBED \
            or text.lstrip().startswith("<Figure"):
        raise ValueError(tr("describe: text must say in words what the figure shows (at least four words, e.g. 'Loss "
                            "falls from 2.30 to 0.10 in 8 epochs'), but {text!r} was given.", text=text))
    setattr(fig, _TEXT, " ".join(text.split()))
    _show_descriptions()


def description(fig):
    """The description ``describe`` attached to a figure, or None. Lesson 1.

    Inputs: fig, a matplotlib Figure. Returns a str or None.
    """
    return getattr(fig, _TEXT, None)


def _show_descriptions():
    """Register, once per IPython session, the formatters that show a described figure with its text."""
    try:
        from IPython import get_ipython
    except ImportError:                                   # pragma: no cover - IPython comes with Jupyter
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib.figure import Figure
    formatters = shell.display_formatter.formatters
    png = formatters["image/png"]
    try:
        draw = png.lookup_by_type(Figure)
    except KeyError:                                      # no inline backend: nothing shows figures as PNG
        return
    if getattr(draw, "nnkit", False):
        return
    draw_png = draw

    def png_with_alt(fig):
        text = description(fig)
        data = getattr(fig, _PNG, None) or draw_png(fig)     # drawn just before for the HTML, if described
        if hasattr(fig, _PNG):
            delattr(fig, _PNG)
        return (data, {"alt": text}) if text else data

    def html_with_alt(fig):              # IPython asks for text/html just before image/png
        text = description(fig)
        if not text:
            return None
        data = draw_png(fig)
        setattr(fig, _PNG, data)
        return (f'<div class="jp-RenderedImage"><img src="data:image/png;base64,{data}" '
                f'alt="{html.escape(text, quote=True)}"></div>')

    def plain(fig, p, cycle):
        p.text(description(fig) or repr(fig))

    png_with_alt.nnkit = True
    png.for_type(Figure, png_with_alt)
    formatters["text/html"].for_type(Figure, html_with_alt)
    formatters["text/plain"].for_type(Figure, plain)


def _plane_grid(X, margin, n):
    """A grid over the points X (N, 2), ``margin`` beyond them on every side, n x n points: returns (gx, gy),
    each (n, n) as np.meshgrid gives them, and the same points as rows, grid (n*n, 2), to feed a model."""
    gx, gy = np.meshgrid(np.linspace(X[:, 0].min() - margin, X[:, 0].max() + margin, n),
                         np.linspace(X[:, 1].min() - margin, X[:, 1].max() + margin, n))
    return gx, gy, np.c_[gx.ravel(), gy.ravel()]


def _fig_ax(ax, figsize):
    """(figure, axes): a new figure of ``figsize`` when ``ax`` is None, otherwise ``ax`` and its figure."""
    if ax is None:
        return _plt().subplots(figsize=figsize)
    return ax.figure, ax


def show_digits(images, labels=None, preds=None, ncols=10, size=1.0, cmap="gray_r", title=None):
    """Show images in a grid, each with its label and prediction written above it. Lesson 1.

    Inputs:
    - images: (N, H, W) images, or (N, H*W) flat rows of square images (e.g. (N, 784) for MNIST).
    - labels, preds: optional (N,) true classes and predictions, written above each image as
      "label →prediction"; a wrong prediction is also drawn in vermillion with a frame, so it is told
      apart by more than its colour. Default None: not written.
    - ncols: images per row (default 10, fewer when N is smaller); size: height of one image in inches.
    - cmap: matplotlib colour map (default "gray_r": 0 is white, large values black); title: above the grid.
    Returns the matplotlib Figure.
    """
    from .data.augment import _square_images
    images = _square_images(check_array(images, "images", where="show_digits"), "show_digits")
    n = len(images)
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    plt = _plt()
    h, w = images.shape[1:]
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size * w / max(h, w) + 0.2, nrows * (size + 0.4)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([]); ax.set_yticks([])
        if i >= n:
            ax.axis("off")
            continue
        ax.imshow(images[i], cmap=cmap, interpolation="nearest")
        parts, color, wrong = [], "black", False
        if labels is not None:
            parts.append(f"{labels[i]}")
        if preds is not None:
            parts.append(f"→{preds[i]}")
            wrong = labels is not None and preds[i] != labels[i]
        if wrong:
            color = OKABE_ITO[1]
            for side in ax.spines.values():
                side.set_color(color); side.set_linewidth(2.5)
        if parts:
            ax.set_title(" ".join(parts), color=color, pad=3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(history, ax=None, title=None):
    """Loss (and accuracy, when recorded) per epoch: the training set solid, the validation set (the
    ``X_val``, ``y_val`` given to ``train``) dashed. Lesson 6.

    Inputs:
    - history: a :class:`nnkit.History` from ``train``, or its ``as_dict()``: lists, one entry per epoch, under
      "loss" and optionally "epoch", "accuracy", "val_loss", "val_accuracy" (a list of only None is not drawn).
    - ax: axes to draw the loss into (then accuracy is not drawn). Default None: a new figure with the loss
      and, if recorded, the accuracy side by side.
    - title: the figure's title (default None: "Training curves", in nnkit's language).
    Returns the matplotlib Figure. An empty history raises ValueError.
    """
    cols = history.as_dict() if hasattr(history, "as_dict") else dict(history)
    if not cols or not cols.get("loss"):
        raise ValueError(tr("plot_history: the history is empty; train for at least one epoch first."))
    plt = _plt()
    epochs = cols.get("epoch") or list(range(1, len(cols["loss"]) + 1))
    has_acc = any(v is not None for v in cols.get("accuracy", []))
    if ax is None:
        fig, axes = plt.subplots(1, 2 if has_acc else 1, figsize=(10 if has_acc else 5.5, 4), squeeze=False)
        axes = axes[0]
    else:
        fig, axes = ax.figure, [ax]
    train_style = dict(color=OKABE_ITO[0], marker="o", ls="-", label=tr("train"))
    val_style = dict(color=OKABE_ITO[1], marker="s", ls="--", label=tr("validation"))
    axes[0].plot(epochs, cols["loss"], **train_style)
    if any(v is not None for v in cols.get("val_loss", [])):
        axes[0].plot(epochs, cols["val_loss"], **val_style)
    axes[0].set_xlabel(tr("epoch")); axes[0].set_ylabel(tr("loss")); axes[0].legend(); axes[0].grid(alpha=0.3)
    if has_acc and len(axes) > 1:
        axes[1].plot(epochs, cols["accuracy"], **train_style)
        if any(v is not None for v in cols.get("val_accuracy", [])):
            axes[1].plot(epochs, cols["val_accuracy"], **val_style)
        axes[1].set_xlabel(tr("epoch")); axes[1].set_ylabel(tr("accuracy")); axes[1].legend(); axes[1].grid(alpha=0.3)
    fig.suptitle(tr("Training curves") if title is None else title)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(cm, ax=None, class_names=None, title=None):
    """Draw a confusion matrix (rows: true class, columns: predicted class) with the counts written in. Lesson 6.

    Mistakes are shaded by count (white = none); the diagonal, the right answers, is grey with bold
    counts, so it reads without colour. Counts are large enough to read from the back of a room.

    Inputs:
    - cm: (C, C) counts, cm[i, j] = number of examples of class i predicted as j (``confusion_matrix``).
    - ax: axes to draw into (default None: a new figure sized to C).
    - class_names: C tick labels (default "0" ... "C-1"); title: the axes' title (default None: "Confusion matrix",
      in nnkit's language).
    Returns the matplotlib Figure.
    """
    cm = check_array(cm, "cm", ndim=2, where="plot_confusion_matrix")
    if cm.shape[0] != cm.shape[1]:
        raise ShapeError(tr("plot_confusion_matrix: cm must be square (C, C), got {shape}.", shape=cm.shape))
    C = len(cm)
    fig, ax = _fig_ax(ax, (0.62 * C + 1.4, 0.55 * C + 0.9))
    names = class_names or [str(i) for i in range(C)]
    off = cm.astype(float).copy()
    np.fill_diagonal(off, np.nan)      # colour the mistakes; the diagonal would drown them
    vmax = max(np.nanmax(off) if C > 1 else 1.0, 1.0)
    cmap = _plt().get_cmap("Oranges").with_extremes(bad="0.85")   # grey: the diagonal
    ax.imshow(off, cmap=cmap, vmin=0, vmax=vmax)
    digits = len(str(int(np.abs(cm).max())))
    size = min(15.0, 34.0 / (0.62 * digits)) * min(1.0, 10 / C)   # the widest count fits its cell
    for i in range(C):
        for j in range(C):
            dark = i != j and off[i, j] > 0.6 * vmax
            ax.text(j, i, str(int(cm[i, j])), ha="center", va="center", fontsize=size,
                    color="white" if dark else "black", fontweight="bold" if i == j else "normal")
    ax.set_xticks(range(C)); ax.set_xticklabels(names)
    ax.set_yticks(range(C)); ax.set_yticklabels(names)
    ax.set_xlabel(tr("predicted")); ax.set_ylabel(tr("true"))
    ax.set_title(tr("Confusion matrix") if title is None else title)
    fig.tight_layout()
    return fig


def plot_decision_boundary(predict, X, y, ax=None, resolution=200, title=None, margin=0.5, s=30):
    """Colour the plane by the class a model predicts there and scatter the labelled points on it. Lesson 4.

    The boundary between colours is where the model changes its mind. Each class has its own colour
    *and* marker (circle, square, triangle, ...), named in the legend.

    Inputs:
    - predict: a function from points (M, 2) to class ids (M,), e.g. ``model.predict``.
    - X: (N, 2) points; y: (N,) integer labels 0 ... C-1.
    - ax: axes to draw into (default None: a new figure).
    - resolution: grid points per axis (default 200: ``predict`` gets 200 * 200 points in one call).
    - title: the axes' title (default none); margin: how far the coloured area reaches beyond the points
      (default 0.5); s: marker size of the points.
    Returns the matplotlib Figure.
    """
    from matplotlib.colors import ListedColormap
    X = check_array(X, "X", ndim=2, where="plot_decision_boundary")
    if X.shape[1] != 2:
        raise ShapeError(tr("plot_decision_boundary: X must have shape (N, 2) (points in the plane), got {shape}.",
                            shape=X.shape))
    y = np.asarray(y)
    fig, ax = _fig_ax(ax, (5.5, 4.8))
    gx, gy, grid = _plane_grid(X, margin, resolution)
    Z = np.asarray(predict(grid)).reshape(gx.shape)
    C = int(max(Z.max(), y.max())) + 1
    colours = [OKABE_ITO[k % len(OKABE_ITO)] for k in range(C)]
    ax.contourf(gx, gy, Z, alpha=0.25, cmap=ListedColormap(colours), levels=np.arange(C + 1) - 0.5)
    for k in range(C):
        pick = y == k
        ax.scatter(X[pick, 0], X[pick, 1], s=s, color=colours[k], marker=MARKERS[k % len(MARKERS)],
                   edgecolors="k", linewidths=0.4, label=tr("class {k}", k=k))
    ax.set_xlim(gx.min(), gx.max()); ax.set_ylim(gy.min(), gy.max())
    ax.set_xlabel("x₁"); ax.set_ylabel("x₂")
    ax.legend(loc="best", framealpha=0.85)
    if title:
        ax.set_title(title)
    return fig


def plot_delta_rule(x, delta_p, ax=None, title="default"):
    """The weight change of one example as a grid: rows are pixels x (D,), columns are score changes Δp (C,). Lesson 4.

    Cell (i, j) is x_i Δp_j (code: ``np.outer(x, delta_p)``, shape (D, C)). The pixel values are written
    down the left, Δp along the top, so a white pixel's row of zeros and a black pixel's copy of Δp show.

    Inputs:
    - x: the pixel values of one example, flattened to (D,).
    - delta_p: the change of each score, flattened to (C,) (the axis label names them digits 0 ... 9).
    - ax: axes to draw into (default None: a new figure sized to D and C); title: below the grid (default:
      "ΔW = outer(x, Δp): each row is Δp times that pixel", in nnkit's language; None: none).
    Returns the matplotlib Figure.
    """
    x = np.asarray(x, dtype=float).ravel()
    delta_p = np.asarray(delta_p, dtype=float).ravel()
    D, C = len(x), len(delta_p)
    dW = np.outer(x, delta_p)
    fig, ax = _fig_ax(ax, (0.66 * C + 2.2, 0.33 * D + 1.5))
    lim = float(np.abs(dW).max()) or 1.0
    im = ax.imshow(dW, cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto")
    for i in range(D):
        for j in range(C):
            if dW[i, j] != 0:
                ax.text(j, i, f"{dW[i, j]:.1f}", ha="center", va="center", fontsize=12,
                        color="white" if abs(dW[i, j]) > 0.6 * lim else "black")
    ax.set_xticks(range(C)); ax.set_xticklabels([f"{v:+.1f}" for v in delta_p], rotation=90)
    ax.set_yticks(range(D)); ax.set_yticklabels([f"x{i} = {v:g}" for i, v in enumerate(x)])
    ax.xaxis.tick_top(); ax.xaxis.set_label_position("top")
    ax.set_xlabel(tr("Δp of digit 0 … 9")); ax.set_ylabel(tr("pixel"))
    fig.colorbar(im, ax=ax, fraction=0.05, label="ΔW")
    if title == "default":
        title = tr("ΔW = outer(x, Δp): each row is Δp times that pixel")
    if title:
        ax.set_title(title, pad=12, y=-0.12)
    fig.tight_layout()
    return fig

# ---------------------------------------------------------------- lessons 4-7
def plot_activations(x=None):
    """ReLU, sigmoid and tanh and their slopes. Lesson 5.

    Top row: the functions (solid); bottom row: their derivatives (dashed, one shared scale, with a dotted
    line at sigmoid's maximum slope 0.25).

    Inputs:
    - x: 1-D array of inputs a (default None: 401 points from -4 to 4).
    Returns the matplotlib Figure (2 x 3 axes).
    """
    from . import functions as F
    plt = _plt()
    x = np.linspace(-4, 4, 401) if x is None else np.asarray(x, dtype=float)
    curves = [("ReLU", F.relu(x), F.relu_grad(x)),
              ("sigmoid", F.sigmoid(x), F.sigmoid_grad(x)),
              ("tanh", F.tanh(x), F.tanh_grad(x))]
    fig, axes = plt.subplots(2, 3, figsize=(9.4, 4.8), sharex=True)
    for k, (name, f, df) in enumerate(curves):
        axes[0, k].plot(x, f, color=OKABE_ITO[0], lw=2.5)
        axes[0, k].set_title(name)
        axes[1, k].plot(x, df, color=OKABE_ITO[1], lw=2.5, ls="--")
        axes[1, k].axhline(0.25, color="black", lw=1, ls=":")
        axes[1, k].set_ylim(-0.08, 1.08)
        for ax in axes[:, k]:
            ax.axhline(0, color="gray", lw=0.5); ax.axvline(0, color="gray", lw=0.5); ax.grid(alpha=0.3)
        axes[1, k].set_xlabel(tr("input a"))
    axes[0, 0].set_ylabel("act(a)")
    axes[1, 0].set_ylabel(tr("slope act'(a)"))
    axes[1, 1].text(-3.9, 0.3, "0.25", fontsize=12)
    fig.tight_layout()
    return fig


def plot_pixel_weights(W, shape=(4, 3), titles=None, cmap="RdBu_r", ncols=10):
    """One small picture per class of its column of weights W (D, C), pixel by pixel. Lesson 4.

    Red: a black pixel there raises the class's score; blue: it lowers it; white: weight 0 (see the
    colour bar). The colour scale ends at the 99th percentile of |W|, so that a few extreme weights do
    not wash out the picture.

    Inputs:
    - W: (D, C) weights with D = shape[0] * shape[1]; column c becomes panel c.
    - shape: (H, W) of one picture (default (4, 3), the tiny digits of lesson 4; (28, 28) for MNIST).
    - titles: C panel titles (default the class numbers); cmap: a diverging colour map (default "RdBu_r");
      ncols: panels per row (default 10).
    Returns the matplotlib Figure.
    """
    W = np.asarray(W, dtype=float)
    if W.ndim != 2 or W.shape[0] != shape[0] * shape[1]:
        raise ShapeError(tr("plot_pixel_weights: W must have shape ({pixels}, C), got {W_shape}.",
                            pixels=shape[0] * shape[1], W_shape=W.shape))
    plt = _plt()
    C = W.shape[1]
    ncols = max(1, min(ncols, C))
    nrows = int(np.ceil(C / ncols))
    panel = 1.0 if max(shape) <= 8 else 1.25
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel * ncols * shape[1] / max(shape) + 1.0,
                                                    nrows * (panel + 0.45)), squeeze=False, layout="constrained")
    lim = float(np.percentile(np.abs(W), 99)) or 1.0     # a few extreme weights should not wash out the rest
    for c, ax in enumerate(axes.flat):
        ax.set_xticks([]); ax.set_yticks([])
        if c >= C:
            ax.axis("off")
            continue
        im = ax.imshow(W[:, c].reshape(shape), cmap=cmap, vmin=-lim, vmax=lim)
        ax.set_title(titles[c] if titles is not None else str(c))
    fig.colorbar(im, ax=axes.ravel().tolist(), fraction=0.05, pad=0.01, label=tr("weight"))
    return fig


def plot_sigmoid_clouds(X, y, w, b, ax=None, title=None):
    """Two classes in the plane coloured by P(class 1) = sigmoid(X @ w + b), with the 50 % line. Lesson 4.

    Class 0: blue circles; class 1: vermillion triangles (told apart by shape as well as colour).

    Inputs:
    - X: (N, 2) points; y: (N,) labels 0 or 1.
    - w: the two weights (2,); b: the bias, a number.
    - ax: axes to draw into (default None: a new figure); title: the axes' title (default none).
    Returns the matplotlib Figure.
    """
    from .functions import sigmoid
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    w = np.asarray(w, dtype=float).reshape(2)
    fig, ax = _fig_ax(ax, (6, 4.8))
    gx, gy, grid = _plane_grid(X, 0.5, 150)
    P = sigmoid(grid @ w + float(b)).reshape(gx.shape)
    cs = ax.contourf(gx, gy, P, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35)
    ax.contour(gx, gy, P, levels=[0.5], colors="k", linewidths=2)
    for k, (colour, marker) in enumerate(((OKABE_ITO[0], "o"), (OKABE_ITO[1], "^"))):
        pick = y == k
        ax.scatter(X[pick, 0], X[pick, 1], s=16, color=colour, marker=marker, edgecolors="k", linewidths=0.3,
                   label=tr("class {k}", k=k))
    ax.set_xlim(gx.min(), gx.max()); ax.set_ylim(gy.min(), gy.max())
    ax.set_xlabel("x₁"); ax.set_ylabel("x₂")
    ax.legend(loc="upper left", framealpha=0.85)
    fig.colorbar(cs, ax=ax, label=tr("P(class 1)"), fraction=0.046)
    if title:
        ax.set_title(title)
    return fig


def draw_graph(root, ax=None, show_grad=True, title=None):
    """Draw the computation graph behind an autodiff ``Value`` with matplotlib (no graphviz). Lesson 7.

    Columns are depths (leaves on the left, the output on the right); each box shows the operation,
    the value and, after ``backward()``, the gradient d(output)/d(node).

    Inputs:
    - root: the output :class:`nnkit.autodiff.Value`; the graph is every Value it was computed from.
    - ax: axes to draw into (default None: a new figure sized to the graph).
    - show_grad: also write each node's ``grad`` (default True; meaningful after ``root.backward()``).
    - title: the axes' title (default none).
    Returns the matplotlib Figure.
    """
    from .autodiff import graph_edges
    nodes, edges = graph_edges(root)
    depth = [0] * len(nodes)
    for i, n in enumerate(nodes):                       # topological order: parents come first
        parents = [j for j, k in edges if k == i]
        depth[i] = 1 + max((depth[j] for j in parents), default=-1)
    children = {}
    for j, k in edges:
        children.setdefault(j, []).append(k)
    for i, n in enumerate(nodes):                       # a leaf sits just left of its first use
        if not n.parents and i in children:
            depth[i] = min(depth[k] for k in children[i]) - 1
    columns = {}
    for i, d in enumerate(depth):
        columns.setdefault(d, []).append(i)
    pos = {}
    for d, idx in columns.items():
        for r, i in enumerate(idx):
            pos[i] = (d, -(r - (len(idx) - 1) / 2))
    width = 2.1 * (max(depth) + 1) + 0.4
    height = 1.25 * max(len(v) for v in columns.values()) + 1.0
    fig, ax = _fig_ax(ax, (min(width, 9.4), min(height, 5.2)))
    ops = {"*": "×", "+": "+", "**": "^"}               # "×", not "x" (which reads like a variable)
    boxes = {}
    for i, n in enumerate(nodes):
        x, yy = pos[i]
        op = ops.get(n.op, n.op) if n.op else ""
        head = n.label or op or "const"
        if n.label and op:
            head = f"{n.label} = {op}"
        text = f"{head}\n{n.data:.4g}" + (f"\ngrad {n.grad:.4g}" if show_grad else "")
        leaf = not n.parents
        boxes[i] = ax.text(x, yy, text, ha="center", va="center", fontsize=13, linespacing=1.2,
                           bbox=dict(boxstyle="round,pad=0.35", fc="#fff4d6" if leaf else "#e3efff",
                                     ec="#D55E00" if i == len(nodes) - 1 else "gray",
                                     lw=2.5 if i == len(nodes) - 1 else 1))
    for j, k in edges:                                  # arrows from box edge to box edge
        (xa, ya), (xb, yb) = pos[j], pos[k]
        bend = 0.0 if xb - xa <= 1 else (0.25 if yb <= ya else -0.25)   # long edges curve around boxes
        ax.annotate("", xy=(xb, yb), xytext=(xa, ya),
                    arrowprops=dict(arrowstyle="-|>", color="dimgray", lw=1.3, mutation_scale=16,
                                    patchA=boxes[j].get_bbox_patch(), patchB=boxes[k].get_bbox_patch(),
                                    connectionstyle=f"arc3,rad={bend}"))
    ax.set_xlim(-0.6, max(depth) + 0.6)
    ys = [p[1] for p in pos.values()]
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    ax.axis("off")
    ax.text(0.0, -0.02, tr("yellow: inputs   blue: computed   thick orange border: the output"),
            transform=ax.transAxes, fontsize=12, va="top")
    if title:
        ax.set_title(title, fontsize=14)
    describe(fig, _graph_text(nodes, edges, show_grad))
    return fig


def _graph_text(nodes, edges, show_grad):
    """draw_graph's picture in words: every node in the order it was computed, then the gradients."""
    names = [n.label or tr("node {number}", number=i + 1) for i, n in enumerate(nodes)]
    steps = []
    for i, n in enumerate(nodes):
        parents = [names[j] for j, k in edges if k == i]
        if n.op and len(parents) == 2:
            made = f" = {parents[0]} {n.op} {parents[1]}"
        elif n.op:
            made = f" = {n.op}({', '.join(parents)})"
        else:
            made = ""
        steps.append(f"{names[i]}{made} = {n.data:.4g}")
    text = tr("Computation graph of {n} values, inputs on the left, the output {output} on the right: {steps}.",
              n=len(nodes), output=names[-1], steps="; ".join(steps))
    if show_grad:
        grads = ", ".join(f"{names[i]} {n.grad:.4g}" for i, n in enumerate(nodes))
        text += tr(" Gradients d{output}/d(node): {grads}.", output=names[-1], grads=grads)
    return text


def draw_network(sizes, names=None, max_shown=6, ax=None):
    """The classic picture of a feed-forward network: one column of neurons per layer, a line for every weight.
    Lesson 6.

    Every neuron of a layer is joined to every neuron of the next: a fully connected layer (Keras: Dense,
    nnkit and PyTorch: Linear). Large layers show ``max_shown`` neurons and a "⋮" with their size.

    Inputs:
    - sizes: the layer sizes, e.g. [784, 100, 100, 10]; names: one label per layer (default "input", "hidden",
      ..., "output"); max_shown: neurons drawn per layer at most (default 6); ax: axes to draw into.
    Returns the matplotlib Figure (described for screen readers with its sizes and number of weights).
    """
    sizes = [int(n) for n in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(tr("draw_network: sizes must list at least two layer sizes of 1 or more, e.g. [784, 100, "
                            "10], but {sizes} was given.", sizes=sizes))
    names = names or ([tr("input")] + [tr("hidden")] * (len(sizes) - 2) + [tr("output")])
    fig, ax = _fig_ax(ax, (2.3 * len(sizes) + 0.6, 3.9))
    columns = []
    for k, n in enumerate(sizes):
        if n > max_shown:                              # half at the top, half at the bottom, "⋮" between
            half = max_shown // 2
            ys = np.r_[np.linspace(1, 0.4, half), np.linspace(-0.4, -1, half)]
        else:
            ys = np.linspace(1, -1, n) * (n - 1) / max(max_shown - 1, 1)
        columns.append([(k, y) for y in ys])
    for left, right in zip(columns, columns[1:]):
        for xa, ya in left:
            for xb, yb in right:
                ax.plot([xa, xb], [ya, yb], color="0.75", lw=0.8, zorder=1)
    for k, (col, n) in enumerate(zip(columns, sizes)):
        ax.scatter([x for x, _ in col], [y for _, y in col], s=420, color=OKABE_ITO[0] if 0 < k < len(sizes) - 1
                   else (OKABE_ITO[4] if k == 0 else OKABE_ITO[1]), edgecolor="black", zorder=2)
        if n > max_shown:
            ax.text(k, 0, "⋮", ha="center", va="center", fontsize=22, zorder=3,
                    bbox=dict(fc="white", ec="none", pad=0.1))
        ax.text(k, -1.35, f"{names[k]}\n{n}", ha="center", va="top", fontsize=13)
    ax.set_xlim(-0.6, len(sizes) - 0.4); ax.set_ylim(-1.9, 1.2); ax.axis("off")
    weights = sum(a * b + b for a, b in zip(sizes, sizes[1:]))
    layers = ", ".join(f"{name} ({n})" for name, n in zip(names, sizes))
    describe(fig, tr("A feed-forward network drawn as columns of neurons, left to right: {layers} (at most "
                     "{max_shown} neurons drawn per layer). A line joins every neuron of a layer to every neuron of "
                     "the next: fully connected (Dense) layers, {weights:,} weights and biases in all.", layers=layers,
                     max_shown=max_shown, weights=weights))
    return fig
