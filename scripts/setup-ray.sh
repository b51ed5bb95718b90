#!/usr/bin/env bash
# Installs Ray (core, from PyPI) into the project's test venv (.venv, made by setup-pyenv.sh),
# for the `polytask sweep --engine ray` test. Idempotent: a stamp file skips the install once done.
# Prints what it installs; exits non-zero when pip cannot install Ray here (the test then skips).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${POLYTASK_VENV:-.venv}"
RAY="ray==2.60.0"
STAMP="$VENV/.polytask-ray"

scripts/setup-pyenv.sh
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$RAY" ]; then
  exit 0
fi
echo "setup-ray: pip-installing $RAY into $VENV (once; for the Ray sweep test)" >&2
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "$RAY"
printf '%s\n' "$RAY" > "$STAMP"
