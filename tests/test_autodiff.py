"""nnkit.autodiff.Value: gradients against central differences, against PyTorch (an independent
implementation, when installed), idempotent backward, and a 100,000-operation chain."""
import math
import random

import numpy as np
import pytest

from nnkit.autodiff import Value, MLP, topological_order, graph_edges


def central_difference(f, xs, i, h=1e-6):
    up, down = list(xs), list(xs)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


def _expr(a, b, c):
    """Uses every operation: + - * / ** neg exp log tanh relu sigmoid, and reuses values (several paths)."""
    d = a * b + c ** 2 - a / (b + 3.0)
    e = (-d).exp() + (a * a + 1.0).log()
    f = e.tanh() * (d + 2.0).relu() + (c - a).sigmoid() * 3.0
    return f / (1.0 + b ** 2) + 2.0 - a + 1.0 / (c + 5.0)


def _value_of(fun, *numbers):
    return fun(*[Value(x) for x in numbers]).data


POINTS = [(0.5, -1.2, 0.7), (-0.3, 0.8, 1.5), (1.1, 0.2, -0.4)]


@pytest.mark.parametrize("point", POINTS)
def test_gradients_match_central_differences(point):
    leaves = [Value(x) for x in point]
    out = _expr(*leaves)
    out.backward()
    for i, leaf in enumerate(leaves):
        numeric = central_difference(lambda *xs: _value_of(_expr, *xs), point, i)
        assert leaf.grad == pytest.approx(numeric, rel=1e-6, abs=1e-8), f"input {i}"


@pytest.mark.parametrize("op, x, dfdx", [
    (lambda v: v.exp(), 0.3, math.exp(0.3)),
    (lambda v: v.log(), 2.0, 0.5),
    (lambda v: v.tanh(), 0.4, 1 - math.tanh(0.4) ** 2),
    (lambda v: v.relu(), -0.5, 0.0),
    (lambda v: v.relu(), 0.5, 1.0),
    (lambda v: v.sigmoid(), -1.0, (1 / (1 + math.exp(1))) * (1 - 1 / (1 + math.exp(1)))),
    (lambda v: v ** 3, 2.0, 12.0),
    (lambda v: -v, 2.0, -1.0),
    (lambda v: 1.0 / v, 4.0, -1 / 16),
    (lambda v: 5.0 - v, 4.0, -1.0),
])
def test_each_local_derivative(op, x, dfdx):
    v = Value(x)
    op(v).backward()
    assert v.grad == pytest.approx(dfdx, rel=1e-12, abs=1e-15)


def test_sigmoid_is_stable_for_large_inputs():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0


def test_backward_is_idempotent():
    a, b, c = Value(0.5), Value(-1.2), Value(0.7)
    out = _expr(a, b, c)
    out.backward()
    first = (a.grad, b.grad, c.grad)
    out.backward()
    assert (a.grad, b.grad, c.grad) == first


def test_reused_value_sums_gradients_over_paths():
    x = Value(3.0)
    y = x * x + x          # dy/dx = 2x + 1 = 7
    y.backward()
    assert x.grad == 7.0


def test_deep_chain_of_100k_operations_needs_no_recursion():
    x = Value(0.5)
    y = x
    n = 100_000
    for _ in range(n):
        y = y * 1.0 + 0.0       # 2 ops each; y stays x, dy/dx = 1
    topo = topological_order(y)
    assert len(topo) >= 2 * n
    y.backward()
    assert x.grad == 1.0
    z = x
    for _ in range(n):
        z = z * 0.99999          # dz/dx = 0.99999^n
    z.backward()
    assert x.grad == pytest.approx(0.99999 ** n, rel=1e-9)


def test_topological_order_places_parents_first():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    pos = {id(n): i for i, n in enumerate(order)}
    for n in order:
        for p in n.parents:
            assert pos[id(p)] < pos[id(n)]
    nodes, edges = graph_edges(e)
    assert len(nodes) == len(order) and all(i < j for i, j in edges)


def test_mlp_gradients_match_numpy_backprop():
    """The Value MLP against hand-written NumPy backprop of the same 2-3-1 tanh network, squared error."""
    model = MLP([2, 3, 1], act="tanh", seed=1)
    x, t = [0.4, -0.7], 0.25
    out = model(x)[0]
    loss = (out - t) ** 2
    loss.backward()
    W1 = np.array([[n.w[i].data for n in model.layers[0]] for i in range(2)])   # (D, M) = (2, 3)
    b1 = np.array([n.b.data for n in model.layers[0]])
    W2 = np.array([[n.w[i].data for n in model.layers[1]] for i in range(3)])   # (3, 1)
    b2 = np.array([n.b.data for n in model.layers[1]])
    X = np.array([x])
    h = np.tanh(X @ W1 + b1)
    y_hat = h @ W2 + b2
    dy = 2 * (y_hat - t)
    dW2, db2 = h.T @ dy, dy.sum(0)
    dh = dy @ W2.T * (1 - h ** 2)
    dW1, db1 = X.T @ dh, dh.sum(0)
    assert loss.data == pytest.approx(float((y_hat[0, 0] - t) ** 2))
    got_W1 = np.array([[n.w[i].grad for n in model.layers[0]] for i in range(2)])
    got_W2 = np.array([[n.w[i].grad for n in model.layers[1]] for i in range(3)])
    np.testing.assert_allclose(got_W1, dW1, rtol=1e-10)
    np.testing.assert_allclose(got_W2, dW2, rtol=1e-10)
    np.testing.assert_allclose([n.b.grad for n in model.layers[0]], db1, rtol=1e-10)
    np.testing.assert_allclose([n.b.grad for n in model.layers[1]], db2, rtol=1e-10)


def test_errors_speak_clearly():
    with pytest.raises(ValueError, match="positive"):
        Value(-1.0).log()
    with pytest.raises(TypeError, match="number"):
        Value("abc")
    with pytest.raises(ValueError, match="expected 2 inputs"):
        MLP([2, 1])([1.0])


def test_against_pytorch():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed: the independent oracle is skipped "
                                                "(the central-difference checks above still run)")
    rng = random.Random(0)
    for _ in range(5):
        point = [rng.uniform(-1.5, 1.5) for _ in range(3)]
        leaves = [Value(p) for p in point]
        out = _expr(*leaves)
        out.backward()
        tl = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in point]

        class T:            # the same expression in torch: map our method names onto torch's
            def __init__(self, t):
                self.t = t
            def _w(self, o):
                return o.t if isinstance(o, T) else o
            def __add__(self, o): return T(self.t + self._w(o))
            __radd__ = __add__
            def __mul__(self, o): return T(self.t * self._w(o))
            __rmul__ = __mul__
            def __sub__(self, o): return T(self.t - self._w(o))
            def __rsub__(self, o): return T(self._w(o) - self.t)
            def __truediv__(self, o): return T(self.t / self._w(o))
            def __rtruediv__(self, o): return T(self._w(o) / self.t)
            def __pow__(self, k): return T(self.t ** k)
            def __neg__(self): return T(-self.t)
            def exp(self): return T(torch.exp(self.t))
            def log(self): return T(torch.log(self.t))
            def tanh(self): return T(torch.tanh(self.t))
            def relu(self): return T(torch.relu(self.t))
            def sigmoid(self): return T(torch.sigmoid(self.t))

        tout = _expr(*[T(t) for t in tl]).t
        tout.backward()
        assert out.data == pytest.approx(tout.item(), rel=1e-12)
        for leaf, t in zip(leaves, tl):
            assert leaf.grad == pytest.approx(t.grad.item(), rel=1e-10, abs=1e-12)
