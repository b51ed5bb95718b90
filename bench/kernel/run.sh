#!/usr/bin/env bash
# Kernel start-up benchmark: builds nothing (needs dist/), installs the kernelspec into a
# temporary prefix and runs startup.py with the project's .venv. Report: bench/out/kernel-startup.json
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup-pyenv.sh
tmp="$(mktemp -d "${TMPDIR:-/tmp}/polytask-bench.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
node --input-type=module -e '
  const { kernelInstall } = await import("./dist/src/cli/kernel.js");
  await kernelInstall(["--prefix", process.argv[1]]);
' "$tmp" >/dev/null
JUPYTER_PATH="$tmp/share/jupyter" JUPYTER_PLATFORM_DIRS=1 PYTHONDONTWRITEBYTECODE=1 \
  .venv/bin/python bench/kernel/startup.py "$@"
