"""Figures shared by the lessons: digit grids, training curves, confusion matrix, decision boundary.

matplotlib is imported when a function is called, so ``import nnkit`` stays fast. Each function draws
into ``ax`` when given one and returns the matplotlib Figure it drew on.
"""
import numpy as np

from .errors import ShapeError, check_array

__all__ = ["show_digits", "plot_history", "plot_confusion_matrix", "plot_decision_boundary"]


def _plt():
    import matplotlib.pyplot as plt
    return plt


def _fig_ax(ax, figsize):
    """(figure, axes): a new figure of ``figsize`` when ``ax`` is None, otherwise ``ax`` and its figure."""
    if ax is None:
        return _plt().subplots(figsize=figsize)
    return ax.figure, ax


def show_digits(images, labels=None, preds=None, ncols=10, size=1.0, cmap="gray_r", title=None):
    """Show images (N, H, W) or flat rows (N, H*W) of square images in a grid.

    ``labels`` / ``preds`` (N,) are written above each image; a wrong prediction is shown in red.
    """
    images = check_array(images, "images", where="show_digits")
    if images.ndim == 2:
        side = int(round(np.sqrt(images.shape[1])))
        if side * side != images.shape[1]:
            raise ShapeError(f"show_digits: rows of {images.shape[1]} pixels are not square images; pass (N, H, W).")
        images = images.reshape(len(images), side, side)
    if images.ndim != 3:
        raise ShapeError(f"show_digits: images must have shape (N, H, W), got {images.shape}.")
    n = len(images)
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    plt = _plt()
    h, w = images.shape[1:]
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size * w / max(h, w) + 0.2, nrows * (size + 0.25)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([]); ax.set_yticks([])
        if i >= n:
            ax.axis("off")
            continue
        ax.imshow(images[i], cmap=cmap, interpolation="nearest")
        parts, color = [], "black"
        if labels is not None:
            parts.append(f"{labels[i]}")
        if preds is not None:
            parts.append(f"→{preds[i]}")
            if labels is not None and preds[i] != labels[i]:
                color = "crimson"
        if parts:
            ax.set_title(" ".join(parts), fontsize=9, color=color, pad=2)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(history, ax=None, title="Training curves"):
    """Loss and accuracy per epoch from a :class:`nnkit.History` (or its ``as_dict()``)."""
    cols = history.as_dict() if hasattr(history, "as_dict") else dict(history)
    if not cols or not cols.get("loss"):
        raise ValueError("plot_history: the history is empty; train for at least one epoch first.")
    plt = _plt()
    epochs = cols.get("epoch") or list(range(1, len(cols["loss"]) + 1))
    has_acc = any(v is not None for v in cols.get("accuracy", []))
    if ax is None:
        fig, axes = plt.subplots(1, 2 if has_acc else 1, figsize=(9 if has_acc else 4.5, 3.2), squeeze=False)
        axes = axes[0]
    else:
        fig, axes = ax.figure, [ax]
    axes[0].plot(epochs, cols["loss"], "o-", label="train")
    if any(v is not None for v in cols.get("val_loss", [])):
        axes[0].plot(epochs, cols["val_loss"], "s--", label="test")
    axes[0].set_xlabel("epoch"); axes[0].set_ylabel("loss"); axes[0].legend(); axes[0].grid(alpha=0.3)
    if has_acc and len(axes) > 1:
        axes[1].plot(epochs, cols["accuracy"], "o-", label="train")
        if any(v is not None for v in cols.get("val_accuracy", [])):
            axes[1].plot(epochs, cols["val_accuracy"], "s--", label="test")
        axes[1].set_xlabel("epoch"); axes[1].set_ylabel("accuracy"); axes[1].legend(); axes[1].grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(cm, ax=None, class_names=None, title="Confusion matrix"):
    """Draw a confusion matrix (rows: true class, columns: predicted class) with the counts written in."""
    cm = check_array(cm, "cm", ndim=2, where="plot_confusion_matrix")
    if cm.shape[0] != cm.shape[1]:
        raise ShapeError(f"plot_confusion_matrix: cm must be square (C, C), got {cm.shape}.")
    fig, ax = _fig_ax(ax, (5, 4.5))
    C = len(cm)
    names = class_names or [str(i) for i in range(C)]
    off = cm.astype(float).copy()
    np.fill_diagonal(off, np.nan)      # colour the mistakes; the diagonal would drown them
    ax.imshow(off, cmap="Reds")
    for i in range(C):
        for j in range(C):
            ax.text(j, i, str(int(cm[i, j])), ha="center", va="center", fontsize=7,
                    color="black", fontweight="bold" if i == j else "normal")
    ax.set_xticks(range(C)); ax.set_xticklabels(names)
    ax.set_yticks(range(C)); ax.set_yticklabels(names)
    ax.set_xlabel("predicted"); ax.set_ylabel("true")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_decision_boundary(predict, X, y, ax=None, resolution=200, title=None, margin=0.5):
    """Colour the plane by ``predict`` (a function from points (M, 2) to class ids (M,)) and scatter (X, y).

    The boundary between colours is where the model changes its mind.
    """
    X = check_array(X, "X", ndim=2, where="plot_decision_boundary")
    if X.shape[1] != 2:
        raise ShapeError(f"plot_decision_boundary: X must have shape (N, 2) (points in the plane), got {X.shape}.")
    fig, ax = _fig_ax(ax, (4.5, 4))
    x0, x1 = X[:, 0].min() - margin, X[:, 0].max() + margin
    y0, y1 = X[:, 1].min() - margin, X[:, 1].max() + margin
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.c_[gx.ravel(), gy.ravel()]
    Z = np.asarray(predict(grid)).reshape(gx.shape)
    ax.contourf(gx, gy, Z, alpha=0.3, cmap="coolwarm", levels=np.arange(Z.max() + 2) - 0.5)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=12, edgecolors="k", linewidths=0.3)
    ax.set_xlim(x0, x1); ax.set_ylim(y0, y1)
    if title:
        ax.set_title(title)
    return fig
