#!/usr/bin/env bash
# Runs the jupyter_kernel_test class of test/kernel/test_jupyter_kernel_test.py against plain
# tslab 1.0.22 and against polytask, and prints one line per test for each (the table in
# kernel/README.md). Not part of the test suite: tslab is expected to fail.
set -uo pipefail
cd "$(dirname "$0")/../.."
scripts/setup-pyenv.sh
tmp="$(mktemp -d "${TMPDIR:-/tmp}/polytask-compare.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/share/jupyter/kernels/tslab"
cat > "$tmp/share/jupyter/kernels/tslab/kernel.json" <<JSON
{"argv": ["$(command -v node)", "$PWD/node_modules/tslab/bin/tslab", "kernel", "--config-path", "{connection_file}"],
 "display_name": "TypeScript (tslab)", "language": "typescript"}
JSON
node --input-type=module -e '
  const { kernelInstall } = await import("./dist/src/cli/kernel.js");
  await kernelInstall(["--prefix", process.argv[1]]);
' "$tmp" >/dev/null
export JUPYTER_PATH="$tmp/share/jupyter" JUPYTER_PLATFORM_DIRS=1 PYTHONDONTWRITEBYTECODE=1
for k in tslab polytask; do
  echo "== $k"
  KERNEL_NAME=$k timeout 600 .venv/bin/python -m pytest -p no:cacheprovider -q -rA \
    test/kernel/test_jupyter_kernel_test.py 2>&1 | grep -E "^(PASSED|FAILED|ERROR|SKIPPED)|passed|failed" | sed 's/ - .*//'
done
