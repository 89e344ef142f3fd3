"""Layers: small classes with ``forward(X)`` and ``backward(dout)``.

Each layer keeps in ``forward`` exactly what ``backward`` needs (Linear keeps its input, ReLU its mask),
and ``backward`` mirrors ``forward`` line by line. Parameters live in ``layer.params`` and their
gradients, written by ``backward``, in ``layer.grads`` (same keys, same shapes). Optimizers change
``params`` in place, so a layer always sees its current weights.

Shapes: inputs ``X`` (N, D), rows are examples.
"""
import numpy as np

from .errors import ShapeError, check_array
from . import functions as F

__all__ = ["Layer", "Linear", "ReLU", "Sigmoid", "Tanh"]


class Layer:
    """Base class: a layer without parameters unless it says otherwise."""

    params: dict
    grads: dict

    def __init__(self):
        self.params, self.grads = {}, {}

    def __call__(self, X):
        return self.forward(X)

    def forward(self, X):  # pragma: no cover - every layer overrides it
        raise NotImplementedError

    def backward(self, dout):  # pragma: no cover
        raise NotImplementedError

    def _check_dout(self, dout, out_shape):
        if not isinstance(dout, np.ndarray) or dout.shape != out_shape:
            given = dout.shape if isinstance(dout, np.ndarray) else type(dout).__name__
            raise ShapeError(f"{type(self).__name__}.backward: dout must have the shape of this layer's last "
                             f"output {out_shape}, but it has shape {given}. Call forward before backward, "
                             f"with the same batch.")

    def _need_forward(self):
        raise ShapeError(f"{type(self).__name__}.backward was called before forward: run forward(X) first, "
                         f"then backward(dout) with dout of the same shape as the output.")

    def __repr__(self):
        return f"{type(self).__name__}()"


class Linear(Layer):
    """Affine (fully connected) layer: out = X @ W + b.

    Shapes: X (N, D), W (D, M), b (M,), out (N, M).
    Backward, with dout = dL/dout (N, M):
        dW = X^T dout   (D, M)      -- slides: delta_W = delta_p x^T
        db = sum_n dout (M,)        -- slides: delta_b = delta_p
        dX = dout W^T   (N, D)      -- slides: delta_x = W^T delta_p

    ``init``: "he" (std sqrt(2/D), for ReLU nets), "xavier" (std sqrt(1/D), for tanh/sigmoid),
    "small" (std 0.01), or "zeros". ``W``/``b`` may be given directly instead.
    """

    def __init__(self, D, M, *, init="he", seed=0, dtype=np.float64, W=None, b=None):
        super().__init__()
        D, M = int(D), int(M)
        if D < 1 or M < 1:
            raise ShapeError(f"Linear(D, M) needs at least one input and one output, but got D={D}, M={M}.")
        scales = {"he": np.sqrt(2.0 / D), "xavier": np.sqrt(1.0 / D), "small": 0.01, "zeros": 0.0}
        if W is None:
            if init not in scales:
                raise ValueError(f"Linear: init must be one of {sorted(scales)}, but got {init!r}.")
            W = np.random.default_rng(seed).standard_normal((D, M)) * scales[init]
        W = check_array(W, "W", shape=(D, M), floating=True, where="Linear")
        b = np.zeros(M) if b is None else check_array(b, "b", shape=(M,), floating=True, where="Linear")
        self.params = {"W": np.array(W, dtype=dtype), "b": np.array(b, dtype=dtype)}
        self.grads = {"W": np.zeros((D, M), dtype=dtype), "b": np.zeros(M, dtype=dtype)}
        self.D, self.M = D, M
        self.X = None
        self.need_dX = True   # Sequential turns this off for its first layer: nobody needs dL/dX there

    W = property(lambda self: self.params["W"])
    b = property(lambda self: self.params["b"])
    dW = property(lambda self: self.grads["W"])
    db = property(lambda self: self.grads["b"])

    def forward(self, X):
        if not isinstance(X, np.ndarray) or X.ndim != 2 or X.shape[1] != self.D or X.shape[0] == 0:
            X = check_array(X, "X", ndim=2, where="Linear.forward")
            if X.shape[1] != self.D:
                raise ShapeError(f"Linear.forward: X must have shape (N, {self.D}) for a layer with D={self.D} "
                                 f"inputs, but it has shape {X.shape}. Check the previous layer's size or "
                                 f"flatten images with X.reshape(len(X), -1).")
        self.X = X
        out = X @ self.params["W"]
        out += self.params["b"]
        return out

    def backward(self, dout):
        if self.X is None:
            self._need_forward()
        if dout.shape != (self.X.shape[0], self.M):
            self._check_dout(dout, (self.X.shape[0], self.M))
        np.matmul(self.X.T, dout, out=self.grads["W"])   # dW = X^T dout
        np.sum(dout, axis=0, out=self.grads["b"])         # db = sum over the batch
        if not self.need_dX:
            return None
        return dout @ self.params["W"].T                  # dX = dout W^T

    def __repr__(self):
        return f"Linear({self.D}, {self.M})"


class ReLU(Layer):
    """ReLU(X) = max(X, 0). Backward: pass dout where the output was positive, zero it elsewhere."""

    def __init__(self):
        super().__init__()
        self.mask = None

    def forward(self, X):
        if not isinstance(X, np.ndarray):
            X = check_array(X, "X", where="ReLU.forward")
        self.mask = X > 0
        return np.maximum(X, 0)

    def backward(self, dout):
        if self.mask is None:
            self._need_forward()
        if dout.shape != self.mask.shape:
            self._check_dout(dout, self.mask.shape)
        return dout * self.mask


class Sigmoid(Layer):
    """out = 1 / (1 + exp(-X)). Backward: dX = dout * out * (1 - out)."""

    def __init__(self):
        super().__init__()
        self.out = None

    def forward(self, X):
        X = check_array(X, "X", floating=True, where="Sigmoid.forward")
        self.out = F.sigmoid(X)
        return self.out

    def backward(self, dout):
        if self.out is None:
            self._need_forward()
        self._check_dout(dout, self.out.shape)
        return dout * self.out * (1.0 - self.out)


class Tanh(Layer):
    """out = tanh(X). Backward: dX = dout * (1 - out^2)."""

    def __init__(self):
        super().__init__()
        self.out = None

    def forward(self, X):
        X = check_array(X, "X", floating=True, where="Tanh.forward")
        self.out = np.tanh(X)
        return self.out

    def backward(self, dout):
        if self.out is None:
            self._need_forward()
        self._check_dout(dout, self.out.shape)
        return dout * (1.0 - self.out ** 2)
