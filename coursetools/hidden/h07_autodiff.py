"""Hidden tests of exercises/07_autodiff.ipynb. Tasks 1 to 4 and 6 run the student's own Value through the
notebook's locked helpers (build, forward_locals, topo_positions, grads_after_backward): graphs come as small op
lists, so hand-derived formulas cannot answer them. The graphs reuse nodes (a + a, a * a, a / a), share
sub-expressions, reach an inner node along paths of different lengths, call backward() twice, and one is a
chain of 3,000 operations. Expected values come from the reference below, checked against central differences.
One mistake, one task (``uses``): backward is graded with a reference topological_order; train_tiny with a
reference ``Value`` (a function of that name that makes reference Values, so ``isinstance(x, Value)`` fails in
that task: the task text says so), judged on its 17 numbers after a few steps on two small data sets and on
its accuracy on points of the other XOR (label 1 where the signs differ) drawn with seeds that stay here."""
import math

import numpy as np

from coursetools.grading import N_, Task, Case

rng = np.random.default_rng(707)


class _V:
    def __init__(self, data, parents=(), local=()):
        self.data, self.grad, self.parents, self.local = float(data), 0.0, tuple(parents), tuple(local)


def _build(leaves, ops):
    nodes = [_V(v) for v in leaves]
    for code, i, j in ops:
        a = nodes[int(i)]
        if code == 0:
            b = nodes[int(j)]; n = _V(a.data + b.data, (a, b), (1.0, 1.0))
        elif code == 1:
            b = nodes[int(j)]; n = _V(a.data * b.data, (a, b), (b.data, a.data))
        elif code == 2:
            t = math.tanh(a.data); n = _V(t, (a,), (1 - t * t,))
        elif code == 3:
            e = math.exp(a.data); n = _V(e, (a,), (e,))
        elif code == 4:
            n = _V(a.data ** j, (a,), (j * a.data ** (j - 1),))
        elif code == 5:
            n = _V(a.data + j, (a, _V(j)), (1.0, 1.0))
        elif code == 6:
            n = _V(a.data * j, (a, _V(j)), (j, a.data))
        elif code == 7:
            n = _V(math.sin(a.data), (a,), (math.cos(a.data),))
        else:
            b = nodes[int(j)]; n = _V(a.data / b.data, (a, b), (1.0 / b.data, -a.data / b.data ** 2))
        nodes.append(n)
    return nodes


def _locals(leaves, ops):
    return np.array([[n.data, *(list(n.local) + [0.0, 0.0])[:2]] for n in _build(leaves, ops)[len(leaves):]])


def _grads(leaves, ops):
    nodes = _build(leaves, ops)
    order, seen, stack = [], set(), [(nodes[-1], False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node)); stack.append((node, True)); stack.extend((p, False) for p in node.parents)
    nodes[-1].grad = 1.0
    for node in reversed(order):
        for p, g in zip(node.parents, node.local):
            p.grad += g * node.grad
    grads = np.array([n.grad for n in nodes])
    h = 1e-6                                        # the leaves' gradients against central differences
    for k in range(len(leaves)):
        up, down = list(leaves), list(leaves)
        up[k] += h; down[k] -= h
        num = (_build(up, ops)[-1].data - _build(down, ops)[-1].data) / (2 * h)
        assert abs(num - grads[k]) < 1e-5 * max(1.0, abs(num)), (ops, k, num, grads[k])
    return grads


# Reference functions. Their source is sent into the sandbox for the tasks that call them (``uses``).
def topological_order(root):
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
    return order


