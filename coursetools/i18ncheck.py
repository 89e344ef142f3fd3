"""Checks of one translated cell against its English source (a catalogue entry's msgid and msgstr).

Each function returns a list of problems (strings that say what differs), empty when the translation keeps
what it must keep. tests/test_i18n.py runs them over every filled entry of every catalogue.

- ``number_problems``: the digit sequences (``re.findall(r"\\d+")``) of both texts are the same multiset;
- ``code_problems``: a code cell is the same program: Python's tokenize gives the same tokens outside string
  literals (comments included), and every f-string keeps its ``{...}`` fields (compared through ``ast``);
- ``span_problems``: a markdown cell keeps its math (``$...$``, ``$$...$$``), code spans and fenced code blocks;
- ``glossary_problems``: where the English uses a glossary term, the Japanese uses the glossary's Japanese.
"""
import ast
import csv
import io
import re
import tokenize
from collections import Counter

from .paths import REPO

DIGITS = re.compile(r"\d+")


def _multiset_difference(english, translated):
    a, b = Counter(english), Counter(translated)
    return sorted((a - b).elements()), sorted((b - a).elements())


def _differences(english, translated, missing, extra, show=str):
    """Problems for what ``english`` (a list) has that ``translated`` lacks, and the reverse, as multisets."""
    lost, added = _multiset_difference(english, translated)
    return ([f"{missing}: {', '.join(map(show, lost))}"] if lost else []) + \
           ([f"{extra}: {', '.join(map(show, added))}"] if added else [])


def number_problems(msgid, msgstr):
    """The numbers of the English that the translation lacks, and those it adds."""
    return _differences(DIGITS.findall(msgid), DIGITS.findall(msgstr), "numbers of the English missing from the "
                        "translation", "numbers in the translation that the English does not have")


def _without_magics(source):
    return "\n".join(("#" + line) if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n"))


def _code_tokens(source):
    """(type, text) of every token outside string literals; string literals as (STRING/FSTRING, None)."""
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(_without_magics(source)).readline):
        if tok.type == tokenize.STRING or tok.type == getattr(tokenize, "FSTRING_MIDDLE", None):
            out.append((tok.type, None))
        else:
            out.append((tok.type, tok.string))
    return out


def _fstring_fields(source):
    """ast.dump of every f-string field ({expression!conversion:format}), as a multiset: Japanese word order
    may put the fields in another order."""
    tree = ast.parse(_without_magics(source))
    return Counter(ast.dump(node) for joined in ast.walk(tree) if isinstance(joined, ast.JoinedStr)
            for node in joined.values if isinstance(node, ast.FormattedValue))


def code_problems(msgid, msgstr):
    """Differences of a translated code cell from the English outside its string literals."""
    try:
        english, translated = _code_tokens(msgid), _code_tokens(msgstr)
    except (tokenize.TokenError, SyntaxError) as exc:
        return [f"the translated code cannot be read as Python ({exc})"]
    problems = []
    if english != translated:
        for k, (a, b) in enumerate(zip(english, translated)):
            if a != b:
                problems.append(f"code outside string literals differs at token {k + 1}: English {a[1]!r}, "
                                f"translation {b[1]!r}")
                break
        else:
            problems.append(f"code outside string literals differs: {len(english)} tokens in English, "
                            f"{len(translated)} in the translation")
    try:
        if _fstring_fields(msgid) != _fstring_fields(msgstr):
            problems.append("an f-string's {...} fields differ from the English ones")
    except SyntaxError as exc:
        problems.append(f"the translated code is not valid Python ({exc.msg}, line {exc.lineno})")
    return problems


FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[ \t]*$", re.M | re.S)
CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(?:\\.|[^$\\])+?\$")


def spans(markdown):
    """(fenced blocks, code spans, display math, inline math) of a markdown text, each a list in order."""
    fences = [m.group(0) for m in FENCE.finditer(markdown)]
    rest = FENCE.sub("\n", markdown)
    codes = [m.group(0) for m in CODE_SPAN.finditer(rest)]
    rest = CODE_SPAN.sub(" ", rest)
    display = [m.group(0) for m in DISPLAY_MATH.finditer(rest)]
    rest = DISPLAY_MATH.sub(" ", rest)
    inline = [m.group(0) for m in INLINE_MATH.finditer(rest)]
    return fences, codes, display, inline


def span_problems(msgid, msgstr):
    """Math, code spans and code blocks of the English that the translation changed, dropped or added."""
    problems = []
    for kind, a, b in zip(("code block", "code span", "display math", "inline math"), spans(msgid), spans(msgstr)):
        problems += _differences(a, b, f"{kind} of the English missing or changed", f"{kind} not in the English", repr)
    return problems


def prose(markdown):
    """A markdown text without its code blocks, code spans, math and HTML tags (what the glossary checks)."""
    text = FENCE.sub(" ", markdown)
    text = CODE_SPAN.sub(" ", text)
    text = DISPLAY_MATH.sub(" ", text)
    text = INLINE_MATH.sub(" ", text)
    text = re.sub(r"[\w()\[\]]*\w[.]\w[\w.()\[\]]*|\w+\(\)", " ", text)   # code written without backticks: loss.backward()
    return re.sub(r"<[^>]+>", " ", text)


def load_glossary(lang="ja"):
    """The glossary i18n/<lang>/glossary.tsv as a list of (English, Japanese, also accepted (tuple), checked)."""
    path = REPO / "i18n" / lang / "glossary.tsv"
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.reader((line for line in fh if not line.startswith("#") and line.strip()), delimiter="\t"):
            english, japanese = row[0].strip(), row[1].strip()
            also = tuple(w.strip() for w in row[2].split("|") if w.strip()) if len(row) > 2 else ()
            checked = (row[3].strip() if len(row) > 3 else "yes") != "no"
            rows.append((english, japanese, also, checked))
    return rows


def _term_pattern(english):
    """The English term with its plural (-s, -es, -y -> -ies), as whole words, any case."""
    words = re.escape(english).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]+")
    if english.endswith("y"):
        words = words[:-1] + "(?:y|ies)"
    else:
        words += "(?:s|es)?"
    return re.compile(r"(?<![\w-])" + words + r"(?![\w-])", re.I)


def glossary_problems(msgid, msgstr, glossary):
    """Glossary terms that the English prose of a markdown cell uses and its translation does not render with
    the glossary's Japanese (or an accepted alternative). Longer terms are matched first and hide the
    shorter ones inside them ("weight decay" is not also "weight")."""
    english = prose(msgid)
    problems = []
    for term, japanese, also, checked in sorted(glossary, key=lambda row: -len(row[0])):
        pattern = _term_pattern(term)
        if not pattern.search(english):
            continue
        english = pattern.sub(" ", english)
        if checked and not any(word in msgstr for word in (japanese,) + also):
            problems.append(f"{term!r} is not rendered as {japanese!r}"
                            + (f" (or {' / '.join(also)})" if also else ""))
    return problems


def entry_problems(entry, cell_type, glossary=None):
    """Every problem of one filled catalogue entry (polib.POEntry) of a cell of type ``cell_type``."""
    problems = number_problems(entry.msgid, entry.msgstr)
    if cell_type == "code":
        problems += code_problems(entry.msgid, entry.msgstr)
    else:
        problems += span_problems(entry.msgid, entry.msgstr)
        if glossary:
            problems += glossary_problems(entry.msgid, entry.msgstr, glossary)
    return problems


__all__ = ["number_problems", "code_problems", "span_problems", "glossary_problems", "load_glossary",
           "entry_problems", "spans", "prose"]
