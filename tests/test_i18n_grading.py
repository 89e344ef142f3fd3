"""The grader's feedback in Japanese (``grade --lang ja``): the same hidden tests, the feedback through
i18n/ja/coursetools.po, the provided cells put back from exercises/ja/.

Every text of the feedback is an English template marked with ``N_`` (coursetools/grading/tasks.py) in the grader's
modules and the hidden test files; ``feedback_templates`` collects them from the source, and the catalogue must hold
exactly those, each translated whole. Real wrong Japanese submissions are then graded and no line of their feedback
may be left in English."""
import ast
import copy
import functools
import re
import string

import nbformat
import polib
import pytest

from coursetools.grading.core import Grader
from coursetools.grading.submissions import data_language, exercise_from_path
from coursetools.grading.tasks import load_exercise
from coursetools.i18n import FEEDBACK_SOURCES, feedback_templates, translator
from coursetools.paths import REPO

CATALOGUE = REPO / "i18n" / "ja" / "coursetools.po"


@functools.lru_cache(maxsize=None)
def _tasks(exercise):
    """The hidden tests of an exercise, loaded once for this file's tests (some load MNIST or train a model)."""
    return load_exercise(exercise)


def _fields(text):
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


def _formats(text):
    """Each field with its conversion and format spec, sorted: a translation keeps "{acc:.0%}" as it is."""
    return sorted((name, conv or "", spec or "") for _, name, spec, conv in string.Formatter().parse(text) if name)


def _digits(text):
    """The numbers of a template outside its fields, sorted (a translation may reorder them)."""
    return sorted(re.findall(r"\d+", re.sub(r"\{[^{}]*\}", "", text)))


# Names a Japanese line may hold next to each other: menu items of Jupyter, spelt as Jupyter shows them.
UI_NAMES = ("Edit > Clear Outputs of All Cells",)


def english_words(line, code_names=()):
    """The longest run of English words in a line of feedback: tokens (split at spaces) of ASCII letters only, once
    surrounding punctuation is stripped, that are not code (inside backticks, or one of ``code_names``). Japanese
    text, numbers, shapes and names with digits, dots or underscores end a run."""
    line = re.sub(r"`[^`]*`", " ", line)
    for name in UI_NAMES:
        line = line.replace(name, " ")
    run = longest = 0
    for token in line.split():
        word = token.strip("()[]{},.;:!?'\"")
        if re.fullmatch(r"[A-Za-z]+(?:'[a-z]+)?", word) and word not in code_names:
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    return longest


def english_lines(text, code_names=()):
    """The lines of a feedback text with three or more English words in a row."""
    return [line for line in text.split("\n") if english_words(line, code_names) >= 3]


def test_the_english_detector_is_precise():
    assert english_lines("The result of loss(X of shape (4, 2)) has wrong values.") != []
    assert english_lines("loss(形 (4, 2) の X) の結果の値が違います。") == []
    assert english_lines("3 個 (dx, dgamma, dbeta) が必要です。", code_names={"dx", "dgamma", "dbeta"}) == []
    assert english_lines("3 個 (dx, dgamma, dbeta) が必要です。") != []
    assert english_lines("`No such name` は定義されていません") == []
    assert english_lines("課題 1: still in English here") != []


def test_every_feedback_template_has_one_complete_japanese_entry():
    """Statically: every template the grader's modules and the hidden tests can produce (``N_`` and ``tr`` calls,
    the sandbox's isolation f-strings) has a translated, not fuzzy entry with the same fields, formats and numbers
    and no English left; and the catalogue has no entry that nothing uses."""
    templates = feedback_templates()
    assert len(templates) > 150
    hidden = {t for t, where in templates.items() if any(w.startswith("coursetools/hidden/") for w in where)}
    assert len(hidden) > 80
    po = polib.pofile(str(CATALOGUE), wrapwidth=0)
    entries = {entry.msgid: entry for entry in po if not entry.obsolete}
    missing = sorted(t for t in templates if t not in entries)
    assert not missing, f"templates without an entry in {CATALOGUE.name}: {missing}"
    unused = sorted(m for m in entries if m not in templates)
    assert not unused, f"entries that no template uses: {unused}"
    for msgid, entry in entries.items():
        where = templates[msgid][0]
        assert entry.msgstr and "fuzzy" not in entry.flags, (where, msgid)
        assert _formats(msgid) == _formats(entry.msgstr), (where, msgid, entry.msgstr)
        assert _digits(msgid) == _digits(entry.msgstr), (where, msgid, entry.msgstr)
        assert english_words(entry.msgstr) < 3, (where, entry.msgstr)
        # two fields side by side cannot be told apart in a finished line (translator(...).text)
        assert not re.search(r"\}\{", msgid.replace("{{", "").replace("}}", "")), (where, msgid)


def _words(text):
    longest = run = 0
    for token in text.split():
        if re.fullmatch(r"[A-Za-z]{2,}", token.strip("()[]{},.;:!?'\"")):
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    return longest


