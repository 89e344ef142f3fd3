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
"""
import argparse
import ast
from pathlib import Path

import nbformat
import polib

from coursetools.paths import REPO

FOLDERS = ("lessons", "solutions")
# Calls whose string arguments a reader sees: figure and axis texts, legends, descriptions, messages.
DISPLAY_CALLS = {"describe", "set_title", "set_xlabel", "set_ylabel", "suptitle", "title", "xlabel", "ylabel",
                 "legend", "text", "annotate", "expect", "set_label", "Label", "HTML", "Markdown"}
DISPLAY_KEYWORDS = {"title", "label", "xlabel", "ylabel", "description", "labels", "names", "tooltip",
                    "placeholder", "message"}


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
    nb = nbformat.read(REPO / notebook, as_version=4)
    return [(cell.id, cell.source) for cell in nb.cells if needs_translation(cell)]


def extract(lang, notebook):
    """Write or update the catalogue of one notebook; returns (new, changed, obsolete) counts."""
    path = catalogue_path(lang, notebook)
    if path.exists():
        po = polib.pofile(str(path), wrapwidth=0)
    else:
        po = polib.POFile(wrapwidth=0)
        po.metadata = {"Project-Id-Version": f"nnkit course {notebook}", "Language": lang,
                       "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
                       "Content-Transfer-Encoding": "8bit"}
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
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return new, changed, obsolete


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursetools i18n", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["extract"])
    parser.add_argument("--lang", default="ja")
    args = parser.parse_args(argv)
    for notebook in notebooks():
        new, changed, obsolete = extract(args.lang, notebook)
        print(f"{catalogue_path(args.lang, notebook).relative_to(REPO)}: {new} new, {changed} changed, "
              f"{obsolete} obsolete")
    return 0
