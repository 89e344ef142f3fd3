"""Hidden-test grading, phase by phase: read and clean the submissions (``submissions.py``), run each in the
sandbox (``runner.py``, ``sandbox.py``, ``harness.py``), judge every case (``judge.py``), write the grades
(``results.py``). Student code never runs in this process, and the expected values never leave it.

``Grader`` holds what every submission of one grading run shares: the exercise's tasks, the limits, how
student code is isolated on this machine, the exercise notebook whose provided cells are put back, and the
flag that Ctrl-C sets.
"""
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from . import protocol, results
from .judge import judge
from .runner import Cancelled, run_submission
from .sandbox import Child, Isolation, Limits
from .submissions import SubmissionError, data_language, notebook_cells, read_submission, student_names
from .tasks import N_, load_exercise
from ..i18n import translator
from ..paths import REPO


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot run here and the caller did not ask for ``unsafe`` grading."""


def _source_cells(exercise, hidden_dir, source, lang="en"):
    """The cells of the exercise notebook whose provided cells are put back into each submission: the
    course's own ``exercises/<exercise>.ipynb`` (or ``<hidden>/<exercise>.ipynb`` with --hidden; for another
    language than English ``<lang>/<exercise>.ipynb`` in that folder when there is one), or ``source``; None
    when there is none."""
    import nbformat
    if source is None:
        folder = Path(hidden_dir) if hidden_dir else REPO / "exercises"
        translated = folder / lang / f"{exercise}.ipynb"
        source = translated if lang != "en" and translated.is_file() else folder / f"{exercise}.ipynb"
    source = Path(source)
    if not source.is_file():
        return None
    return list(nbformat.read(str(source), as_version=4).cells)


class Grader:
    """Grades notebooks of one exercise. ``unsafe``: without a sandbox (trusted notebooks only). ``lang``: the
    language of the feedback ("en", or "ja" through i18n/ja/coursetools.po; the hidden tests are the same), and
    of the exercise notebook whose provided cells are put back; None: each submission's own (its metadata
    "language", which the Japanese edition's notebooks carry), so one class may mix both editions."""

    def __init__(self, exercise, limits=None, hidden_dir=None, unsafe=False, source=None, tasks=None, lang=None):
        self.exercise, self.limits, self.lang = exercise, limits or Limits(), lang
        self._sources = {}
        self._where = (exercise, hidden_dir, source)
        self.isolation = Isolation(self.limits, unsafe)
        if self.isolation.mode is None:
            raise SandboxUnavailable(
                f"Refusing to grade: the sandbox is not available ({self.isolation.why}). Student code would run "
                f"with the grader's rights and could read the solutions or change grades. Install bubblewrap "
                f"(apt-get install bubblewrap), or pass --unsafe to grade trusted notebooks without a sandbox.")
        self.tasks = tasks if tasks is not None else load_exercise(exercise, hidden_dir)
        self.cancel = threading.Event()

    def sources(self, lang):
        """The provided cells of the exercise notebook in ``lang`` (read once), or None without an exercise."""
        if lang not in self._sources:
            exercise, hidden_dir, source = self._where
            self._sources[lang] = _source_cells(exercise, hidden_dir, source, lang) if exercise else None
        return self._sources[lang]

    @property
    def max_score(self):
        return sum(t.points for t in self.tasks)

    def grade_cells(self, cells, n_cells):
        """Grade code cells (from ``notebook_cells``); returns (tests, notes, record or None)."""
        try:
            rec = run_submission(cells, n_cells, self)
            if rec.ambiguous:             # which cell killed Python is unclear: keep the better reading
                other = run_submission(cells, n_cells, self, blame_background=True)
                if _points(self.tasks, other) > _points(self.tasks, rec):
                    rec = other
        except protocol.ChannelError as exc:
            why = N_("Your code's process sent the grader something it never sends ({error}). This submission could "
                     "not be graded automatically; ask your instructor.", error=exc)
            return [{"name": t.name, "score": 0.0, "max_score": t.points, "output": why} for t in self.tasks], [why], None
        tests, bugs = [], 0
        for k, task in enumerate(self.tasks):
            lines, earned, show, passed = [], 0.0, False, 0
            if k in rec.missing:
                lines.append(N_("No function named `{func}` is defined. Does the cell that defines it run without "
                                "errors?", func=task.func))
            else:
                for j, case in enumerate(task.cases):
                    answer = rec.answers[k][j]
                    if answer is None and k not in rec.finished:
                        answer = {"problem": N_("not run, because the Python process kept stopping before it")}
                    v = judge(task, case, answer)
                    earned += v.score
                    passed += v.score == 1.0
                    show = show or v.show_accepted
                    bugs += v.grader_bug
                    if v.text and v.text not in lines:
                        lines.append(v.text)
            if show:
                lines.append(N_("Accepted return values for {func}: {accepted}.", func=task.shown, accepted=task.accepted()))
            lines.insert(0, N_("{passed} of {total} hidden checks passed.", passed=passed, total=len(task.cases)))
            tests.append({"name": task.name, "score": round(task.points * earned / len(task.cases), 2),
                          "max_score": task.points, "output": "\n".join(lines)})
        notes = [rec.skip_reason[c] for c in sorted(rec.skip_reason) if c in rec.skip]
        for i, err in sorted(rec.cell_errors.items()):
            if not err.startswith("NotImplementedError"):
                notes.append(N_("Cell {cell} raised {error}", cell=i + 1, error=err))
        if bugs:
            notes.append(N_("GRADER ERROR in a hidden check (the course's bug, not yours): grade again once it is fixed."))
        rec.grader_bugs = bugs
        return tests, notes, rec

    @staticmethod
    def translated(res, tr):
        """The feedback of a results dict in ``tr``'s language (``translator(lang)``), line by line: its output,
        and each test's name and output. (The gradebook's columns keep the English task names.)"""
        if tr.lang == "en":
            return res
        def lines(text):
            return "\n".join(tr.text(line) for line in text.split("\n"))
        res["output"] = lines(res.get("output", ""))
        for test in res.get("tests", []):
            test["name"] = tr.text(test["name"])
            test["output"] = lines(test["output"])
        return res

    def language_of(self, data):
        """The language of one submission's feedback: the grader's, else the notebook's own."""
        return self.lang or (data_language(data) if not isinstance(data, SubmissionError) else "en")

    def grade_data(self, data):
        """Grade one submission's bytes (or the ``SubmissionError`` of reading it); returns a Gradescope-style
        results dict (score, max_score, execution_time, tests, output; note and grader_error when needed), its
        feedback in the grader's language (``lang=None``: the notebook's)."""
        lang = self.language_of(data)
        return self.translated(self._grade_data(data, lang), translator(lang))

    def _grade_data(self, data, lang="en"):
        t0 = time.monotonic()
        try:
            if isinstance(data, SubmissionError):
                raise data
            cells, n_cells, restored = notebook_cells(data, self.sources(lang))
        except SubmissionError as exc:
            return {"score": 0.0, "max_score": self.max_score, "execution_time": 0.0, "output": str(exc),
                    "tests": [{"name": t.name, "score": 0.0, "max_score": t.points, "output": N_("not graded")}
                              for t in self.tasks]}
        try:
            tests, notes, rec = self.grade_cells(cells, n_cells)
        except Cancelled:
            raise
        except Exception as exc:          # the grader's own failure: say so, never a silent zero
            return {"score": 0.0, "max_score": self.max_score, "execution_time": round(time.monotonic() - t0, 2),
                    "grader_error": True, "note": "grader error: grade again",
                    "output": N_("GRADER ERROR, not the student's fault ({error}). Grade this notebook again.",
                                 error=f"{type(exc).__name__}: {protocol.clean_text(exc)}"),
                    "tests": [{"name": t.name, "score": 0.0, "max_score": t.points, "output": N_("not graded")}
                              for t in self.tasks]}
        res = {"score": round(sum(t["score"] for t in tests), 2), "max_score": self.max_score,
               "execution_time": round(time.monotonic() - t0, 2), "tests": tests,
               "output": "\n".join([N_("Graded with hidden tests (isolation: {isolation}).", isolation=self.isolation.describe())]
                                   + restored + notes)}
        if rec is not None and rec.grader_bugs:
            res["grader_error"], res["note"] = True, "grader error in a hidden check: see results.json"
        if rec is not None and rec.crashed:
            res["_crashed"] = True
        return res

    def grade_paths(self, paths, out_dir, workers=None, progress=None):
        """Grade many submissions, ``workers`` sandboxes at a time (default: the number of cores). Every file
        is read before any student code runs. A submission whose sandbox stopped early is graded once more
        alone at the end (a process limit reached by a classmate must not cost it) and keeps its better
        grade. Writes out_dir/students/<name>/results.json and out_dir/gradebook.csv and nothing else;
        returns {name: results}. Ctrl-C stops every sandbox at once and writes nothing."""
        paths = list(paths)
        names = student_names(paths)
        results.prepare(out_dir, names)
        data = [read_submission(p) for p in paths]
        workers = max(1, min(workers or os.cpu_count() or 1, len(paths) or 1))

        def one(d):
            if self.cancel.is_set():
                raise Cancelled()
            res = self.grade_data(d)
            if progress:
                progress()
            return res

        pool = ThreadPoolExecutor(workers)
        try:
            futures = [pool.submit(one, d) for d in data]
            # waits of at most a second: Ctrl-C (SIGINT, SIGTERM) goes to whichever thread the kernel picks, and
            # a main thread blocked in one endless wait never ran the handler when a worker thread got it
            pending = set(futures)
            while pending:
                pending = wait(pending, timeout=1.0).not_done
            graded = [f.result() for f in futures]
            if workers > 1:
                for i, res in enumerate(graded):
                    if res.pop("_crashed", False):
                        again = self.grade_data(data[i])
                        again.pop("_crashed", None)
                        if again["score"] > res["score"]:
                            again["output"] += "\n" + translator(self.language_of(data[i])).text(N_(
                                "Graded again alone after the others, since the first grading stopped early; this is "
                                "the better of the two."))
                            graded[i] = again
        except BaseException:
            self.cancel.set()
            Child.kill_all()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        for res in graded:
            res.pop("_crashed", None)
        results.write(out_dir, self.tasks, names, paths, graded)
        return dict(zip(names, graded))


