"""Wrong answers to exercise 07 (autodiff), with the score each deserves. Each replaces one solution cell of the
notebook (its grade_id is the first field); TASK says which hidden task grades it."""
TASK = {"value_class": 1, "value_unary": 2, "topological_order": 3, "backward": 4, "order_explanation": 5,
        "value_new_ops": 6, "train_tiny": 7}

_CLASS = '''class Value:
    def __init__(self, data, parents=(), local_grads=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local_grads = tuple(float(g) for g in local_grads)

    def __add__(self, other):
{add}

    def __mul__(self, other):
{mul}

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

    def __rtruediv__(self, other):
        return Value(other) / self'''
_WRAP = "        other = other if isinstance(other, Value) else Value(other)\n"
_ADD = _WRAP + "        return Value(self.data + other.data, (self, other), (1.0, 1.0))"
_MUL = _WRAP + "        return Value(self.data * other.data, (self, other), (other.data, self.data))"

_UNARY = '''@add_method(Value)
def tanh(self):
    t = math.tanh(self.data)
    return Value(t, (self,), ({dtanh},))


@add_method(Value)
def exp(self):
    e = math.exp(self.data)
    return Value(e, (self,), ({dexp},))


@add_method(Value)
def __pow__(self, k):
    return Value(self.data ** k, (self,), ({dpow},))'''
_U = dict(dtanh="1.0 - t * t", dexp="e", dpow="k * self.data ** (k - 1)")

_TOPO_DFS = '''def topological_order(root):
    order, seen, stack = [], set(), [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
    return order'''

_BACKWARD = '''@add_method(Value)
def backward(self):
    order = topological_order(self)
{reset}
    self.grad = 1.0
    for node in {walk}:
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad {op} local * node.grad'''
_B = dict(reset="    for node in order:\n        node.grad = 0.0", walk="reversed(order)", op="+=")

_TRAIN = '''def train_tiny(X, y, steps, lr, seed):
    rng = np.random.default_rng(seed)
    params = [Value(v) for v in rng.normal(0, 1, 17)]
    T = 2 * np.asarray(y) - 1
    for _ in range({steps}):
        loss = Value(0.0)
        for x, t in zip(X, T):
            loss = loss + (tiny_forward(params, x) - float(t)) ** 2
        loss = loss * (1.0 / len(X))
        loss.backward()
        for p in params{which}:
            p.data {op} lr * p.grad
    return [p.data for p in params]'''
_T = dict(steps="steps", which="", op="-=")

_NEW = '''@add_method(Value)
def sin(self):
    return Value(math.sin(self.data), (self,), ({dsin},))


@add_method(Value)
def __truediv__(self, other):
    other = other if isinstance(other, Value) else Value(other)
    return {div}'''
_N = dict(dsin="math.cos(self.data)", div="Value(self.data / other.data, (self, other), (1.0 / other.data, -self.data / other.data ** 2))")

