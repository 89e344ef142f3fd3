"""The Japanese edition follows the English one (issue 24): catalogues up to date and complete, translations
that keep numbers, code, math and the glossary's terms, and built notebooks that match the catalogues.

Fast: nothing here executes a notebook. The per-catalogue tests are parametrised by catalogue, so a failing
run names exactly the catalogues that are incomplete or stale (``test_catalogue_complete`` fails for every
catalogue whose translation is not finished: that is its purpose, it is never skipped).
"""
import re

import nbformat
import polib
import pytest

from coursetools import i18n
from coursetools.exercises import build_exercises
from coursetools.i18ncheck import (code_problems, entry_problems, glossary_problems, load_glossary,
                                   number_problems, span_problems)
from coursetools.paths import REPO

LANG = "ja"
NOTEBOOKS = i18n.notebooks()
IDS = [f"{nb.parent.name}/{nb.stem}" for nb in NOTEBOOKS]


def _catalogue(notebook):
    return polib.pofile(str(i18n.catalogue_path(LANG, notebook)), wrapwidth=0)


def _cell_types(notebook):
    return {c.id: c.cell_type for c in nbformat.read(REPO / notebook, as_version=4).cells}


# ---- every catalogue: up to date, complete, no unused entry -------------------------------------------------

@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_catalogue_follows_the_english_notebook(notebook):
    """``i18n extract`` run in memory finds nothing new and nothing changed: an English cell edited without
    running extract (and translating) fails here."""
    po = _catalogue(notebook)
    new, changed, obsolete = i18n.merge(po, notebook)
    assert (new, changed) == (0, 0), (
        f"{notebook} has {new} cell(s) without an entry and {changed} whose English changed since the "
        f"catalogue was made: run `python -m coursetools i18n extract --lang {LANG}`, then translate the new and "
        f"fuzzy entries of {i18n.catalogue_path(LANG, notebook).relative_to(REPO)}")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_catalogue_has_no_unused_entry(notebook):
    """No entry for a cell that is gone (obsolete entries, or entries extract would make obsolete)."""
    po = _catalogue(notebook)
    stale = [e.msgctxt for e in po if e.obsolete]
    _, _, obsolete = i18n.merge(po, notebook)
    assert not stale and not obsolete, (f"unused entries (cells no longer in {notebook}): "
                                        f"{stale + [e.msgctxt for e in po if e.obsolete and e.msgctxt not in stale]}"
                                        f"; delete them from the catalogue")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_catalogue_complete(notebook):
    """Every cell that needs a translation has one: an empty or fuzzy entry counts as missing."""
    missing = i18n.missing_entries(_catalogue(notebook), notebook)
    assert not missing, (f"{i18n.catalogue_path(LANG, notebook).relative_to(REPO)}: {len(missing)} of "
                         f"{len(i18n.source_entries(notebook))} cells have no usable translation (empty or fuzzy): "
                         f"{', '.join(missing[:12])}{' ...' if len(missing) > 12 else ''}")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_translations_keep_numbers_code_math_and_terms(notebook):
    """Every filled entry: same numbers, same code outside string literals and the same f-string fields, same
    math and code spans, the glossary's terms."""
    glossary = load_glossary(LANG)
    types = _cell_types(notebook)
    problems = []
    for entry in _catalogue(notebook):
        if entry.obsolete or not entry.msgstr.strip() or entry.msgctxt not in types:
            continue
        for problem in entry_problems(entry, types[entry.msgctxt], glossary):
            problems.append(f"{entry.msgctxt}: {problem}")
    assert not problems, f"{notebook}:\n  " + "\n  ".join(problems)


# ---- the checks themselves: each fires on a translation that breaks its rule --------------------------------

def test_number_check():
    assert number_problems("Task 3: 20 % of 0.8", "課題 3: 0.8 の 20 %") == []
    assert number_problems("lesson 2, two weights", "レッスン 2、二つの重み") == []
    assert number_problems("Task 3: 20 %", "課題 3: 25 %") == [
        "numbers of the English missing from the translation: 20",
        "numbers in the translation that the English does not have: 25"]
    assert number_problems("the first step", "第1ステップ")            # a digit the English does not have


def test_code_check():
    english = ('ax.set_title("Loss per epoch")   # the curve\n'
               'expect(ok, f"got {got:.3f}, expected {n} values")\n%matplotlib inline')
    assert code_problems(english, english.replace("Loss per epoch", "エポックごとの損失")
                         .replace("got {got:.3f}, expected {n} values", "{n} 個の値が必要ですが、{got:.3f} でした")) == []
    assert code_problems(english, english.replace("# the curve", "# 曲線"))             # a comment is code
    assert code_problems(english, english.replace("ax.set_title", "ax.set_xlabel"))
    assert code_problems(english, english.replace("{got:.3f}", "{got:.2f}"))           # an f-string field
    assert code_problems(english, english.replace("{n}", "{m}"))
    assert code_problems(english, english.replace('")', '"'))                          # no longer Python


