"""Grading one class in N jobs at once (a Slurm job array, a Kubernetes Indexed Job), and joining the results.

    python -m coursetools grade SUBMISSIONS --exercise E --shard K/N --out OUT_K    one job of N (K = 1 .. N)
    python -m coursetools merge OUT_1 OUT_2 ... OUT_N --out OUT                     once all N have finished

Shard K of N is a fixed part of the folder: the notebooks sorted by file name (code points, not the locale
or the file system's order) are dealt out in turn, 1, 2, ..., N, 1, 2, ..., so every machine that sees the
same folder makes the same split and the parts differ in size by at most one. Files whose names clean to
the same student name (``Anna.ipynb``, ``anna.ipynb``; see ``student_names``) always travel together, so
each shard names its students exactly as one run over the whole folder does.

Each shard's output folder gets a ``shard.json`` beside ``gradebook.csv`` and ``students/``: the exercise, K,
N, the file names of the whole class and the students of this shard. ``merge`` reads them and refuses to join
shards of different exercises, of different splits or folders, a shard given twice (overlap) or a shard
missing (gap); the joined folder is what one run over the whole folder writes.
"""
import argparse
import csv
import io
import json
import os
import re
from collections import Counter
from pathlib import Path

from .grading.results import write_new
from .grading.submissions import student_names

RECORD = "shard.json"
FORMAT = 1


