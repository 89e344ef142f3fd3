"""A sequential model: layers applied one after the other, and backprop through them in reverse."""
import numpy as np

from .errors import ShapeError
from .layers import Linear, ReLU, Sigmoid, Tanh
from . import functions as F

__all__ = ["Sequential", "mlp", "ParamDict"]


class ParamDict(dict):
    """A dict of named parameter arrays that may also carry ``flat``: one array they are all views of."""
    flat = None


class Sequential:
    """Apply ``layers`` in order: out = layer_K(... layer_2(layer_1(X))).

    ``params`` and ``grads`` are flat dicts named "<layer index>.<name>" (e.g. "0.W", "0.b", "2.W"),
    holding the layers' own arrays, so ``optimizer.update(model.params, model.grads)`` trains the model.
    """

    def __init__(self, *layers):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for i, layer in enumerate(layers):
            if not hasattr(layer, "forward") or not hasattr(layer, "backward"):
                raise TypeError(f"Sequential: item {i} ({layer!r}) is not a layer: it needs forward and backward.")
        if not layers:
            raise ValueError("Sequential needs at least one layer, e.g. Sequential(Linear(784, 10)).")
        self.layers = list(layers)
        self.params, self.grads = ParamDict(), ParamDict()
        for i, layer in enumerate(self.layers):
            for name in getattr(layer, "params", {}):
                self.params[f"{i}.{name}"] = layer.params[name]
                self.grads[f"{i}.{name}"] = layer.grads[name]
        self._pack()

    def _pack(self):
        """Move all parameters (and all gradients) into one flat array each; the layers keep views of it.

        Nothing changes for the layers or for code that uses ``params``/``grads`` by name, but an optimizer
        can update every parameter with a handful of NumPy calls on ``params.flat`` instead of a handful
        per array: for small networks that is most of the time an update takes.
        """
        arrays = list(self.params.values())
        if not arrays or len({a.dtype for a in arrays}) != 1:
            return
        dtype = arrays[0].dtype
        total = sum(a.size for a in arrays)
        flat_p, flat_g = np.empty(total, dtype), np.zeros(total, dtype)
        offset = 0
        layer_keys = [(layer, name) for layer in self.layers for name in getattr(layer, "params", {})]
        for (layer, name), key in zip(layer_keys, list(self.params)):
            p = layer.params[name]
            view_p = flat_p[offset:offset + p.size].reshape(p.shape)
            view_g = flat_g[offset:offset + p.size].reshape(p.shape)
            view_p[...] = p
            layer.params[name] = self.params[key] = view_p
            layer.grads[name] = self.grads[key] = view_g
            offset += p.size
        self.params.flat, self.grads.flat = flat_p, flat_g

    def __call__(self, X):
        return self.forward(X)

    def forward(self, X):
        """X (N, D) -> output of the last layer (N, M)."""
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self, dout, input_grad=False):
        """Backprop ``dout`` = dL/d(output) through the layers in reverse; fills ``grads``.

        Returns dL/dX when ``input_grad`` is true (otherwise the first layer skips that product).
        """
        first = self.layers[0]
        if isinstance(first, Linear):
            first.need_dX = bool(input_grad)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        if isinstance(first, Linear):
            first.need_dX = True
        return dout

    def predict_proba(self, X):
        """Class probabilities (N, C): softmax of the scores; for one output column, P(class 1) (N,)."""
        out = self.forward(X)
        if out.ndim == 2 and out.shape[1] == 1:
            p = out[:, 0]
            return p if isinstance(self.layers[-1], Sigmoid) else F.sigmoid(p)
        return F.softmax(out)

    def predict(self, X):
        """Predicted class ids (N,): argmax of the scores; for one output column, probability >= 0.5."""
        out = self.forward(X)
        if out.ndim == 2 and out.shape[1] == 1:
            cut = 0.5 if isinstance(self.layers[-1], Sigmoid) else 0.0
            return (out[:, 0] >= cut).astype(np.int64)
        return out.argmax(axis=1)

    def num_params(self):
        return int(sum(p.size for p in self.params.values()))

    def __repr__(self):
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        return f"Sequential(\n  {inner}\n)  # {self.num_params():,} parameters"


def mlp(sizes, activation="relu", *, seed=0, dtype=np.float64, init=None):
    """Multi-layer perceptron: Linear layers of the given sizes with an activation between them.

    ``mlp([784, 100, 100, 10])`` is Linear(784,100) ReLU Linear(100,100) ReLU Linear(100,10).
    The last layer outputs raw scores: pair it with SoftmaxCrossEntropy (or BCE with from_logits=True).
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2:
        raise ShapeError(f"mlp needs at least an input and an output size, e.g. [784, 10]; got {sizes}.")
    acts = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh}
    if activation not in acts:
        raise ValueError(f"mlp: activation must be one of {sorted(acts)}, got {activation!r}.")
    init = init or ("he" if activation == "relu" else "xavier")
    layers = []
    for i, (d, m) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(Linear(d, m, init=init, seed=seed + i, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(acts[activation]())
    return Sequential(*layers)
