"""What a hidden test file declares: its graded ``Task``s, each with hidden ``Case``s, and how to load them.

A hidden test file ``h<exercise>.py`` (in ``coursetools/hidden/`` or a folder given with ``--hidden``)
defines ``TASKS``, a list of ``Task``. It is imported only by the grader's process, never in a sandbox.
"""
import importlib.util
import inspect
from dataclasses import dataclass, field
from pathlib import Path

from ..paths import HIDDEN_DIR


def N_(template, **fields):
    """A text a learner reads in the feedback: the English ``template`` filled with ``fields`` as str.format does
    (``N_("X of shape {shape}", shape=(3, 2))`` -> "X of shape (3, 2)"). As gettext's ``N_`` marks a string for
    xgettext, it marks ``template`` as an entry of the feedback's catalogue (i18n/<lang>/coursetools.po, keyed by
    the English template): the feedback is made in English and translated line by line when it is given
    (``coursetools.i18n.translator(lang).text`` matches each line against the catalogue's templates and translates
    the values of their fields the same way, so that templates nest). Pass the template as a string constant,
    never a variable or an f-string: tests/test_i18n_grading.py collects the templates from the source and checks
    that each has a complete translation. A field that may be empty (an optional hint) can end a template."""
    return template.format(**fields) if fields else template


@dataclass
class Case:
    """One call of the student's function: ``args`` (arrays, NumPy scalars, numbers, strings, None, and
    lists or tuples of them: each arrives in the sandbox as exactly that type and shape), the ``expected``
    result (a tuple with one array per part for a task with ``parts``), a description of the input for
    feedback (never of the expected values), and the tolerance (``np.allclose``'s rtol and atol).

    ``check``: optional judge for results that have no single right value (a trained model's accuracy, a
    learning rate "that diverges"). ``check(got)`` gets the result as a float64 array (a tuple of them for
    ``parts``), already known to be finite and of the expected shape, and returns None when it is right or
    a short message for the student that does not reveal the hidden values. ``expected`` then gives only
    the shape."""
    args: tuple
    expected: object
    describe: str
    rtol: float = 1e-6
    atol: float = 1e-8
    check: object = None


@dataclass
class Task:
    """A graded function of an exercise: its name in the gradebook, the function's name in the notebook,
    its points, and the hidden cases it must pass.

    ``scalar``: the function returns one number (accepted: a Python float or int, a NumPy scalar, a 0-d
    array, or a one-element array or list). Otherwise it returns an array of the expected shape (accepted:
    an ndarray, or a list/tuple of numbers, nested for 2-D, that NumPy turns into that shape).
    ``parts``: names of the results of a function that returns several (``("dx", "dW", "db")``): it returns
    a tuple or list of that length, each part is judged on its own, and a case earns the share of its
    parts that are right. ``uses``: ``{name: function}`` of reference functions (plain top-level ``def``s of
    the hidden file that need only ``np``, ``math`` and each other) that replace the learner's functions of
    those names while this task runs, so that a mistake in an earlier task does not cost this one. Their
    source reaches the sandbox while the task runs: list only functions of tasks graded before it.
    ``accepts``: optional text that replaces the description of accepted return values in feedback.
    ``shown``: the name feedback gives the function, when the task calls a provided helper (``func``) that
    runs the learner's own function: ``Task("2. my_rule", "rule_answers", ..., shown="my_rule")``. Default:
    ``func``."""
    name: str
    func: str
    points: float
    cases: list = field(default_factory=list)
    scalar: bool = False
    accepts: str = None
    uses: dict = None
    parts: tuple = None
    shown: str = None

    def __post_init__(self):
        self.shown = self.shown or self.func

    def accepted(self):
        if self.accepts:
            return self.accepts
        if self.parts:
            return N_("a tuple or list of {count} results ({parts}), each an array of numbers of its expected shape",
                      count=len(self.parts), parts=", ".join(self.parts))
        if self.scalar:
            return N_("one number: a Python float or int, a NumPy scalar, a 0-d array, or a one-element array or list")
        return N_("an array of numbers of the expected shape; a list or tuple of numbers (nested for 2-D) is accepted "
                  "as well")

    def reference_sources(self):
        """[(name, source)] of the reference functions in ``uses``, as the sandbox executes them."""
        out = []
        for name, fn in (self.uses or {}).items():
            src = inspect.getsource(fn)
            if fn.__name__ != name:
                src += f"\n{name} = {fn.__name__}\n"
            out.append((name, src))
        return out


def load_exercise(exercise, hidden_dir=None):
    """Import <hidden_dir>/h<exercise>.py (default coursetools/hidden, kept out of pytest, out of the student
    release and out of every sandbox) and return its TASKS list."""
    hidden_dir = Path(hidden_dir or HIDDEN_DIR)
    path = hidden_dir / f"h{exercise}.py"
    if not path.is_file():
        known = sorted(p.stem[1:] for p in hidden_dir.glob("h*.py"))
        raise FileNotFoundError(f"No hidden tests for exercise {exercise!r} in {hidden_dir}. Known exercises: "
                                f"{', '.join(known) or 'none'}.")
    spec = importlib.util.spec_from_file_location(f"coursetools_hidden_{exercise}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.TASKS