def parse_shard(spec):
    """``"K/N"`` -> (K, N) with 1 <= K <= N; a clear ValueError for anything else."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(spec))
    if not m:
        raise ValueError(f"--shard takes K/N, the K-th of N parts (for example 2/8), not {spec!r}.")
    k, n = int(m.group(1)), int(m.group(2))
    if n < 1 or not 1 <= k <= n:
        raise ValueError(f"--shard {spec}: K counts from 1 to N (for example 1/{max(n, 1)} to {max(n, 1)}/{max(n, 1)}); "
                         f"a Kubernetes Indexed Job counts from 0, so pass $((JOB_COMPLETION_INDEX + 1))/N.")
    return k, n


def _sorted(paths):
    return sorted(paths, key=lambda p: str(p))


def _groups(paths):
    """Indexes of ``paths`` (sorted) in groups that must be graded together: files whose names clean to the
    same student name, with the files whose own names the clash's numbering (``anna_2``) could take."""
    own = [student_names([p])[0].lower() for p in paths]
    parent = list(range(len(paths)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first = {}
    for i, name in enumerate(own):
        j = first.setdefault(name, i)
        parent[find(i)] = find(j)
    counts = Counter(own)
    clashed = [name for name, c in counts.items() if c > 1]
    for base in clashed:
        numbered = re.compile(re.escape(base) + r"(_\d+)+")
        for i, name in enumerate(own):
            if numbered.fullmatch(name):
                parent[find(i)] = find(first[base])
    groups = {}
    for i in range(len(paths)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def _split(paths, n):
    """The sorted paths and, for each of the N shards, the indexes it grades."""
    paths = _sorted(paths)
    shards = [[] for _ in range(n)]
    for g, members in enumerate(_groups(paths)):
        shards[g % n].extend(members)
    shards = [sorted(s) for s in shards]
    everyone = student_names(paths)
    for s in shards:                      # each shard must name its students as one run names them
        if student_names([paths[i] for i in s]) != [everyone[i] for i in s]:
            raise RuntimeError("These file names cannot be split into shards that name their students as one run "
                               "over the whole folder does. Grade this folder without --shard, or rename the "
                               "notebooks so that no two clean to the same student name.")
    return paths, shards


def select_shard(paths, spec):
    """The submissions that shard ``spec`` ("K/N") grades, in sorted order: disjoint for different K, all of
    ``paths`` together, and the same on every machine whatever order ``paths`` comes in."""
    k, n = parse_shard(spec)
    paths, shards = _split(paths, n)
    return [paths[i] for i in shards[k - 1]]


def shard_record(exercise, spec, paths):
    """What ``shard.json`` holds for shard ``spec`` of the submissions ``paths`` (the whole folder)."""
    k, n = parse_shard(spec)
    paths, shards = _split(paths, n)
    names = student_names(paths)
    return {"format": FORMAT, "exercise": exercise, "shard": k, "of": n,
            "files": [os.path.basename(str(p)) for p in paths],
            "students": [names[i] for i in shards[k - 1]]}


def write_shard_record(out_dir, exercise, spec, paths):
    """Write ``out_dir/shard.json`` for shard ``spec`` of the whole folder's ``paths`` (call it after the
    shard's grading has finished: a shard without it counts as unfinished). Returns the record."""
    record = shard_record(exercise, spec, paths)
    write_new(Path(out_dir) / RECORD, json.dumps(record, indent=1) + "\n")
    return record


def _read_small(path, limit=64 << 20):
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{path} is larger than {limit >> 20} MB; it is not a grading output.")
    return data


def _load_shard(d):
    """(record, gradebook header, {student: row}) of one shard's output folder, checked for consistency."""
    d = Path(d)
    rec_path = d / RECORD
    if not rec_path.is_file():
        if (d / "gradebook.csv").is_file():
            raise ValueError(f"{d} has no {RECORD}: it was graded without --shard K/N, or its grading did not "
                             f"finish. Grade it again with --shard.")
        raise ValueError(f"{d} is not a shard's output folder (no {RECORD}, no gradebook.csv).")
    try:
        rec = json.loads(_read_small(rec_path))
        k, n = parse_shard(f"{rec['shard']}/{rec['of']}")
        assert rec["format"] == FORMAT and isinstance(rec["exercise"], str)
        assert all(isinstance(x, str) for x in rec["files"] + rec["students"])
    except (ValueError, KeyError, TypeError, AssertionError):
        raise ValueError(f"{rec_path} is not a shard record this version of coursetools can read.") from None
    rows = list(csv.reader(io.StringIO(_read_small(d / "gradebook.csv").decode("utf-8"), newline="")))
    if not rows:
        raise ValueError(f"{d}/gradebook.csv is empty.")
    header, body = rows[0], rows[1:]
    table = {}
    for row in body:
        if len(row) != len(header) or row[0] in table:
            raise ValueError(f"{d}/gradebook.csv is damaged (a row of the wrong length or a student twice).")
        table[row[0]] = row
    where = f"{d} (shard {k}/{n})"
    if sorted(table) != sorted(rec["students"]):
        raise ValueError(f"{where}: gradebook.csv and {RECORD} list different students; grade this shard again "
                         f"into an empty folder.")
    folders = sorted(p.name for p in (d / "students").iterdir()) if (d / "students").is_dir() else []
    extra = sorted(set(folders) - set(rec["students"]))
    if extra:
        raise ValueError(f"{where}: students/{extra[0]} is not one of this shard's students (left from an "
                         f"earlier run?); grade this shard again into an empty folder.")
    missing = sorted(set(rec["students"]) - set(folders))
    if missing:
        raise ValueError(f"{where}: students/{missing[0]}/results.json is missing; grade this shard again.")
    return rec, header, table


def merge(shard_dirs, out_dir):
    """Join the output folders of shards 1..N of one grading into ``out_dir`` (new or empty): one
    ``gradebook.csv`` (rows sorted by student, as ``grade`` writes it) and ``students/<name>/results.json``.
    Refuses mixed exercises or splits, a shard twice, a missing shard, and students in no shard or in two.
    Returns {student: results}."""
    shard_dirs = [Path(d) for d in shard_dirs]
    if not shard_dirs:
        raise ValueError("merge needs the output folders of the shards, e.g. merge out/shard-* --out out/all.")
    out_dir = Path(out_dir)
    if any(out_dir.resolve() == d.resolve() for d in shard_dirs):
        raise ValueError(f"--out {out_dir} is one of the shards' folders; choose a new folder.")
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise FileExistsError(f"{out_dir} exists and is not an empty folder; choose a new folder for the merged "
                              f"gradebook.")
    loaded = [(d, *_load_shard(d)) for d in shard_dirs]
    d0, rec0, header0, _ = loaded[0]
    for d, rec, header, _ in loaded[1:]:
        if rec["exercise"] != rec0["exercise"]:
            raise ValueError(f"Mixed exercises: {d0} graded {rec0['exercise']}, {d} graded {rec['exercise']}. "
                             f"Merge the shards of one exercise at a time.")
        if rec["of"] != rec0["of"]:
            raise ValueError(f"Mixed splits: {d0} is shard {rec0['shard']}/{rec0['of']}, {d} is shard "
                             f"{rec['shard']}/{rec['of']}. All shards of one grading share the same N.")
        if rec["files"] != rec0["files"]:
            raise ValueError(f"{d0} and {d} were graded from different folders of submissions (a notebook was "
                             f"added, removed or renamed in between). Grade all shards again from the same folder.")
        if header != header0:
            raise ValueError(f"{d0} and {d} have different gradebook columns (hidden tests changed between the "
                             f"shards?). Grade all shards again with the same course version.")
    n = rec0["of"]
    seen = {}
    for d, rec, _, _ in loaded:
        if rec["shard"] in seen:
            raise ValueError(f"Overlap: shard {rec['shard']}/{n} is given twice ({seen[rec['shard']]} and {d}).")
        seen[rec["shard"]] = d
    gaps = [k for k in range(1, n + 1) if k not in seen]
    if gaps:
        raise ValueError(f"Gap: shard{'s' if len(gaps) > 1 else ''} {', '.join(f'{k}/{n}' for k in gaps)} "
                         f"missing. Grade {'them' if len(gaps) > 1 else 'it'} with --shard, or give "
                         f"{'their' if len(gaps) > 1 else 'its'} output folder{'s' if len(gaps) > 1 else ''} too.")
    everyone = student_names(rec0["files"])
    owner = {}
    for d, rec, _, table in loaded:
        for name in table:
            if name in owner:
                raise ValueError(f"Overlap: student {name} was graded in {owner[name]} and in {d}.")
            owner[name] = d
    if sorted(owner) != sorted(everyone):
        lost = sorted(set(everyone) - set(owner))
        raise ValueError(f"Gap: {len(lost)} student(s) of the class are in no shard ({', '.join(lost[:5])}).")
    rows, results = [], {}
    for d, rec, header, table in loaded:
        for name, row in table.items():
            data = _read_small(d / "students" / name / "results.json")
            results[name] = json.loads(data)
            rows.append((name, row, data))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "students").mkdir()
    for name, _, data in rows:
        (out_dir / "students" / name).mkdir()
        write_new(out_dir / "students" / name / "results.json", data.decode("utf-8"))
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL)
    w.writerow(header0)
    for name, row, _ in sorted(rows, key=lambda r: r[0]):
        w.writerow(row)
    write_new(out_dir / "gradebook.csv", buf.getvalue())
    return results


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m coursetools merge",
                                 description="Join the output folders of `grade --shard K/N` (K = 1..N) into one "
                                             "gradebook.csv and one students/ folder.")
    ap.add_argument("shards", nargs="+", help="the shards' --out folders (all N of them)")
    ap.add_argument("--out", default="grading-output", help="a new or empty folder for the merged results")
    a = ap.parse_args(argv)
    results = merge(a.shards, a.out)
    print(f"Merged {len(a.shards)} shard(s), {len(results)} student(s): wrote {a.out}/gradebook.csv and "
          f"{a.out}/students/<student>/results.json")
    return 0
