#!/usr/bin/env bash
# Builds .gpu/ (git-ignored), everything the GPU check needs on the lent machine, which has
# PyTorch but no Node and reaches no registry, and takes at most 64 MiB along (scripts/gpu/README.md):
#   node.xz                 this machine's Node binary, xz-compressed
#   polytask-gpu.mjs.xz     polytask, its tests and benchmarks bundled into one file (esbuild)
#   *.wasm                  tfjs-backend-wasm's binaries (the bundle loads them from its folder)
#   node_modules/webgpu/    Dawn's Node bindings (index.js, package.json, dawn.node.xz)
#   data.tar.xz             the shared-input benchmark's MultiMNIST bytes, label sets and LeNet
#                           initial weights for each K (bench/gpu/data.ts)
#   debs/                   the Vulkan loader (Debian's libvulkan1), for a machine without one
#   MANIFEST                sizes and sha256 of the above
# Idempotent; rebuilds everything. Needs: node_modules (npm install), xz, apt-get.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.gpu
limit=$((64 * 1024 * 1024))
if [ "$(uname -m)" != "x86_64" ]; then
  echo "prepare: this machine is $(uname -m); the lent machine is x86-64, so its Node would not run there" >&2
  exit 1
fi
rm -rf "$out"
mkdir -p "$out/debs" "$out/node_modules/webgpu/dist/linux-x64"

echo "prepare: node $(node --version) -> $out/node.xz"
xz -T0 -9 -c "$(command -v node)" >"$out/node.xz"

echo "prepare: Dawn (webgpu $(node -p 'require("./node_modules/webgpu/package.json").version'))"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$out/node_modules/webgpu/"
xz -T0 -9 -c node_modules/webgpu/dist/linux-x64/dawn.node >"$out/node_modules/webgpu/dist/linux-x64/dawn.node.xz"

echo "prepare: bundle (esbuild)"
# danfojs-node (tables; imported lazily, unused here) stays out. CommonJS packages inside an ES module need require/__dirname; tfjs-backend-wasm finds its
# .wasm files through __dirname, i.e. next to the bundle.
banner='import { createRequire as __ptRequire } from "node:module"; import { fileURLToPath as __ptPath } from "node:url"; import { dirname as __ptDir } from "node:path"; const require = __ptRequire(import.meta.url); const __filename = __ptPath(import.meta.url); const __dirname = __ptDir(__filename);'
node_modules/.bin/esbuild scripts/gpu/entry.ts --bundle --platform=node --format=esm \
  --target=node20 --external:webgpu --external:danfojs-node --log-level=error --legal-comments=none \
  "--banner:js=$banner" --outfile="$out/polytask-gpu.mjs"
xz -T0 -9 -f "$out/polytask-gpu.mjs"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$out/"

echo "prepare: data"
node --import tsx scripts/gpu/prepare-data.ts "$out/data"
tar -C "$out" -cJf "$out/data.tar.xz" data
rm -rf "$out/data"

echo "prepare: Vulkan loader (apt-get download libvulkan1)"
(cd "$out/debs" && apt-get download -q libvulkan1 >/dev/null)

(cd "$out" && find . -type f ! -name MANIFEST -print0 | sort -z | xargs -0 sha256sum) >"$out/MANIFEST"
size=$(du -sb "$out" | cut -f1)
(cd "$out" && find . -type f -printf "%s %p\n" | sort -k2 | awk '{ printf "  %6.1f MiB  %s\n", $1 / 1048576, $2 }')
printf "prepare: %s is %.1f MiB (limit 64 MiB with the working tree)\n" "$out" "$(echo "$size / 1048576" | bc -l)"
if [ "$size" -gt "$limit" ]; then
  echo "prepare: too big for the device tool" >&2
  exit 1
fi
