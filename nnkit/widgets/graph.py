"""Build an expression, see its computation graph and every gradient (lesson 7).

Logic (plain Python, tested without a browser):
    evaluate_expression("(a * b + c).tanh()", {"a": 2, "b": -3, "c": 10})
        -> (output Value, {"a": Value, ...}) with backward() already run
    ExpressionExplorer(expr, values)  .set(expr=..., a=...)  .gradients()  .figure()
View:
    expression_widget()               a text box for the expression, sliders for a, b, c (ipywidgets)

Expressions use the variables a, b, c, numbers, + - * / ** and the methods .exp() .log() .tanh()
.relu() .sigmoid() of :class:`nnkit.autodiff.Value`. Nothing else is reachable from the text.
"""
import ast

from ..autodiff import Value
from . import _view
from ..i18n import tr

__all__ = ["evaluate_expression", "ExpressionExplorer", "expression_widget", "EXAMPLES", "VARIABLES"]

VARIABLES = ("a", "b", "c")
_METHODS = {"exp", "log", "tanh", "relu", "sigmoid"}
_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Call, ast.Attribute, ast.Name, ast.Load, ast.Constant,
          ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd)

EXAMPLES = {
    "a neuron": "(a * b + c).tanh()",
    "lesson 7 example": "(a * b + c) * a",
    "softplus": "(1 + a.exp()).log()",
    "ReLU of a difference": "(a - b).relu() * c",
    "sigmoid and a power": "(a * b).sigmoid() + c ** 2 / 2",
}


def _check(expr):
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError as err:
        raise ValueError(tr("could not read the expression {expr!r}: {msg}", expr=expr, msg=err.msg)) from None
    for node in ast.walk(tree):
        if not isinstance(node, _NODES):
            raise ValueError(tr("{type} is not allowed in an expression; use a, b, c, numbers, + - * / ** and .exp() "
                                ".log() .tanh() .relu() .sigmoid().", type=type(node).__name__))
        if isinstance(node, ast.Name) and node.id not in VARIABLES:
            raise ValueError(tr("unknown name {name!r}: the variables are a, b and c.", name=node.id))
        if isinstance(node, ast.Attribute) and node.attr not in _METHODS:
            raise ValueError(tr("unknown method .{attr}(); use one of {methods}.", attr=node.attr,
                                methods=sorted(_METHODS)))
        if isinstance(node, ast.Call) and (not isinstance(node.func, ast.Attribute) or node.args or node.keywords):
            raise ValueError(tr("only the methods .exp() .log() .tanh() .relu() .sigmoid() without arguments can be "
                                "called."))
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise ValueError(tr("only numbers are allowed as constants, got {value!r}.", value=node.value))
    return tree


def evaluate_expression(expr, values):
    """Evaluate an expression on Values named a, b, c and run ``backward()``. Lesson 7 (behind ``expression_widget``).

    Inputs:
    - expr: text with the variables a, b, c, numbers, + - * / ** and the methods .exp() .log() .tanh()
      .relu() .sigmoid(), e.g. "(a * b + c).tanh()". Anything else raises ValueError before it runs.
    - values: {name: number} for a, b, c (a missing one is 0).
    Returns (output, leaves): the output Value (labelled "out" unless it has a label), and a dict
    {name: leaf Value} whose ``grad`` is d(output)/d(leaf).
    """
    tree = _check(expr)
    leaves = {name: Value(float(values.get(name, 0.0)), name) for name in VARIABLES}
    out = eval(compile(tree, "<expression>", "eval"), {"__builtins__": {}}, dict(leaves))
    if not isinstance(out, Value):
        out = Value(out)
    out.label = out.label or "out"
    out.backward()
    return out, leaves


class ExpressionExplorer:
    """The logic behind the widget: an expression, values for a, b, c; gradients and a graph picture. Lesson 7.

    Inputs:
    - expr: an expression as in :func:`evaluate_expression` (default EXAMPLES["a neuron"], "(a * b + c).tanh()").
    - a, b, c: the variables' values (default 2, -3, 10).
    Returns (what the object offers):
    - set(expr=None, a=..., b=..., c=...): evaluates again with what is given and returns the explorer; a bad
      expression or name raises ValueError and changes nothing.
    - gradients(): {name: d(output)/d(name)} for a, b, c, floats.
    - figure(): the matplotlib Figure of ``draw_graph``, titled with the value and the gradients.
    - attributes expr, values (dict), out (the output Value), leaves ({name: Value}).
    """

    def __init__(self, expr=EXAMPLES["a neuron"], a=2.0, b=-3.0, c=10.0):
        self.expr = expr
        self.values = {"a": float(a), "b": float(b), "c": float(c)}
        self.out, self.leaves = evaluate_expression(self.expr, self.values)

    def set(self, expr=None, **values):
        unknown = set(values) - set(VARIABLES)
        if unknown:
            raise ValueError(tr("unknown variables {names}; the variables are a, b and c.", names=sorted(unknown)))
        new_expr = self.expr if expr is None else expr
        new_values = {**self.values, **{k: float(v) for k, v in values.items()}}
        self.out, self.leaves = evaluate_expression(new_expr, new_values)   # raises before changing anything
        self.expr, self.values = new_expr, new_values
        return self

    def gradients(self):
        """{name: d(output)/d(name)} for a, b, c."""
        return {name: leaf.grad for name, leaf in self.leaves.items()}

    def figure(self):
        from ..plotting import draw_graph
        grads = ", ".join(f"d/d{k} = {v:.4g}" for k, v in self.gradients().items())
        return draw_graph(self.out, title=f"{self.expr} = {self.out.data:.4g};   {grads}")


def expression_widget(expr=EXAMPLES["a neuron"], a=2.0, b=-3.0, c=10.0):
    """A text box and an example menu for the expression, sliders for a, b, c; shows the graph and gradients. Lesson 7.

    Inputs:
    - expr, a, b, c: the start, as in :class:`ExpressionExplorer` (each slider runs from -5 to 5).
    Returns an ipywidgets box: a VBox of the text box with the example menu, the three sliders, a line for
    error messages (a bad expression is reported there, the last picture stays), and the graph picture.
    """
    import ipywidgets as W
    explorer = ExpressionExplorer(expr, a, b, c)
    w_expr = W.Text(value=expr, description=tr("expression"), continuous_update=False,
                    layout=W.Layout(width="460px"), style={"description_width": "initial"})  # label not cut
    w_pick = W.Dropdown(options=[(tr("examples…"), "")] + [(k, v) for k, v in EXAMPLES.items()], value="",
                        description="", tooltip=tr("example expressions"))
    sliders = {k: W.FloatSlider(value=v, min=-5, max=5, step=0.1, description=k, continuous_update=False)
               for k, v in explorer.values.items()}
    message = W.HTML()
    out = W.Output()

    def redraw(*_):
        try:
            explorer.set(expr=w_expr.value, **{k: s.value for k, s in sliders.items()})
            message.value = ""
        except (ValueError, ZeroDivisionError, OverflowError) as err:
            message.value = f"<span style='color:crimson'>{err}</span>"
            return
        _view.redraw(out, explorer.figure)

    def pick(change):
        if change["new"]:
            w_expr.value = change["new"]

    w_pick.observe(pick, names="value")
    w_expr.observe(redraw, names="value")
    for s in sliders.values():
        s.observe(redraw, names="value")
    redraw()
    return W.VBox([W.HBox([w_expr, w_pick]), W.HBox(list(sliders.values())), message, out])