def test_span_check():
    english = "The slope $\\frac{dE}{dw}$ of `loss(w)`:\n\n$$E = \\tfrac12 \\sum_n r_n^2$$\n\n```python\nx = 1\n```"
    kept = "`loss(w)` の傾き $\\frac{dE}{dw}$:\n\n$$E = \\tfrac12 \\sum_n r_n^2$$\n\n```python\nx = 1\n```"
    assert span_problems(english, kept) == []
    assert span_problems(english, kept.replace("$\\frac{dE}{dw}$", "$dE/dw$"))
    assert span_problems(english, kept.replace("`loss(w)`", "loss(w)"))
    assert span_problems(english, kept.replace("\\tfrac12", "\\frac12"))
    assert span_problems(english, kept.replace("x = 1", "x = 2"))


def test_glossary_check():
    glossary = load_glossary(LANG)
    assert glossary_problems("The learning rate sets the step of gradient descent.",
                             "学習率が勾配降下法の一歩の大きさを決めます。", glossary) == []
    assert glossary_problems("The learning rate sets the step.", "ステップサイズが一歩を決めます。", glossary) \
        == ["'learning rate' is not rendered as '学習率'"]
    assert glossary_problems("Weight decay shrinks the weights.", "荷重減衰は重みを小さくします。", glossary) == []
    assert glossary_problems("Two hidden layers.", "二つの中間層です。", glossary)       # 隠れ層 expected
    assert glossary_problems("Call `gradient_descent(w)`.", "`gradient_descent(w)` を呼びます。", glossary) == []


def test_glossary_file():
    """The glossary fixes each English term once, with a Japanese term, and has the terms the issue names."""
    rows = load_glossary(LANG)
    english = [r[0].lower() for r in rows]
    assert len(english) == len(set(english)), "an English term appears twice in the glossary"
    assert all(r[1] for r in rows), "a term without its Japanese"
    japanese = {r[0]: r[1] for r in rows}
    for term, ja in [("gradient descent", "勾配降下法"), ("backpropagation", "誤差逆伝播法"), ("learning rate", "学習率"),
                     ("loss function", "損失関数"), ("activation function", "活性化関数")]:
        assert japanese[term] == ja
    assert len({r[1] for r in rows}) == len(rows), "two English terms share one Japanese term"


# ---- the build: incomplete catalogues stop it; built notebooks match the catalogues --------------------------

def _filled(notebook, translate=lambda cell_id, source: source):
    po = i18n.load_catalogue(LANG, notebook)
    for entry in po:
        entry.msgstr = translate(entry.msgctxt, entry.msgid)
        entry.flags = []
    return po


def test_build_replaces_sources_and_sets_the_language():
    notebook = NOTEBOOKS[0]
    nb = nbformat.read(REPO / notebook, as_version=4)
    po = _filled(notebook, lambda cell_id, source: f"<{cell_id}>")
    out = i18n.translate_notebook(nb, po, LANG, notebook)
    assert out.metadata["language"] == LANG and "i18n" not in out.metadata
    translated = {c.id: c.source for c in out.cells if i18n.needs_translation(c) or c.source.startswith("<")}
    assert {cell_id for cell_id, _ in i18n.source_entries(notebook)} <= set(translated)
    first_code = next(c for c in out.cells if c.cell_type == "code")
    assert 'nnkit.set_language("ja")' in first_code.source.split("\n")
    assert all(c.outputs == [] for c in out.cells if c.cell_type == "code")


def test_incomplete_translation_stops_the_build_and_names_the_cells():
    notebook = NOTEBOOKS[1]
    nb = nbformat.read(REPO / notebook, as_version=4)
    po = _filled(notebook)
    first, second = [e for e in po][:2]
    first.msgstr = ""
    second.flags = ["fuzzy"]
    with pytest.raises(i18n.IncompleteTranslation, match=rf"2 cell\(s\) without a translation.*{first.msgctxt}, "
                                                         rf"{second.msgctxt}"):
        i18n.translate_notebook(nb, po, LANG, notebook)
    out = i18n.translate_notebook(nb, po, LANG, notebook, allow_incomplete=True)
    assert out.metadata["i18n"] == {"untranslated": [first.msgctxt, second.msgctxt]}
    assert "Incomplete translation" in out.cells[1].source


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=IDS)
def test_built_notebook_matches_its_catalogue(notebook):
    """lessons/ja/NAME.ipynb (solutions/ja/...) is what the build makes from the English notebook and the
    catalogue today (sources; untranslated cells as --allow-incomplete keeps them), and it was executed."""
    built = i18n.built_path(LANG, notebook)
    assert built.exists(), f"{built.relative_to(REPO)} is missing: run `python -m coursetools i18n build --lang {LANG}`"
    nb = nbformat.read(REPO / notebook, as_version=4)
    want = i18n.translate_notebook(nb, _catalogue(notebook), LANG, notebook, allow_incomplete=True)
    have = nbformat.read(built, as_version=4)
    assert i18n.built_source(have) == i18n.built_source(want), (
        f"{built.relative_to(REPO)} is stale (its English notebook or catalogue changed): run "
        f"`python -m coursetools i18n build --lang {LANG}`")
    unexecuted = [c.id for c in have.cells if c.cell_type == "code" and c.source.strip() and c.execution_count is None]
    assert not unexecuted, f"{built.relative_to(REPO)} was not executed (cells {unexecuted[:5]})"


