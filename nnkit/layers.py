"""Layers: small classes with ``forward(X)`` and ``backward(dout)``, written the way lesson 6 writes them.

Each layer keeps in ``forward`` exactly what ``backward`` needs (Linear keeps its input, ReLU its mask),
and ``backward`` mirrors ``forward`` line by line. The contract a layer meets, nnkit's own and one you
write yourself, is in the docstring of :class:`Layer`.

Shapes: rows are examples. Inputs ``X`` (N, D), weights ``W`` (D, M), biases ``b`` (M,), outputs (N, M).
"""
import numpy as np

from .errors import ShapeError, check_array, check_count
from . import functions as F

__all__ = ["Layer", "Linear", "ReLU", "Sigmoid", "Tanh"]


class Layer:
    """Base class of the layers, and the contract that every layer meets (Lesson 6, "the same network from
    nnkit layers"). A layer you write works in :class:`~nnkit.Sequential`, :func:`~nnkit.train` and
    :func:`~nnkit.check_gradients` when it does these five things:

    1. ``forward(X)`` takes the input ``X`` (N, D) and returns the output (N, M). It keeps what
       ``backward`` will need (its input, a mask, its output) as attributes.
    2. ``backward(dout)`` takes ``dout`` = dL/d(output), the shape of the last output, and returns
       ``dX`` = dL/dX, the shape of the last input. It is called after ``forward`` on the same batch.
    3. ``params`` is a dict of the layer's float arrays, e.g. ``{"W": W, "b": b}`` (an empty dict
       for a layer without parameters, as in this base class).
       Optimizers change these arrays **in place** (``W -= lr * dW``), so ``forward`` must compute with
       the arrays in ``self.params`` (or with attributes that are the very same arrays, ``self.W is
       self.params["W"]``), not with copies of them.
    4. ``grads`` has the same keys. After ``backward``, ``grads[name]`` holds dL/d``params[name]``, an array
       of the same shape. You may assign a new array (``self.grads["W"] = self.X.T @ dout``, as lesson 6
       writes it) or write into the old one (``self.grads["W"][...] = ...``): Sequential, train and the
       optimizers read ``grads`` afresh after every backward.
    5. ``backward`` *sets* the gradients of one batch; it does not add to the previous batch's.

    Inputs / Returns of the two methods (every subclass):
        forward(X):     X (N, D)  ->  out (N, M)
        backward(dout): dout (N, M)  ->  dX (N, D)
    """

    def __init__(self):
        self.params, self.grads = {}, {}

    def __call__(self, X):
        return self.forward(X)

    def forward(self, X):  # pragma: no cover - every layer overrides it
        raise NotImplementedError(f"{type(self).__name__} must define forward(X)")

    def backward(self, dout):  # pragma: no cover
        raise NotImplementedError(f"{type(self).__name__} must define backward(dout)")

    def _check_dout(self, dout, out_shape):
        if not isinstance(dout, np.ndarray):
            raise ShapeError(f"{type(self).__name__}.backward: dout must be a NumPy array of shape {out_shape} "
                             f"(the gradient of the loss with respect to this layer's output), but a "
                             f"{type(dout).__name__} was given. Convert it with np.asarray(dout).")
        if dout.dtype.kind not in "biuf":
            check_array(dout, "dout", where=f"{type(self).__name__}.backward")
        if dout.shape != out_shape:
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
    """Affine (fully connected) layer: out = X @ W + b. Lesson 4 ("p = Wx + b"), backward in Lesson 6.

    Inputs:
    - D, M: number of inputs and of outputs.
    - init: how W starts: "he" (std sqrt(2/D), for ReLU nets), "xavier" (std sqrt(1/D), for tanh and
      sigmoid), "small" (std 0.01) or "zeros"; b starts at zero. Or give ``W`` (D, M) and ``b`` (M,).
    - seed: seed of the random initial weights; dtype: np.float64 (default) or np.float32.

    Returns (the layer's two methods):
    - forward(X): X (N, D) -> out (N, M).
    - backward(dout, need_dX=True): dout (N, M) = dL/dout ->
        dW = X^T dout      (D, M)     slides (one example, column vectors): delta_W = delta_p x^T
        db = sum_n dout    (M,)       slides: delta_b = delta_p
        returns dX = dout W^T (N, D)  slides: delta_x = W^T delta_p
      With ``need_dX=False`` it returns None and skips that product: Sequential asks for this in its first
      layer, whose input is the data itself (nobody needs dL/d(pixels) to train).
    params: W (D, M), b (M,); grads: the same keys and shapes, filled by backward.
    """

    def __init__(self, D, M, *, init="he", seed=0, dtype=np.float64, W=None, b=None):
        super().__init__()
        if isinstance(D, np.ndarray) or isinstance(M, np.ndarray):
            raise TypeError("Linear(D, M): D and M are the numbers of inputs and outputs, e.g. Linear(784, 100), "
                            "but an array was given. To start from given weights write Linear(D, M, W=W, b=b).")
        D = check_count(D, "D (the number of inputs)", where="Linear")
        M = check_count(M, "M (the number of outputs)", where="Linear")
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

    def forward(self, X):
        X = check_array(X, "X", ndim=2, where="Linear.forward")
        if X.shape[1] != self.D:
            raise ShapeError(f"Linear.forward: X must have shape (N, {self.D}) for a layer with D={self.D} "
                             f"inputs, but it has shape {X.shape}. Check the previous layer's size, or "
                             f"flatten images with X.reshape(len(X), -1).")
        self.X = X                                     # kept for backward: dW = X^T dout
        return X @ self.params["W"] + self.params["b"]

    def backward(self, dout, need_dX=True):
        if self.X is None:
            self._need_forward()
        self._check_dout(dout, (self.X.shape[0], self.M))
        self.grads["W"] = self.X.T @ dout              # dW = X^T dout
        self.grads["b"] = dout.sum(axis=0)             # db = sum of dout over the batch
        if not need_dX:
            return None
        return dout @ self.params["W"].T               # dX = dout W^T

    def __repr__(self):
        return f"Linear({self.D}, {self.M})"


class ReLU(Layer):
    """ReLU(X) = max(X, 0), element-wise. Lesson 5 (the function), backward in Lesson 6.

    Inputs: none (no parameters). Returns (the layer's two methods):
    - forward(X): X (N, D) -> out (N, D); keeps the mask X > 0.
    - backward(dout): dout (N, D) -> dX = dout * (X > 0) (N, D): the gradient passes where the input was
      positive and stops elsewhere (at exactly 0 too: the derivative used there is 0).
    """

    def __init__(self):
        super().__init__()
        self.mask = None

    def forward(self, X):
        X = check_array(X, "X", where="ReLU.forward")
        self.mask = X > 0
        return np.maximum(X, 0)

    def backward(self, dout):
        if self.mask is None:
            self._need_forward()
        self._check_dout(dout, self.mask.shape)
        return dout * self.mask


class Sigmoid(Layer):
    """out = sigmoid(X) = 1 / (1 + exp(-X)), element-wise. Lesson 4 (the function), Lesson 5 (as a layer).

    Inputs: none (no parameters). Returns (the layer's two methods):
    - forward(X): X (N, D) -> out (N, D), kept for backward.
    - backward(dout): dout (N, D) -> dX = dout * out * (1 - out) (N, D).
    """

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
    """out = tanh(X), element-wise. Lesson 5.

    Inputs: none (no parameters). Returns (the layer's two methods):
    - forward(X): X (N, D) -> out (N, D), kept for backward.
    - backward(dout): dout (N, D) -> dX = dout * (1 - out^2) (N, D).
    """

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
