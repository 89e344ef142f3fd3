"""The language nnkit speaks to a learner: its error messages, widget labels and figure texts.

English is the default. Japanese (``"ja"``) is chosen by, in this order:
- ``nnkit.set_language("ja")`` (the first code cell of every Japanese notebook calls it);
- the environment variable ``NNKIT_LANG`` (``ja`` or ``en``);
- the locale: ``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` starting with ``ja`` (e.g. ``ja_JP.UTF-8``).

The translations are in ``nnkit/locale/<lang>/LC_MESSAGES/nnkit.mo``, read with the standard library's
``gettext`` (no extra package to install); their source is the catalogue ``i18n/<lang>/nnkit.po`` of the course
repository, compiled by ``python -m coursetools i18n build``. A message is keyed by its English template:
``tr("{name} must be a NumPy array", name=name)`` looks the template up, then fills the fields as str.format does.
"""
import gettext
import os
import sys
from pathlib import Path

__all__ = ["LANGUAGES", "language", "set_language", "tr"]

LANGUAGES = ("en", "ja")
_LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_chosen = None            # set by set_language; None: from the environment


def _from_environment():
    lang = os.environ.get("NNKIT_LANG", "").strip().lower()
    if lang:
        return lang.split("_")[0].split(".")[0]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:                       # the first one set decides, as in gettext
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def language():
    """The language nnkit speaks now. Lesson 1 on, in the Japanese edition (lessons/ja/).

    Inputs: none (``set_language``'s choice, else NNKIT_LANG, else the locale). Returns "en" or "ja"."""
    lang = _chosen or _from_environment()
    return lang if lang in LANGUAGES else "en"


def set_language(lang):
    """Make nnkit speak ``lang`` from now on in this Python session: its messages, widget labels and figure
    texts; with "ja", figures also get a font with Japanese characters (see nnkit.plotting). Lesson 1 on, in
    the Japanese edition (the first code cell of every notebook in lessons/ja/ calls it).

    Inputs: lang, "en", "ja", or None (back to the environment's choice: NNKIT_LANG, then the locale).
    Returns None."""
    global _chosen
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(tr("set_language: the language must be one of {choices} (or None for the environment's), but "
                            "{lang!r} was given.", choices=', '.join(map(repr, LANGUAGES)), lang=lang))
    _chosen = lang
    if language() == "ja" and "matplotlib" in sys.modules:
        from .plotting import use_japanese_font
        use_japanese_font()


def _catalogue(lang):
    return gettext.translation("nnkit", localedir=_LOCALE_DIR, languages=[lang], fallback=True)


_CATALOGUES = {}


def tr(english, **fields):
    """The English template ``english`` in nnkit's language, with ``fields`` filled in (str.format)."""
    lang = language()
    if lang == "en":
        text = english
    else:
        if lang not in _CATALOGUES:
            _CATALOGUES[lang] = _catalogue(lang)
        text = _CATALOGUES[lang].gettext(english)
    return text.format(**fields) if fields else text
