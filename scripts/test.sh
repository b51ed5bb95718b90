#!/usr/bin/env bash
# The one test command (`npm test`): builds, lints, runs the unit tests, then the kernel and
# notebook tests (which set up their own Python tooling in .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== build (tsc, strict)"
npx tsc -p tsconfig.json

echo "== lint (biome)"
npx biome check src test bench scripts kernel

echo "== layers (dependency-cruiser: each folder imports only from the layers below it)"
npx depcruise src kernel --config .dependency-cruiser.cjs --output-type err

echo "== chromium (the render test's browser; its SwiftShader runs the webgpu tests)"
scripts/setup-chromium.sh >/dev/null || echo "no chromium: the render and webgpu tests will skip, saying why"

echo "== unit tests (node --test)"
mapfile -t files < <(find test -name '*.test.ts' -not -path 'test/notebooks/*' | sort)
node --import tsx --test --test-reporter=spec "${files[@]}"

if [ -x scripts/test-kernel.sh ]; then
  echo "== kernel and notebook tests"
  scripts/test-kernel.sh
fi
