"""Translation catalogues of the course's notebooks (gettext .po files, read and written with polib).

The English notebooks are the one source of code and outputs. For every translated notebook there is one
catalogue, ``i18n/<lang>/<folder>/<stem>.po`` (folder: lessons or solutions; the exercises are built from
the translated solutions as the English ones are). One entry per translated cell:

- msgctxt: the cell's id (nbformat cell ids are stable; a cell keeps its id when its text changes);
- msgid: the English cell source, whole;
- msgstr: the translated source, whole.

Which cells: every markdown cell (lesson text, speaker notes, task texts and hints) and every code cell
that puts words in front of a reader (a figure title, an axis label, a legend, a figure description, a
widget label, a visible check's message): see ``needs_translation``. In a code cell only the text inside
string literals is translated; the code around them stays the same token for token.

``python -m coursetools i18n extract --lang ja`` writes or updates the catalogues: new cells get an empty
entry, a changed cell keeps its old translation marked fuzzy (with the English it was made from, as
msgmerge does), entries of cells that no longer exist are marked obsolete.

``python -m coursetools i18n build --lang ja`` writes ``lessons/ja/``, ``solutions/ja/`` (the English notebooks
with the translated cell sources, then executed with ``python -m coursetools execute``: their outputs are made
by running them, never copied) and ``exercises/ja/`` (from ``solutions/ja/`` as ``build-exercises`` makes the
English ones). A translated notebook's first code cell gets one more, visible line, ``nnkit.set_language("ja")``
(after ``import nnkit``), so that nnkit's messages, widget labels and figure texts are Japanese wherever the
notebook is opened; its metadata says ``"language": "ja"``. A cell whose entry is empty, fuzzy or missing
stops the build with the list of them; ``--allow-incomplete`` (for development) keeps the English of those
cells and marks the notebook (metadata ``i18n.untranslated`` and a cell under the title that says so). Only notebooks
whose built source changed are executed again (``--force``: all). The messages of nnkit
(``i18n/<lang>/nnkit.po``) are compiled to ``nnkit/locale/<lang>/LC_MESSAGES/nnkit.mo``, which nnkit reads with
the standard library's gettext.
"""
import argparse
import ast
import re
import subprocess
import sys
from pathlib import Path

from coursetools.paths import REPO

FOLDERS = ("lessons", "solutions")
# Calls whose string arguments a reader sees: figure and axis texts, legends, descriptions, messages.
DISPLAY_CALLS = {"describe", "set_title", "set_xlabel", "set_ylabel", "suptitle", "title", "xlabel", "ylabel",
                 "legend", "text", "annotate", "expect", "set_label", "Label", "HTML", "Markdown"}
DISPLAY_KEYWORDS = {"title", "label", "xlabel", "ylabel", "description", "labels", "names", "tooltip",
                    "placeholder", "message"}


_TRANSLATORS = {}


def translator(lang, domain="coursetools"):
    """A function ``tr(english, **fields)`` that gives the translation of the English template ``english`` from
    i18n/<lang>/<domain>.po (the grader's feedback, the exercises' stubs, the hidden tests' hints), filled with
    ``fields`` as str.format does. English (lang "en", no catalogue, or an entry that is missing, empty or fuzzy)
    gives the template itself, filled. The catalogue's entries are keyed by the English text.

    ``tr.text(line)`` translates a finished line of the grader's feedback (made in English from ``N_`` templates,
    see ``feedback_templates``): the template it was made from is found by matching (``_template_pattern``), and
    the values of its fields are translated the same way, so that templates nest ("{call}: {problem}" holds
    "{func}({describe})", which holds a hidden test's description)."""
    key = (lang, domain)
    if key not in _TRANSLATORS:
        table = {}
        path = REPO / "i18n" / lang / f"{domain}.po"
        if lang != "en" and path.exists():
            import polib
            table = {e.msgid: e.msgstr for e in polib.pofile(str(path), wrapwidth=0)
                     if e.msgstr and not e.obsolete and "fuzzy" not in e.flags}

        # the most specific templates (most text outside their fields) are tried first
        templates = sorted(((_template_pattern(msgid), msgstr) for msgid, msgstr in table.items() if "{" in msgid),
                           key=lambda t: -len(_FIELD.sub("", t[0].pattern_of)))

        def tr(english, **fields):
            text = table.get(english, english)
            return text.format(**fields) if fields else text

        def text(english):
            """A finished English text (a line of feedback) in ``lang``: its own entry, else the first template
            entry it matches as a whole, with the matched fields translated the same way; else unchanged."""
            if not english or english in table or not templates:
                return table.get(english, english)
            for pattern, msgstr in templates:
                m = pattern.fullmatch(english)
                if m:
                    values = {name: text(value) for name, value in m.groupdict().items()}
                    return re.sub(r"\{(\w+)(?:![rsa])?(?::[^{}]*)?\}", lambda f: values[f.group(1)], msgstr)
            return english
        tr.lang, tr.text = lang, text
        _TRANSLATORS[key] = tr
    return _TRANSLATORS[key]


