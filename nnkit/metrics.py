"""Evaluation helpers: accuracy and the confusion matrix."""
import numpy as np

from .errors import ShapeError, check_array, check_labels
from .i18n import tr

__all__ = ["accuracy", "confusion_matrix", "to_labels"]


def to_labels(y_hat, logits=False):
    """Turn model output into class ids: the one rule nnkit uses everywhere (``predict``, ``train``'s
    accuracy, ``accuracy``, ``confusion_matrix``). Lesson 4.

    Inputs:
    - y_hat: integer labels (N,); or scores/probabilities (N, C) with C >= 2; or one number per example
      for two classes, (N, 1) or float (N,).
    - logits: for one number per example, whether it is a raw score z (class 1 where z >= 0, i.e.
      sigmoid(z) >= 0.5) or a probability p (class 1 where p >= 0.5, the default).
    Returns class ids (N,), int64: the labels as they are; argmax of each row; or the cut above.
    """
    y_hat = check_array(y_hat, "y_hat", where="to_labels")
    cut = 0.0 if logits else 0.5
    if y_hat.ndim == 2 and y_hat.shape[1] >= 2:
        return y_hat.argmax(axis=1)
    if y_hat.ndim == 2 and y_hat.shape[1] == 1:
        if not logits:
            _check_probabilities(y_hat)
        return (y_hat[:, 0] >= cut).astype(np.int64)
    if y_hat.ndim == 1:
        if np.issubdtype(y_hat.dtype, np.integer) or y_hat.dtype == bool:
            return y_hat.astype(np.int64)
        if not logits and np.all(np.isfinite(y_hat)) and np.all(y_hat == np.round(y_hat)):
            return y_hat.astype(np.int64)   # whole numbers stored as floats are class ids (0./1. read either way)
        if not logits:
            _check_probabilities(y_hat)
        return (y_hat >= cut).astype(np.int64)
    raise ShapeError(tr("to_labels: y_hat must be class ids (N,), scores (N, C) or probabilities (N, 1), but it has "
                        "shape {shape}. Pass the model's output for a batch of rows, or its predictions "
                        "model.predict(X).", shape=y_hat.shape))


def _check_probabilities(p):
    """One number per example read as P(class 1) must lie in [0, 1]: anything else is raw scores (logits)."""
    lo, hi = float(np.min(p)), float(np.max(p))
    if not (0.0 <= lo and hi <= 1.0):
        raise ShapeError(tr("to_labels: y_hat has one number per example, read as the probability of class 1, but its "
                            "values range from {lo:.3g} to {hi:.3g}, outside [0, 1]: these look like raw scores "
                            "(logits). Use model.predict(X), or to_labels(y_hat, logits=True), which predicts class "
                            "1 where the score is >= 0.", lo=lo, hi=hi))


def accuracy(y_hat, y, logits=False):
    """Fraction of examples whose predicted class equals the label: mean(to_labels(y_hat, logits) == y). Lesson 4.

    Inputs: y_hat, predictions as ``to_labels`` reads them (best: ``model.predict(X)``, class ids (N,));
    y, integer labels (N,); logits: for one number per example, True when it is a raw score z (class 1 where
    z >= 0) rather than a probability (class 1 where p >= 0.5, the default). Scores that happen to lie in
    [0, 1] look like probabilities, so say which they are. Returns a float in [0, 1].
    """
    pred = to_labels(y_hat, logits=logits)
    y = check_labels(y, n=len(pred), where="accuracy")
    return float(np.mean(pred == y))


def confusion_matrix(y, y_pred, num_classes=None, logits=False):
    """How often each class is taken for each other class. Lesson 6.

    Inputs: y, true labels (N,); y_pred, predictions as ``to_labels`` reads them (N,) or (N, C);
    num_classes (default: the largest label + 1); logits: as in ``accuracy``.
    Returns cm (num_classes, num_classes), int: cm[i, j] = number of examples of class i predicted as j.
    """
    y_pred = to_labels(y_pred, logits=logits)
    y = check_labels(y, n=len(y_pred), where="confusion_matrix")
    if num_classes is not None:
        from .errors import check_count
        num_classes = check_count(num_classes, "num_classes", where="confusion_matrix")
    if num_classes is None:
        num_classes = int(max(y.max(initial=0), y_pred.max(initial=0))) + 1
    check_labels(y, num_classes, where="confusion_matrix")
    check_labels(y_pred, num_classes, where=tr("confusion_matrix (predictions)"))
    return np.bincount(y * num_classes + y_pred, minlength=num_classes ** 2).reshape(num_classes, num_classes)
