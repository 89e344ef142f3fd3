#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu), with this zip's
# contents in /autograder/source. It installs what grading needs and nothing else:
#   1. system tools, with apt-get only when missing: Python 3.11 or newer with venv, bubblewrap (the
#      course's sandbox; run_autograder finds out whether it can start in this container), and
#      util-linux (prlimit, setpriv: present on every Ubuntu);
#   2. a virtual environment /autograder/venv with the pinned packages of requirements.txt and the
#      course's nnkit package copied in (student code sees this environment, never /autograder/source).
# COURSETOOLS_AUTOGRADER_ROOT replaces /autograder (the course's tests unpack the zip into a temporary
# folder); COURSETOOLS_PYTHON names the interpreter to use.
set -euo pipefail
ROOT="${COURSETOOLS_AUTOGRADER_ROOT:-/autograder}"
SRC="$ROOT/source"

find_python() {
  for p in ${COURSETOOLS_PYTHON:-} /usr/bin/python3.13 /usr/bin/python3.12 /usr/bin/python3.11 /usr/bin/python3; do
    if [ -x "$p" ] && "$p" -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$p"
      return
    fi
  done
}

need=()
PY="$(find_python)"
if [ -z "$PY" ]; then
  if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    need+=(python3-venv)                       # Ubuntu 24.04: Python 3.12 without its venv module
  else
    need+=(python3.11 python3.11-venv)         # Ubuntu 22.04: Python 3.10 is too old for NumPy 2.4
  fi
fi
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
{ command -v prlimit && command -v setpriv; } >/dev/null 2>&1 || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup.sh: installing ${need[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  PY="$(find_python)"
else
  echo "setup.sh: $PY, bwrap, prlimit and setpriv are present; apt-get skipped"
fi
if [ -z "$PY" ]; then
  echo "setup.sh: no Python 3.11 or newer with the venv module; choose an Ubuntu 22.04 or 24.04 base image" >&2
  exit 1
fi

"$PY" -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install -q -r "$SRC/requirements.txt"
# nnkit goes into the environment itself (not as an editable link to $SRC, which student code cannot read)
SITE="$("$ROOT/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
rm -rf "$SITE/nnkit"
cp -r "$SRC/nnkit" "$SITE/nnkit"
chmod -R a+rX "$ROOT/venv"
"$ROOT/venv/bin/python" -c 'import nnkit, numpy, nbformat; print("setup.sh: grading environment ready, numpy", numpy.__version__)'
