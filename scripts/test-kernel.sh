#!/usr/bin/env bash
# Kernel and notebook tests (called by scripts/test.sh after `tsc` has built dist/):
#  1. the Python tooling in .venv (scripts/setup-pyenv.sh, PyPI, idempotent),
#  2. the polytask kernelspec installed into a temporary prefix (`polytask kernel install --prefix`),
#  3. pytest: jupyter_kernel_test class, protocol/interrupt/lifecycle tests (test/kernel/*.py),
#     and every notebooks/*.ipynb executed with nbclient under POLYTASK_QUICK=1 (test/notebooks/).
# The last line is pytest's summary (counts of passed/failed/skipped). Every temporary file
# (kernelspec prefix, Jupyter runtime/data/config dirs, pytest's tmp_path) lives in one folder
# that is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f dist/kernel/main.js ] || [ ! -f dist/src/cli/kernel.js ]; then
  echo "test-kernel: dist/ is not built; run \`npx tsc -p .\` first" >&2
  exit 1
fi

scripts/setup-pyenv.sh

tmp="$(mktemp -d "${TMPDIR:-/tmp}/polytask-kernel-test.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
node --input-type=module -e '
  const { kernelInstall } = await import("./dist/src/cli/kernel.js");
  await kernelInstall(["--prefix", process.argv[1]]);
' "$tmp"

export JUPYTER_PATH="$tmp/share/jupyter"
export JUPYTER_DATA_DIR="$tmp/data" JUPYTER_RUNTIME_DIR="$tmp/runtime" JUPYTER_CONFIG_DIR="$tmp/config"
export JUPYTER_PLATFORM_DIRS=1 PYTHONDONTWRITEBYTECODE=1 POLYTASK_QUICK=1

echo "== kernel: jupyter_kernel_test, protocol, interrupt and lifecycle tests; notebooks (nbclient)"
# not `exec`: the EXIT trap must run to remove $tmp
status=0
.venv/bin/python -m pytest -p no:cacheprovider -q -rfEs --basetemp="$tmp/pytest" \
  test/kernel test/notebooks "$@" || status=$?
exit "$status"
