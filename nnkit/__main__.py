"""Command line: ``python -m nnkit <command> [options]``.

    doctor            check the set-up (versions, kernel, data, widgets) and say what to fix
    bench             time MNIST training (784-100-100-10, Adam, batch 100); --json, --compare-torch
    build-exercises   generate exercises/ from solutions/
    release           make a student release without solutions and hidden tests
    grade             grade one notebook or a folder of submissions
    slides            build offline reveal.js decks of the lessons
"""
import importlib
import sys

COMMANDS = {
    "doctor": "nnkit.doctor",
    "bench": "nnkit.bench",
    "build-exercises": "nnkit.course",
    "release": "nnkit.course",
    "grade": "nnkit.grading.cli",
    "slides": "nnkit.slides",
}
_PASS_COMMAND_WORD = {"build-exercises", "release"}


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__.strip())
        return 0
    cmd, rest = argv[0], argv[1:]
    if cmd not in COMMANDS:
        print(f"nnkit: unknown command {cmd!r}. Commands: {', '.join(COMMANDS)}.", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[cmd])
    result = module.main([cmd, *rest] if cmd in _PASS_COMMAND_WORD else rest)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
