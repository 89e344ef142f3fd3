"""Hidden tests of exercises/07_autodiff.ipynb. Every task runs the student's own Value through the notebook's
locked helpers (build, forward_locals, topo_positions, grads_after_backward, tiny_predictions): graphs come as
small op lists, so hand-derived formulas cannot answer them. The graphs reuse nodes (a + a, a * a), share
sub-expressions, call backward() twice, and one is a chain of 3,000 operations. Expected values come from the
reference below, checked against central differences."""
import math

import numpy as np

from coursetools.grading import Task, Case


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
        else:
            n = _V(a.data * j, (a, _V(j)), (j, a.data))
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


def _ops(rows):
    return np.array(rows, dtype=float).reshape(-1, 3)


# Task 1: sums and products, numbers on either side, a node used twice
_t1_graphs = [
    ([1.5, -2.0], [[0, 0, 1], [1, 0, 1], [1, 2, 3]], "(a + b) * (a * b)"),
    ([0.7], [[0, 0, 0], [1, 0, 0], [1, 1, 2]], "a + a, a * a, their product"),
    ([3.0, 0.5, -1.0], [[6, 0, -2.5], [5, 1, 4.0], [1, 3, 4], [0, 5, 2]], "-2.5 * a, b + 4, products and sums"),
]
_t1 = [Case((np.array(lv), _ops(ops)), _locals(lv, _ops(ops)), desc) for lv, ops, desc in _t1_graphs]
# Task 2: tanh, exp, powers, applied to leaves only (independent of Task 1)
_t2_graphs = [
    ([0.3, -1.2, 2.0], [[2, 0, 0], [2, 1, 0], [2, 2, 0]], "tanh of three numbers"),
    ([0.3, -1.2], [[3, 0, 0], [3, 1, 0], [4, 0, 3.0], [4, 1, -1.0]], "exp, a ** 3, b ** -1"),
    ([2.5, 0.1], [[4, 0, 0.5], [4, 1, 2.0], [2, 0, 0], [3, 1, 0]], "a ** 0.5, b ** 2, tanh, exp"),
]
_t2 = [Case((np.array(lv), _ops(ops)), _locals(lv, _ops(ops)), desc, rtol=1e-6, atol=1e-9) for lv, ops, desc in _t2_graphs]

# Tasks 3 and 4: graphs of sums, products and tanh made with the constructor (codes 0-2)
_shared = [[1, 0, 1], [0, 3, 2], [1, 4, 0], [2, 3, 0], [0, 5, 6]]       # e = a*b; d = e + c; f = d*a; g = tanh(e); f + g
# n3 = a + a; n4 = n3 * n3; n5 = n4 + a; n6 = tanh(n5); n7 = n6 * n3; n8 = b * c; n9 = n7 + n8; n10 = n9 * b
_diamond = [[0, 0, 0], [1, 3, 3], [0, 4, 0], [2, 5, 0], [1, 6, 3], [1, 1, 2], [0, 7, 8], [1, 9, 1]]
_long = [[1, 0, 1], [2, 2, 0]] + [[0 if k % 2 else 1, 3 + k, 1] for k in range(2998)]  # a chain of 3,000 operations
_unused = [[1, 0, 0], [0, 3, 3]]                                                      # leaves 1 and 2 not used
_graphs = [([2.0, -3.0, 10.0], _shared, "lesson 7's f + tanh(a*b), shared sub-expressions"),
           ([0.4, -0.8, 1.1], _diamond, "a + a, (a+a)*(a+a), nodes reached along many paths"),
           ([0.9, 1.0001, 0.5], _long, "a chain of 3,000 operations"),
           ([1.5, 2.0, 3.0], _unused, "a*a + a*a with two unused leaves")]


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
            return f"the order has {count} entries; the graph has {len(reach)} distinct nodes (each must appear once)"
        if any(pos[k] < 0 for k in reach):
            return "a node the root depends on is missing from the order"
        if any(pos[k] >= 0 for k in range(len(nodes)) if k not in reach):
            return "the order contains a node the root does not depend on"
        if len({pos[k] for k in reach}) != len(reach):
            return "two nodes share a position: is a node listed twice?"
        if any(pos[index[id(p)]] > pos[k] for k in reach for p in nodes[k].parents):
            return "a node comes before one of its parents"
        return None
    return check


_t3 = [Case((np.array(lv), _ops(ops)), np.zeros(len(lv) + len(ops) + 1), desc, check=_topo_check(lv, _ops(ops)))
       for lv, ops, desc in _graphs]
_t4 = [Case((np.array(lv), _ops(ops), times), _grads(lv, _ops(ops)), f"{desc}, backward() called {times}x",
            rtol=1e-7, atol=1e-9)
       for (lv, ops, desc), times in zip(_graphs + [_graphs[0]], [1, 1, 1, 1, 2])]


def _xor(n, seed):
    rng = np.random.default_rng(seed)
    corners = rng.choice([-1.0, 1.0], size=(n, 2))
    return corners + rng.normal(0, 0.35, (n, 2)), (corners[:, 0] == corners[:, 1]).astype(int)


def _accuracy_check(labels, needed):
    def check(pred):
        acc = float(np.mean(pred == labels))
        return None if acc >= needed else f"accuracy on new points {acc:.0%}, at least {needed:.0%} expected"
    return check


_X, _y = _xor(40, 5)
_Xe, _ye = _xor(200, 6)
_t5 = [Case((_X, _y, _Xe, 60, 0.5, 2), np.zeros(200), "40 XOR points, steps=60, lr=0.5, seed=2; tested on 200 new points",
            check=_accuracy_check(_ye, 0.9))]

TASKS = [Task("1. __add__ and __mul__", "forward_locals", 2, _t1), Task("2. tanh, exp, __pow__", "forward_locals", 2, _t2),
         Task("3. topological_order", "topo_positions", 2, _t3), Task("4. backward", "grads_after_backward", 3, _t4),
         Task("5. train_tiny", "tiny_predictions", 2, _t5)]
