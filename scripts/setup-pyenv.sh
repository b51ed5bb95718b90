#!/usr/bin/env bash
# Creates (once) the project's Python tooling for the kernel and notebook tests in .venv, all
# from PyPI: jupyter_client, nbclient, nbformat, nbconvert, jupyter_kernel_test, pytest; and for
# the browser tests (test/render/jupyterlab*.test.ts) JupyterLab, Notebook 7 and the `plotly`
# Python package, which brings the standard `jupyterlab-plotly` renderer that many users have
# (the tests switch it off per server where they need JupyterLab without it).
# Idempotent: when the pinned set is already installed it only checks a stamp file (fast).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${POLYTASK_VENV:-.venv}"
REQS=(
  "jupyter_client==8.6.3"
  "nbclient==0.10.2"
  "nbformat==5.10.4"
  "nbconvert==7.16.6"
  "jupyter_kernel_test==0.7.0"
  "jupyter_core==5.7.2"
  "pytest==8.3.5"
  "jupyterlab==4.6.6"
  "notebook==7.6.5"
  "plotly==7.1.0"
)
STAMP="$VENV/.polytask-reqs"
want="$(printf '%s\n' "${REQS[@]}")"

if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi

echo "setup-pyenv: creating $VENV with ${REQS[*]}" >&2
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "${REQS[@]}"
printf '%s\n' "$want" > "$STAMP"
