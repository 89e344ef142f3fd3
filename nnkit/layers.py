"""Layers: small classes with ``forward(X)`` and ``backward(dout)``, the class form of lesson 6's functions.

Lesson 6 writes the backward pass as one function over dicts, e.g. ``g["W3"] = cache["x2"].T @ dp``. A layer
holds the same lines for one layer, with shorter names: its input ``self.X`` (lesson 6: ``cache["x2"]``), the
gradient arriving from above ``dout`` (lesson 6: ``dp``, ``da2``), its ``self.params["W"]`` and
``self.grads["W"]`` (lesson 6: ``P["W3"]`` and ``g["W3"]``; ``Sequential`` numbers them W1, W2, ... again).

Shapes: rows are examples. Inputs ``X`` (N, D), weights ``W`` (D, M), biases ``b`` (M,), outputs (N, M).
What a layer of your own must do to work in Sequential, train and check_gradients: ``docs/LAYERS.md``.
The checks of the inputs are at the end of this file; each method calls them in one line.
"""
import numpy as np

from .errors import ShapeError, check_array, check_count
from . import functions as F
from .i18n import tr

__all__ = ["Layer", "Linear", "ReLU", "Sigmoid", "Tanh"]


class Layer:
    """Base class of the layers (Lesson 6): ``params`` and ``grads`` (dicts of arrays with the same keys; empty
    for a layer without parameters) and ``layer(X)``, short for ``layer.forward(X)``.

    Inputs: none. Returns (the two methods every subclass writes):
        forward(X):     X (N, D)  ->  out (N, M), keeping what backward needs
        backward(dout): dout = dL/d(out) (N, M)  ->  dX = dL/dX (N, D), leaving dL/d(param) in ``grads``
    The whole contract, for a layer of your own: docs/LAYERS.md.
    """

    def __init__(self):
        self.params, self.grads = {}, {}

    def __call__(self, X):
        return self.forward(X)

    def __repr__(self):
        return f"{type(self).__name__}()"


class Linear(Layer):
    """Affine (fully connected, "Dense") layer: out = X @ W + b. Lesson 4 (p = Wx + b), backward in Lesson 6.

    Inputs: D, M, the numbers of inputs and outputs; init: how W starts, "he" (std sqrt(2/D), for ReLU nets,
    the default), "xavier" (std sqrt(1/D), for tanh and sigmoid), "small" (std 0.01) or "zeros" (b starts at
    zero), or give ``W`` (D, M) and ``b`` (M,); seed of the random weights; dtype np.float64 or np.float32.
    Returns (the layer's two methods):
    - forward(X): X (N, D) -> out = X @ W + b (N, M); keeps X.
    - backward(dout, need_dX=True): dout (N, M) = dL/dout ->
        dW = X^T dout      (D, M)     lesson 6: g["W3"] = cache["x2"].T @ dp;  slides: delta_W = delta_p x^T
        db = sum_n dout    (M,)       lesson 6: g["b3"] = dp.sum(axis=0);      slides: delta_b = delta_p
        returns dX = dout W^T (N, D)  lesson 6: dx2 = dp @ P["W3"].T;           slides: delta_x = W^T delta_p
      With ``need_dX=False`` it returns None: Sequential asks for that in its first layer, whose input is the
      data (lesson 6: "nobody needs the gradient of the pixels themselves").
    params: W (D, M), b (M,); grads: the same keys and shapes, set by backward.
    """

    def forward(self, X):
        X = _checked_input(self, X, width=self.D)
        self.X = X                                     # kept for backward: dW = X^T dout
        return X @ self.params["W"] + self.params["b"]

    def backward(self, dout, need_dX=True):
        _check_dout(self, dout, self.X, width=self.M)
        self.grads["W"] = self.X.T @ dout              # dW = X^T dout
        self.grads["b"] = dout.sum(axis=0)             # db = sum of dout over the batch
        if not need_dX:
            return None
        return dout @ self.params["W"].T               # dX = dout W^T

    def __init__(self, D, M, *, init="he", seed=0, dtype=np.float64, W=None, b=None):
        super().__init__()
        W, b = _initial_weights(D, M, init, seed, W, b)   # checked, at the end of this file
        self.params = {"W": np.array(W, dtype=dtype), "b": np.array(b, dtype=dtype)}
        self.grads = {"W": np.zeros_like(self.params["W"]), "b": np.zeros_like(self.params["b"])}
        self.D, self.M = W.shape
        self.X = None

    def __repr__(self):
        return f"Linear({self.D}, {self.M})"


class ReLU(Layer):
    """ReLU(X) = max(X, 0), element-wise. Lesson 5 (the function), backward in Lesson 6.

    Inputs: none (no parameters). Returns (the layer's two methods):
    - forward(X): X (N, D) -> out (N, D); keeps the mask X > 0 (lesson 6 takes it in backward: a2 > 0).
    - backward(dout): dout (N, D) -> dX = dout * (X > 0) (N, D): the gradient passes where the input was
      positive and stops elsewhere (at exactly 0 too: the derivative used there is 0).
    """

    def forward(self, X):
        X = _checked_input(self, X)
        self.mask = X > 0                              # where the unit is on
        return np.maximum(X, 0)

    def backward(self, dout):
        _check_dout(self, dout, self.mask)
        return dout * self.mask                        # lesson 6: da2 = dx2 * (cache["a2"] > 0)

    def __init__(self):
        super().__init__()
        self.mask = None


