"""The grader's feedback in Japanese (``grade --lang ja``): the same hidden tests, the feedback through
i18n/ja/coursetools.po, the provided cells put back from exercises/ja/."""
import re
import string

import nbformat
import polib
import pytest

from coursetools.grading.core import Grader
from coursetools.grading.submissions import exercise_from_path, notebook_language
from coursetools.i18n import translator
from coursetools.paths import REPO

CATALOGUE = REPO / "i18n" / "ja" / "coursetools.po"


def _fields(text):
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


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
    assert translator("en").text(english) == english


@pytest.fixture(scope="module")
def graded_ja():
    """solutions/ja/02 with a loss twice too large, and the untouched Japanese exercise, graded in Japanese."""
    nb = nbformat.read(REPO / "solutions" / "ja" / "02_least_squares.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "loss":
            cell.source = cell.source.replace("return 0.5 * float(r @ r)", "return float(r @ r)")
    grader = Grader("02_least_squares", lang="ja")
    wrong = grader.grade_data(nbformat.writes(nb).encode())
    exercise = (REPO / "exercises" / "ja" / "02_least_squares.ipynb").read_bytes()
    return grader, wrong, grader.grade_data(exercise)


def test_japanese_feedback_for_the_same_hidden_tests(graded_ja):
    grader, wrong, empty = graded_ja
    assert grader.source_cells is not None and any("set_language" in c.source for c in grader.source_cells)
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
    assert notebook_language(path) == "ja"
    assert notebook_language(REPO / "exercises" / "02_least_squares.ipynb") == "en"