def Value(data, parents=(), local_grads=(), _made=[]):
    """Makes a reference Value (the class is made once, on the first call, and kept in _made)."""
    if not _made:
        class RefValue:
            def __init__(self, data, parents=(), local_grads=()):
                self.data, self.grad = float(data), 0.0
                self.parents, self.local_grads = tuple(parents), tuple(float(g) for g in local_grads)

            def __add__(self, other):
                other = other if isinstance(other, RefValue) else RefValue(other)
                return RefValue(self.data + other.data, (self, other), (1.0, 1.0))

            def __mul__(self, other):
                other = other if isinstance(other, RefValue) else RefValue(other)
                return RefValue(self.data * other.data, (self, other), (other.data, self.data))

            def __radd__(self, other):
                return self + other

            def __rmul__(self, other):
                return self * other

            def __neg__(self):
                return self * -1.0

            def __sub__(self, other):
                return self + (-other)

            def __rsub__(self, other):
                return (-self) + other

            def __pow__(self, k):
                return RefValue(self.data ** k, (self,), (k * self.data ** (k - 1),))

            def __truediv__(self, other):
                other = other if isinstance(other, RefValue) else RefValue(other)
                return RefValue(self.data / other.data, (self, other), (1.0 / other.data, -self.data / other.data ** 2))

            def __rtruediv__(self, other):
                return RefValue(other) / self

            def tanh(self):
                t = math.tanh(self.data)
                return RefValue(t, (self,), (1.0 - t * t,))

            def exp(self):
                e = math.exp(self.data)
                return RefValue(e, (self,), (e,))

            def sin(self):
                return RefValue(math.sin(self.data), (self,), (math.cos(self.data),))

            def backward(self):
                order = topological_order(self)
                for node in order:
                    node.grad = 0.0
                self.grad = 1.0
                for node in reversed(order):
                    for parent, local in zip(node.parents, node.local_grads):
                        parent.grad += local * node.grad

        _made.append(RefValue)
    return _made[0](data, parents, local_grads)


def _ops(rows):
    return np.array(rows, dtype=float).reshape(-1, 3)


# Task 1: sums and products, numbers on either side, a node used twice
_t1_graphs = [
    ([1.5, -2.0], [[0, 0, 1], [1, 0, 1], [1, 2, 3]], N_("(a + b) * (a * b)")),
    ([0.7], [[0, 0, 0], [1, 0, 0], [1, 1, 2]], N_("a + a, a * a, their product")),
    ([3.0, 0.5, -1.0], [[6, 0, -2.5], [5, 1, 4.0], [1, 3, 4], [0, 5, 2]], N_("-2.5 * a, b + 4, products and sums")),
]
_t1 = [Case((np.array(lv), _ops(ops)), _locals(lv, _ops(ops)), N_("{graph}, built with your __add__ and __mul__", graph=desc))
       for lv, ops, desc in _t1_graphs]
# Task 2: tanh, exp, powers, applied to leaves only (independent of Task 1)
_t2_graphs = [
    ([0.3, -1.2, 2.0], [[2, 0, 0], [2, 1, 0], [2, 2, 0]], N_("tanh of three numbers")),
    ([0.3, -1.2], [[3, 0, 0], [3, 1, 0], [4, 0, 3.0], [4, 1, -1.0]], N_("exp, a ** 3, b ** -1")),
    ([2.5, 0.1], [[4, 0, 0.5], [4, 1, 2.0], [2, 0, 0], [3, 1, 0]], N_("a ** 0.5, b ** 2, tanh, exp")),
]
_t2 = [Case((np.array(lv), _ops(ops)), _locals(lv, _ops(ops)), N_("{graph}, built with your tanh, exp and **", graph=desc), rtol=1e-6,
            atol=1e-9) for lv, ops, desc in _t2_graphs]