# Texts of the grader that are not feedback: the gradebook's note column (read by the instructor).
NOT_FEEDBACK = {"grader error: grade again", "grader error in a hidden check: see results.json",
                "numpy scalar"}          # a kind of return value (protocol.KINDS), shown as a type name, like float


def test_no_feedback_text_is_left_unmarked():
    """A string with two or more words in a row in a hidden test file or a grader module is an ``N_`` template
    (or a docstring, an exception the grader raises for the instructor, or NOT_FEEDBACK): a describe string or check
    message written without ``N_`` would reach a Japanese learner in English."""
    unmarked = []
    for pattern in FEEDBACK_SOURCES:
        if pattern == "coursetools/exercises.py":         # the exercises' builder: its stubs are tr() templates
            continue
        for path in sorted(REPO.glob(pattern)):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            skip = set()
            for node in ast.walk(tree):
                if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node, False):
                    skip.add(id(node.body[0].value))
                is_marked = isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("N_", "tr")
                if is_marked or isinstance(node, (ast.Raise, ast.Assert)):
                    skip.update(id(sub) for sub in ast.walk(node))
            for node in ast.walk(tree):
                if id(node) in skip:
                    continue
                if isinstance(node, ast.JoinedStr):
                    text = "".join(v.value if isinstance(v, ast.Constant) else " 0 " for v in node.values)
                elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                    text = node.value
                else:
                    continue
                if _words(text) >= 2 and text not in NOT_FEEDBACK:
                    unmarked.append(f"{path.relative_to(REPO)}:{node.lineno}: {text[:70]!r}")
    assert not unmarked, "texts a learner may read that are not N_ templates:\n" + "\n".join(unmarked)


@pytest.mark.parametrize("exercise", sorted(p.stem[1:] for p in (REPO / "coursetools" / "hidden").glob("h*.py")))
def test_every_hidden_text_reads_japanese(exercise):
    """At run time too: every task name, case description and accepted-values text of each hidden test file comes
    out Japanese (through the same line-by-line translation the grader uses)."""
    tr = translator("ja")
    tasks = _tasks(exercise)
    names = _code_names(tasks)
    left = []
    for task in tasks:
        for text in [task.name, task.accepted()] + [case.describe for case in task.cases]:
            if english_words(tr.text(text), names) >= 3 or (_words(text) >= 2 and tr.text(text) == text):
                left.append(text)
    assert not left, left


def _code_names(tasks):
    names = set()
    for task in tasks:
        names.update(re.split(r"[./]", task.shown) + [task.func] + list(task.parts or ()))
    return names


def test_catalogue_entries_keep_their_fields_and_are_complete():
    po = polib.pofile(str(CATALOGUE), wrapwidth=0)
    assert len(po) > 40
    for entry in po:
        assert entry.msgstr and "fuzzy" not in entry.flags, entry.msgid
        assert _fields(entry.msgid) == _fields(entry.msgstr), entry.msgid
        assert re.findall(r"\d+", entry.msgid) == re.findall(r"\d+", entry.msgstr) or \
            sorted(re.findall(r"\d+", entry.msgid)) == sorted(re.findall(r"\d+", entry.msgstr)), entry.msgid


def test_nested_feedback_is_translated_field_by_field():
    tr = translator("ja")
    english = ("The result of loss(X of shape (4, 2), w of shape (2,), t of shape (4,)) has wrong values: 2 of 4 "
               "entries are wrong, the first at index (1,). They are twice the expected values: check for a factor of 2.")
    assert tr.text(english) == ("loss(形 (4, 2) の X、形 (2,) の w、形 (4,) の t) の結果の値が違います: 4 個の要素のうち 2 個が"
                                "違い、最初の違いは添字 (1,) です。期待される値の二倍です: 係数 2 を確かめてください。")
    assert tr.text("no template matches this line") == "no template matches this line"
    # a field holds text with balanced parentheses only: each line splits as it was made, never at a "(" or ", "
    # inside a value ("{description}, beta={beta}" must not swallow "momentum_path(...")
    assert tr.text("momentum_path(A of shape (3, 3), p0 of shape (3,), eta=0.05, steps=15, beta=0.75): the call ran out "
                   "of time (this task may take 10 s).") == (
        "momentum_path(形 (3, 3) の A、形 (3,) の p0、eta=0.05、steps=15、beta=0.75): 呼び出しが時間切れになりました "
        "(この課題に使える時間は 10 秒です)。")
    assert tr.text("line_search_path(A of shape (3, 3), p0 of shape (3,), steps=4 (p0 = 0, already the minimum)) raised "
                   "ValueError: a learner's own message (unbalanced") == (
        "line_search_path(形 (3, 3) の A、形 (3,) の p0、steps=4 (p0 = 0、はじめから最小点)) でエラーが発生しました: "
        "ValueError: a learner's own message (unbalanced")
    assert translator("en").text(english) == english


