"""Command line: ``python -m coursetools <command> [options]``.

    build-exercises   generate exercises/ from solutions/ (--check: only report differences)
    release OUT       write a student release (lessons, exercises, nnkit, data) into the empty folder OUT
    grade             grade one notebook or a folder of submissions with the hidden tests
    merge OUT...      join the outputs of `grade --shard K/N` (a job array's N parts) into one gradebook
    gradescope        write the autograder zip of one exercise for Gradescope
    slides            build offline reveal.js decks of the lessons into build/slides/
    execute NB...     run notebooks in a fresh kernel and write the new outputs back (nbconvert --inplace, no stall)
    bench             time MNIST training (784-100-100-10, Adam, batch 100); --compare-numpy, --compare-torch

Each command has its own --help. Learners need none of these: their one command is ``python -m nnkit doctor``.
"""
import importlib
import sys

COMMANDS = {
    "build-exercises": "coursetools.exercises",
    "release": "coursetools.release",
    "grade": "coursetools.grading.cli",
    "grade-bench": "coursetools.grading.bench",
    "merge": "coursetools.shards",
    "gradescope": "coursetools.gradescope",
    "slides": "coursetools.slides",
    "bench": "coursetools.bench",
    "lesson-bench": "coursetools.lessonbench",
    "execute": "coursetools.execute",
    "i18n": "coursetools.i18n",
}


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__.strip())
        return 0
    cmd, rest = argv[0], argv[1:]
    if cmd not in COMMANDS:
        print(f"coursetools: unknown command {cmd!r}. Commands: {', '.join(COMMANDS)}.", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[cmd])
    try:
        return int(module.main(rest) or 0)
    except (FileNotFoundError, FileExistsError, ValueError, RuntimeError) as exc:
        print(f"coursetools {cmd}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
