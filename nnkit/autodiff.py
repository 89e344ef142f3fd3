"""A tiny reverse-mode automatic differentiation on scalars (lesson 7).

What ``loss.backward()`` in PyTorch or ``tape.gradient`` in TensorFlow do, in about 200 lines:

1. Forward: every arithmetic operation on :class:`Value` objects computes its result *and* records
   which values it was made from, together with its **local derivatives** (d out / d input),
   evaluated at the current numbers. The recorded operations form a graph.
2. Backward: starting from the output with d out / d out = 1, walk the graph from the output back
   to the inputs (reverse topological order) and apply the chain rule at every node:

       input.grad += local_derivative * output.grad          (chain rule; "+=" sums over all paths)

The gradients are exact (up to floating-point rounding) at the current point: no finite differences,
no memory of earlier steps. What it is not: fast. One Python object per number is fine for
teaching and for checking a network of a few dozen weights, not for training on MNIST.

The graph walk is iterative (no recursion), so graphs a hundred thousand operations deep work, and
``backward()`` first sets every gradient in the graph to zero, so calling it twice gives the same
answer twice.

Example::

    >>> from nnkit.autodiff import Value
    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> y = (w * x + 1).tanh()
    >>> y.backward()
    >>> round(w.grad, 6), round(x.grad, 6)      # dy/dw = (1 - y^2) x,  dy/dx = (1 - y^2) w
    (0.000363, -0.000545)
"""
import math
import random

import numpy as np

from .i18n import tr

__all__ = ["Value", "topological_order", "Neuron", "MLP", "graph_edges"]