@pytest.fixture(scope="module")
def graded_ja():
    """solutions/ja/02 with a loss twice too large, and the untouched Japanese exercise, graded in Japanese."""
    nb = nbformat.read(REPO / "solutions" / "ja" / "02_least_squares.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "loss":
            cell.source = cell.source.replace("return 0.5 * float(r @ r)", "return float(r @ r)")
    grader = Grader("02_least_squares", lang="ja", tasks=_tasks("02_least_squares"))
    wrong = grader.grade_data(nbformat.writes(nb).encode())
    exercise = (REPO / "exercises" / "ja" / "02_least_squares.ipynb").read_bytes()
    return grader, wrong, grader.grade_data(exercise)


def test_japanese_feedback_for_the_same_hidden_tests(graded_ja):
    grader, wrong, empty = graded_ja
    assert any("set_language" in c["source"] for c in grader.sources("ja"))      # the Japanese exercise's cells
    assert wrong["score"] == wrong["max_score"] - 1              # only the loss task lost
    loss = wrong["tests"][0]["output"]
    assert loss.startswith("非公開のチェック 3 個のうち 0 個に合格しました。")
    assert "期待される値の二倍です" in loss and "wrong values" not in loss
    assert empty["score"] == 0
    assert "はまだ NotImplementedError を送出します" in empty["tests"][1]["output"]
    assert "非公開のテストで採点しました" in wrong["output"]


def test_the_japanese_exercise_is_found_from_its_path():
    path = REPO / "exercises" / "ja" / "02_least_squares.ipynb"
    assert exercise_from_path(path) == "02_least_squares"
    assert data_language(path.read_bytes()) == "ja"
    assert data_language((REPO / "exercises" / "02_least_squares.ipynb").read_bytes()) == "en"


# One function of a Japanese solution broken the way a learner might (exercise, grade_id, English source, broken
# source): wrong values (a sign), a wrong shape (a flattened result), an order that breaks a hidden check.
BROKEN = [("03_gradient_descent", "momentum_path", "v = beta * v - eta * (A @ p)", "v = beta * v + eta * (A @ p)"),
          ("05_relu_nonlinearity", "relu_backward", "return dout * (a > 0)", "return (dout * (a > 0)).ravel()"),
          ("07_autodiff", "topological_order", "    return order\n", "    return order[::-1]\n")]


@pytest.fixture(scope="module", params=BROKEN, ids=[b[0] for b in BROKEN])
def graded_broken(request):
    """A Japanese solution with one function broken, graded once: (tasks, broken task's index, English feedback,
    the same feedback in Japanese)."""
    exercise, grade_id, right, wrong = request.param
    nb = nbformat.read(REPO / "solutions" / "ja" / f"{exercise}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    assert right in cell.source
    cell.source = cell.source.replace(right, wrong)
    grader = Grader(exercise, lang="ja", tasks=_tasks(exercise))
    english = grader._grade_data(nbformat.writes(nb).encode(), "ja")     # the English feedback, before translation
    english.pop("_crashed", None)
    k = next(k for k, t in enumerate(grader.tasks) if grade_id in (t.func, t.shown))
    return grader.tasks, k, english, grader.translated(copy.deepcopy(english), translator("ja"))


def _feedback(res):
    return [res["output"]] + [t["name"] + "\n" + t["output"] for t in res["tests"]]


def test_no_line_of_real_feedback_is_left_in_english(graded_broken):
    tasks, k, english, japanese = graded_broken
    names = _code_names(tasks)
    broken = japanese["tests"][k]
    assert broken["score"] < broken["max_score"]                      # the broken function lost points
    assert len(broken["output"].split("\n")) >= 2                    # and its feedback says why
    assert english_lines(english["tests"][k]["output"], names)       # the same lines in English are caught
    left = [line for text in _feedback(japanese) for line in english_lines(text, names)]
    assert not left, left
    assert [t["score"] for t in japanese["tests"]] == [t["score"] for t in english["tests"]]


def test_what_a_broken_channel_says_is_japanese_too():
    """The detail of a refused result line (protocol.ChannelError) sits inside the feedback's own template; both
    are translated (the details were English in the Japanese feedback)."""
    from coursetools.grading import protocol
    from coursetools.grading.core import N_
    limits = protocol.Limits([0, 1], 2, 3, 1 << 20)
    lines = [b"not json", b"[1, 2]", b'{"m": "nothing"}', b'{"m": "done", "extra": 1}',
             b'{"m": "task_timeout", "k": 7, "j": 0}', b'{"m": "task_timeout", "k": 0, "j": "x"}']
    tr = translator("ja")
    for line in lines:
        with pytest.raises(protocol.ChannelError) as err:
            protocol.parse(line, limits)
        english = N_("Your code's process sent the grader something it never sends ({error}). This submission could "
                     "not be graded automatically; ask your instructor.", error=err.value)
        japanese = tr.text(english)
        assert japanese != english and english_words(japanese) < 2, (line, japanese)
