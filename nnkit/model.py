"""A sequential model: layers applied one after the other, and backprop through them in reverse (Lesson 6)."""
import numpy as np

from .errors import ShapeError
from .layers import Linear, ReLU, Sigmoid, Tanh
from . import functions as F
from .i18n import tr

__all__ = ["Sequential", "mlp"]


# The activation layers by the names that mlp and the hidden-layer widget of lesson 5 use.
ACTIVATIONS = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh}


class Params(dict):
    """The dict that ``Sequential.params`` and ``.grads`` return: plain dict, with a helpful KeyError."""

    def __missing__(self, key):
        raise KeyError(tr("{key!r}: this model's parameters are named {names}. The k-th layer that has parameters "
                          "gets the number k (W1, b1, W2, ...), as in lesson 6.", key=key,
                          names=", ".join(self) or tr("(none)")))


class Sequential:
    """Apply ``layers`` in order: out = layer_K(... layer_2(layer_1(X))). Lesson 6.

    Inputs: the layers, e.g. ``Sequential(Linear(784, 100), ReLU(), Linear(100, 10))`` (or one list of them).
    Each layer meets the contract of docs/LAYERS.md (forward, backward, params, grads).
    Returns a model: ``forward(X)`` X (N, D) -> out (N, C); ``backward(dout)`` fills the layers' grads;
    ``predict(X)`` class ids (N,); ``predict_proba(X)`` probabilities (N, C), or (N,) for one output.

    ``params`` and ``grads`` are dicts named as lesson 6 names them: the k-th layer that has parameters
    contributes ``W{k}`` and ``b{k}`` (W1, b1, W2, b2, ...; a parameter "gamma" of your own layer would
    be "gamma{k}"). They are read from the layers every time you ask, so they always hold the layers'
    current arrays: ``optimizer.update(model.params, model.grads)`` after ``backward`` trains the model.
    """

    def __init__(self, *layers):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        if not layers:
            raise ValueError(tr("Sequential needs at least one layer, e.g. Sequential(Linear(784, 10))."))
        for i, layer in enumerate(layers):
            if isinstance(layer, type):
                raise TypeError(tr("Sequential: item {i} is the class {layer}, not a layer: write {layer}(...) with "
                                   "parentheses to make one.", i=i, layer=layer.__name__))
            if not hasattr(layer, "forward") or not hasattr(layer, "backward"):
                raise TypeError(tr("Sequential: item {i} ({layer!r}) is not a layer: it needs forward and backward.",
                                   i=i, layer=layer))
        self.layers = list(layers)

    def _named(self, which):
        named, k = Params(), 0
        for layer in self.layers:
            arrays = getattr(layer, which, None) or {}
            if arrays or getattr(layer, "params", None):
                k += 1
            for name, array in arrays.items():
                named[f"{name}{k}"] = array
        return named

    @property
    def params(self):
        """{"W1": W1, "b1": b1, ...}: the layers' own parameter arrays (change them in place to train)."""
        return self._named("params")

    @property
    def grads(self):
        """{"W1": dW1, "b1": db1, ...}: the layers' gradients from the last ``backward``."""
        return self._named("grads")

    def __call__(self, X):
        return self.forward(X)

    def forward(self, X):
        """X (N, D) -> output of the last layer (N, M)."""
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self, dout, input_grad=False):
        """Backprop ``dout`` = dL/d(output) (N, M) through the layers in reverse; fills every layer's ``grads``.

        Returns dL/dX (N, D) when ``input_grad`` is true, otherwise None (and an nnkit ``Linear`` first
        layer then skips computing it: the input is the data, nobody needs its gradient to train).
        """
        first, *rest = self.layers
        for layer in reversed(rest):
            dout = layer.backward(dout)
        if isinstance(first, Linear) and not input_grad:
            return first.backward(dout, need_dX=False)
        dX = first.backward(dout)
        return dX if input_grad else None

    def predict_proba(self, X):
        """Class probabilities: softmax of the scores (N, C); for one output column, P(class 1) (N,)."""
        out = self.forward(X)
        if out.ndim == 2 and out.shape[1] == 1:
            return out[:, 0] if self._outputs_probabilities() else F.sigmoid(out[:, 0])
        return F.softmax(out)

    def predict(self, X):
        """Predicted class ids (N,): the rule of ``nnkit.metrics.to_labels`` applied to the output
        (argmax of the scores; for one output column, class 1 where P(class 1) >= 0.5)."""
        from .metrics import to_labels
        return to_labels(self.forward(X), logits=not self._outputs_probabilities())

    def _outputs_probabilities(self):
        return isinstance(self.layers[-1], Sigmoid)

    def num_params(self):
        """Number of numbers the model learns (the sizes of all parameter arrays added up)."""
        return int(sum(p.size for p in self.params.values()))

    def __repr__(self):
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Sequential(\n  {inner}\n)  # {self.num_params():,} parameters"


def mlp(sizes, activation="relu", *, seed=0, dtype=np.float64, init=None):
    """Multi-layer perceptron: Linear layers of the given sizes with an activation between them. Lesson 6.

    Inputs:
    - sizes: [D, H1, ..., C], e.g. ``[784, 100, 100, 10]`` is Linear(784,100) ReLU Linear(100,100) ReLU
      Linear(100,10).
    - activation: "relu", "sigmoid" or "tanh"; init: as in Linear (default "he" for ReLU, else "xavier").
    - seed: layer i gets seed + i; dtype: np.float64 or np.float32.
    Returns a Sequential whose last layer outputs raw scores (N, C): pair it with SoftmaxCrossEntropy
    (or, for one output, BinaryCrossEntropy(from_logits=True)).
    """
    if isinstance(sizes, (int, np.integer)) or not hasattr(sizes, "__len__"):
        raise TypeError(tr("mlp(sizes): sizes must be a list of layer sizes, e.g. mlp([784, 100, 10]), but {sizes!r} "
                           "was given.", sizes=sizes))
    from .errors import check_count
    sizes = [check_count(s, tr("every entry of sizes"), where="mlp") for s in sizes]
    if len(sizes) < 2:
        raise ShapeError(tr("mlp needs at least an input and an output size, e.g. [784, 10]; got {sizes}.",
                            sizes=sizes))
    if activation not in ACTIVATIONS:
        raise ValueError(tr("mlp: activation must be one of {choices}, got {activation!r}.", choices=list(ACTIVATIONS),
                            activation=activation))
    init = init or ("he" if activation == "relu" else "xavier")
    layers = []
    for i, (d, m) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Linear(d, m, init=init, seed=seed + i, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return Sequential(*layers)