class Value:
    """One scalar in a computation graph, and its gradient. Lesson 7.

    Inputs:
    - data: a real number (int, float or NumPy scalar); text, complex numbers, lists and Values are refused.
    - label: an optional name, shown by ``repr`` and by ``draw_graph``.
    Returns a Value. Arithmetic with Values or plain numbers (+, -, *, /, unary -, ** a plain number) and
    ``.exp()``, ``.log()``, ``.tanh()``, ``.relu()``, ``.sigmoid()`` return new Values that record their
    parents and local derivatives; ``v.backward()`` then fills ``grad`` of every Value ``v`` depends on.

    Attributes
    ----------
    data : float          the number computed in the forward pass
    grad : float          d(output)/d(this value), filled by ``output.backward()``
    op : str              the operation that made this value ("" for a leaf such as a weight)
    parents : tuple       the Values this one was computed from
    local_grads : tuple   d(this)/d(parent) for each parent, evaluated in the forward pass
    label : str           an optional name, used when the graph is drawn
    """

    __slots__ = ("data", "grad", "op", "parents", "local_grads", "label")

    def __init__(self, data, label="", *, _parents=(), _local_grads=(), _op=""):
        if isinstance(data, Value):
            raise TypeError(tr("Value(data): data is already a Value; use it directly."))
        if isinstance(data, (str, bytes)) or isinstance(data, complex):
            raise TypeError(tr("Value(data): data must be a real number, but {data!r} was given. Write the number "
                               "itself, e.g. Value(2.0).", data=data))
        try:
            self.data = float(data)
        except (TypeError, ValueError):
            raise TypeError(tr("Value(data): data must be a number, but a {type} was given. A Value holds one number; "
                               "for a list of numbers make one Value each: [Value(v) for v in values].",
                               type=type(data).__name__)) from None
        self.grad = 0.0
        self.parents = tuple(_parents)
        self.local_grads = tuple(_local_grads)
        self.op = _op
        self.label = label

    # ---------------------------------------------------------------- helpers
    @staticmethod
    def _wrap(other):
        return other if isinstance(other, Value) else Value(other)

    def __repr__(self):
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.6g}, grad={self.grad:.6g})"

    # ---------------------------------------------------------------- operations
    # Each one: the forward number, then the local derivative of the result with respect to each input.
    def __add__(self, other):
        other = self._wrap(other)
        # d(a + b)/da = 1, d(a + b)/db = 1
        return Value(self.data + other.data, _parents=(self, other), _local_grads=(1.0, 1.0), _op="+")

    def __mul__(self, other):
        other = self._wrap(other)
        # d(a b)/da = b, d(a b)/db = a
        return Value(self.data * other.data, _parents=(self, other),
                     _local_grads=(other.data, self.data), _op="*")

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            raise TypeError(tr("Value ** Value is not supported; use a plain number as the exponent (or write a**b as "
                               "(b * a.log()).exp())."))
        if isinstance(exponent, (str, bytes, complex)) or not isinstance(exponent, (int, float)) and \
                not hasattr(exponent, "__float__"):
            raise TypeError(tr("Value ** k: the exponent k must be a plain number, but {exponent!r} was given.",
                               exponent=exponent))
        k = float(exponent)
        a = self.data
        if a < 0 and k != int(k):
            raise ValueError(tr("Value ** {k:g}: ({a:g}) ** {k:g} is not a real number (a negative number has no real "
                                "root). A power with a fractional exponent needs a base >= 0: check the sign of the "
                                "base, e.g. take the root of a square, (x ** 2) ** 0.5.", k=k, a=a))
        if a == 0 and k < 1 and k != 0:
            why = tr("is infinite") if k < 0 else tr("k a^(k-1) = {k:g} * 0 ** {k_minus_1:g} is infinite", k=k,
                                                     k_minus_1=k - 1)
            raise ZeroDivisionError(tr("Value ** {k:g} at 0: the result or its derivative {why}, so no gradient can "
                                       "flow through it. Keep the base away from 0, e.g. (x + 1e-12) ** {k:g}.", k=k,
                                       why=why))
        try:
            out = a ** k
            local = 0.0 if k == 0 else k * a ** (k - 1)
        except OverflowError:
            raise OverflowError(tr("Value ** {k:g}: {a:g} ** {k:g} is too large for a float (above 1.8e308). Such "
                                   "large numbers usually mean a learning rate that is too high.", k=k, a=a)) from None
        # d(a^k)/da = k a^(k-1)
        return Value(out, _parents=(self,), _local_grads=(local,), _op=f"**{k:g}")

    def __neg__(self):
        # d(-a)/da = -1
        return Value(-self.data, _parents=(self,), _local_grads=(-1.0,), _op="neg")

    def __sub__(self, other):
        other = self._wrap(other)
        # d(a - b)/da = 1, d(a - b)/db = -1
        return Value(self.data - other.data, _parents=(self, other), _local_grads=(1.0, -1.0), _op="-")

    def __truediv__(self, other):
        other = self._wrap(other)
        if other.data == 0.0:
            label = " " + repr(other.label) if other.label else ""
            raise ZeroDivisionError(tr("Value division by zero: {data:g} / 0 (the divisor{label} is 0). Check how the "
                                       "divisor is computed, or add a small number to it, e.g. a / (b + 1e-12).",
                                       data=self.data, label=label))
        # d(a / b)/da = 1/b, d(a / b)/db = -a/b^2
        return Value(self.data / other.data, _parents=(self, other),
                     _local_grads=(1.0 / other.data, -self.data / other.data ** 2), _op="/")

    def exp(self):
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise OverflowError(tr("Value.exp: e ** {data:g} is too large for a float (exp overflows above 709.78). "
                                   "Inputs this large usually mean a learning rate that is too high; for a sigmoid "
                                   "use .sigmoid(), which never overflows.", data=self.data)) from None
        # d(e^a)/da = e^a
        return Value(e, _parents=(self,), _local_grads=(e,), _op="exp")

    def log(self):
        if self.data <= 0:
            raise ValueError(tr("Value.log: the logarithm needs a positive number, but the Value is {data:g}. For a "
                                "probability p that can reach 0, use (p + 1e-12).log().", data=self.data))
        # d(log a)/da = 1/a
        return Value(math.log(self.data), _parents=(self,), _local_grads=(1.0 / self.data,), _op="log")

    def tanh(self):
        t = math.tanh(self.data)
        # d tanh(a)/da = 1 - tanh(a)^2
        return Value(t, _parents=(self,), _local_grads=(1.0 - t * t,), _op="tanh")

    def relu(self):
        r = self.data if self.data > 0 else 0.0
        # d relu(a)/da = 1 where a > 0, else 0 (the ReLU backward rule of lesson 5)
        return Value(r, _parents=(self,), _local_grads=(1.0 if self.data > 0 else 0.0,), _op="relu")

    def sigmoid(self):
        a = self.data
        s = 1.0 / (1.0 + math.exp(-a)) if a >= 0 else math.exp(a) / (1.0 + math.exp(a))
        # d sigma(a)/da = sigma(a) (1 - sigma(a))
        return Value(s, _parents=(self,), _local_grads=(s * (1.0 - s),), _op="sigmoid")

    # Python calls these when the Value is on the right: 2 * v, 1 - v, 1 / v
    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return self._wrap(other) - self

    def __rtruediv__(self, other):
        return self._wrap(other) / self

    # ---------------------------------------------------------------- backward
    def backward(self):
        """Fill ``grad`` of every Value this one depends on with d(self)/d(that value).

        Gradients of the whole graph are reset to zero first, so calling ``backward`` again gives the
        same result (it does not add to the previous gradients). Returns None.
        """
        order = topological_order(self)          # inputs first, self last
        for node in order:
            node.grad = 0.0
        self.grad = 1.0                          # d self / d self
        for node in reversed(order):             # from the output back to the inputs
            g = node.grad
            if g == 0.0:
                continue
            for parent, local in zip(node.parents, node.local_grads):
                parent.grad += local * g         # chain rule, summed over every path


