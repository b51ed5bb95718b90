#!/usr/bin/env bash
# The one test command (`npm test`): builds and lints, sets up what the later stages need
# (saying what it installs), runs the unit tests, then the kernel and notebook tests.
# Temporary files: every test process gets TMPDIR inside one folder that is removed at the end;
# anything a test left there is named first (a test should clean up after itself).
set -euo pipefail
cd "$(dirname "$0")/.."

scratch="$(mktemp -d "${TMPDIR:-/tmp}/polytask-test.XXXXXX")"
cleanup() {
  local left
  left="$(find "$scratch" -mindepth 1 -maxdepth 1 -printf '%f ' 2>/dev/null || true)"
  [ -n "$left" ] && echo "note: temporary files left by tests (removed now): $left"
  rm -rf "$scratch"
}
trap cleanup EXIT

echo "== build (tsc, strict)"
npx tsc -p tsconfig.json

echo "== lint (biome)"
npx biome check src test bench scripts kernel

echo "== layers (dependency-cruiser: each folder imports only from the layers below it)"
npx depcruise src kernel --config .dependency-cruiser.cjs --output-type err

echo "== setup (idempotent: installs only what is missing)"
echo "  Python tooling in .venv (PyPI): jupyter_client, nbclient, nbformat, nbconvert, jupyter_kernel_test, pytest"
scripts/setup-pyenv.sh
if browser="$(scripts/setup-chromium.sh)"; then
  echo "  Debian's chromium (apt) for the browser render tests (its SwiftShader runs the webgpu tests): $browser"
else
  echo "  chromium: not available; the render and webgpu tests will skip, saying why"
fi
if node dist/src/cli/bin.js info 2>/dev/null | grep -q "^backend: tensorflow"; then
  echo "  native TensorFlow: set up (the tensorflow backend is tested too)"
  if [ "${POLYTASK_TEST_CONVERTER:-1}" != "0" ]; then
    echo "  TensorFlow.js converter for export's tfjs-graph/savedmodel (PyPI, once; POLYTASK_TEST_CONVERTER=0 skips):"
    node dist/src/cli/bin.js native converter 2>&1 | sed 's/^/    /' ||
      echo "    the converter could not be installed; its tests will skip"
  fi
else
  echo "  native TensorFlow: not set up (npx polytask native setup); its tests will skip"
fi

export TMPDIR="$scratch"

echo "== unit tests (node --test)"
mapfile -t files < <(find test -name '*.test.ts' -not -path 'test/notebooks/*' | sort)
node --import tsx --test --test-reporter=spec "${files[@]}"

if [ -x scripts/test-kernel.sh ]; then
  echo "== kernel and notebook tests"
  scripts/test-kernel.sh
fi