WRONG = [
    ("value_class", "local derivatives of the product swapped",
     _CLASS.format(add=_ADD, mul=_WRAP + "        return Value(self.data * other.data, (self, other), (self.data, other.data))"), 0.0),
    ("value_class", "the sum's local derivatives (1, 0)",
     _CLASS.format(add=_WRAP + "        return Value(self.data + other.data, (self, other), (1.0, 0.0))", mul=_MUL), 0.0),
    ("value_class", "plain numbers not wrapped (3 * a and a + 4 fail)",
     _CLASS.format(add="        return Value(self.data + other.data, (self, other), (1.0, 1.0))",
                   mul="        return Value(self.data * other.data, (self, other), (other.data, self.data))"), 1.33),
    ("value_class", "returns a float, not a Value",
     _CLASS.format(add=_WRAP + "        return self.data + other.data", mul=_MUL), 0.0),
    ("value_unary", "tanh's derivative without the square", _UNARY.format(**{**_U, "dtanh": "1.0 - t"}), 0.67),  # one graph has no tanh
    ("value_unary", "tanh's derivative from the input, not the output", _UNARY.format(**{**_U, "dtanh": "1.0 - self.data ** 2"}), 0.67),
    ("value_unary", "exp's derivative taken as x", _UNARY.format(**{**_U, "dexp": "self.data"}), 0.67),   # one graph has no exp
    ("value_unary", "the power rule without the -1", _UNARY.format(**{**_U, "dpow": "k * self.data ** k"}), 0.67),  # one graph has no power
    ("topological_order", "recursive depth-first search (a chain of 3,000 is too deep)", '''def topological_order(root):
    order, seen = [], set()
    def visit(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        for p in node.parents:
            visit(p)
        order.append(node)
    visit(root)
    return order''', 1.6),   # only the chain of 3,000 fails
    ("topological_order", "no 'seen' set: shared nodes listed again", '''def topological_order(root):
    order, stack = [], [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        else:
            stack.append((node, True))
            stack.extend((p, False) for p in node.parents)
    return order''', 0.0),
    ("topological_order", "root first (the order of backward, not the topological one)",
     _TOPO_DFS.replace("    return order", "    return order[::-1]"), 0.0),
    ("topological_order", "breadth-first from the root, reversed", '''def topological_order(root):
    order, seen, queue = [], {id(root)}, [root]
    while queue:
        node = queue.pop(0)
        order.append(node)
        for p in node.parents:
            if id(p) not in seen:
                seen.add(id(p))
                queue.append(p)
    return order[::-1]''', 0.4),   # right only where no node is reached along paths of different lengths
    ("backward", "= instead of +=", _BACKWARD.format(**{**_B, "op": "="}), 0.0),
    ("backward", "gradients not reset: a second backward() doubles them", _BACKWARD.format(**{**_B, "reset": ""}), 2.5),   # only the case that calls it twice
    ("backward", "walks the order forwards", _BACKWARD.format(**{**_B, "walk": "order"}), 0.0),
    ("backward", "forgets self.grad = 1", _BACKWARD.format(**_B).replace("    self.grad = 1.0\n", ""), 0.0),
    ("train_tiny", "steps uphill", _TRAIN.format(**{**_T, "op": "+="}), 0.0),
    ("train_tiny", "only the output layer learns", _TRAIN.format(**{**_T, "which": "[12:]"}), 0.0),
    ("train_tiny", "one step", _TRAIN.format(**{**_T, "steps": "1"}), 0.0),
    ("train_tiny", "gradients summed over all steps and never reset", _TRAIN.format(**{**_T, "op": "-="}).replace(
        "    T = 2 * np.asarray(y) - 1\n", "    T = 2 * np.asarray(y) - 1\n    total = [0.0] * 17\n").replace(
        "        for p in params:\n            p.data -= lr * p.grad",
        "        for k, p in enumerate(params):\n            total[k] += p.grad\n            p.data -= lr * total[k]"), 1.0),   # still learns the XOR
    ("train_tiny", "trains on the notebook's XOR points instead of its arguments",
     "X_mine, y_mine = xor_data(40, seed=0)\n\n\n" + _TRAIN.format(**_T).replace("zip(X, T)", "zip(X_mine, 2 * y_mine - 1)")
     .replace("len(X)", "len(X_mine)"), 0.0),
    ("backward", "breadth-first from the root, each node once", '''@add_method(Value)
def backward(self):
    for node in topological_order(self):
        node.grad = 0.0
    self.grad, queue, seen = 1.0, [self], {id(self)}
    while queue:
        node = queue.pop(0)
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad
            if id(parent) not in seen:
                seen.add(id(parent))
                queue.append(parent)''', 2.0),   # right where no node waits for a longer path
    ("order_explanation", "leaves first", "def order_explanation():\n    return 1", 0.0),
    ("order_explanation", "only saves time", "def order_explanation():\n    return 3", 0.0),
    ("order_explanation", "only for a leaf used twice", "def order_explanation():\n    return 4", 0.0),
    ("value_new_ops", "sin's derivative with the wrong sign", _NEW.format(**{**_N, "dsin": "-math.cos(self.data)"}), 0.0),
    ("value_new_ops", "d(a/b)/db as -1/b^2 (a forgotten)", _NEW.format(**{**_N, "div": "Value(self.data / other.data, (self, other), "
                                                                               "(1.0 / other.data, -1.0 / other.data ** 2))"}), 0.0),
    ("value_new_ops", "division as a * b ** -1 (three nodes, not one)", _NEW.format(**{**_N, "div": "self * other ** -1.0"}), 0.0),
    ("value_new_ops", "the two local derivatives swapped", _NEW.format(**{**_N, "div": "Value(self.data / other.data, (self, other), "
                                                                       "(-self.data / other.data ** 2, 1.0 / other.data))"}), 0.0),
]

# Right answers written differently from the reference: graded whole, each keeps full marks.
RIGHT = [
    ("topological_order", "Kahn's algorithm on the reversed edges", '''def topological_order(root):
    nodes, stack, seen = [], [root], {id(root)}
    while stack:
        n = stack.pop()
        nodes.append(n)
        for p in n.parents:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
    users = {id(n): 0 for n in nodes}
    for n in nodes:
        for p in set(map(id, n.parents)):
            users[p] += 1
    ready, order = [root], []
    while ready:
        n = ready.pop()
        order.append(n)
        for p in {id(q): q for q in n.parents}.values():
            users[id(p)] -= 1
            if users[id(p)] == 0:
                ready.append(p)
    return order[::-1]'''),
    ("train_tiny", "the loss as sum(...) / len(X)", _TRAIN.format(**_T).replace(
        "        loss = Value(0.0)\n        for x, t in zip(X, T):\n            loss = loss + (tiny_forward(params, x) - float(t)) ** 2\n"
        "        loss = loss * (1.0 / len(X))",
        "        loss = sum(((tiny_forward(params, x) - float(t)) ** 2 for x, t in zip(X, T)), Value(0.0)) * (1 / len(X))")),
]
