"""What a learner reads outside the notebooks says only what is true: nnkit's files show the lesson's lines
first, every "lesson N writes ..." quotes code that lesson N really contains, the README says exactly where
the learning rate is spelt `eta` and where `lr`, and no example tunes on the test set."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))
TEXTS = [ROOT / "README.md", ROOT / "tests" / "test_layer_contract.py"] + sorted((ROOT / "nnkit").rglob("*.py")) \
    + sorted((ROOT / "docs").glob("*.md"))


def _code(path):
    """All code of a notebook: code cells and the code blocks shown in its markdown cells."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells)


def _squash(text):
    return re.sub(r"\s+", "", text)


def _line_of(path, text):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} is not in {path.name}")


def _first_raise(path):
    return _line_of(path, "raise ")


@pytest.mark.parametrize("file, lines", [
    ("layers.py", ['self.X = X', 'return X @ self.params["W"] + self.params["b"]',
                   'self.grads["W"] = self.X.T @ dout', 'self.grads["b"] = dout.sum(axis=0)',
                   'return dout @ self.params["W"].T', 'self.mask = X > 0', 'return dout * self.mask']),
    ("optimizers.py", ["for name in params:", "w -= self.lr * dw", 'v = self.momentum * v - self.lr * dw']),
])
def test_the_lessons_lines_come_first(file, lines):
    """A learner who opens the file after the lesson meets the lesson's lines on the first screens, before any
    error handling (code review 2026-12-06, finding 3: line 120 of 207)."""
    path = ROOT / "nnkit" / file
    first_raise = _first_raise(path)
    for text in lines:
        number = _line_of(path, text)
        assert number < 100, f"{text!r} is on line {number} of {file}"
        assert number < first_raise, f"{text!r} (line {number}) comes after error handling (line {first_raise})"


QUOTE = [re.compile(r"(?i)lesson (\d)(?: writes(?: it)?:?|'s|:) ``?([^`]+)``?"),    # lesson 6 writes `code`
         re.compile(r"(?i)``?([^`]+)``?,? as lesson (\d) writes", re.S),             # `code`, as lesson 6 writes
         re.compile(r"lesson (\d): ([^;`\n]+?)(?:;|\s{2,}|\n)")]                   # in nnkit: lesson 6: code;


def _quotes():
    found = []
    for path in TEXTS:
        text = path.read_text(encoding="utf-8")
        for m in QUOTE[0].finditer(text):
            found.append((path.name, int(m.group(1)), m.group(2)))
        for m in QUOTE[1].finditer(text):
            found.append((path.name, int(m.group(2)), m.group(1)))
        if path.suffix == ".py":
            for m in QUOTE[2].finditer(text):
                if "=" in m.group(2):
                    found.append((path.name, int(m.group(1)), m.group(2).strip()))
    return sorted(set(found))


def test_quotes_of_the_lessons_are_found():
    assert len(_quotes()) >= 10, "the quote finder found too little: has the wording changed?"


@pytest.mark.parametrize("where, lesson, quote", _quotes())
def test_what_a_lesson_writes_is_in_that_lesson(where, lesson, quote):
    """Code review finding 1: three texts said lesson 6 writes self.grads["W"] = self.X.T @ dout; it does not."""
    code = "".join(_code(p) for p in LESSONS if p.name.startswith(f"{lesson:02d}_"))   # 4a and 4b are lesson 4
    assert _squash(quote) in _squash(code), f"{where}: lesson {lesson} does not contain {quote!r}"


def _notebooks_using(name, notebooks):
    pattern = re.compile(rf"\b{name}\b\s*[=,)]|\b{name}\s*\*")
    return {int(p.name[:2]) for p in notebooks if pattern.search(_code_cells(p))}


def _code_cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def _readme_numbers(label, kind):
    line = next(l for l in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
                if l.startswith(f"- `{label}`"))
    line = re.sub(r"\((4a|4b)\)", "", line)                   # "lessons 2, 3 and 4 (4a)": 4a and 4b are lesson 4
    part = re.search(rf"{kind} ([\d, and]+)", line)
    return {int(n) for n in re.findall(r"\d", part.group(1))} if part else set()


@pytest.mark.parametrize("label", ["eta", "lr"])
def test_the_readme_says_exactly_where_each_name_of_the_learning_rate_is_used(label):
    """Code review finding 2: "lr everywhere except lesson 2" was false (lessons 3, 4 and exercise 3 use eta)."""
    assert _readme_numbers(label, "lessons") == _notebooks_using(label, LESSONS)
    assert _readme_numbers(label, "exercises") == _notebooks_using(label, EXERCISES)


TEST_AS_VALIDATION = re.compile(r"X_val\s*=\s*X_te|validation_data\s*=\s*\(\s*X_te")


@pytest.mark.parametrize("path", TEXTS + LESSONS, ids=lambda p: p.name)
def test_no_example_tunes_on_the_test_set(path):
    text = _code(path) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")
    m = TEST_AS_VALIDATION.search(text)
    assert not m, f"{path.name} validates on the test set: {m.group(0)!r} (lesson 6: the test set is read once)"