def test_japanese_exercises_are_built_from_the_japanese_solutions():
    stale = build_exercises(REPO / "solutions" / LANG, REPO / "exercises" / LANG, check=True, lang=LANG)
    assert not stale, f"exercises/{LANG} out of date ({', '.join(stale)}): run `python -m coursetools i18n build`"


def test_nnkit_messages_are_compiled():
    assert not i18n.compile_nnkit_messages(LANG, check=True), (
        f"nnkit/locale/{LANG}/LC_MESSAGES/nnkit.mo is older than i18n/{LANG}/nnkit.po: run "
        f"`python -m coursetools i18n build --lang {LANG}`")


def test_japanese_stub_names_task_and_function():
    src = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## 課題 2 (1 点): 損失"),
        nbformat.v4.new_code_cell("def loss(w):\n    ### BEGIN SOLUTION\n    return w\n    ### END SOLUTION",
                                  metadata={"nbgrader": {"grade_id": "loss", "solution": True}})])
    from coursetools.exercises import make_exercise
    stub = make_exercise(src, lang=LANG).cells[1].source
    assert re.search(r'raise NotImplementedError\(".*課題 2.*loss', stub), stub


def _text_outputs(nb):
    """{cell id: its printed text and text results} of a notebook's code cells (figures and widgets left out)."""
    out = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        texts = []
        for o in cell.outputs:
            if o.output_type == "stream":
                texts.append(o.text)
            elif o.output_type in ("execute_result", "error") and "image/png" not in o.get("data", {}):
                texts.append(o.get("data", {}).get("text/plain", o.get("ename", "")))
        out[cell.id] = "".join(texts)
    return out


# lines that report a measured time, which differs from run to run in either edition
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
TIMING = re.compile(r"^.*(\d\s*(s|ms|µs)\b|seconds|hours|slower|faster).*$", re.M)


@pytest.mark.parametrize("notebook", [nb for nb in NOTEBOOKS if nb.parent.name == "lessons"],
                         ids=[i for i in IDS if i.startswith("lessons/")])
def test_japanese_lesson_prints_what_the_english_one_prints(notebook):
    """The code is the same, so the Japanese notebook's text outputs say the same numbers as the English ones,
    cell by cell (times excepted). The words may differ only where nnkit words an output itself (a widget's
    labels, a graph's description, an Explorer's status: Japanese there); the lessons' own prints stay English."""
    english = _text_outputs(nbformat.read(REPO / notebook, as_version=4))
    japanese = _text_outputs(nbformat.read(i18n.built_path(LANG, notebook), as_version=4))
    assert set(english) == set(japanese), f"{notebook}: other cells have text outputs"
    differ = [cell_id for cell_id, text in english.items()
              if NUMBER.findall(TIMING.sub("<time>", text)) != NUMBER.findall(TIMING.sub("<time>", japanese[cell_id]))]
    assert not differ, f"{notebook}: the Japanese edition prints other numbers in cells {differ}"


def test_a_translated_notebook_points_at_its_own_editions_notebooks():
    """A Japanese lesson's summary sends its reader to exercises/ja/..., a Japanese exercise to lessons/ja/...
    (only in the built notebooks: the catalogues keep the English paths, code spans unchanged)."""
    text = "演習：`exercises/01_rule_based.ipynb`、レッスン lessons/02_least_squares.ipynb、lessons/ja/03_x.ipynb"
    assert i18n.edition_paths(text, "ja") == ("演習：`exercises/ja/01_rule_based.ipynb`、レッスン "
                                              "lessons/ja/02_least_squares.ipynb、lessons/ja/03_x.ipynb")
    for notebook in NOTEBOOKS:
        built = nbformat.read(i18n.built_path(LANG, notebook), as_version=4)
        english_paths = [m.group(0) for c in built.cells if c.cell_type == "markdown"
                         for m in i18n.EDITION_PATH.finditer(c.source)]
        assert not english_paths, f"{notebook}: the Japanese notebook points at English notebooks {english_paths}"
