"""Reading and cleaning submissions, before any student code runs: the notebook's bytes (no links, no
special files, at most 20 MB), its code cells with the provided (locked) cells put back from the course's
own exercise notebook, and each student's name in the gradebook."""
import hashlib
import os
import stat
import unicodedata

from .tasks import N_

MAX_NOTEBOOK_BYTES = 20 << 20


class SubmissionError(Exception):
    """The submitted file cannot be graded (not a regular file, too large, not a notebook)."""


def read_notebook_bytes(path):
    """The bytes of a submitted notebook, read without following a symbolic link (a submission that is
    a link to the solutions is refused) and only from a regular file of at most 20 MB."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if os.path.islink(path):
            raise SubmissionError(N_("This submission is a symbolic link, not a notebook file. "
                                     "Submit the .ipynb file itself.")) from None
        raise SubmissionError(N_("This submission could not be opened ({error}).", error=exc.strerror)) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise SubmissionError(N_("This submission is not a regular file. Submit the .ipynb file itself."))
        with os.fdopen(fd, "rb") as fh:
            fd = None
            data = fh.read(MAX_NOTEBOOK_BYTES + 1)
    except OSError as exc:
        raise SubmissionError(N_("This submission could not be read ({error}).", error=exc.strerror)) from None
    finally:
        if fd is not None:
            os.close(fd)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise SubmissionError(N_("This notebook is larger than 20 MB. Clear the outputs (Edit > Clear Outputs "
                                 "of All Cells), save, and submit again."))
    return data


def read_submission(path):
    """``read_notebook_bytes``, with every failure turned into a ``SubmissionError`` for that student."""
    try:
        return read_notebook_bytes(path)
    except SubmissionError as exc:
        return exc
    except Exception as exc:            # never the class's failure
        return SubmissionError(N_("This submission could not be read ({error}).", error=type(exc).__name__))


def _nbgrader(cell):
    meta = cell.get("metadata")
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return meta if isinstance(meta, dict) else {}


def restore_locked(cells, source_cells):
    """Put back the provided cells, as nbgrader's overwrite step does: every locked code cell of the source
    notebook (``nbgrader.locked`` and not a solution) replaces the submission's cell of the same
    ``grade_id``; one the submission lacks is inserted before the next cell that matches, after anything
    the student put in its place. Returns (cells, notes)."""
    locked = {}
    for c in source_cells:
        m = _nbgrader(c)
        if c.get("cell_type") == "code" and m.get("locked") and not m.get("solution") and m.get("grade_id"):
            locked[m["grade_id"]] = c
    if not locked:
        return cells, []
    order = [_nbgrader(c).get("grade_id") for c in source_cells]
    out, seen, notes = [], set(), []
    by_id = {}
    for c in cells:
        gid = _nbgrader(c).get("grade_id")
        if gid in locked and gid not in seen and c.get("cell_type") == "code":
            c = dict(c, source=locked[gid]["source"])
            seen.add(gid)
        by_id.setdefault(gid, c)
        out.append(c)
    missing = [g for g in order if g in locked and g not in seen]
    for gid in missing:
        after = order[order.index(gid) + 1:]
        nxt = next((out.index(by_id[g]) for g in after if g in by_id and by_id[g] in out), len(out))
        out.insert(nxt, dict(locked[gid]))
    if missing:
        notes.append(N_("{count} provided cell(s) missing from this notebook were put back before grading ({ids}).",
                        count=len(missing), ids=", ".join(missing)))
    return out, notes


SHOWCASE = "result"      # the grade_id of an exercise's last provided cell, which only shows the learner's result


def not_graded_ids(source_cells):
    """grade_ids of the exercise notebook's cells that hidden grading does not need to run: its visible
    checks (nbgrader's autograded test cells: the hidden tests call the same functions on other inputs)
    and its showcase cell (``SHOWCASE``)."""
    out = {SHOWCASE}
    for c in source_cells or ():
        m = _nbgrader(c)
        if c.get("cell_type") == "code" and m.get("grade") and not m.get("solution") and m.get("grade_id"):
            out.add(m["grade_id"])
    return out


def notebook_cells(data, source_cells=None):
    """(code cells, number of cells, notes) of a notebook given as bytes. Code cells are (index among ALL
    cells, markdown included, as a learner counts them; source) with IPython magics and shell lines
    commented out. With ``source_cells`` (the exercise notebook's cells), provided cells are restored and
    the cells of ``not_graded_ids`` are left out (they cost time and decide nothing)."""
    import nbformat
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        cells = list(nb.cells)
    except Exception as exc:
        raise SubmissionError(N_("This file could not be read as a notebook ({error}). Submit the .ipynb file that "
                                 "Jupyter saved.", error=type(exc).__name__)) from None
    notes, skip = [], set()
    if source_cells:
        cells, notes = restore_locked(cells, source_cells)
        skip = not_graded_ids(source_cells)
    code = []
    for i, c in enumerate(cells):
        if c.get("cell_type") != "code" or not isinstance(c.get("source"), str):
            continue
        if _nbgrader(c).get("grade_id") in skip:
            continue
        lines = [("# " + ln) if ln.lstrip().startswith(("%", "!")) else ln for ln in c["source"].splitlines()]
        code.append((i, "\n".join(lines)))
    return code, len(cells), notes


def _clean(file_name):
    stem = os.path.basename(str(file_name))
    if stem.lower().endswith(".ipynb"):
        stem = stem[:-6]
    ascii_ = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    safe = "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in ascii_.strip())
    return safe.strip("_-")[:64].strip("_-") or "student"


def student_names(paths):
    """A safe gradebook name per submission, from its file name: ASCII letters, digits, '_' and '-' only
    (accents dropped, spaces around the name removed, everything else, '..' and path separators included,
    becomes '_'), at most 64 characters, never empty, never starting with '-', '_' or '.'.

    When several file names clean to the same name (``alice.ipynb`` and `` alice.ipynb``, or two names cut
    at 64 characters), none of them keeps the plain name: each gets '-' and the first 6 hex digits of the
    SHA-256 of its own file name, which does not depend on the order or on the other files. The gradebook
    also lists every original file name, so an instructor sees who is who."""
    cleaned = [_clean(p) for p in paths]
    count = {}
    for c in cleaned:
        count[c.lower()] = count.get(c.lower(), 0) + 1
    names, seen = [], set()
    for p, c in zip(paths, cleaned):
        digest = hashlib.sha256(os.path.basename(str(p)).encode("utf-8", "surrogateescape")).hexdigest()[:6]
        name = f"{c[:57]}-{digest}" if count[c.lower()] > 1 else c
        n = 2
        while name.lower() in seen:               # a name equal to another's tagged name: a counter
            name, n = f"{c[:57]}-{digest}-{n}", n + 1
        seen.add(name.lower())
        names.append(name)
    return names


def exercise_from_path(path):
    """The exercise a notebook belongs to, from its file name (``02_least_squares.ipynb`` -> ``02_least_squares``)."""
    name = os.path.basename(str(path))
    return name[:-6] if name.lower().endswith(".ipynb") else name


def data_language(data):
    """The language a notebook's bytes say it is in (metadata "language"), "en" when they say none or are not a
    notebook."""
    import json
    try:
        lang = json.loads(data).get("metadata", {}).get("language", "en")
    except Exception:
        return "en"
    return lang if lang in ("en", "ja") else "en"

