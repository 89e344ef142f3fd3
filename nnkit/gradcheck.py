"""Gradient checking: compare analytic gradients (backward) with numerical ones (central differences).

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h)        error O(h^2)

``rel_error(a, b) = ||a - b|| / (||a|| + ||b||)``: below 1e-7 in float64 means the backward pass is right.

Two things make a correct backward look wrong, and ``check_gradients`` recognises both and says which:

- **A ReLU kink.** ReLU has a corner at 0. If nudging a weight by +-h moves some ReLU input across 0,
  the central difference averages the two slopes on either side and is not the derivative at the
  point. check_gradients watches every ReLU's input during each nudge and leaves out the entries whose
  nudge crossed a kink (common: biases start at 0, so hidden units sit right at the corner).
- **float32.** With about 7 significant digits, f(x + h) - f(x - h) loses most of them to rounding.
  For float32 models the step is h = 1e-3 (instead of 1e-5) and the bar is 1e-2 instead of 1e-7,
  chosen from float32's precision (eps = 1.2e-7: rounding error ~ eps / h, step error ~ h^2). Measured on
  40 small correct float32 nets: at most 2e-3; with a wrong backward: 5e-2 and more.
"""
import numpy as np

from .errors import ShapeError, check_array, check_rate
from .i18n import tr

__all__ = ["numerical_gradient", "rel_error", "check_gradients", "GradientReport"]

