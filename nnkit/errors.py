"""Errors that speak to a learner, and the small argument checks every public function uses.

Each error says three things: what was expected, what was given, and the likely fix.
"""
import numpy as np

from .i18n import tr

__all__ = ["ShapeError", "DataError", "TrainingDiverged", "check_array", "check_labels", "check_same_rows",
           "check_finite", "check_count", "check_rate", "check_object"]


class ShapeError(ValueError):
    """An array had the wrong shape, dtype or contents for the function it was given to (a ValueError).

    A learner can meet it from Lesson 1 on: every nnkit function that takes arrays raises it for one it cannot
    use, e.g. raw scores given to ``cross_entropy`` (Lesson 4), or images (N, 28, 28) that were not
    flattened given to ``Linear`` (Lesson 6). The message says what was expected, what was given and the fix.
    """


class DataError(RuntimeError):
    """A data file is missing, truncated or corrupted and could not be repaired automatically (a RuntimeError).

    Lesson 1: ``load_mnist`` raises it when an MNIST file is missing and cannot be downloaded, or when a
    file's content does not have the original SHA-256 checksum; the message names the file and how to
    restore it. ``read_idx`` raises it for bytes that are not a whole IDX file.
    """


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite during training (a FloatingPointError).

    Lessons 2 and 3 show why it happens: with a learning rate that is too large every step overshoots and
    the loss climbs (diverges) until the numbers overflow. ``train`` (Lesson 6) stops with this error, puts
    the parameters back to where they were at the start of the failing epoch, and says what to try (a
    smaller learning rate, inputs scaled to a small range).

    Attributes: ``history`` (the epochs finished before the failure), ``epoch``, ``step`` (the number of
    updates done), ``loss`` (the NaN or infinite value).
    """

    def __init__(self, message, history=None, epoch=None, step=None, loss=None):
        super().__init__(message)
        self.history = history
        self.epoch = epoch
        self.step = step
        self.loss = loss


def _shape_text(shape):
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _numbers_hint(a, name):
    """Why an array of this dtype is not numbers, and what to do (or None when it holds numbers)."""
    kind = a.dtype.kind
    if kind in "biuf":
        return None
    if kind in "US":
        example = repr(str(a.flat[0])) if a.size else "''"
        try:
            a.astype(float)
        except ValueError:     # names such as 'cat', 'dog': astype(float) would fail, so number them
            names = np.unique(a)
            last = repr(str(names[-1]))
            return tr("it holds text that is not numbers (dtype {dtype}, e.g. {example}). If these are class names, "
                      "number them: np.unique({name}, return_inverse=True)[1] gives each name its place in "
                      "alphabetical order (0, 1, ...); for two classes ({name} == {last}).astype(int) makes {last} "
                      "class 1.", dtype=a.dtype, example=example, name=name, last=last)
        return tr("it holds text (dtype {dtype}, e.g. {example}), not numbers. The text reads as numbers (e.g. read "
                  "from a file): convert it with {name}.astype(float).", dtype=a.dtype, example=example, name=name)
    if kind == "c":
        return tr("it holds complex numbers (dtype {dtype}). nnkit works with real numbers: use {name}.real if the "
                  "imaginary parts are zero.", dtype=a.dtype, name=name)
    if kind == "O":
        bad = next((v for v in a.flat if not isinstance(v, (int, float, np.integer, np.floating))), None)
        what = "None" if bad is None else _a_type(type(bad).__name__)
        return tr("it holds Python objects (dtype object), among them {what}. Every entry must be a number: check "
                  "how {name} was built (rows of different lengths, None for missing values, or arrays inside an "
                  "array), then convert with np.asarray({name}, dtype=float).", what=what, name=name)
    return tr("it has dtype {dtype}, which is not a number type. Convert it with {name}.astype(float).",
              dtype=a.dtype, name=name)


def check_array(a, name, ndim=None, shape=None, floating=False, allow_empty=False, where=""):
    """Return ``a`` as a NumPy array of numbers after checking it, or raise a ShapeError that explains
    the problem. Lesson 1 on: most nnkit functions check their arrays with it (lesson 1's
    ``mnist_as_pixel_art`` and ``train`` are the first).

    Inputs:
    - a: an array, or a list, tuple or number (converted with np.asarray). Refused: text, None, classes,
      functions, other objects, complex numbers, ragged lists, arrays of objects that are not all numbers.
    - name: the argument's name, used in the message (e.g. "X").
    - ndim: the required number of dimensions, or None for any.
    - shape: the required shape, or None; it may hold ``None`` for any size, e.g. ``(None, 784)``.
    - floating: True converts integers and booleans to float64 (float arrays keep their dtype).
    - allow_empty: False (default) refuses an array with no elements.
    - where: the calling function's name, put before the message ("softmax: ...").
    Returns the array: ``a`` itself when it already was a valid array, else a converted copy.
    """
    prefix = f"{where}: " if where else ""
    if not isinstance(a, np.ndarray):
        if isinstance(a, type):
            raise ShapeError(tr("{prefix}{name} must be a NumPy array, but the class {cls} was given. Pass an array (data), e.g. the X "
                                "returned by a data set function.", prefix=prefix, name=name, cls=a.__name__))
        if isinstance(a, (list, tuple, int, float, np.number, bool)):
            try:
                a = np.asarray(a)
            except ValueError:
                raise ShapeError(tr("{prefix}{name} is a list whose rows have different lengths, so it is not a table of numbers. "
                                    "Make every row the same length (one value per column), then convert it with "
                                    "np.asarray({name}).", prefix=prefix, name=name)) from None
        elif isinstance(a, (str, bytes)):
            raise ShapeError(tr("{prefix}{name} must be numbers, but the text {text} was given. Write the numbers themselves "
                                "(3.0, not '3.0'), or convert text with float(...).", prefix=prefix, name=name,
                                text=repr(a[:40])))
        elif callable(a):
            raise ShapeError(tr("{prefix}{name} must be an array, but the function {func} was given. Call it to get its result, "
                                "with parentheses and its argument, e.g. model.predict(X) instead of model.predict.",
                                prefix=prefix, name=name, func=repr(getattr(a, "__name__", a))))
        elif a is None:
            raise ShapeError(tr("{prefix}{name} is None, but an array was expected. Did a function forget to `return` its result, "
                                "or is a variable not set yet?", prefix=prefix, name=name))
        else:
            raise ShapeError(tr("{prefix}{name} must be a NumPy array, but a {type} was given. Convert it with np.asarray({name}).",
                                prefix=prefix, name=name, type=type(a).__name__))
    if a.dtype.kind not in "biuf":
        converted = None
        if a.dtype.kind == "O" and all(isinstance(v, (int, float, np.integer, np.floating)) and
                                       not isinstance(v, (bool, np.bool_)) for v in a.flat):
            converted = a.astype(np.float64)
        if converted is None:
            raise ShapeError(tr("{prefix}{name} must hold numbers, but {why}", prefix=prefix, name=name,
                                why=_numbers_hint(a, name)))
        a = converted
    if floating and not np.issubdtype(a.dtype, np.floating):
        a = a.astype(np.float64)
    if ndim is not None and a.ndim != ndim:
        hint = ""
        if ndim == 2 and a.ndim == 1:
            hint = tr(" A single example of shape {shape} becomes a batch of one with {name}[None, :]; a column of values "
                      "becomes {name}.reshape(-1, 1).", shape=_shape_text(a.shape), name=name)
        elif ndim == 2 and a.ndim > 2:
            hint = tr(" Flatten each example first, e.g. {name}.reshape(len({name}), -1).", name=name)
        elif ndim == 1 and a.ndim == 2 and 1 in a.shape:
            hint = tr(" Use {name}.ravel() to turn it into shape (N,).", name=name)
        raise ShapeError(tr("{prefix}{name} must be a {ndim}-D array, but it has shape {shape} ({actual}-D).{hint}", prefix=prefix,
                            name=name, ndim=ndim, shape=_shape_text(a.shape), actual=a.ndim, hint=hint))
    if shape is not None:
        want = tuple(shape)
        if a.ndim != len(want) or any(w is not None and w != s for w, s in zip(want, a.shape)):
            wtxt = "(" + ", ".join("N" if w is None else str(w) for w in want) + ("," if len(want) == 1 else "") + ")"
            raise ShapeError(tr("{prefix}{name} must have shape {want}, but it has shape {shape}.", prefix=prefix, name=name,
                                want=wtxt, shape=_shape_text(a.shape)))
    if not allow_empty and a.size == 0:
        raise ShapeError(tr("{prefix}{name} is empty (shape {shape}). A batch needs at least one example: check your slicing or "
                            "batch_size.", prefix=prefix, name=name, shape=_shape_text(a.shape)))
    return a


def check_labels(y, num_classes=None, n=None, where=""):
    """Check integer class labels ``y`` of shape (N,) with values in 0..num_classes-1, or raise a ShapeError.
    Lesson 1 on (first behind lesson 1's ``train`` with ``SoftmaxCrossEntropy``).

    Inputs:
    - y: (N,) labels: integers; whole-number floats and booleans are converted to int64. One-hot rows
      (N, C) are refused with the fix (``y.argmax(axis=1)``).
    - num_classes: C, to check that every label lies in 0..C-1; None skips that check.
    - n: the number of labels there must be (the number of examples), or None.
    - where: the calling function's name, for the message.
    Returns y as an integer array (N,).
    """
    prefix = f"{where}: " if where else ""
    y = check_array(y, "y", where=where)
    if y.ndim != 1:
        hint = tr(" Use {name}.ravel() to turn it into shape (N,).", name="y") if (y.ndim == 2 and 1 in y.shape) else ""
        if y.ndim == 2 and num_classes is not None and y.shape[1] == num_classes:
            hint = tr(" It looks one-hot encoded: pass integer class ids, e.g. y.argmax(axis=1).")
        elif y.ndim == 2 and y.shape[1] > 1:
            hint = tr(" If these are one-hot rows or probabilities, y.argmax(axis=1) gives the class ids; and check "
                      "the order of the arguments (predictions first, then labels).")
        raise ShapeError(tr("{prefix}labels y must have shape (N,) of integer class ids, but they have shape "
                            "{shape}.{hint}", prefix=prefix, shape=_shape_text(y.shape), hint=hint))
    if y.dtype.kind not in "iu":
        if np.issubdtype(y.dtype, np.floating) and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
            y = y.astype(np.int64)
        elif y.dtype == bool:
            y = y.astype(np.int64)
        else:
            raise ShapeError(tr("{prefix}labels y must be integer class ids, but they have dtype {dtype} and "
                                "non-integer values. Use y.astype(int) if they are whole numbers.", prefix=prefix,
                                dtype=y.dtype))
    if n is not None and len(y) != n:
        raise ShapeError(tr("{prefix}there are {n} examples but {labels} labels: X and y must have the same number of rows.",
                            prefix=prefix, n=n, labels=len(y)))
    if num_classes is not None and len(y):
        lo, hi = int(y.min()), int(y.max())
        if lo < 0 or hi >= num_classes:
            raise ShapeError(tr("{prefix}labels must lie in 0..{last} for {classes} classes, but they range from {lo} to {hi}. "
                                "Does the last layer have as many outputs as there are classes?", prefix=prefix,
                                last=num_classes - 1, classes=num_classes, lo=lo, hi=hi))
    return y


def check_same_rows(X, y, where=""):
    """Raise a ShapeError unless X and y have the same number of rows: one label per example. Lesson 1 on
    (``train``).

    Inputs: X (N, ...) and y (N, ...), anything with a length; where: the calling function's name.
    Returns None.
    """
    if len(X) != len(y):
        prefix = f"{where}: " if where else ""
        raise ShapeError(tr("{prefix}X has {rows} rows but y has {labels}: every example needs exactly one label.", prefix=prefix,
                         rows=len(X), labels=len(y)))


def check_finite(a, name, where="", what="data"):
    """Raise a ShapeError naming ``name`` if the array ``a`` holds NaN or infinite values; return ``a``.
    Lesson 1 on (``train`` checks its labels or targets with it, and X when a loss comes out NaN).

    Inputs:
    - a: a NumPy array of numbers, any shape (only float arrays can hold NaN, so others always pass).
    - name: the argument's name; where: the calling function's name; what: what the array holds ("the
      targets"): all three are used in the message, which also says where the first bad value is.
    Returns ``a`` unchanged.
    """
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        bad = ~np.isfinite(a)
        n_nan, n_inf = int(np.isnan(a).sum()), int(bad.sum() - np.isnan(a).sum())
        first = np.argwhere(bad)[0]
        at = tr("row {row}", row=first[0]) + (tr(", column {column}", column=first[1]) if len(first) > 1 else "")
        prefix = f"{where}: " if where else ""
        raise ShapeError(tr("{prefix}{name} ({what}) contains {n_nan} NaN and {n_inf} infinite values (the first at "
                            "{at}), so every loss and gradient computed from it would be NaN too. Fix the data: drop "
                            "those rows, e.g. keep = np.isfinite({name}).all(axis=1) if {name} is 2-D, or fill the "
                            "gaps, e.g. np.nan_to_num({name}). NaN usually comes from missing values or a division "
                            "by zero (such as dividing by a standard deviation of 0).", prefix=prefix, name=name,
                            what=what, n_nan=n_nan, n_inf=n_inf, at=at))
    return a


def _given(value):
    if isinstance(value, type):
        return tr("the class {cls}", cls=value.__name__)
    if isinstance(value, (bool, np.bool_, str)) or value is None:
        return repr(value)
    return _a_type(type(value).__name__)


def check_count(value, name, where="", minimum=1):
    """A whole number >= ``minimum`` (sizes, counts, epochs); raises a TypeError or ValueError that says so.
    Lesson 1 on (``Linear(64, 10)`` and ``train(..., epochs=5, batch_size=100)`` check theirs with it).

    Inputs:
    - value: an int, or a float with a whole value (2.0); True/False are refused (TypeError).
    - name: the argument's name; where: the calling function's name (both for the message).
    - minimum: the smallest allowed value (default 1); a smaller one raises a ValueError.
    Returns value as a Python int.
    """
    prefix = f"{where}: " if where else ""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer, float, np.floating)):
        raise TypeError(tr("{prefix}{name} must be a whole number (at least {minimum}), but {given} was "
                           "given{swap_hint}.", prefix=prefix, name=name, minimum=minimum, given=_given(value),
                           swap_hint=_swap_hint(value)))
    if isinstance(value, (float, np.floating)) and not (np.isfinite(value) and value == int(value)):
        raise TypeError(tr("{prefix}{name} must be a whole number (at least {minimum}), but {value!r} was given. "
                           "Round it, e.g. with int(...).", prefix=prefix, name=name, minimum=minimum, value=value))
    value = int(value)
    if value < minimum:
        hint = tr(" A batch needs at least one example, e.g. batch_size=100.") if "batch" in name else ""
        raise ValueError(tr("{prefix}{name} must be at least {minimum}, but {value} was given.{hint}", prefix=prefix,
                            name=name, minimum=minimum, value=value, hint=hint))
    return value


def check_rate(value, name, where="", low=0.0, high=None, low_inclusive=False, high_inclusive=False,
               example=None):
    """A finite number between ``low`` and ``high`` (exclusive unless said otherwise): learning rates,
    momentum, betas, step sizes h. Raises a TypeError or ValueError naming the argument and a good value.
    Lesson 1 on (the first is lesson 1's ``SGD(lr=0.1)``).

    Inputs:
    - value: a real number; True/False and non-numbers raise a TypeError; NaN, infinity or a number
      outside the range raise a ValueError.
    - name: the argument's name; where: the calling function's name (both for the message).
    - low (default 0.0), high (default None: no upper bound): the range.
    - low_inclusive, high_inclusive: allow the bound itself (default False: refused).
    - example: a good value, quoted in the message (or None).
    Returns value as a Python float.
    """
    prefix = f"{where}: " if where else ""
    eg = tr(" A usual value is {example}.", example=example) if example is not None else ""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(tr("{prefix}{name} must be a number, but {given} was given{swap_hint}.{eg}", prefix=prefix,
                           name=name, given=_given(value), swap_hint=_swap_hint(value), eg=eg))
    value = float(value)
    ok_low = value >= low if low_inclusive else value > low
    ok_high = high is None or (value <= high if high_inclusive else value < high)
    if not (np.isfinite(value) and ok_low and ok_high):
        if low == 0 and not low_inclusive:
            rng = tr("a positive number")
        else:
            rng = (tr("a number of at least {low:g}", low=low) if low_inclusive
                   else tr("a number greater than {low:g}", low=low))
        if high is not None:
            rng += tr(" and at most {high:g}", high=high) if high_inclusive else tr(" and below {high:g}", high=high)
        raise ValueError(tr("{prefix}{name} must be {rng}, but {value!r} was given.{eg}", prefix=prefix,
                            name=name, rng=rng, value=value, eg=eg))
    return value


def _swap_hint(value):
    if isinstance(value, np.ndarray):
        return tr(" (an array): are the arguments in the right order?")
    return ""


_KINDS = {
    "layer": ("forward", "backward"),
    "loss": ("forward", "backward"),
    "optimizer": ("update",),
    "model": ("forward", "backward"),
}


def check_object(obj, kind, name, where="", example=""):
    """Check that ``obj`` is an instance of a ``kind`` ("layer", "loss", "optimizer", "model"), not a class,
    not another kind of object. Raises a TypeError that names the argument and the fix. Lesson 1 on
    (``train(model, loss, optimizer, X, y)`` checks its three objects with it).

    Inputs:
    - obj: the object to check. A "layer", "loss" or "model" needs forward and backward methods, an
      "optimizer" needs update; a class instead of an object, or a loss, optimizer and model given in the
      wrong places, is named as such.
    - kind: "layer", "loss", "optimizer" or "model".
    - name: the argument's name; where: the calling function's name (both for the message).
    - example: the arguments shown in the "add parentheses" fix, e.g. "lr=0.01" gives ``SGD(lr=0.01)``.
    Returns ``obj`` unchanged.
    """
    prefix = f"{where}: " if where else ""
    if isinstance(obj, type):
        raise TypeError(tr("{prefix}{name} is the class {obj}, not {kind}: add parentheses to make one, e.g. "
                           "{obj}({example}).", prefix=prefix, name=name, obj=obj.__name__, kind=_a_kind(kind),
                           example=example))
    if kind == "loss" and hasattr(obj, "params") and hasattr(obj, "forward"):
        raise TypeError(tr("{prefix}{name} is {obj!r}, a model or layer (it has params), not a loss. Check the order "
                           "of the arguments: the model comes first, then the loss, e.g. check_gradients(model, "
                           "loss, X, y) or train(model, loss, optimizer, X, y).", prefix=prefix, name=name, obj=obj))
    if kind in ("model", "layer") and type(obj).__module__ == "nnkit.losses":
        raise TypeError(tr("{prefix}{name} is the loss {obj!r}, not {kind}. Check the order of the arguments: the "
                           "model comes first, then the loss.", prefix=prefix, name=name, obj=obj, kind=_a_kind(kind)))
    if kind == "loss" and hasattr(obj, "update") and not hasattr(obj, "forward"):
        raise TypeError(tr("{prefix}{name} is the optimizer {obj!r}, not a loss. Are the loss and the optimizer "
                           "swapped? The order is train(model, loss, optimizer, X, y), e.g. train(model, "
                           "SoftmaxCrossEntropy(), Adam(lr=1e-3), X, y).", prefix=prefix, name=name, obj=obj))
    if kind == "optimizer" and not hasattr(obj, "update") and hasattr(obj, "forward"):
        raise TypeError(tr("{prefix}{name} is {obj!r}, which has no update(params, grads): it is not an optimizer. "
                           "Are the loss and the optimizer swapped? The order is train(model, loss, optimizer, X, y).",
                           prefix=prefix, name=name, obj=obj))
    missing = [m for m in _KINDS[kind] if not callable(getattr(obj, m, None))]
    if missing:
        if isinstance(obj, np.ndarray):
            what = tr("an array")
        else:
            what = repr(obj) if obj is None else tr("a {type}", type=type(obj).__name__)
        methods = tr("forward and backward") if len(_KINDS[kind]) == 2 else _KINDS[kind][0]
        raise TypeError(tr("{prefix}{name} must be {kind} (an object with {methods}), but {what} was given. Are the "
                           "arguments in the right order?", prefix=prefix, name=name, kind=_a_kind(kind),
                           methods=methods, what=what))
    return obj


def _a_type(name):
    """A type's name with its article ("a list", "an int"), in nnkit's language."""
    return tr("an {type}", type=name) if name[0] in "aeiou" else tr("a {type}", type=name)


def _a_kind(kind):
    """"a layer", "a loss", "an optimizer" or "a model", in nnkit's language."""
    return {"layer": tr("a layer"), "loss": tr("a loss"), "optimizer": tr("an optimizer"), "model": tr("a model")}[kind]