def topological_order(root):
    """All Values that ``root`` depends on (root included), each after all of its parents. Lesson 7.

    Inputs:
    - root: a Value, usually the output (the loss).
    Returns a list of Values, each once: the leaves (inputs, weights) before what is computed from them,
    ``root`` last. ``backward`` walks it in reverse.

    Iterative depth-first search with an explicit stack, so a chain of 100,000 operations does not hit
    Python's recursion limit.
    """
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))                # comes back after its parents are placed
        for parent in node.parents:
            if id(parent) not in visited:
                stack.append((parent, False))
    return order


def graph_edges(root):
    """(nodes, edges) of the graph behind ``root``, for drawing. Lesson 7 (``draw_graph`` uses it).

    Inputs:
    - root: a Value.
    Returns (nodes, edges): nodes, the list of Values in topological order (as ``topological_order``);
    edges, a list of (parent_index, child_index) pairs of indices into nodes, one per recorded parent
    (``x * x`` gives its edge twice).
    """
    nodes = topological_order(root)
    index = {id(n): i for i, n in enumerate(nodes)}
    edges = [(index[id(p)], i) for i, n in enumerate(nodes) for p in n.parents]
    return nodes, edges


# -------------------------------------------------------------------- a tiny MLP on Values
class Neuron:
    """One neuron on Values: out = act(sum_i w_i x_i + b). Lesson 7 (the units of ``MLP``).

    Inputs:
    - num_inputs: n, the number of inputs (a whole number >= 1).
    - act: "tanh" (default), "relu", "sigmoid" or "linear" (no activation).
    - rng: a ``random.Random`` for the initial weights (default ``random.Random(0)``).
    The weights start uniform in [-1, 1] / sqrt(n), the bias at 0.
    Returns a Neuron: ``neuron(x)`` takes a list of n numbers or Values and returns one Value;
    ``neuron.parameters()`` returns the list [w_1, ..., w_n, b] of Values.
    """

    def __init__(self, num_inputs, act="tanh", rng=None):
        if isinstance(num_inputs, bool) or not isinstance(num_inputs, (int, np.integer)) or num_inputs < 1:
            raise ValueError(tr("Neuron(num_inputs): num_inputs must be a whole number >= 1, but {num_inputs!r} was "
                                "given.", num_inputs=num_inputs))
        if act not in ("tanh", "relu", "sigmoid", "linear"):
            raise ValueError(tr("Neuron: act must be one of 'tanh', 'relu', 'sigmoid', 'linear', but {act!r} was "
                                "given.", act=act))
        rng = rng or random.Random(0)
        scale = 1.0 / math.sqrt(num_inputs)
        self.w = [Value(rng.uniform(-1, 1) * scale, "w") for _ in range(num_inputs)]
        self.b = Value(0.0, "b")
        self.act = act

    def __call__(self, x):
        if len(x) != len(self.w):
            raise ValueError(tr("Neuron: expected {len_w} inputs, got {len_x}: give one number per input weight, a "
                                "list of {len_w}.", len_w=len(self.w), len_x=len(x)))
        z = self.b
        for wi, xi in zip(self.w, x):
            z = z + wi * xi
        if self.act == "linear":
            return z
        return getattr(z, self.act)()

    def parameters(self):
        return self.w + [self.b]


class MLP:
    """A multi-layer perceptron on Values: ``MLP([2, 4, 1])`` has 2 inputs, 4 hidden units, 1 output. Lesson 7.

    Inputs:
    - sizes: the layer sizes, inputs first: a list of at least two whole numbers >= 1.
    - act: the activation of the hidden layers: "tanh" (default), "relu", "sigmoid" or "linear"; the last
      layer is linear (raw scores).
    - seed: the seed of the random initial weights (see ``Neuron``).
    Returns an MLP: ``model(x)`` takes a list of sizes[0] numbers (or Values) and returns a list of
    sizes[-1] Values, one per output; ``model.parameters()`` lists every weight and bias (Values).
    """

    def __init__(self, sizes, act="tanh", seed=0):
        if not isinstance(sizes, (list, tuple)) or len(sizes) < 2:
            raise ValueError(tr("MLP(sizes): sizes must be a list of at least an input and an output size, e.g. "
                                "MLP([2, 4, 1]), but {sizes!r} was given.", sizes=sizes))
        for s in sizes:
            if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1:
                raise ValueError(tr("MLP(sizes): every size must be a whole number >= 1, but sizes is {sizes!r}.",
                                    sizes=sizes))
        rng = random.Random(seed)
        self.layers = []
        for i, (d, m) in enumerate(zip(sizes[:-1], sizes[1:])):
            last = i == len(sizes) - 2
            self.layers.append([Neuron(d, "linear" if last else act, rng) for _ in range(m)])

    def __call__(self, x):
        for layer in self.layers:
            x = [neuron(x) for neuron in layer]
        return x

    def parameters(self):
        return [p for layer in self.layers for neuron in layer for p in neuron.parameters()]
