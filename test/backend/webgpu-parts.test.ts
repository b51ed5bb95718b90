/**
 * The parts of the webgpu backend that need no adapter: which adapters count as software, the
 * line people read, the filter gradients' chunk plan, and what `polytask info` prints.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { BackendInfo } from "../../src/backend/select.js";
import { adapterLine, describeAdapter } from "../../src/backend/webgpu/adapter.js";
import type { GpuAdapter } from "../../src/backend/webgpu/dawn.js";
import { planChunks } from "../../src/backend/webgpu/filter_grad.js";
import { AUTO_ORDER, describeChoice } from "../../src/cli/info.js";

const adapter = (info: Record<string, unknown>, isFallbackAdapter?: boolean) =>
  ({ info, isFallbackAdapter }) as unknown as GpuAdapter;

describe("webgpu adapters", () => {
  it("a hardware GPU is not software", () => {
    const a = describeAdapter(
      adapter({ vendor: "nvidia", architecture: "hopper", device: "", description: "NVIDIA H200" }),
    );
    assert.equal(a.software, false);
    assert.equal(adapterLine(a), "nvidia hopper (NVIDIA H200)");
  });

  it("SwiftShader, llvmpipe and fallback adapters are software", () => {
    const swiftshader = describeAdapter(
      adapter({
        vendor: "google",
        architecture: "swiftshader",
        description: "SwiftShader driver 5.0.0",
      }),
    );
    assert.equal(swiftshader.software, true);
    assert.equal(
      adapterLine(swiftshader),
      "google swiftshader (SwiftShader driver 5.0.0), software",
    );
    const lavapipe = describeAdapter(
      adapter({ vendor: "mesa", description: "llvmpipe (LLVM 15.0.6, 256 bits)" }),
    );
    assert.equal(lavapipe.software, true);
    assert.equal(describeAdapter(adapter({ vendor: "x", isFallbackAdapter: true })).software, true);
    assert.equal(describeAdapter(adapter({ vendor: "x" }, true)).software, true);
  });

  it("tolerates an adapter that names nothing", () => {
    const a = describeAdapter(adapter({}));
    assert.deepEqual([a.vendor, a.description, a.software], ["", "", false]);
    assert.equal(adapterLine(a), "unknown adapter");
  });
});

describe("filter gradient chunks", () => {
  it("cover every position once, at least 64 per chunk, and fill a large GPU", () => {
    for (const [positions, weights] of [
      [1, 810],
      [72, 100],
      [4096 * 400, 810],
      [4096 * 36, 5000],
      [10, 1 << 20],
    ] as const) {
      const [count, size] = planChunks(positions, weights);
      assert.ok(count >= 1 && size >= 1);
      assert.ok(count * size >= positions, "covers every position");
      assert.ok((count - 1) * size < positions, "no empty chunk");
      if (count > 1) assert.ok(size >= 64, `chunks of ${size}`);
    }
    // The LeNet's first conv at batch 4096: hundreds of thousands of threads, not 810.
    const [count] = planChunks(4096 * 400, 810);
    assert.ok(count * 810 >= 1 << 18);
  });
});

describe("polytask info", () => {
  const base = {
    threads: 1,
    version: "4.22.0",
    patchedKernels: ["MaxPoolGrad"],
    software: false,
    summary: "wasm 4.22.0 on cpu, 1 thread, 1 patched kernels",
  };
  it("says how it chose and why better backends were skipped", () => {
    const info = {
      ...base,
      name: "wasm",
      device: "cpu",
      devices: ["cpu"],
      skipped: { webgpu: "The only WebGPU adapter is a software one" },
    } as BackendInfo;
    const lines = describeChoice(info, undefined);
    assert.equal(lines[0], `backend: ${info.summary}`);
    assert.ok(lines.includes(`chosen automatically, in the order ${AUTO_ORDER}`));
    assert.ok(lines.includes("skipped webgpu: The only WebGPU adapter is a software one"));
  });

  it("names the adapter of a webgpu choice and the variable that forced it", () => {
    const adapterInfo = describeAdapter(adapter({ vendor: "nvidia", architecture: "hopper" }));
    const info = {
      ...base,
      name: "webgpu",
      device: "gpu",
      devices: [adapterLine(adapterInfo)],
      adapter: adapterInfo,
      skipped: {},
    } as BackendInfo;
    const lines = describeChoice(info, "webgpu");
    assert.ok(lines.includes("adapter: nvidia hopper"));
    assert.ok(lines.includes("chosen by POLYTASK_BACKEND=webgpu"));
  });
});
