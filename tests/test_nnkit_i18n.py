"""nnkit in Japanese: chosen by set_language, NNKIT_LANG or the locale; English by default; messages from
i18n/ja/nnkit.po (compiled to nnkit/locale/ja/LC_MESSAGES/nnkit.mo); figures with Japanese text drawn with the
font the install brings (matplotlib-fontja's IPAexGothic), without missing glyphs."""
import ast
import io
import string
import warnings

import numpy as np
import polib
import pytest

import nnkit
from nnkit import i18n
from coursetools.paths import REPO


@pytest.fixture(autouse=True)
def _english_unless_asked(monkeypatch):
    for var in ("NNKIT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    yield
    nnkit.set_language(None)


def _message(call):
    with pytest.raises(nnkit.ShapeError) as info:
        call()
    return str(info.value)


def test_english_is_the_default():
    assert nnkit.language() == "en"
    assert _message(lambda: nnkit.softmax(None)).startswith("softmax: scores is None, but an array was expected.")


def test_japanese_error_for_a_bad_input_by_set_language():
    nnkit.set_language("ja")
    assert _message(lambda: nnkit.softmax(None)) == (
        "softmax: scores が None ですが、配列が必要です。関数が結果を `return` し忘れていませんか。"
        "それとも変数にまだ値が入っていませんか?")
    assert _message(lambda: nnkit.accuracy(np.zeros((3, 2)), np.zeros(4))).endswith(
        "例が 3 個あるのに正解ラベルは 4 個です: X と y の行数は同じでなければなりません。")


@pytest.mark.parametrize("var, value", [("NNKIT_LANG", "ja"), ("LANG", "ja_JP.UTF-8"), ("LC_ALL", "ja_JP.UTF-8")])
def test_japanese_by_environment(monkeypatch, var, value):
    monkeypatch.setenv(var, value)
    assert nnkit.language() == "ja"
    assert "配列が必要です" in _message(lambda: nnkit.softmax(None))


def test_environment_order_and_bad_language(monkeypatch):
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    monkeypatch.setenv("NNKIT_LANG", "en")
    assert nnkit.language() == "en"
    with pytest.raises(ValueError, match="must be one of 'en', 'ja'"):
        nnkit.set_language("fr")


def _tr_templates():
    """The English templates of every tr("...") call in nnkit's source."""
    found = set()
    for path in (REPO / "nnkit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" and node.args \
                    and isinstance(node.args[0], ast.Constant):
                found.add(node.args[0].value)
    return found


def _fields(text):
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


def test_every_nnkit_message_has_its_japanese_and_no_entry_is_unused():
    po = polib.pofile(str(REPO / "i18n" / "ja" / "nnkit.po"), wrapwidth=0)
    entries = {e.msgid: e for e in po if not e.obsolete}
    used = _tr_templates()
    assert used, "no tr(...) call found in nnkit"
    assert sorted(used - set(entries)) == [], "messages without an entry in i18n/ja/nnkit.po"
    assert sorted(set(entries) - used) == [], "entries of i18n/ja/nnkit.po that nnkit no longer uses"
    for msgid, entry in entries.items():
        assert entry.msgstr and "fuzzy" not in entry.flags, msgid
        assert _fields(msgid) == _fields(entry.msgstr), msgid


def test_japanese_figure_text_has_every_glyph():
    import matplotlib.pyplot as plt
    nnkit.set_language("ja")
    nnkit.plotting.use_course_style()
    fig, ax = plt.subplots()
    ax.set_title("学習率と損失関数 (x₁, エポック −1)")
    ax.set_xlabel(nnkit.i18n.tr("epoch"))
    ax.plot([-1, 1], [0, 1], label=nnkit.i18n.tr("validation"))
    ax.legend()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    assert ax.get_xlabel() == "エポック"
    assert not [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert plt.rcParams["font.family"] == ["DejaVu Sans", "IPAexGothic"]


def test_without_the_japanese_font_the_glyphs_are_missing():
    """The check above can fail: the same text with matplotlib's own font warns of missing glyphs."""
    import matplotlib.pyplot as plt
    plt.rcParams["font.family"] = ["DejaVu Sans"]
    fig, ax = plt.subplots()
    ax.set_title("学習率")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    assert any("missing from font" in str(w.message) for w in caught)
