"""Evaluation helpers: accuracy and the confusion matrix."""
import numpy as np

from .errors import ShapeError, check_array, check_labels

__all__ = ["accuracy", "confusion_matrix", "to_labels"]


def to_labels(y_hat):
    """Turn model output into class ids (N,).

    - integer array (N,): already labels;
    - scores or probabilities (N, C) with C >= 2: argmax of each row;
    - one probability per example, (N, 1) or float (N,): class 1 where it is >= 0.5.
    """
    y_hat = check_array(y_hat, "y_hat", where="to_labels")
    if y_hat.ndim == 2 and y_hat.shape[1] >= 2:
        return y_hat.argmax(axis=1)
    if y_hat.ndim == 2 and y_hat.shape[1] == 1:
        return (y_hat[:, 0] >= 0.5).astype(np.int64)
    if y_hat.ndim == 1:
        if np.issubdtype(y_hat.dtype, np.integer) or y_hat.dtype == bool:
            return y_hat.astype(np.int64)
        return (y_hat >= 0.5).astype(np.int64)
    raise ShapeError(f"to_labels: expected labels (N,), scores (N, C) or probabilities (N, 1), got shape {y_hat.shape}.")


def accuracy(y_hat, y):
    """Fraction of examples whose predicted class equals the label: mean(to_labels(y_hat) == y)."""
    pred = to_labels(y_hat)
    y = check_labels(y, n=len(pred), where="accuracy")
    return float(np.mean(pred == y))


def confusion_matrix(y, y_pred, num_classes=None):
    """Counts ``cm[i, j]`` of examples of true class i predicted as class j (num_classes, num_classes)."""
    y_pred = to_labels(y_pred)
    y = check_labels(y, n=len(y_pred), where="confusion_matrix")
    if num_classes is None:
        num_classes = int(max(y.max(initial=0), y_pred.max(initial=0))) + 1
    check_labels(y, num_classes, where="confusion_matrix")
    check_labels(y_pred, num_classes, where="confusion_matrix (predictions)")
    return np.bincount(y * num_classes + y_pred, minlength=num_classes ** 2).reshape(num_classes, num_classes)
