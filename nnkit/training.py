"""The training loop of lessons 4 and 6: mini-batches in a seeded order, a progress bar, a per-epoch
history, and a clear stop when the loss becomes NaN or infinite."""
import math
import sys
import time

import numpy as np

from .errors import (ShapeError, TrainingDiverged, check_array, check_count, check_finite, check_object,
                     check_same_rows)
from .losses import SoftmaxCrossEntropy, BinaryCrossEntropy
from .metrics import to_labels
from .i18n import tr

__all__ = ["train", "evaluate", "minibatches", "History"]


def minibatches(X, y, batch_size, seed=0, shuffle=True):
    """The mini-batches of one epoch (Lesson 4): every example once, in an order fixed by ``seed``.

    Inputs: X (N, ...), y (N, ...) with the same number of rows; batch_size >= 1; seed, an int or a
    np.random.Generator (a Generator draws a new order each time); shuffle=False keeps the given order.
    Returns (yields) (X_batch, y_batch) pairs, batch_size rows each (the last one fewer when N is not a multiple).
    """
    X = check_array(X, "X", where="minibatches")
    y = check_array(y, "y", where="minibatches")
    check_same_rows(X, y, where="minibatches")
    batch_size = check_count(batch_size, "batch_size", where="minibatches")
    _check_seed(seed, "minibatches")
    order = np.random.default_rng(seed).permutation(len(X)) if shuffle else np.arange(len(X))
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


class History(list):
    """What ``train`` returns (Lesson 6): a list with one dict per epoch, keys epoch, loss, accuracy,
    val_loss, val_accuracy (None where not measured) and seconds.

    Inputs: the rows (normally made by ``train``; lesson 6 also builds one from its own loop).
    Returns a list; ``as_dict()`` gives the columns, ``print(history)`` a table.
    """

    def as_dict(self):
        """Column view: {"loss": [...], "accuracy": [...], ...}."""
        keys = self[0].keys() if self else []
        return {k: [row[k] for row in self] for k in keys}

    def __repr__(self):
        if not self:
            return "History([])"
        lines = []
        for row in self:
            parts = [f"epoch {row['epoch']:>3}", f"loss {row['loss']:.4f}"]
            for key in ("accuracy", "val_loss", "val_accuracy"):
                if row.get(key) is not None:
                    parts.append(f"{key} {row[key]:.4f}")
            parts.append(f"{row['seconds']:.2f} s")
            lines.append("  ".join(parts))
        return "\n".join(lines)


def _is_classifier(loss):
    return isinstance(loss, (SoftmaxCrossEntropy, BinaryCrossEntropy))


def _check_seed(seed, where):
    if not (isinstance(seed, (int, np.integer, np.random.Generator)) and not isinstance(seed, bool)) \
            or (not isinstance(seed, np.random.Generator) and seed < 0):
        raise TypeError(tr("{where}: seed must be a whole number >= 0 (or a np.random.Generator), but {seed!r} was "
                           "given. The same seed gives the same order of examples every time.", where=where, seed=seed))


def _check_inputs(model, loss, X, y, where):
    """The checks train and evaluate share: model and loss are objects (not classes), X and y arrays of
    numbers with the same number of rows."""
    check_object(model, "model", "model", where, example="...")
    check_object(loss, "loss", "loss", where)
    X = check_array(X, "X", where=where)
    y = check_array(y, "y", where=where)
    check_same_rows(X, y, where=where)
    # Labels or targets are small next to X: check them now. X is checked only if a loss comes out NaN.
    what = tr("the training labels or targets") if where == "train" else tr("the evaluation labels or targets")
    check_finite(y, "y", where, what=what)
    return X, y


def _blame_the_data(X, y, names, where, what):
    """Called when a loss came out NaN or infinite: if the data holds NaN or inf, say so, naming it.
    (Checked only then, so that a healthy run pays nothing for the check.)"""
    inputs, labels = {
        "training": (tr("the training inputs"), tr("the training labels or targets")),
        "validation": (tr("the validation inputs"), tr("the validation labels or targets")),
        "evaluation": (tr("the evaluation inputs"), tr("the evaluation labels or targets")),
    }[what]
    check_finite(X, names[0], where, what=inputs)
    check_finite(y, names[1], where, what=labels)


def _count_correct(loss, out, yb):
    pred = to_labels(out, logits=getattr(loss, "from_logits", True))
    if out.ndim == 1 or out.shape[1] == 1:         # two classes, one output: labels 0/1 (or soft targets)
        yb = (yb.reshape(len(pred)) >= 0.5)
    return int(np.count_nonzero(pred == yb))