def _points(tasks, rec):
    return sum(task.points * sum(judge(task, c, rec.answers[k][j]).score for j, c in enumerate(task.cases))
               / len(task.cases) for k, task in enumerate(tasks) if k not in rec.missing)


def grade_cells(cells, n_cells, tasks, limits=None, unsafe=False):
    """Grade code cells (``(index, source)`` pairs) on the hidden ``tasks``; returns (tests, notes). For tools
    and tests that build a submission's cells themselves."""
    tests, notes, _ = Grader(None, limits, unsafe=unsafe, tasks=tasks).grade_cells(cells, n_cells)
    return tests, notes


def grade_notebook(path, exercise, limits=None, hidden_dir=None, unsafe=False, lang=None):
    """Grade one submission; returns a Gradescope-style results dict (score, max_score, tests, output), its
    feedback in ``lang`` (None: the notebook's own language)."""
    res = Grader(exercise, limits, hidden_dir, unsafe, lang=lang).grade_data(read_submission(path))
    res.pop("_crashed", None)
    return res


def grade_folder(paths, exercise, out_dir, limits=None, hidden_dir=None, workers=None, unsafe=False,
                 progress=None, lang=None):
    """Grade many submissions in parallel; see ``Grader.grade_paths``."""
    return Grader(exercise, limits, hidden_dir, unsafe, lang=lang).grade_paths(paths, out_dir, workers, progress)


__all__ = ["Grader", "SandboxUnavailable", "grade_cells", "grade_notebook", "grade_folder", "load_exercise"]
