"""nnkit in Japanese: chosen by set_language, NNKIT_LANG or the locale; English by default; messages from
i18n/ja/nnkit.po (compiled to nnkit/locale/ja/LC_MESSAGES/nnkit.mo); figures with Japanese text drawn with the
font the install brings (matplotlib-fontja's IPAexGothic), without missing glyphs."""
import ast
import io
import string
import subprocess
import sys
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


# --- Every learner-facing text of nnkit goes through tr() and has its Japanese -------------------------------------

def _format_fields(text):
    """The {fields} of a str.format template with their conversion and format spec, e.g. ('value', 'r', '.3g')."""
    return sorted((name, conv or "", spec or "") for _, name, spec, conv in string.Formatter().parse(text)
                  if name is not None)


def test_japanese_entries_keep_every_field_with_its_conversion_and_format():
    po = polib.pofile(str(REPO / "i18n" / "ja" / "nnkit.po"), wrapwidth=0)
    for entry in po:
        assert _format_fields(entry.msgid) == _format_fields(entry.msgstr), entry.msgid


def test_the_compiled_catalogue_is_up_to_date():
    from coursetools.i18n import compile_nnkit_messages
    assert not compile_nnkit_messages("ja", check=True), \
        "nnkit/locale/ja/LC_MESSAGES/nnkit.mo is older than i18n/ja/nnkit.po: run python -m coursetools i18n build"


# Exceptions a learner never sees in nnkit's words: (file, exception class, why).
NOT_TRANSLATED = {
    ("nnkit/__init__.py", "AttributeError"): "module __getattr__: Python's own wording for a missing attribute",
}


def _is_tr_call(node):
    return isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr"


def _made_by_tr(node):
    """A message expression whose text comes from tr(): tr(...), or a conditional or sum of such."""
    if _is_tr_call(node):
        return True
    if isinstance(node, ast.IfExp):
        return _made_by_tr(node.body) and _made_by_tr(node.orelse)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _made_by_tr(node.left) and _made_by_tr(node.right)
    return False


