"""Errors that speak to a learner, and the small argument checks every public function uses.

Each error says three things: what was expected, what was given, and the likely fix.
"""
import numpy as np

__all__ = ["ShapeError", "DataError", "TrainingDiverged", "check_array", "check_labels", "check_same_rows"]


class ShapeError(ValueError):
    """An array had the wrong shape, dtype or contents for the function it was given to."""


class DataError(RuntimeError):
    """A data file is missing, truncated or corrupted and could not be repaired automatically."""


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite during training.

    Attributes: ``history`` (the epochs finished before the failure), ``epoch``, ``step``, ``loss``.
    """

    def __init__(self, message, history=None, epoch=None, step=None, loss=None):
        super().__init__(message)
        self.history = history
        self.epoch = epoch
        self.step = step
        self.loss = loss


def _shape_text(shape):
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def check_array(a, name, ndim=None, shape=None, floating=False, allow_empty=False, where=""):
    """Return ``a`` as a NumPy array after checking it, or raise a ShapeError that explains the problem.

    ``shape`` may hold ``None`` for any size, e.g. ``(None, 784)``.
    """
    prefix = f"{where}: " if where else ""
    if not isinstance(a, np.ndarray):
        if isinstance(a, (list, tuple, int, float, np.number)):
            a = np.asarray(a)
        else:
            raise ShapeError(f"{prefix}{name} must be a NumPy array, but a {type(a).__name__} was given. "
                             f"Convert it with np.asarray({name}).")
    if floating and not np.issubdtype(a.dtype, np.floating):
        if np.issubdtype(a.dtype, np.number) or a.dtype == bool:
            a = a.astype(np.float64)
        else:
            raise ShapeError(f"{prefix}{name} must hold numbers, but its dtype is {a.dtype}.")
    if ndim is not None and a.ndim != ndim:
        hint = ""
        if ndim == 2 and a.ndim == 1:
            hint = f" A single example of shape {_shape_text(a.shape)} becomes a batch of one with {name}[None, :]; " \
                   f"a column of values becomes {name}.reshape(-1, 1)."
        elif ndim == 2 and a.ndim > 2:
            hint = f" Flatten each example first, e.g. {name}.reshape(len({name}), -1)."
        elif ndim == 1 and a.ndim == 2 and 1 in a.shape:
            hint = f" Use {name}.ravel() to turn it into shape (N,)."
        raise ShapeError(f"{prefix}{name} must be a {ndim}-D array, but it has shape {_shape_text(a.shape)} "
                         f"({a.ndim}-D).{hint}")
    if shape is not None:
        want = tuple(shape)
        if a.ndim != len(want) or any(w is not None and w != s for w, s in zip(want, a.shape)):
            wtxt = "(" + ", ".join("N" if w is None else str(w) for w in want) + ("," if len(want) == 1 else "") + ")"
            raise ShapeError(f"{prefix}{name} must have shape {wtxt}, but it has shape {_shape_text(a.shape)}.")
    if not allow_empty and a.size == 0:
        raise ShapeError(f"{prefix}{name} is empty (shape {_shape_text(a.shape)}). "
                         f"A batch needs at least one example: check your slicing or batch_size.")
    return a


def check_labels(y, num_classes=None, n=None, where=""):
    """Check integer class labels ``y`` of shape (N,) with values in 0..num_classes-1."""
    prefix = f"{where}: " if where else ""
    y = check_array(y, "y", where=where)
    if y.ndim != 1:
        hint = " Use y.ravel() to turn it into shape (N,)." if (y.ndim == 2 and 1 in y.shape) else ""
        if y.ndim == 2 and num_classes is not None and y.shape[1] == num_classes:
            hint = " It looks one-hot encoded: pass integer class ids, e.g. y.argmax(axis=1)."
        raise ShapeError(f"{prefix}labels y must have shape (N,) of integer class ids, "
                         f"but they have shape {_shape_text(y.shape)}.{hint}")
    if y.dtype.kind not in "iu":
        if np.issubdtype(y.dtype, np.floating) and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
            y = y.astype(np.int64)
        elif y.dtype == bool:
            y = y.astype(np.int64)
        else:
            raise ShapeError(f"{prefix}labels y must be integer class ids, but they have dtype {y.dtype}"
                             f" and non-integer values. Use y.astype(int) if they are whole numbers.")
    if n is not None and len(y) != n:
        raise ShapeError(f"{prefix}there are {n} examples but {len(y)} labels: X and y must have the same "
                         f"number of rows.")
    if num_classes is not None and len(y):
        lo, hi = int(y.min()), int(y.max())
        if lo < 0 or hi >= num_classes:
            raise ShapeError(f"{prefix}labels must lie in 0..{num_classes - 1} for {num_classes} classes, "
                             f"but they range from {lo} to {hi}. Does the last layer have as many outputs "
                             f"as there are classes?")
    return y


def check_same_rows(X, y, where=""):
    if len(X) != len(y):
        prefix = f"{where}: " if where else ""
        raise ShapeError(f"{prefix}X has {len(X)} rows but y has {len(y)}: every example needs exactly one label.")