# Tasks 3 and 4: graphs of sums, products and tanh made with the constructor (codes 0-2)
_shared = [[1, 0, 1], [0, 3, 2], [1, 4, 0], [2, 3, 0], [0, 5, 6]]       # e = a*b; d = e + c; f = d*a; g = tanh(e); f + g
# n3 = a + a; n4 = n3 * n3; n5 = n4 + a; n6 = tanh(n5); n7 = n6 * n3; n8 = b * c; n9 = n7 + n8; n10 = n9 * b
_diamond = [[0, 0, 0], [1, 3, 3], [0, 4, 0], [2, 5, 0], [1, 6, 3], [1, 1, 2], [0, 7, 8], [1, 9, 1]]
_long = [[1, 0, 1], [2, 2, 0]] + [[0 if k % 2 else 1, 3 + k, 1] for k in range(2998)]  # a chain of 3,000 operations
_unused = [[1, 0, 0], [0, 3, 3]]                                                      # leaves 1 and 2 not used
# n2 = a * b; n3 = tanh(n2); n4 = n2 + n3; n5 = n4 * a; n6 = n5 + n2: n2 is reached along paths of lengths 1, 3, 4
_uneven = [[1, 0, 1], [2, 2, 0], [0, 2, 3], [1, 4, 0], [0, 5, 2]]
_graphs = [([2.0, -3.0, 10.0], _shared, N_("lesson 7's f + tanh(a*b), shared sub-expressions")),
           ([0.4, -0.8, 1.1], _diamond, N_("a + a, (a+a)*(a+a), nodes reached along many paths")),
           ([0.9, 1.0001, 0.5], _long, N_("a chain of 3,000 operations")),
           ([1.5, 2.0, 3.0], _unused, N_("a*a + a*a with two unused leaves")),
           ([0.3, -0.7], _uneven, N_("an inner node reached along paths of lengths 1, 3 and 4"))]


def _topo_check(leaves, ops):
    nodes = _build(leaves, ops)
    reach, stack = set(), [len(nodes) - 1]
    index = {id(n): k for k, n in enumerate(nodes)}
    while stack:
        k = stack.pop()
        if k not in reach:
            reach.add(k); stack.extend(index[id(p)] for p in nodes[k].parents)

    def check(got):
        count, pos = int(got[0]), got[1:]
        if count != len(reach):
            return N_("the order has {count} entries; the graph has {nodes} distinct nodes (each must appear once)",
                      count=count, nodes=len(reach))
        if any(pos[k] < 0 for k in reach):
            return N_("a node the root depends on is missing from the order")
        if any(pos[k] >= 0 for k in range(len(nodes)) if k not in reach):
            return N_("the order contains a node the root does not depend on")
        if len({pos[k] for k in reach}) != len(reach):
            return N_("two nodes share a position: is a node listed twice?")
        if any(pos[index[id(p)]] > pos[k] for k in reach for p in nodes[k].parents):
            return N_("a node comes before one of its parents")
        return None
    return check


_t3 = [Case((np.array(lv), _ops(ops)), np.zeros(len(lv) + len(ops) + 1), desc, check=_topo_check(lv, _ops(ops)))
       for lv, ops, desc in _graphs]
_t4 = [Case((np.array(lv), _ops(ops), times), _grads(lv, _ops(ops)), N_("{graph}, backward() called {times}x", graph=desc,
                                                                        times=times),
            rtol=1e-7, atol=1e-9)
       for (lv, ops, desc), times in zip(_graphs + [_graphs[0]], [1, 1, 1, 1, 1, 2])]


# Task 6: sin and a / b, on leaves and on each other (independent of Tasks 1 and 2)
_t6_graphs = [
    ([0.4, -1.3], [[7, 0, 0], [7, 1, 0], [8, 0, 1], [8, 1, 0]], N_("sin a, sin b, a / b, b / a")),
    ([2.5, 0.8], [[8, 0, 0], [7, 0, 0], [8, 3, 1], [8, 1, 4]], N_("a / a, sin a, (sin a) / b, b / (the last)")),
]
_t6 = [Case((np.array(lv), _ops(ops)), _locals(lv, _ops(ops)), N_("{graph}, built with your sin and /", graph=desc), rtol=1e-6,
            atol=1e-9)
       for lv, ops, desc in _t6_graphs]