def _untranslated_messages(source, filename):
    """(line, code) of every exception built with a message that does not come from tr(): ``SomeError(msg)``
    where msg is neither a tr(...) call nor a variable that the same function sets only from tr()."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        cls = getattr(node.func, "id", None) or getattr(node.func, "attr", None) or ""
        if not (cls.endswith(("Error", "Exception", "Warning")) or cls in ("TrainingDiverged", "warn")):
            continue
        if (filename, cls) in NOT_TRANSLATED:
            continue
        msg = node.args[0]
        if isinstance(msg, ast.Name):
            scope = node
            while scope in parents and not isinstance(scope, (ast.FunctionDef, ast.Module)):
                scope = parents[scope]
            values = [a.value for a in ast.walk(scope) if isinstance(a, ast.Assign)
                      and any(isinstance(t, ast.Name) and t.id == msg.id for t in a.targets)]
            if values and all(_made_by_tr(v) for v in values):
                continue
        elif _made_by_tr(msg):
            continue
        found.append((node.lineno, ast.get_source_segment(source, node)[:90]))
    return found


def test_every_error_message_in_nnkit_goes_through_tr():
    untranslated = []
    for path in sorted((REPO / "nnkit").rglob("*.py")):
        name = str(path.relative_to(REPO))
        untranslated += [f"{name}:{line}: {code}" for line, code in
                         _untranslated_messages(path.read_text(encoding="utf-8"), name)]
    assert untranslated == [], "error messages that bypass tr() (a Japanese learner would get English)"


@pytest.mark.parametrize("code", [
    'raise ValueError(f"x must be positive, got {x}")',
    'raise ShapeError("X must be 2-D")',
    'msg = f"bad {x}"\nraise TypeError(msg)',
    'raise DataError(tr("ok {x}", x=x) + f" but not this {y}")',
    'err = TrainingDiverged("the loss is NaN", history=h)',
])
def test_the_scan_finds_a_message_in_english_only(code):
    """The scan above can fail: each of these messages bypasses tr()."""
    assert _untranslated_messages(f"def f(x, y, h):\n    " + code.replace("\n", "\n    "), "nnkit/x.py")


def test_the_scan_accepts_messages_through_tr():
    code = ('def f(x):\n    hint = tr("a") if x else tr("b")\n    raise ValueError(tr("{x} is bad.{hint}", x=x, '
            'hint=hint))\n\ndef g(x):\n    msg = tr("c")\n    raise TypeError(msg) from None\n')
    assert _untranslated_messages(code, "nnkit/x.py") == []


# --- Real bad inputs: Japanese under set_language("ja"), the unchanged English by default ----------------------------

def _error(call):
    with pytest.raises(Exception) as info:
        call()
    return str(info.value)


def _wrong_width():
    nnkit.Linear(4, 3).forward(np.zeros((2, 5)))


BAD_INPUTS = [
    (_wrong_width,
     "Linear.forward: X must have shape (N, 4) for a layer with D=4 inputs, but it has shape (2, 5). Check the "
     "previous layer's size, or flatten images with X.reshape(len(X), -1).",
     "Linear.forward: D=4 入力の層では X の形は (N, 4) でなければなりませんが、形は (2, 5) です。前の層の大きさを"
     "確かめるか、画像を X.reshape(len(X), -1) で平らにしてください。"),
    (lambda: nnkit.SGD(lr=-0.5),
     "SGD: the learning rate lr must be a positive number, but -0.5 was given. A usual value is 0.01.",
     "SGD: 学習率 lr は正の数でなければなりませんが、-0.5 が渡されました。よく使う値は 0.01 です。"),
    (lambda: nnkit.load_mnist(flatten="yes"),
     "load_mnist: flatten must be True or False, but 'yes' was given. Arguments after the first are best given by "
     "name, e.g. load_mnist(flatten=True).",
     "load_mnist: flatten は True か False でなければなりませんが、'yes' が渡されました。二つ目以降の引数は "
     "load_mnist(flatten=True) のように名前を付けて渡すのがおすすめです。"),
    (lambda: nnkit.train(nnkit.Sequential(nnkit.Linear(2, 2)), nnkit.SoftmaxCrossEntropy(), nnkit.SGD(lr=0.1),
                         np.zeros((3, 2)), np.zeros(3), batch_size=0),
     "train: batch_size must be at least 1, but 0 was given. A batch needs at least one example, e.g. "
     "batch_size=100.",
     "train: batch_size は 1 以上でなければなりませんが、0 が渡されました。バッチには少なくとも一つの例が必要です。"
     "たとえば batch_size=100 です。"),
]


@pytest.mark.parametrize("call, english, japanese", BAD_INPUTS,
                         ids=["Linear.forward", "SGD lr", "load_mnist flatten", "train batch_size"])
def test_a_bad_input_speaks_english_by_default_and_japanese_when_asked(call, english, japanese):
    assert _error(call) == english
    nnkit.set_language("ja")
    assert _error(call) == japanese
    nnkit.set_language("en")
    assert _error(call) == english


def _texts(widget):
    """Every description, tooltip and HTML value in a widget box, depth first."""
    found = [getattr(widget, attr) for attr in ("description", "tooltip") if getattr(widget, attr, None)]
    if type(widget).__name__ == "HTML":
        found.append(widget.value)
    for child in getattr(widget, "children", ()):
        found += _texts(child)
    return found


def _pixel_grid():
    from nnkit.widgets.pixelgrid import pixel_grid_widget
    return pixel_grid_widget(lambda img: None if img.sum() == 0 else int(img.sum()), size=(2, 2))


def test_a_widget_built_with_nnkit_lang_ja_shows_japanese(monkeypatch):
    english = _texts(_pixel_grid())
    assert "clear" in english and "<b>no ink: draw something</b>" in english
    assert "row 1, column 2: white" in english
    monkeypatch.setenv("NNKIT_LANG", "ja")
    japanese = _texts(_pixel_grid())
    assert "消去" in japanese and "すべてのピクセルを白にします" in japanese
    assert "<b>何も描かれていません: 何か描いてください</b>" in japanese
    assert "1 行 2 列: 白" in japanese
    assert not [t for t in japanese if any(w in t for w in ("clear", "white", "row", "ink"))], japanese


def test_a_figure_title_axis_label_and_legend_in_japanese():
    nnkit.set_language("ja")
    fig = nnkit.plotting.plot_history({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]})
    ax = fig.axes[0]
    assert fig._suptitle.get_text() == "学習曲線"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("エポック", "損失")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["訓練", "検証"]


def test_finding_the_japanese_font_changes_no_setting_and_subscripts_still_draw(tmp_path):
    """matplotlib-fontja sets every later figure's font to IPAexGothic alone when it is imported, and IPAexGothic
    has no subscript digits (x₁ would draw a box). The deck builder's copy of the font and use_japanese_font
    find its file without importing it: the settings stay as they were, and "w₁ と w₂" draws without a missing
    glyph. In a fresh Python, since the settings belong to the process."""
    code = """
import sys, warnings, pathlib, matplotlib
matplotlib.use("Agg")
import nnkit
from coursetools import slides
before = list(matplotlib.rcParams["font.family"])
slides._copy_japanese_font(pathlib.Path(sys.argv[1]))
assert (pathlib.Path(sys.argv[1]) / "ipaexg.ttf").exists()
assert "matplotlib_fontja" not in sys.modules, "matplotlib_fontja was imported"
assert list(matplotlib.rcParams["font.family"]) == before, matplotlib.rcParams["font.family"]
nnkit.plotting.use_japanese_font()
import matplotlib.pyplot as plt
with warnings.catch_warnings():
    warnings.simplefilter("error")
    fig, ax = plt.subplots()
    ax.set_title("w₁ と w₂ の重み")
    fig.canvas.draw()
print("drawn")
"""
    res = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and "drawn" in res.stdout, res.stderr[-2000:]