#: The largest relative error a correct backward shows, by the dtype the check runs in.
TOLERANCE = {np.dtype(np.float64): 1e-7, np.dtype(np.float32): 1e-2}
#: The default step h of the central difference, by dtype.
STEP = {np.dtype(np.float64): 1e-5, np.dtype(np.float32): 1e-3}


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function ``f`` at the float array ``x``. Lesson 2 (the two
    weights of a line), Lesson 6 (every weight of a network).

    Inputs:
    - f: a function of the array, returning a number; it is called as ``f(x)`` (a closure that ignores its
      argument and reads the array works too).
    - x: float array of any shape; changed in place, one element at a time, and restored.
    - h: the step of the central difference (f(x + h e_i) - f(x - h e_i)) / (2h); default 1e-5, between 0
      and 1.
    Returns an array of x's shape (float64): df/dx_i for every element.
    """
    if callable(x) and not callable(f):
        raise TypeError(tr("numerical_gradient(f, x): f must be a function and x an array, but x is a function. Are "
                           "the arguments swapped? The order is numerical_gradient(f, x)."))
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        dtype = tr(" of dtype {dtype}", dtype=x.dtype) if isinstance(x, np.ndarray) else ""
        raise ShapeError(tr("numerical_gradient: x must be a float NumPy array that f reads, got {type}{dtype}. Make "
                            "it one with np.asarray(x, dtype=float).", type=type(x).__name__, dtype=dtype))
    if not callable(f):
        raise TypeError(tr("numerical_gradient(f, x): f must be a function of x, but a {type} was given. Are the "
                           "arguments swapped? The order is numerical_gradient(f, x).", type=type(f).__name__))
    h = check_rate(h, "h", where="numerical_gradient", high=1.0, example=1e-5)
    return _central_differences(f, x, h)[0]


def _central_differences(f, x, h, watch=None):
    """The central differences of f with respect to every entry of x, and a boolean array marking the
    entries whose nudge changed ``watch()`` (the pattern of which ReLU inputs are positive)."""
    grad = np.zeros_like(x, dtype=np.float64)
    crossed = np.zeros(x.shape, dtype=bool)
    flat = x.reshape(-1)              # a view: writing to it changes x
    if not np.shares_memory(flat, x):
        raise ShapeError(tr("numerical_gradient: x must be a contiguous array (use np.ascontiguousarray)."))
    gflat, cflat = grad.reshape(-1), crossed.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = flat[i]                  # the value actually stored (in float32, old + h is rounded)
        f_plus = float(f(x))
        pattern_plus = watch() if watch else None
        flat[i] = old - h
        down = flat[i]
        f_minus = float(f(x))
        if watch:
            cflat[i] = any(a.shape != b.shape or not np.array_equal(a, b) for a, b in zip(pattern_plus, watch()))
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (float(up) - float(down))
    return grad, crossed


def rel_error(a, b):
    """Relative error of two gradients: ||a - b|| / (||a|| + ||b||) (0 when both are zero). Lesson 2 (the
    slopes of a line against the nudged ones), Lesson 6 (every weight of a network).

    Inputs: a, b, arrays of the same shape. Returns a float: about 1e-10 or smaller when two float64
    gradients agree, near 1 when they have nothing in common.
    """
    a = check_array(a, "a", floating=True, allow_empty=True, where="rel_error").astype(np.float64)
    b = check_array(b, "b", floating=True, allow_empty=True, where="rel_error").astype(np.float64)
    if a.shape != b.shape:
        raise ShapeError(tr("rel_error: the two gradients must have the same shape, got {shape_a} and {shape_b}.",
                            shape_a=a.shape, shape_b=b.shape))
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


class GradientReport(dict):
    """What ``check_gradients`` returns (Lesson 6): a dict {name: relative error}, plus a verdict for each.

    Inputs (check_gradients makes it):
    - errors: {name: relative error of backward's gradient against the numerical one}.
    - verdicts: {name: "ok" (below the tolerance), "kink" (below it only without the entries whose nudge
      crossed a ReLU kink), "float32" (above 1e-7 but below float32's bar of 1e-2) or "wrong" (above the
      tolerance: backward is wrong)}.
    - skipped: {name: the number of entries left out because their nudge crossed a ReLU kink}.
    - tolerance: the largest relative error of a correct backward (1e-7 in float64, 1e-2 in float32);
      h: the step of the central differences.
    Returns the dict, with these four as attributes; ``report.ok`` is True when no verdict is "wrong", and
    ``report.explain(name)`` gives one sentence on the verdict for ``name`` (what check_gradients prints).
    """

    def __init__(self, errors, verdicts, skipped, tolerance, h):
        super().__init__(errors)
        self.verdicts, self.skipped, self.tolerance, self.h = verdicts, skipped, tolerance, h

    @property
    def ok(self):
        return all(v != "wrong" for v in self.verdicts.values())

    def explain(self, name):
        """One sentence on the verdict for ``name``."""
        v, n = self.verdicts[name], self.skipped[name]
        if v == "wrong":
            return (f"WRONG: the backward gradient disagrees with the numerical one (relative error "
                    f"{self[name]:.1e}, a correct one stays below {self.tolerance:.0e}"
                    + (f" even without the {n} entries at a ReLU kink" if n else "") + "): check backward.")
        text = "ok"
        if v == "float32":
            text += (" for float32 (above 1e-7 only through float32 rounding; for a 1e-7 check use "
                     "float64 parameters and inputs)")
        if n:
            text += (f"; {n} entr{'y' if n == 1 else 'ies'} left out: nudging by +-{self.h:g} moved a ReLU "
                     f"input across 0 (the kink), where the numerical gradient is not a derivative")
        return text


def _relu_watchers(layers):
    """For every ReLU-like layer (nnkit's ReLU or a class whose name contains "relu"), record which of its
    inputs are positive in each forward. Returns (read, undo)."""
    from .layers import ReLU
    patterns = {}
    undo = []
    for layer in layers:
        if not (isinstance(layer, ReLU) or "relu" in type(layer).__name__.lower()):
            continue
        if "forward" in vars(layer):           # someone already replaced forward on this object: leave it
            continue
        original = layer.forward

        def recording(X, _original=original, _key=id(layer)):
            patterns[_key] = np.asarray(X) > 0
            return _original(X)

        layer.forward = recording
        undo.append(layer)

    def read():
        return [patterns[k] for k in sorted(patterns)]

    def restore():
        for layer in undo:
            del layer.forward

    return read, restore


def check_gradients(model, loss, X, y, h=None, verbose=True, input_grad=False):
    """Compare ``model``'s backprop gradients with numerical ones on one batch, and say for each parameter
    whether backward is right, and if the numbers differ, why (a ReLU kink, float32 rounding). Lesson 6.

    Inputs:
    - model: a Sequential or a single layer (any layer meeting the contract of docs/LAYERS.md).
    - loss: a loss object; X (N, D) and y (N,) labels or (N, M) targets: the batch.
    - h: the central-difference step (default 1e-5, or 1e-3 when the parameters or X are float32);
      verbose: print a table; input_grad: also check dL/dX.
    Returns a :class:`GradientReport`, a dict {name: relative error}: one entry per parameter, named as
    ``Sequential.params`` names them (W1, b1, ...), and "X" when ``input_grad``; entries whose nudge
    crossed a ReLU kink are left out. ``report.verdicts`` says "ok", "kink", "float32" or "wrong" for
    each, ``report.ok`` whether none is wrong.
    """
    from .errors import check_object
    from .model import Sequential
    check_object(loss, "loss", "loss", where="check_gradients")
    check_object(model, "model", "model", where="check_gradients", example="...")
    X = check_array(X, "X", floating=True, where="check_gradients")
    seq = model if isinstance(model, Sequential) else Sequential(model)
    params = seq.params
    dtypes = {p.dtype for p in params.values()} | {X.dtype}
    low = min(dtypes, key=lambda d: d.itemsize)
    dtype = np.dtype(np.float64) if low.itemsize >= 8 else np.dtype(np.float32)
    tol = TOLERANCE[dtype]
    h = STEP[dtype] if h is None else check_rate(h, "h", where="check_gradients", high=1.0, example=1e-5)

    def f(_):
        return loss.forward(seq.forward(X), y)

    read, restore = _relu_watchers(seq.layers)
    try:
        f(None)
        dX = seq.backward(loss.backward(), input_grad=True)
        analytic = {k: np.array(g, dtype=np.float64) for k, g in seq.grads.items()}
        if input_grad:
            analytic["X"] = np.array(dX, dtype=np.float64)
        targets = dict(params)
        if input_grad:
            X = X.copy()
            targets["X"] = X
        errors, verdicts, skipped = {}, {}, {}
        for name, p in targets.items():
            if name not in analytic or np.shape(analytic[name]) != p.shape:
                key = name[:-1] if name[-1].isdigit() else name
                raise ShapeError(tr("check_gradients: the gradient of {name!r} after backward has shape {grad_shape}, "
                                    "but the parameter has shape {shape}. backward must set grads[{key!r}] to an array "
                                    "of the parameter's shape.", name=name, grad_shape=np.shape(analytic.get(name)),
                                    shape=p.shape, key=key))
            numeric, crossed = _central_differences(f, p, h, watch=read)
            a = analytic[name]
            full = rel_error(a, numeric)
            kept = ~crossed
            err = rel_error(a[kept], numeric[kept]) if crossed.any() else full
            errors[name], skipped[name] = err, int(crossed.sum())
            if err >= tol:
                verdicts[name] = "wrong"
            elif dtype == np.float32 and err >= TOLERANCE[np.dtype(np.float64)]:
                verdicts[name] = "float32"
            elif crossed.any() and full >= tol:
                verdicts[name] = "kink"
            else:
                verdicts[name] = "ok"
    finally:
        restore()
    report = GradientReport(errors, verdicts, skipped, tol, h)
    if verbose:
        width = max([len(k) for k in report] + [5])
        print(f"{'param':<{width}}  relative error")
        for k, v in report.items():
            print(f"{k:<{width}}  {v:.2e}  {report.explain(k)}")
    return report
