"""Writing the grades: ``students/<name>/results.json`` (Gradescope's format) and ``gradebook.csv``, only
inside the --out folder, never through a link planted there."""
import csv
import io
import json
import os
from pathlib import Path

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def write_new(path, text):
    """Write a file inside --out without following a link planted there."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "w", newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _cell_text(text):
    """A CSV field a spreadsheet shows as text: printable, and never read as a formula."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text))[:200]
    return "'" + text if text.startswith(FORMULA_START) else text


def prepare(out_dir, names):
    """Check --out before anything is written: every student folder must be new or a plain folder."""
    out_dir = Path(out_dir)
    for name in names:
        d = out_dir / "students" / name
        if d.is_symlink() or (d.exists() and not d.is_dir()):
            raise RuntimeError(f"{d} is not a plain folder; choose an empty --out folder.")


def write(out_dir, tasks, names, files, results):
    """Write every student's results.json, then the gradebook (every field quoted; columns student,
    file, one per task, total, max, note)."""
    out_dir = Path(out_dir)
    prepare(out_dir, names)
    students = out_dir / "students"
    students.mkdir(parents=True, exist_ok=True)
    for name, res in zip(names, results):
        d = students / name
        d.mkdir(exist_ok=True)
        write_new(d / "results.json", json.dumps(res, indent=2))
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL)
    w.writerow(["student", "file"] + [t.name for t in tasks] + ["total", "max", "note"])
    for name, file, res in sorted(zip(names, files, results), key=lambda r: r[0]):
        note = res.get("note", "")
        w.writerow([name, _cell_text(os.path.basename(str(file)))] + [f"{t['score']:g}" for t in res["tests"]]
                   + [f"{res['score']:g}", f"{res['max_score']:g}", note])
    write_new(out_dir / "gradebook.csv", buf.getvalue())