class Sigmoid(Layer):
    """out = sigmoid(X) = 1 / (1 + exp(-X)), element-wise. Lesson 4 (the function), Lesson 5 (as a layer).

    Inputs: none (no parameters). Returns (the layer's two methods):
    - forward(X): X (N, D) -> out (N, D), kept for backward.
    - backward(dout): dout (N, D) -> dX = dout * out * (1 - out) (N, D).
    """

    def forward(self, X):
        self.out = F.sigmoid(_checked_input(self, X, floating=True))
        return self.out

    def backward(self, dout):
        _check_dout(self, dout, self.out)
        return dout * self.out * (1.0 - self.out)      # sigmoid' = s (1 - s)

    def __init__(self):
        super().__init__()
        self.out = None


class Tanh(Layer):
    """out = tanh(X), element-wise. Lesson 5.

    Inputs: none (no parameters). Returns (the layer's two methods):
    - forward(X): X (N, D) -> out (N, D), kept for backward.
    - backward(dout): dout (N, D) -> dX = dout * (1 - out^2) (N, D).
    """

    def forward(self, X):
        self.out = np.tanh(_checked_input(self, X, floating=True))
        return self.out

    def backward(self, dout):
        _check_dout(self, dout, self.out)
        return dout * (1.0 - self.out ** 2)            # tanh' = 1 - tanh^2

    def __init__(self):
        super().__init__()
        self.out = None


# ---------------------------------------------------------------------------------------------------------
# The checks. Each method above calls one of these in one line; they raise an error that says what was
# expected, what was given and what to do.

def _initial_weights(D, M, init, seed, W, b):
    """Check Linear's arguments; return W (D, M) and b (M,), given or drawn (``init``, ``seed``)."""
    if isinstance(D, np.ndarray) or isinstance(M, np.ndarray):
        raise TypeError(tr("Linear(D, M): D and M are the numbers of inputs and outputs, e.g. Linear(784, 100), but "
                           "an array was given. To start from given weights write Linear(D, M, W=W, b=b)."))
    D = check_count(D, tr("D (the number of inputs)"), where="Linear")
    M = check_count(M, tr("M (the number of outputs)"), where="Linear")
    scales = {"he": np.sqrt(2.0 / D), "xavier": np.sqrt(1.0 / D), "small": 0.01, "zeros": 0.0}
    if W is None:
        if init not in scales:
            raise ValueError(tr("Linear: init must be one of {choices}, but got {init!r}.", choices=sorted(scales),
                                init=init))
        W = np.random.default_rng(seed).standard_normal((D, M)) * scales[init]
    W = check_array(W, "W", shape=(D, M), floating=True, where="Linear")
    b = np.zeros(M) if b is None else check_array(b, "b", shape=(M,), floating=True, where="Linear")
    return W, b


def _checked_input(layer, X, width=None, floating=False):
    """X as an array of numbers; for Linear, of shape (N, width)."""
    name = type(layer).__name__
    X = check_array(X, "X", ndim=2 if width else None, floating=floating, where=f"{name}.forward")
    if width and X.shape[1] != width:
        raise ShapeError(tr("{name}.forward: X must have shape (N, {width}) for a layer with D={width} inputs, but it "
                            "has shape {shape}. Check the previous layer's size, or flatten images with "
                            "X.reshape(len(X), -1).", name=name, width=width, shape=X.shape))
    return X


def _check_dout(layer, dout, kept, width=None):
    """dout must be an array of numbers of the last output's shape. ``kept`` is what forward kept (None before
    the first forward); the output's shape is kept's, or (rows of kept, width) for Linear."""
    name = type(layer).__name__
    if kept is None:
        raise ShapeError(tr("{name}.backward was called before forward: run forward(X) first, then backward(dout) "
                            "with dout of the same shape as the output.", name=name))
    out_shape = (kept.shape[0], width) if width else kept.shape
    if not isinstance(dout, np.ndarray):
        raise ShapeError(tr("{name}.backward: dout must be a NumPy array of shape {out_shape} (the gradient of the "
                            "loss with respect to this layer's output), but a {type} was given. Convert it with "
                            "np.asarray(dout).", name=name, out_shape=out_shape, type=type(dout).__name__))
    if dout.dtype.kind not in "biuf":
        check_array(dout, "dout", where=f"{name}.backward")
    if dout.shape != out_shape:
        raise ShapeError(tr("{name}.backward: dout must have the shape of this layer's last output {out_shape}, but "
                            "it has shape {shape}. Call forward before backward, with the same batch.", name=name,
                            out_shape=out_shape, shape=dout.shape))
