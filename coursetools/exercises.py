"""Generate the exercise notebooks from the solution notebooks.

    python -m coursetools build-exercises [--check]      solutions/*.ipynb -> exercises/*.ipynb

In a solution notebook, code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes
``raise NotImplementedError("Task N: write NAME (replace this line with your code)")`` at the same
indentation (N from the "## Task N" heading above, NAME the function or method it sits in); code between
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` is removed; outputs and execution counts are cleared, and the cells keep their
nbgrader metadata (schema 3: grade_id, points, solution/grade/locked), so the exercise works with nbgrader.
"""
import argparse
import copy
import re
from pathlib import Path

from .paths import REPO

# A marker is a comment on a line of its own, as in nbgrader: "### BEGIN SOLUTION", "### END HIDDEN TESTS", ...
_MARKER = re.compile(r"^([ \t]*)###[ \t]*(BEGIN|END)[ \t]+(SOLUTION|HIDDEN TESTS)[ \t]*$")
_ANY_MARKER = re.compile(r"(BEGIN|END)[ \t]+(SOLUTION|HIDDEN TESTS)")
_TASK = re.compile(r"^#+[ \t]*(?:Task|課題)[ \t]+(\d+)\b", re.M)      #課題: the Japanese edition's "Task"
_DEF = re.compile(r"^([ \t]*)def[ \t]+(\w+)")
_CLASS = re.compile(r"^([ \t]*)class[ \t]+(\w+)")
_ADD_METHOD = re.compile(r"^[ \t]*@add_method\((\w+)\)")


def _name_before(lines):
    """The function the code above a marker belongs to: 'f', 'Class.method' (by indentation or by an
    @add_method(Class) decorator), or None at the top level of a cell."""
    for k in range(len(lines) - 1, -1, -1):
        m = _DEF.match(lines[k])
        if not m:
            continue
        name, indent = m.group(2), len(m.group(1).expandtabs())
        if k > 0 and _ADD_METHOD.match(lines[k - 1]):
            return f"{_ADD_METHOD.match(lines[k - 1]).group(1)}.{name}"
        for j in range(k - 1, -1, -1):
            c = _CLASS.match(lines[j])
            if c and len(c.group(1).expandtabs()) < indent:
                return f"{c.group(2)}.{name}"
        return name
    return None


def stub_message(task, name, lang="en"):
    """What the learner's NotImplementedError says: which task, which function (in ``lang``, through the
    catalogue i18n/<lang>/coursetools.po)."""
    from .i18n import translator
    tr = translator(lang)
    if task:                                                     # names are identifiers: no quotes to escape
        return tr("Task {task}: write {name} (replace this line with your code)", task=task, name=name) if name \
            else tr("Task {task}: write this part (replace this line with your code)", task=task)
    return tr("Write {name} (replace this line with your code)", name=name) if name \
        else tr("Write this part (replace this line with your code)")


def strip_source(source, task=None, lang="en"):
    """Solution code -> ``raise NotImplementedError("Task N: write NAME ...")`` at the marker's indentation;
    hidden tests -> nothing. Line-based like nbgrader's ClearSolutions: a marker must be a line of its own, and
    a marker inside an open region (nested), an END without its BEGIN, or a BEGIN never closed is an error
    (ValueError naming the line), so no solution line can slip into an exercise."""
    lines = source.splitlines(keepends=True)
    out, open_ = [], None                     # open_: (kind, line number)
    for no, line in enumerate(lines, 1):
        m = _MARKER.match(line.rstrip("\r\n"))
        if not m:
            if _ANY_MARKER.search(line):
                raise ValueError(f"line {no}: a BEGIN/END SOLUTION or HIDDEN TESTS marker must be a comment on a line "
                                 f"of its own ('### BEGIN SOLUTION'), got {line.strip()!r}")
            if open_ is None:
                out.append(line)
            continue
        indent, what, kind = m.groups()
        if what == "BEGIN":
            if open_:
                raise ValueError(f"line {no}: ### BEGIN {kind} inside the ### BEGIN {open_[0]} of line {open_[1]}; "
                                 f"markers cannot nest: close the first region with ### END {open_[0]}")
            open_ = (kind, no)
            if kind == "SOLUTION":
                message = stub_message(task, _name_before(lines[:no - 1]), lang)
                out.append(f'{indent}raise NotImplementedError("{message}")\n')
        else:
            if not open_ or open_[0] != kind:
                raise ValueError(f"line {no}: ### END {kind} without a ### BEGIN {kind} before it")
            open_ = None
    if open_:
        raise ValueError(f"line {open_[1]}: ### BEGIN {open_[0]} is never closed by ### END {open_[0]}")
    text = "".join(out)
    if text.endswith("\n") and not source.endswith("\n"):
        text = text[:-1]
    return text


def make_exercise(nb, lang="en"):
    """A solution notebook (nbformat node) -> the student's exercise notebook. A stub names the task of the
    nearest "## Task N" heading above it and the function it sits in (its message in ``lang``)."""
    ex = copy.deepcopy(nb)
    ids, task = set(), None
    for i, cell in enumerate(ex.cells):
        meta = cell.metadata.get("nbgrader")
        if meta:
            gid = meta.get("grade_id")
            if not gid or gid in ids:
                raise ValueError(f"cell {i + 1}: nbgrader grade_id {gid!r} is missing or not unique")
            ids.add(gid)
        if cell.cell_type == "markdown":
            found = _TASK.findall(cell.source)
            task = int(found[-1]) if found else task
            continue
        if cell.cell_type != "code":
            continue
        if _ANY_MARKER.search(cell.source) and not (meta or {}).get("solution") and "HIDDEN TESTS" not in cell.source:
            raise ValueError(f"cell {i + 1}: solution markers in a cell whose nbgrader metadata is not solution: true "
                             f"(nbgrader would leave the solution in the exercise)")
        try:
            cell.source = strip_source(cell.source, task, lang)
        except ValueError as exc:
            raise ValueError(f"cell {i + 1}: {exc}") from None
        cell.outputs = []
        cell.execution_count = None
        cell.metadata.pop("execution", None)          # the solution run's timestamps
    ex.metadata.pop("widgets", None)
    return ex


def build_exercises(solutions=None, exercises=None, check=False, lang="en"):
    """Write exercises/NAME.ipynb for every solutions/NAME.ipynb; with ``check``, only report differences.
    ``lang``: the language of the stubs' messages (the Japanese edition: solutions/ja -> exercises/ja).
    Returns the list of names that differ (check) or were written."""
    import nbformat
    solutions = Path(solutions or REPO / "solutions")
    exercises = Path(exercises or REPO / "exercises")
    exercises.mkdir(parents=True, exist_ok=True)
    changed = []
    for src in sorted(solutions.glob("[0-9][0-9]_*.ipynb")):
        text = nbformat.writes(make_exercise(nbformat.read(str(src), as_version=4), lang)) + "\n"
        dst = exercises / src.name
        if not dst.exists() or dst.read_text(encoding="utf-8") != text:
            changed.append(src.name)
            if not check:
                dst.write_text(text, encoding="utf-8")
    return changed


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m coursetools build-exercises",
                                 description="Write exercises/NAME.ipynb from every solutions/NAME.ipynb.")
    ap.add_argument("--check", action="store_true", help="only report exercises that are out of date")
    a = ap.parse_args(argv)
    changed = build_exercises(check=a.check)
    if a.check:
        print("exercises/ is up to date" if not changed else "out of date: " + ", ".join(changed))
        return 1 if changed else 0
    print("wrote: " + (", ".join(changed) if changed else "nothing (already up to date)"))
    return 0
