#!/usr/bin/env bash
# The GPU check, run on the lent machine from the repository root with .gpu/ carried along
# (scripts/gpu/README.md): unpacks .gpu/ into $POLYTASK_GPU_WORK (default /tmp/polytask-gpu),
# brings a Vulkan loader where the system has none (into that folder, not /), and runs the
# bundle's `all`: agreement tests, the LeNet and the K-scaling through polytask's `fit`, PyTorch
# beside each, writing bench/gpu/REPORT.md (copied to $OUT when set). Extra arguments go to
# `all` (e.g. --quick).
# Locally, for a dry run on SwiftShader: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
# POLYTASK_TORCH_PYTHON=bench/pytorch/.venv/bin/python scripts/gpu/run.sh --quick
set -uo pipefail
cd "$(dirname "$0")/../.."
src=.gpu
work=${POLYTASK_GPU_WORK:-/tmp/polytask-gpu}
t0=$(date +%s)
say() { echo "[run.sh $(($(date +%s) - t0))s] $*"; }
[ -f "$src/MANIFEST" ] || { echo "run.sh: no $src/MANIFEST: run scripts/gpu/prepare.sh first" >&2; exit 1; }

unxz_to() { # unxz_to FILE.xz DEST: xz if present, else Python's lzma (the lent image has python3)
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" >"$2"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}

rm -rf "$work"
mkdir -p "$work/node_modules/webgpu/dist/linux-x64" "$work/root"
say "unpacking $src into $work"
unxz_to "$src/node.xz" "$work/node" && chmod +x "$work/node"
unxz_to "$src/polytask-gpu.mjs.xz" "$work/polytask-gpu.mjs"
cp "$src"/*.wasm "$work/"
cp "$src/node_modules/webgpu/index.js" "$src/node_modules/webgpu/package.json" "$work/node_modules/webgpu/"
unxz_to "$src/node_modules/webgpu/dist/linux-x64/dawn.node.xz" "$work/node_modules/webgpu/dist/linux-x64/dawn.node"
unxz_to "$src/data.tar.xz" "$work/data.tar" && tar -C "$work" -xf "$work/data.tar" && rm "$work/data.tar"
"$work/node" --version || { echo "run.sh: the carried Node does not run here" >&2; exit 1; }

if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 '; then
  for f in "$src"/debs/*.deb; do dpkg -x "$f" "$work/root"; done
  loader=$(find "$work/root" -name 'libvulkan.so.1' | head -n 1)
  export POLYTASK_VULKAN_LOADER="$loader"
  say "no system Vulkan loader: using $loader"
fi
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ] && [ -f "$nvidia_icd" ]; then
  export VK_DRIVER_FILES="$nvidia_icd"
fi
if [ -d /usr/local/nvidia/lib64 ] && ! ldconfig -p 2>/dev/null | grep -q 'libGLX_nvidia\.so\.0 '; then
  export LD_LIBRARY_PATH="/usr/local/nvidia/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/xdg}
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export POLYTASK_GPU_DATA="$work/data" POLYTASK_QUIET=1 PYTHONUNBUFFERED=1
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

say "running the check"
# `all` plans within this many seconds (skipping what would run past it, so the report is
# written); `timeout` is the hard stop behind it.
export POLYTASK_GPU_TIMEOUT=${POLYTASK_GPU_TIMEOUT:-330}
timeout "$((POLYTASK_GPU_TIMEOUT + 20))" "$work/node" "$work/polytask-gpu.mjs" all "$@"
status=$?
say "check finished with status $status"
if [ -n "${OUT:-}" ]; then
  cp bench/gpu/REPORT.md bench/gpu/results.json "$OUT/" 2>/dev/null || true
fi
exit $status
