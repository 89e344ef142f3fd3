"""Gradient checking: compare analytic gradients (backward) with numerical ones (central differences).

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h)        error O(h^2)

``rel_error(a, b) = ||a - b|| / (||a|| + ||b||)``: below 1e-7 in float64 means the backward pass is right.
"""
import numpy as np

from .errors import ShapeError, check_array

__all__ = ["numerical_gradient", "rel_error", "check_gradients"]


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function ``f`` at the float array ``x``. Lesson 3 (one
    weight), Lesson 6 (every weight of a network).

    Inputs:
    - f: a function of the array, returning a number; it is called as ``f(x)`` (a closure that ignores its
      argument and reads the array works too).
    - x: float array of any shape; changed in place, one element at a time, and restored.
    - h: the step of the central difference (f(x + h e_i) - f(x - h e_i)) / (2h).
    Returns an array of x's shape (float64): df/dx_i for every element.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise ShapeError("numerical_gradient: x must be a float NumPy array that f reads, "
                         f"got {type(x).__name__}{'' if not isinstance(x, np.ndarray) else ' of dtype ' + str(x.dtype)}.")
    grad = np.zeros_like(x, dtype=np.float64)
    flat = x.reshape(-1)              # a view: writing to it changes x
    if not np.shares_memory(flat, x):
        raise ShapeError("numerical_gradient: x must be a contiguous array (use np.ascontiguousarray).")
    gflat = grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = float(f(x))
        flat[i] = old - h
        f_minus = float(f(x))
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * h)
    return grad


def rel_error(a, b):
    """Relative error of two gradients: ||a - b|| / (||a|| + ||b||) (0 when both are zero). Lesson 6.

    Inputs: a, b, arrays of the same shape. Returns a float: about 1e-10 or smaller when two float64
    gradients agree, near 1 when they have nothing in common.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ShapeError(f"rel_error: the two gradients must have the same shape, got {a.shape} and {b.shape}.")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def check_gradients(model, loss, X, y, h=1e-5, verbose=True, input_grad=False):
    """Compare ``model``'s backprop gradients with numerical ones on one batch. Lesson 6.

    Inputs:
    - model: a Sequential or a single layer (any layer meeting the contract of ``nnkit.Layer``).
    - loss: a loss object; X (N, D) and y (N,) labels or (N, M) targets: the batch.
    - h: the central-difference step; verbose: print a table; input_grad: also check dL/dX.
    Returns {name: relative error}: one entry per parameter, named as ``Sequential.params`` names them
    (W1, b1, ...), and "X" when ``input_grad``. Use float64 parameters and inputs: float32 is too coarse.
    """
    from .model import Sequential
    X = check_array(X, "X", floating=True, where="check_gradients")
    seq = model if isinstance(model, Sequential) else Sequential(model)

    def f(_):
        return loss.forward(seq.forward(X), y)

    f(None)
    dX = seq.backward(loss.backward(), input_grad=True)
    analytic = {k: g.copy() for k, g in seq.grads.items()}
    report = {}
    for name, p in seq.params.items():
        report[name] = rel_error(analytic[name], numerical_gradient(f, p, h))
    if input_grad:
        X = X.copy()
        report["X"] = rel_error(dX, numerical_gradient(lambda _: loss.forward(seq.forward(X), y), X, h))
    if verbose:
        width = max(len(k) for k in report) if report else 4
        print(f"{'param':<{width}}  relative error")
        for k, v in report.items():
            print(f"{k:<{width}}  {v:.2e}  {'ok' if v < 1e-7 else 'CHECK'}")
    return report
