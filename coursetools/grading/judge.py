"""Judging: one case's answer against the hidden expected value, and the feedback a learner reads.

The feedback names the kind of input (``Case.describe``) and what was wrong: an exception, a wrong form
or shape (with a hint when it is (N,) against (N, 1), or the transpose), NaN, an argument changed in place,
or wrong values. It never gives a number that depends on the hidden values (no differences, no relative
errors): a student who may resubmit could otherwise rebuild the expected values from the feedback. The
hints for wrong values fire only on exact patterns (the opposite sign, twice or half the value, the
transpose, how many entries are wrong), which tell nothing a learner's own answer did not already hold.
"""
from dataclasses import dataclass

import numpy as np

from .tasks import N_


@dataclass
class Verdict:
    score: float                 # the share of the case earned: 1, 0, or a share of its parts
    text: str = ""               # feedback, empty when right
    show_accepted: bool = False  # add the task's accepted return values to the feedback
    grader_bug: bool = False     # a hidden check itself failed: the course's bug, not the student's


def _shape_hint(got, want):
    if got.size == want.size and tuple(s for s in got.shape if s != 1) == tuple(s for s in want.shape if s != 1):
        return N_(" (N,) and (N, 1) are different: check your reshapes, keepdims and indexing.")
    if got.ndim == 2 and got.shape == want.shape[::-1]:
        return N_(" It has the transposed shape: check the order of a matrix product or a missing/extra .T.")
    return ""


def _pattern(got, want, case):
    """A hint for wrong values that only fires on an exact pattern of the learner's own answer."""
    def close(x):
        return np.allclose(got, x, rtol=case.rtol, atol=case.atol)
    if np.any(np.abs(want) > case.atol) and close(-want):
        return N_(" They have the opposite sign of the expected values: check a minus sign.")
    if np.any(np.abs(want) > case.atol) and close(2 * want):
        return N_(" They are twice the expected values: check for a factor of 2.")
    if np.any(np.abs(want) > case.atol) and close(want / 2):
        return N_(" They are half the expected values: check for a factor of 2.")
    if want.ndim == 2 and want.shape[0] == want.shape[1] > 1 and close(want.T) and not np.allclose(want, want.T):
        return N_(" They are the transpose of the expected values: check the order of a matrix product.")
    return ""


def _values(got, want, case, label, scalar):
    """(right, text, show_accepted) for one result array against its expected array."""
    if scalar:
        if got.size != 1:
            return False, N_("{label} should be a single number, but it is an array of shape {shape}.", label=label,
                             shape=got.shape), True
        got = got.reshape(())
        want = want.reshape(()) if want.size == 1 else want
    elif got.shape != want.shape:
        return False, N_("{label} has shape {got}, but shape {want} is expected.{hint}", label=label, got=got.shape,
                         want=want.shape, hint=_shape_hint(got, want)), True
    got, want = got.astype(np.float64), np.asarray(want, dtype=np.float64)
    expected_nan = np.isnan(want)               # a few tasks ask for NaN where there is no answer
    if np.any(~np.isfinite(got) & ~expected_nan & ~np.isinf(want)) or np.any(np.isnan(got) & ~expected_nan):
        return False, N_("{label} has NaN or infinite values.", label=label), False
    if case.check is not None:
        return True, "", False                  # judged by the task's own check, after every part passed here
    if np.any(expected_nan & ~np.isnan(got)):
        return False, N_("{label} has a number where there is no answer (NaN is expected there).", label=label), False
    if np.allclose(got, want, rtol=case.rtol, atol=case.atol, equal_nan=True):
        return True, "", False
    if got.size > 1:
        wrong = ~np.isclose(got, want, rtol=case.rtol, atol=case.atol, equal_nan=True)
        first = tuple(int(i) for i in np.unravel_index(int(np.argmax(wrong)), got.shape))
        return False, N_("{label} has wrong values: {wrong} of {size} entries are wrong, the first at index "
                         "{first}.{hint}", label=label, wrong=int(wrong.sum()), size=got.size, first=first,
                         hint=_pattern(got, want, case)), False
    return False, N_("{label} has wrong values.{hint}", label=label, hint=_pattern(got, want, case)), False


def _run_check(case, got, call):
    try:
        problem = case.check(got)
    except Exception as exc:
        return Verdict(0.0, N_("{call}: the hidden check of this case failed inside the grader ({error}); this is the "
                               "course's bug, not yours, and your instructor is told.", call=call,
                               error=type(exc).__name__), grader_bug=True)
    return Verdict(0.0, N_("{call}: {problem}", call=call, problem=problem)) if problem else Verdict(1.0)


def judge(task, case, answer):
    """Score one case from the checked answer (``runner.Record.answers``); returns a ``Verdict``."""
    call = N_("{func}({describe})", func=task.shown, describe=case.describe)
    if answer is None:
        return Verdict(0.0, N_("{call}: no answer (the process stopped or ran out of time before this call finished).",
                               call=call))
    if "problem" in answer:
        return Verdict(0.0, N_("{call}: {problem}.", call=call, problem=answer["problem"]))
    if "error" in answer:
        if answer["error"] == "NotImplementedError":
            return Verdict(0.0, N_("{func} still raises NotImplementedError: replace it with your solution.",
                                   func=task.shown))
        text = f"{answer['error']}: {answer['msg']}" if answer["msg"] else answer["error"]
        return Verdict(0.0, N_("{call} raised {error}", call=call, error=text))
    if "bad" in answer:
        why = answer["bad"]
        if why == "large":
            return Verdict(0.0, N_("{call} returned an array larger than 16 MB; is its shape right?", call=call))
        if why.startswith("count:") and task.parts:
            return Verdict(0.0, N_("{call} returned {count} value(s), but {expected} are expected ({parts}).", call=call,
                                   count=why[6:], expected=len(task.parts), parts=", ".join(task.parts)),
                           show_accepted=True)
        return Verdict(0.0, N_("{call} returned a {type}, which is not a number or an array of numbers.", call=call,
                               type=answer.get("pytype", "value")), show_accepted=True)
    if answer.get("changed"):
        which = ", ".join(str(i) for i in answer["changed"])
        return Verdict(0.0, N_("{call} changed its argument {which} (counting from 1) in place; a function should "
                               "compute a new result and leave its inputs unchanged (work on a copy, e.g. "
                               "w = w0.copy(), and use w = w - ... instead of w -= ...).", call=call, which=which))
    if task.parts:
        right, texts, show = 0, [], False
        for name, got, want in zip(task.parts, answer["value"], case.expected):
            ok, text, s = _values(got, np.asarray(want), case, N_("{call}, part {part},", call=call, part=name), False)
            right += ok
            show = show or s
            if text:
                texts.append(text)
        if case.check is not None and right == len(task.parts):
            return _run_check(case, tuple(g.astype(np.float64) for g in answer["value"]), call)
        return Verdict(right / len(task.parts), " ".join(texts), show)
    if len(answer["value"]) != 1:
        return Verdict(0.0, N_("{call} returned several arrays where one is expected.", call=call), show_accepted=True)
    got = answer["value"][0]
    ok, text, show = _values(got, np.asarray(case.expected), case, N_("The result of {call}", call=call), task.scalar)
    if ok and case.check is not None:
        got = got.astype(np.float64)
        return _run_check(case, got.reshape(()) if task.scalar else got, call)
    return Verdict(1.0 if ok else 0.0, text, show)
