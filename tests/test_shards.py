"""Grading a class in N parts at once (a job array) and joining them: ``select_shard`` deals the same disjoint
parts on every machine whatever the order of the files, ``merge`` refuses overlaps, gaps and mixed gradings,
and a class graded in 4 shards at once, merged, equals one run over the whole folder."""
import csv
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

import class02
from coursetools.grading.core import student_names
from coursetools.grading.sandbox import sandbox_status
from coursetools.shards import merge, parse_shard, select_shard, write_shard_record
from coursetools.grading import load_exercise

FULL = sum(t.points for t in load_exercise("02_least_squares"))   # the class's full marks

REPO = Path(__file__).resolve().parent.parent
NAMES = ["Zoe", "adam", "Bruno", "chloé", "Dmitri", "eve", "Farah", "gus", "Hana", "ivan", "Jonas", "kim", "Lea",
         "mo", "Nadia", "omar", "Pia", "quinn", "Rui", "sam", "Tess", "uma", "Vic"]


def _files(names, folder="class"):
    return [Path(folder) / f"{n}.ipynb" for n in names]


@pytest.mark.parametrize("spec", ["0/4", "5/4", "4", "a/b", "1/0", "-1/4", "2/4/1", ""])
def test_a_bad_shard_says_what_it_takes(spec):
    with pytest.raises(ValueError, match="K/N|K counts from 1"):
        parse_shard(spec)


def test_shards_are_disjoint_complete_balanced_and_independent_of_order():
    files = _files(NAMES)
    for n in range(1, 7):
        parts = [select_shard(files, f"{k}/{n}") for k in range(1, n + 1)]
        flat = [p for part in parts for p in part]
        assert sorted(flat) == sorted(files) and len(flat) == len(set(flat)), n
        assert max(map(len, parts)) - min(map(len, parts)) <= 1, [len(p) for p in parts]
        for seed in range(3):                        # whatever order the file system lists them in
            shuffled = files[:]
            random.Random(seed).shuffle(shuffled)
            assert [select_shard(shuffled, f"{k}/{n}") for k in range(1, n + 1)] == parts
            assert [select_shard([str(p) for p in shuffled], f"{k}/{n}") for k in range(1, n + 1)] == \
                [[str(p) for p in part] for part in parts]


def test_the_split_is_the_same_in_every_python_process():
    # nothing may depend on Python's per-process string hashing (a job array's tasks are separate processes)
    code = ("import sys, json; sys.path.insert(0, %r); from coursetools.shards import select_shard; "
            "print(json.dumps([select_shard(%r, f'{k}/5') for k in range(1, 6)]))") % (str(REPO), [f"{n}.ipynb" for n in NAMES])
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env=dict(os.environ, PYTHONHASHSEED=seed)).stdout for seed in ("1", "2", "3")}
    assert len(outs) == 1


def test_the_shard_tools_start_without_the_grader():
    # select_shard and merge only read file names and results: they must not pay for NumPy and the sandbox's code
    # (about 0.2 s of CPU in every process of a job array)
    code = "import sys, coursetools.shards; print(sorted({'numpy', 'coursetools.grading.core'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert out.strip() == "[]", out


def test_names_that_clean_to_the_same_student_travel_together():
    # Anna, anna, ánna clean to anna: in one run none keeps the plain name (each gets its file name's hash);
    # graded apart, a shard with only one of them would call it anna
    names = NAMES + ["Anna", "anna", "ánna", "anna_2"]
    files = _files(names)
    everyone = dict(zip(sorted(files, key=str), student_names(sorted(files, key=str))))
    clash = {f for f in files if f.stem.lower().replace("á", "a").startswith("anna")}
    for n in range(2, 6):
        parts = [select_shard(files, f"{k}/{n}") for k in range(1, n + 1)]
        holders = [part for part in parts if clash & set(part)]
        assert len(holders) == 1 and clash <= set(holders[0]), n
        for part in parts:
            assert student_names(part) == [everyone[p] for p in part]