def _float_forward(p, x):
    h = [math.tanh(p[k] * x[0] + p[4 + k] * x[1] + p[8 + k]) for k in range(4)]
    return math.tanh(p[16] + sum(p[12 + k] * h[k] for k in range(4)))


def _train_tiny(X, y, steps, lr, seed):
    """The reference trainer, on the reference Value (the notebook's tiny_forward written out for it)."""
    r = np.random.default_rng(seed)
    params = [Value(v) for v in r.normal(0, 1, 17)]
    T = 2 * np.asarray(y) - 1
    for _ in range(steps):
        loss = Value(0.0)
        for x, t in zip(X, T):
            h = [(params[k] * float(x[0]) + params[4 + k] * float(x[1]) + params[8 + k]).tanh() for k in range(4)]
            out = params[16]
            for k in range(4):
                out = out + params[12 + k] * h[k]
            loss = loss + (out.tanh() - float(t)) ** 2
        loss = loss * (1.0 / len(X))
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
    return np.array([p.data for p in params])


def _xor(n, seed, same=True):
    r = np.random.default_rng(seed)
    corners = r.choice([-1.0, 1.0], size=(n, 2))
    return corners + r.normal(0, 0.35, (n, 2)), ((corners[:, 0] == corners[:, 1]) == same).astype(int)


def _accuracy_check(Xe, ye, needed):
    def check(got):
        acc = float(np.mean(np.array([_float_forward(got, x) > 0 for x in Xe]) == ye))
        inverted = N_(" (almost every answer is the other class: is the target or the sign of a step inverted?)")
        return None if acc >= needed else N_("accuracy on new points {acc:.0%}, at least {needed:.0%} expected{hint}",
                                             acc=acc, needed=needed, hint=inverted if acc < 0.15 else "")
    return check


_t7 = []
for n, steps, lr, seed in [(6, 3, 0.5, 4), (9, 2, 0.8, 7)]:
    X, y = rng.normal(size=(n, 2)), rng.integers(0, 2, n)
    _t7.append(Case((X, y, steps, lr, seed), _train_tiny(X, y, steps, lr, seed),
                    N_("{n} random points, steps={steps}, lr={lr}, seed={seed}; the 17 numbers compared with the "
                       "reference's", n=n, steps=steps, lr=lr, seed=seed), rtol=1e-6, atol=1e-9))
_X, _y = _xor(30, 7105, same=False)
_Xe, _ye = _xor(200, 7106, same=False)
_trained = _train_tiny(_X, _y, 40, 0.5, 1)
assert np.mean((np.array([_float_forward(_trained, x) for x in _Xe]) > 0) == _ye) >= 0.95
_t7.append(Case((_X, _y, 40, 0.5, 1), np.zeros(17), N_("30 points of the other XOR (label 1 where the signs differ), "
                "steps=40, lr=0.5, seed=1; accuracy on 200 new points"), check=_accuracy_check(_Xe, _ye, 0.9)))

TASKS = [Task(N_("1. __add__ and __mul__"), "forward_locals", 2, _t1, shown="Value.__add__/__mul__"),
         Task(N_("2. tanh, exp, __pow__"), "forward_locals", 2, _t2, shown="Value.tanh/exp/__pow__"),
         Task("3. topological_order", "topo_positions", 2, _t3, shown="topological_order"),
         Task("4. backward", "grads_after_backward", 3, _t4, uses={"topological_order": topological_order},
              shown="Value.backward"),
         Task("5. order_explanation", "order_explanation", 1,
              [Case((), np.array(2.0), N_("your choice (1, 2, 3 or 4)"))], scalar=True),
         Task(N_("6. sin and __truediv__"), "forward_locals", 2, _t6, shown="Value.sin/__truediv__"),
         Task("7. train_tiny", "train_tiny", 3, _t7, uses={"topological_order": topological_order, "Value": Value})]
