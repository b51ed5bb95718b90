#!/usr/bin/env bash
# Benchmark-only tool: a venv in bench/pytorch/.venv with CPU PyTorch 2.13.0, the baseline of
# bench/shared-input/run.ts (and of the GPU check's dry run, bench/gpu). PyTorch is never a
# runtime dependency of polytask.
# Usage: bench/pytorch/setup.sh [PYTHON]      (idempotent)
set -euo pipefail
cd "$(dirname "$0")"
py="${1:-$(command -v python3 || command -v python)}"
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv
fi
if ! .venv/bin/python -c "import torch, sys; sys.exit(0 if torch.__version__.startswith('2.13.0') else 1)" 2>/dev/null; then
  # `torch==2.13.0` matches the local-label build 2.13.0+cpu where an index offers it.
  .venv/bin/python -m pip install --disable-pip-version-check --no-input "torch==2.13.0"
fi
.venv/bin/python -c "import torch; print('torch', torch.__version__, 'threads', torch.get_num_threads())"