def _fake_shard(out, files, spec, exercise="02_least_squares", columns=("1. loss", "2. gradient")):
    """A shard's output as `grade` writes it (gradebook.csv, students/<name>/results.json), with made-up scores."""
    mine = select_shard(files, spec)
    names = dict(zip(sorted(files, key=str), student_names(sorted(files, key=str))))
    out = Path(out)
    rows = []
    for p in mine:
        name = names[p]
        (out / "students" / name).mkdir(parents=True)
        res = {"score": len(name) % 3, "max_score": 3, "tests": [], "output": f"graded {name}"}
        (out / "students" / name / "results.json").write_text(json.dumps(res, indent=2))
        rows.append([name] + ["1"] * len(columns) + [str(len(name) % 3), "3", ""])
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "gradebook.csv", "w", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_ALL)
        w.writerow(["student", *columns, "total", "max", "note"])
        w.writerows(sorted(rows))
    write_shard_record(out, exercise, spec, files)
    return out


@pytest.fixture
def three(tmp_path):
    files = _files(NAMES)
    return files, [_fake_shard(tmp_path / f"s{k}", files, f"{k}/3") for k in (1, 2, 3)]


def test_merge_joins_the_shards_into_one_gradebook(three, tmp_path):
    files, dirs = three
    results = merge(dirs[::-1], tmp_path / "all")
    names = student_names(sorted(files, key=str))
    assert sorted(results) == sorted(names)
    rows = list(csv.reader(open(tmp_path / "all" / "gradebook.csv", newline="")))
    assert rows[0][0] == "student" and [r[0] for r in rows[1:]] == sorted(names)
    assert sorted(p.name for p in (tmp_path / "all" / "students").iterdir()) == sorted(names)
    assert not (tmp_path / "all" / "shard.json").exists()


def test_merge_refuses_overlap_gap_and_mixed_gradings(three, tmp_path):
    files, (s1, s2, s3) = three
    cases = [([s1, s2, s3, s2], "Overlap: shard 2/3 is given twice"),
             ([s1, s3], "Gap: shard 2/3 missing"),
             ([s1, s2, s3, _fake_shard(tmp_path / "x4", files, "3/4")], "Mixed splits"),
             ([s1, s2, _fake_shard(tmp_path / "other", files, "3/3", exercise="03_gradient_descent")],
              "Mixed exercises"),
             ([s1, s2, _fake_shard(tmp_path / "more", files + _files(["late"]), "3/3")],
              "different folders of submissions"),
             ([s1, s2, _fake_shard(tmp_path / "cols", files, "3/3", columns=("1. loss", "2. grad"))],
              "different gradebook columns")]
    for k, (dirs, message) in enumerate(cases):
        with pytest.raises(ValueError, match=message):
            merge(dirs, tmp_path / f"out{k}")
        assert not (tmp_path / f"out{k}").exists(), "a refused merge wrote something"


def test_merge_refuses_unfinished_or_stale_shards_and_a_used_output_folder(three, tmp_path):
    _, (s1, s2, s3) = three
    (s3 / "students" / "stranger").mkdir()
    with pytest.raises(ValueError, match="stranger is not one of this shard's students"):
        merge([s1, s2, s3], tmp_path / "a")
    (s3 / "students" / "stranger").rmdir()
    (s2 / "shard.json").unlink()
    with pytest.raises(ValueError, match="no shard.json"):
        merge([s1, s2, s3], tmp_path / "b")
    with pytest.raises(ValueError, match="one of the shards' folders"):
        merge([s1, s3], s1)
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "gradebook.csv").write_text("old")
    with pytest.raises(FileExistsError, match="not an empty folder"):
        merge([s1, s3], tmp_path / "used")