def evaluate(model, loss, X, y, batch_size=1000):
    """Mean loss and accuracy of ``model`` on (X, y), without training. Lesson 6.

    Inputs: model (forward only), loss, X (N, D), y (N,) labels or (N, M) targets, batch_size (rows per
    forward pass, to bound memory). Returns (mean loss, accuracy), accuracy None for regression losses.
    """
    X, y = _check_inputs(model, loss, X, y, "evaluate")
    batch_size = check_count(batch_size, "batch_size", where="evaluate")
    return _evaluate(model, loss, X, y, batch_size, ("X", "y"), "evaluate")


def _evaluate(model, loss, X, y, batch_size, names, where):
    total, correct = 0.0, 0
    for Xb, yb in minibatches(X, y, batch_size, shuffle=False):
        out = model.forward(Xb)
        total += loss.forward(out, yb) * len(Xb)
        if _is_classifier(loss):
            correct += _count_correct(loss, out, yb)
    if not math.isfinite(total):
        _blame_the_data(X, y, names, where, "evaluation" if names[0] == "X" else "validation")
    acc = correct / len(X) if _is_classifier(loss) else None
    return total / len(X), acc


def _in_a_kernel():
    """True when this code runs in a Jupyter kernel, where a progress bar can be a widget.

    Asked on every call: ``tqdm.auto`` decides once, at its first import, from whether some module
    happened to import ``ipykernel`` before, which a script or a test can do without being in a kernel."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and hasattr(shell, "kernel")


def _make_bar(total, enabled, desc):
    """A tqdm progress bar: a widget in a Jupyter kernel, text on stderr anywhere else (None if not enabled)."""
    if not enabled:
        return None
    # imported here so that `import nnkit` stays fast
    if _in_a_kernel():
        try:
            from tqdm.notebook import tqdm
            return tqdm(total=total, desc=desc, unit="batch", leave=True, mininterval=0.5)
        except ImportError:        # no ipywidgets: the text bar below
            pass
    from tqdm.std import tqdm
    return tqdm(total=total, desc=desc, unit="batch", leave=True, mininterval=0.5)


def train(model, loss, optimizer, X, y, *, epochs=1, batch_size=100, seed=0, X_val=None, y_val=None,
          progress=True, shuffle=True, schedule=None):
    """Train ``model`` on (X, y) with mini-batch gradient descent and return a :class:`History`. Lesson 6.

    For each epoch: shuffle the examples (seeded), and for each batch
        out = model.forward(Xb); L = loss.forward(out, yb); model.backward(loss.backward());
        optimizer.update(model.params, model.grads)
    Inputs: model (a Sequential, or any object with forward/backward/params/grads), loss, optimizer;
    X (N, D); y (N,) integer labels for classification, or targets (N, M) for MSE; epochs, batch_size;
    seed (the order of the examples); X_val (N_val, D) and y_val to evaluate after each epoch;
    progress (a progress bar and one summary line); shuffle; schedule: None (the optimizer's lr throughout) or
    a learning-rate schedule (nnkit.schedules.OneCycle, or any function of progress in [0, 1) giving an lr):
    before every update, optimizer.lr = schedule(updates done / all updates of the run) (it keeps the last value).
    Returns a History: one dict per epoch (epoch, loss, accuracy, val_loss, val_accuracy, seconds).
    If the loss becomes NaN or infinite, training stops with :class:`TrainingDiverged` explaining why;
    the model's parameters are put back to where they were at the start of that epoch, and
    ``error.history`` holds the finished epochs.
    """
    X, y = _check_inputs(model, loss, X, y, "train")
    X = check_array(X, "X", ndim=2, where="train")
    check_object(optimizer, "optimizer", "optimizer", "train", example="lr=0.01")
    if not hasattr(model, "params") or not hasattr(model, "grads"):
        raise TypeError(tr("train: model must have params and grads (like a Sequential), but {model!r} has not. Wrap "
                           "your layers: Sequential(layer1, layer2, ...).", model=model))
    if (X_val is None) != (y_val is None):
        raise ValueError(tr("train: give both X_val and y_val, or neither."))
    if X_val is not None:
        X_val = check_array(X_val, "X_val", ndim=2, where="train")
        y_val = check_finite(check_array(y_val, "y_val", where="train"), "y_val", "train",
                             what=tr("the validation labels or targets"))
        check_same_rows(X_val, y_val, where="train (X_val, y_val)")
        if X_val.shape[1] != X.shape[1]:
            raise ShapeError(tr("train: X_val must have {columns} columns like X, but it has shape {shape}.",
                                columns=X.shape[1], shape=X_val.shape))
    epochs = check_count(epochs, "epochs", where="train")
    batch_size = check_count(batch_size, "batch_size", where="train")
    _check_seed(seed, "train")
    if schedule is not None and not callable(schedule):
        raise TypeError(tr("train: schedule must be a function of the progress through training (0 to 1) that gives "
                           "the learning rate, such as nnkit.schedules.OneCycle(3e-3), but {schedule!r} was given.",
                           schedule=schedule))
    classify = _is_classifier(loss)
    n = len(X)
    n_batches = math.ceil(n / batch_size)
    rng = np.random.default_rng(seed)
    history = History()
    bar = _make_bar(epochs * n_batches, progress, f"epoch 1/{epochs}")
    step = 0
    # Overflow on the way to a NaN loss is reported once, clearly, by the check below, not as warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            for epoch in range(1, epochs + 1):
                start_time = time.perf_counter()
                backup = {k: p.copy() for k, p in model.params.items()}
                total, correct = 0.0, 0
                if bar is not None:
                    bar.set_description(f"epoch {epoch}/{epochs}", refresh=False)
                for b, (Xb, yb) in enumerate(minibatches(X, y, batch_size, seed=rng, shuffle=shuffle)):
                    out = model.forward(Xb)
                    L = loss.forward(out, yb)
                    if not math.isfinite(L):
                        for k, p in model.params.items():
                            p[...] = backup[k]
                        _blame_the_data(X, y, ("X", "y"), "train", "training")
                        raise _diverged(L, optimizer, history, epoch, b + 1, n_batches, step)
                    model.backward(loss.backward())
                    if schedule is not None:
                        optimizer.lr = schedule(step / (epochs * n_batches))
                    optimizer.update(model.params, model.grads)
                    step += 1
                    total += L * len(Xb)
                    if classify:
                        correct += _count_correct(loss, out, yb)
                    if bar is not None:
                        bar.update(1)
                row = {"epoch": epoch, "loss": total / n, "accuracy": correct / n if classify else None,
                       "val_loss": None, "val_accuracy": None}
                if X_val is not None:
                    row["val_loss"], row["val_accuracy"] = _evaluate(model, loss, X_val, y_val, 1000,
                                                                     ("X_val", "y_val"), "train")
                row["seconds"] = time.perf_counter() - start_time
                history.append(row)
                if bar is not None:
                    post = {"loss": f"{row['loss']:.4f}"}
                    if classify:
                        post["acc"] = f"{row['accuracy']:.4f}"
                    if row["val_accuracy"] is not None:
                        post["val_acc"] = f"{row['val_accuracy']:.4f}"
                    bar.set_postfix(post, refresh=True)
        finally:
            if bar is not None:
                bar.close()
    if progress and history:
        # A saved notebook keeps only the bar's first text, so say once, in plain text, how it ended.
        last = history[-1]
        parts = [f"loss {last['loss']:.4f}"]
        if last["accuracy"] is not None:
            parts.append(f"accuracy {last['accuracy']:.4f}")
        if last["val_accuracy"] is not None:
            parts.append(f"val accuracy {last['val_accuracy']:.4f}")
        total = sum(r["seconds"] for r in history)
        print(f"trained {len(history)} epoch{'s' * (len(history) > 1)} in {total:.1f} s: " + ", ".join(parts))
    return history


def _diverged(L, optimizer, history, epoch, batch, n_batches, step):
    lr = getattr(optimizer, "lr", None)
    if lr is not None:
        hint = tr("The learning rate is probably too high (lr={lr:g}): each step overshoots, the numbers grow until "
                  "they overflow. Try a smaller one, e.g. lr={smaller:g}.", lr=lr, smaller=lr / 10)
    else:
        hint = tr("The learning rate is probably too high.")
    return TrainingDiverged(
        tr("Training stopped: the loss became {loss} in epoch {epoch}, batch {batch} of {n_batches} (after {step} "
           "updates). {hint} Other causes: inputs that are not scaled to a small range (divide pixel values by 255), "
           "or a log of zero in a hand-written loss. The model's parameters were restored to where they were at the "
           "start of epoch {epoch}; the finished epochs are in error.history.", loss=L, epoch=epoch, batch=batch,
           n_batches=n_batches, step=step, hint=hint),
        history=history, epoch=epoch, step=step, loss=L)
