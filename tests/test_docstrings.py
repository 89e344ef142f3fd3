"""Every public function and class of nnkit says what goes in and what comes out (with shapes, cs231n style)
and which lesson writes it first (d2l's provenance line): what a learner reads after a lesson."""
import importlib
import inspect
import pkgutil
import re

import pytest

import nnkit
import nnkit.widgets

MODULES = ["nnkit", "nnkit.data", "nnkit.plotting", "nnkit.landscape", "nnkit.errors", "nnkit.gradcheck",
           "nnkit.autodiff", "nnkit.functions", "nnkit.losses", "nnkit.metrics", "nnkit.training", "nnkit.model",
           "nnkit.optimizers", "nnkit.schedules", "nnkit.layers", "nnkit.threads"] + \
          [f"nnkit.widgets.{m.name}" for m in pkgutil.iter_modules(nnkit.widgets.__path__) if not m.name.startswith("_")]


def _public():
    seen, out = set(), []
    for name in MODULES:
        mod = importlib.import_module(name)
        for attr in getattr(mod, "__all__", []):
            obj = getattr(mod, attr)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__.startswith("nnkit") \
                    and id(obj) not in seen:
                seen.add(id(obj))
                out.append(obj)
    return out


PUBLIC = _public()


def test_there_is_a_public_api_to_check():
    assert len(PUBLIC) > 60


@pytest.mark.parametrize("obj", PUBLIC, ids=lambda o: f"{o.__module__}.{o.__qualname__}")
def test_docstring_has_inputs_returns_and_the_lesson(obj):
    doc = inspect.getdoc(obj) or ""
    assert re.search(r"Lessons? \d", doc), "no 'Lesson N' back-link"
    if inspect.isclass(obj) and issubclass(obj, Exception):
        return
    assert "Inputs" in doc, "no 'Inputs' section"
    assert "Returns" in doc or "Yields" in doc, "no 'Returns' section"