def test_merge_command_line_says_what_is_missing(three, tmp_path):
    _, (s1, _, s3) = three
    res = subprocess.run([sys.executable, "-m", "coursetools", "merge", str(s1), str(s3), "--out", str(tmp_path / "m")],
                         capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 1 and "Gap: shard 2/3 missing" in res.stderr, res.stderr


# --- a class graded in 4 shards at once against one run ---------------------------------------------------

SHARD_BY_FUNCTIONS = """
import sys
from pathlib import Path
from coursetools.grading.core import grade_folder
from coursetools.shards import select_shard, write_shard_record
src, spec, out = sys.argv[1:]
paths = sorted(Path(src).glob("*.ipynb"))        # what grade's command line does ...
mine = select_shard(paths, spec)                 # ... and the lines it gets for --shard K/N
grade_folder(mine, "02_least_squares", out, workers=1)
write_shard_record(out, "02_least_squares", spec, paths)
"""


def _grade_cli_has_shard():
    res = subprocess.run([sys.executable, "-m", "coursetools", "grade", "--help"], capture_output=True, text=True,
                         cwd=REPO)
    return "--shard" in res.stdout


@pytest.mark.skipif(not sandbox_status()[0], reason=f"no grading sandbox here: {sandbox_status()[1]}")
def test_a_class_graded_in_four_shards_at_once_equals_one_run(tmp_path):
    src = tmp_path / "submissions"
    wrong = class02.wrong_answers()
    partial = next(k for k, w in enumerate(wrong) if 0 < w[3])                 # a wrong answer with partial credit
    class02.write(class02.solution(), src / "ada.ipynb")
    class02.write(class02.solution(), src / "Anna.ipynb")
    class02.write(class02.wrong(0), src / "anna.ipynb")                   # cleans to anna too: both get a hash
    class02.write(class02.wrong(partial), src / "Bruno.ipynb")
    class02.write(class02.wrong(4), src / "chloé.ipynb")
    class02.write(class02.untouched(), src / "dora.ipynb")
    class02.write(class02.wrong(len(wrong) - 1), src / "emil.ipynb")
    (src / "notes.ipynb").write_text("this is not a notebook")                 # graded as ungradable, in its shard
    if _grade_cli_has_shard():
        cmd = lambda k: [sys.executable, "-m", "coursetools", "grade", str(src), "--exercise", class02.EXERCISE,
                         "--shard", f"{k}/4", "--workers", "1", "--quiet", "--out", str(tmp_path / f"shard-{k}")]
    else:                                           # until grade's command line has --shard: the same calls
        cmd = lambda k: [sys.executable, "-c", SHARD_BY_FUNCTIONS, str(src), f"{k}/4", str(tmp_path / f"shard-{k}")]
    procs = [subprocess.Popen(cmd(k), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for k in range(1, 5)]
    procs.append(subprocess.Popen([sys.executable, "-m", "coursetools", "grade", str(src), "--exercise",
                                   class02.EXERCISE, "--workers", "1", "--quiet", "--out", str(tmp_path / "one")],
                                  cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    for p in procs:
        out = p.communicate(timeout=600)[0].decode()
        assert p.returncode == 0, out
    sizes = [len(json.loads((tmp_path / f"shard-{k}" / "shard.json").read_text())["students"]) for k in range(1, 5)]
    assert sum(sizes) == 8 and min(sizes) >= 1, sizes
    res = subprocess.run([sys.executable, "-m", "coursetools", "merge", *(str(tmp_path / f"shard-{k}") for k in (3, 1, 4, 2)),
                          "--out", str(tmp_path / "merged")], capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stderr
    one, merged = tmp_path / "one", tmp_path / "merged"
    assert (merged / "gradebook.csv").read_bytes() == (one / "gradebook.csv").read_bytes()
    names = sorted(p.name for p in (one / "students").iterdir())
    assert names == sorted(p.name for p in (merged / "students").iterdir())
    anna = dict(zip(["Anna.ipynb", "anna.ipynb"], student_names(["Anna.ipynb", "anna.ipynb"])))
    assert {anna["Anna.ipynb"], anna["anna.ipynb"], "notes"} <= set(names) and "Anna" not in names
    for name in names:
        a, b = (json.loads((d / "students" / name / "results.json").read_text()) for d in (one, merged))
        for res in (a, b):          # what differs between two runs: the time taken and the sandbox's uid
            res.pop("execution_time", None)
            res["output"] = re.sub(r"uid \d+", "uid N", res["output"])
        assert a == b, name
    scores = {r[0]: float(r[-3]) for r in list(csv.reader(open(one / "gradebook.csv", newline="")))[1:]}
    assert scores["ada"] == scores[anna["Anna.ipynb"]] == FULL and scores["dora"] == 0 and 0 < scores["Bruno"] < FULL, scores