# Where the grader's feedback comes from: its English templates are marked with ``N_`` (coursetools/grading/tasks.py)
# (and the exercises' stubs, translated directly with ``tr("...")`` in coursetools/exercises.py).
FEEDBACK_SOURCES = ("coursetools/grading/core.py", "coursetools/grading/judge.py", "coursetools/grading/runner.py",
                    "coursetools/grading/protocol.py",
                    "coursetools/grading/submissions.py", "coursetools/grading/tasks.py", "coursetools/hidden/h*.py",
                    "coursetools/exercises.py")
# ... except the isolation line, which sandbox.py writes with f-strings in Isolation.describe (its templates are
# read from those f-strings: each field is named after its variable or attribute, ``{2 * mb}`` becomes ``{value}``).
FEEDBACK_FSTRINGS = (("coursetools/grading/sandbox.py", "describe"),)


def _fstring_template(node):
    """The str.format template of an f-string (ast.JoinedStr), its fields named after their expressions."""
    out = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            out.append(part.value.replace("{", "{{").replace("}", "}}"))
        else:
            expr = part.value
            name = expr.id if isinstance(expr, ast.Name) else expr.attr if isinstance(expr, ast.Attribute) else "value"
            out.append("{" + name + "}")
    return "".join(out)


def feedback_templates():
    """{English template: [where]} of every entry i18n/<lang>/coursetools.po needs: the first argument of every
    ``N_(...)`` and ``tr(...)`` call in FEEDBACK_SOURCES (the grader's modules, every hidden test file, the exercises'
    stubs), and the f-strings of FEEDBACK_FSTRINGS. Raises ValueError for a call whose template is not a string
    constant."""
    found = {}
    for pattern in FEEDBACK_SOURCES:
        for path in sorted(REPO.glob(pattern)):
            rel = path.relative_to(REPO)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("N_", "tr"):
                    if not (node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                        raise ValueError(f"{rel}:{node.lineno}: {node.func.id} needs a string constant as its template")
                    found.setdefault(node.args[0].value, []).append(f"{rel}:{node.lineno}")
    for file, function in FEEDBACK_FSTRINGS:
        for node in ast.walk(ast.parse((REPO / file).read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name == function:
                for sub in ast.walk(node):
                    if isinstance(sub, ast.JoinedStr):
                        found.setdefault(_fstring_template(sub), []).append(f"{file}:{sub.lineno}")
    return found


_FIELD = re.compile(r"\{\w+(?:![rsa])?(?::[^{}]*)?\}")
# A field's value: any text whose parentheses are balanced (nested up to three deep), shortest first. A line such as
# "f(a (b)): c (d)" then splits only as "{call}: {problem}", never as "{func}({describe})" with an unbalanced
# describe "a (b)): c (d".
_BALANCED = r"[^()]*"
for _ in range(3):
    _BALANCED = r"(?:[^()]|\(" + _BALANCED + r"\))*"
_VALUE = _BALANCED[:-1] + "*?"
# Fields named "func" hold a function's name as feedback shows it ("loss", "Value.__add__/__mul__"); a field that ends
# the template takes the rest of the text, whatever it holds (a learner's own error message).
_FUNC, _REST = r"[\w.]+(?:/[\w.]+)*", ".*"


class _Pattern:
    def __init__(self, msgid):
        self.pattern_of = msgid
        parts, seen = [], set()
        for literal, field in re.findall(r"([^{}]*)(\{\w+(?:![rsa])?(?::[^{}]*)?\}|$)", msgid):
            parts.append(re.escape(literal))
            if field:
                name = re.match(r"\{(\w+)", field).group(1)
                value = _FUNC if name == "func" else _REST if msgid.endswith(field) else _VALUE
                parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>{value})")
                seen.add(name)
        self.regex = re.compile("".join(parts), re.S)

    def fullmatch(self, text):
        return self.regex.fullmatch(text)


def _template_pattern(msgid):
    """A pattern (``.fullmatch(text)``) that matches a text made from the template ``msgid``: each "{name}" field
    any text with balanced parentheses, empty included (an optional hint at a template's end); "{func}" a function's
    name; a field that ends the template, the rest of the text. Two fields side by side ("{a}{b}") cannot be told
    apart: tests/test_i18n_grading.py keeps them out of the catalogue."""
    return _Pattern(msgid)


def _has_words(node):
    """Whether an expression contains a string constant with a word in it (two letters or more)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            if any(len(word) > 1 and word.isalpha() for word in sub.value.replace("_", " ").split()):
                return True
    return False


def _call_name(call):
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def needs_translation(cell):
    """Whether a cell has text for a reader: every markdown cell; a code cell that passes words to a
    display call (DISPLAY_CALLS) or a display keyword (DISPLAY_KEYWORDS), or raises an error with words."""
    if cell.cell_type == "markdown":
        return bool(cell.source.strip())
    if cell.cell_type != "code":
        return False
    source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if _call_name(node) in DISPLAY_CALLS and any(_has_words(arg) for arg in node.args):
                return True
            if any(kw.arg in DISPLAY_KEYWORDS and _has_words(kw.value) for kw in node.keywords):
                return True
        if isinstance(node, ast.Raise) and node.exc is not None and _has_words(node.exc):
            return True
    return False


def notebooks(folders=FOLDERS):
    """The English notebooks that have catalogues, as paths relative to the repository."""
    return [path.relative_to(REPO) for folder in folders for path in sorted((REPO / folder).glob("*.ipynb"))]


def catalogue_path(lang, notebook):
    """i18n/<lang>/<folder>/<stem>.po for a notebook path relative to the repository."""
    notebook = Path(notebook)
    return REPO / "i18n" / lang / notebook.parent.name / (notebook.stem + ".po")


def source_entries(notebook):
    """(cell id, English source) of every cell of a notebook that needs a translation, in order."""
    import nbformat
    nb = nbformat.read(REPO / notebook, as_version=4)
    return [(cell.id, cell.source) for cell in nb.cells if needs_translation(cell)]


def load_catalogue(lang, notebook):
    """The catalogue of a notebook as a polib.POFile (a new, empty one when there is no file yet)."""
    import polib
    path = catalogue_path(lang, notebook)
    if path.exists():
        return polib.pofile(str(path), wrapwidth=0)
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Project-Id-Version": f"nnkit course {notebook}", "Language": lang,
                   "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
                   "Content-Transfer-Encoding": "8bit"}
    return po


def merge(po, notebook):
    """Bring the catalogue ``po`` (in memory) up to date with the English notebook: new cells get an empty
    entry, changed cells are marked fuzzy (previous msgid kept), entries of cells that are gone become
    obsolete. Returns (new, changed, obsolete) counts; nothing is written."""
    import polib
    old = {entry.msgctxt: entry for entry in po if not entry.obsolete}
    new = changed = 0
    wanted = source_entries(notebook)
    for cell_id, source in wanted:
        entry = old.get(cell_id)
        if entry is None:
            po.append(polib.POEntry(msgctxt=cell_id, msgid=source, msgstr="",
                                    occurrences=[(str(notebook), cell_id)]))
            new += 1
        elif entry.msgid != source:
            entry.previous_msgid = entry.msgid
            entry.msgid = source
            if "fuzzy" not in entry.flags:
                entry.flags.append("fuzzy")
            changed += 1
    ids = {cell_id for cell_id, _ in wanted}
    obsolete = 0
    for entry in po:
        if entry.msgctxt not in ids and not entry.obsolete:
            entry.obsolete = True
            obsolete += 1
    order = {cell_id: i for i, (cell_id, _) in enumerate(wanted)}
    po.sort(key=lambda entry: (entry.obsolete, order.get(entry.msgctxt, len(order))))
    return new, changed, obsolete


def extract(lang, notebook):
    """Write or update the catalogue of one notebook; returns (new, changed, obsolete) counts."""
    po = load_catalogue(lang, notebook)
    counts = merge(po, notebook)
    path = catalogue_path(lang, notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return counts


def missing_entries(po, notebook):
    """Cell ids of a notebook (path relative to the repository) whose translation is missing from the
    catalogue ``po`` (a polib.POFile): no entry, an entry for another English text, an empty or a fuzzy one."""
    entries = {entry.msgctxt: entry for entry in po if not entry.obsolete}
    missing = []
    for cell_id, source in source_entries(notebook):
        entry = entries.get(cell_id)
        if entry is None or entry.msgid != source or not entry.msgstr.strip() or "fuzzy" in entry.flags:
            missing.append(cell_id)
    return missing


class IncompleteTranslation(ValueError):
    """Cells without a usable translation (empty, fuzzy or missing entries)."""


def built_path(lang, notebook):
    """lessons/<lang>/NAME.ipynb (or solutions/...) for an English notebook path relative to the repository."""
    notebook = Path(notebook)
    return REPO / notebook.parent.name / lang / notebook.name


SET_LANGUAGE = 'nnkit.set_language("{lang}")'


def _with_set_language(source, lang):
    """The first code cell's source with ``nnkit.set_language(lang)`` after ``import nnkit`` (or, in a
    notebook that does not import nnkit, both lines at the end of the cell)."""
    line = SET_LANGUAGE.format(lang=lang)
    lines = source.split("\n")
    if "import nnkit" in lines:
        at = lines.index("import nnkit") + 1
        return "\n".join(lines[:at] + [line] + lines[at:])
    return source.rstrip("\n") + "\n\nimport nnkit\n" + line


EDITION_PATH = re.compile(r"(?<![\w/.-])(lessons|exercises|solutions)/(\d\d_\w+\.ipynb)")


def edition_paths(markdown, lang):
    """A translated text's references to the course's notebooks (``lessons/02_x.ipynb``) pointed at the same
    edition's (``lessons/ja/02_x.ipynb``): a Japanese lesson sends its reader to the Japanese exercise."""
    return EDITION_PATH.sub(lambda m: f"{m.group(1)}/{lang}/{m.group(2)}", markdown)


def untranslated_note(lang, count):
    """The first cell of a notebook built with --allow-incomplete."""
    return (f"**Incomplete translation ({lang})**: {count} cell(s) of this notebook are still in English "
            f"(built with `--allow-incomplete`, for development only).")


def translate_notebook(nb, po, lang, notebook, allow_incomplete=False):
    """The translated copy of an English notebook ``nb`` (nbformat node; its path ``notebook`` relative to the
    repository) from its catalogue ``po``: translated cell sources (their notebook paths pointed at this
    edition's notebooks, ``edition_paths``), the set_language line, metadata language; outputs and execution counts cleared (the built notebook is executed afterwards). Raises
    IncompleteTranslation listing the cells without a translation, unless ``allow_incomplete``."""
    import nbformat
    import copy
    missing = missing_entries(po, notebook)
    if missing and not allow_incomplete:
        raise IncompleteTranslation(f"{catalogue_path(lang, notebook).relative_to(REPO)}: {len(missing)} cell(s) "
                                    f"without a translation (empty, fuzzy or missing entries): {', '.join(missing)}")
    out = copy.deepcopy(nb)
    entries = {entry.msgctxt: entry for entry in po if not entry.obsolete}
    first_code = True
    for cell in out.cells:
        if needs_translation(cell) and cell.id not in missing:
            cell.source = entries[cell.id].msgstr
            if cell.cell_type == "markdown":
                cell.source = edition_paths(cell.source, lang)
        if cell.cell_type == "code":
            if first_code:
                cell.source = _with_set_language(cell.source, lang)
                first_code = False
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    out.metadata.pop("widgets", None)
    out.metadata["language"] = lang
    if missing:
        out.metadata["i18n"] = {"untranslated": missing}
        note = nbformat.v4.new_markdown_cell(untranslated_note(lang, len(missing)))
        note.id = "i18n-incomplete"
        note.metadata["slideshow"] = {"slide_type": "skip"}      # in the notebook, not in its deck
        out.cells.insert(1, note)                # under the title; the deck's first slide stays the title
    return out


def built_source(nb):
    """A notebook's sources only (cell types, ids, sources, the language): what the catalogues decide, to
    compare a built notebook with a committed one without its outputs."""
    return [("language", nb.metadata.get("language"))] + [(c.cell_type, c.id, c.source) for c in nb.cells]


def compile_nnkit_messages(lang, check=False):
    """i18n/<lang>/nnkit.po -> nnkit/locale/<lang>/LC_MESSAGES/nnkit.mo (polib). Returns True when the .mo
    was (check: would be) changed."""
    import polib
    po_path = REPO / "i18n" / lang / "nnkit.po"
    mo_path = REPO / "nnkit" / "locale" / lang / "LC_MESSAGES" / "nnkit.mo"
    if not po_path.exists():
        return False
    po = polib.pofile(str(po_path), wrapwidth=0)
    for entry in po:                       # a fuzzy or empty entry is not used: nnkit then speaks English
        if "fuzzy" in entry.flags:
            entry.msgstr = ""
    data = po.to_binary()
    if mo_path.exists() and mo_path.read_bytes() == data:
        return False
    if not check:
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        mo_path.write_bytes(data)
    return True


def build(lang, allow_incomplete=False, execute=True, force=False, folders=FOLDERS, log=print):
    """Build the translated notebooks (see the module's docstring). Returns the built paths that changed.
    Raises IncompleteTranslation (all incomplete catalogues listed) before anything is written, unless
    ``allow_incomplete``."""
    import nbformat
    import polib
    from .exercises import build_exercises
    compile_nnkit_messages(lang)
    plans, problems = [], []
    for notebook in notebooks(folders):
        path = catalogue_path(lang, notebook)
        if not path.exists():
            problems.append(f"{path.relative_to(REPO)}: no catalogue (run `python -m coursetools i18n extract "
                            f"--lang {lang}`)")
            continue
        nb = nbformat.read(REPO / notebook, as_version=4)
        try:
            plans.append((notebook, translate_notebook(nb, polib.pofile(str(path), wrapwidth=0), lang, notebook,
                                                       allow_incomplete)))
        except IncompleteTranslation as exc:
            problems.append(str(exc))
    if problems:
        raise IncompleteTranslation("the translation is incomplete; nothing was built:\n  " + "\n  ".join(problems)
                                    + "\nTranslate these entries (a PO editor, or polib), or build with "
                                      "--allow-incomplete for development.")
    changed = []
    for notebook, nb in plans:
        out = built_path(lang, notebook)
        if out.exists() and not force and built_source(nbformat.read(out, as_version=4)) == built_source(nb):
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out)
        changed.append(out)
    if execute and changed:
        log(f"executing {len(changed)} notebook(s): " + ", ".join(str(p.relative_to(REPO)) for p in changed))
        res = subprocess.run([sys.executable, "-m", "coursetools", "execute", *map(str, changed)], cwd=REPO)
        if res.returncode:
            raise RuntimeError("executing the built notebooks failed (see above); fix them and build again.")
    if "solutions" in folders:
        written = build_exercises(REPO / "solutions" / lang, REPO / "exercises" / lang, lang=lang)
        changed += [REPO / "exercises" / lang / name for name in written]
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursetools i18n", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["extract", "build"],
                        help="extract: write or update the catalogues; build: write the translated notebooks")
    parser.add_argument("--lang", default="ja")
    parser.add_argument("--allow-incomplete", action="store_true",
                        help="build: keep the English of untranslated cells (marked in the notebook; development only)")
    parser.add_argument("--no-execute", action="store_true", help="build: write the sources only, do not run them")
    parser.add_argument("--force", action="store_true", help="build: execute every notebook, changed or not")
    args = parser.parse_args(argv)
    if args.action == "build":
        changed = build(args.lang, args.allow_incomplete, not args.no_execute, args.force)
        print("built: " + (", ".join(str(p.relative_to(REPO)) for p in changed) or "nothing changed"))
        return 0
    for notebook in notebooks():
        new, changed, obsolete = extract(args.lang, notebook)
        print(f"{catalogue_path(args.lang, notebook).relative_to(REPO)}: {new} new, {changed} changed, "
              f"{obsolete} obsolete")
    return 0
