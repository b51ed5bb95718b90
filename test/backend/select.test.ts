import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { backendInfo, useBackend } from "../../src/backend/select.js";
import { BackendError, UnknownNameError } from "../../src/errors.js";
import { useSwiftShaderUnlessSet } from "./webgpu-harness.js";

// Where the test setup installed chromium, Dawn finds its software adapter (SwiftShader): the
// automatic choice must still pass it over.
useSwiftShaderUnlessSet();

describe("useBackend", () => {
  const saved = process.env.POLYTASK_BACKEND;
  after(() => {
    if (saved === undefined) delete process.env.POLYTASK_BACKEND;
    else process.env.POLYTASK_BACKEND = saved;
  });

  it("selects cpu by name and describes it", async () => {
    const info = await useBackend("cpu", { quiet: true });
    assert.equal(info.name, "cpu");
    assert.equal(tf.getBackend(), "cpu");
    assert.equal(info.device, "cpu");
    assert.deepEqual(info.patchedKernels, []);
    assert.match(info.summary, /^cpu 4\.22\.0 on cpu, 1 thread$/);
    assert.deepEqual(backendInfo(), info);
  });

  it("selects wasm by name, with polytask's training kernels registered", async () => {
    const info = await useBackend("wasm", { quiet: true });
    assert.equal(info.name, "wasm");
    assert.equal(tf.getBackend(), "wasm");
    assert.ok(info.threads >= 1);
    for (const k of ["Conv2DBackpropFilter", "UnsortedSegmentSum"]) {
      assert.ok(info.patchedKernels.includes(k), `${k} should be patched`);
      assert.ok(
        tf.getKernelsForBackend("wasm").some((r) => r.kernelName === k),
        `${k} should be registered on wasm`,
      );
    }
    assert.match(info.summary, /patched kernels/);
  });

  it("picks the best available backend and says why better ones were skipped", async () => {
    delete process.env.POLYTASK_BACKEND;
    const info = await useBackend(undefined, { quiet: true });
    assert.notEqual(info.software, true, "never a software adapter");
    if (info.device === "gpu") {
      assert.ok(["tensorflow", "webgpu"].includes(info.name));
    } else {
      // No GPU: webgpu was passed over with a reason (no adapter, or only a software one).
      assert.ok(["tensorflow", "wasm"].includes(info.name), info.name);
      assert.ok((info.skipped.webgpu ?? "").length > 0, "the reason webgpu was skipped");
      if (info.name === "wasm") {
        assert.ok(info.skipped.tensorflow.length > 0, "the reason tensorflow was skipped");
      }
    }
  });

  it("passes over a software adapter automatically but takes it when named", async (t) => {
    delete process.env.POLYTASK_BACKEND;
    let named: Awaited<ReturnType<typeof useBackend>>;
    try {
      named = await useBackend("webgpu", { quiet: true });
    } catch (e) {
      assert.ok(e instanceof BackendError, `expected BackendError, got ${e}`);
      t.skip(`no WebGPU adapter here: ${(e as Error).message}`);
      return;
    }
    assert.equal(named.device, "gpu");
    assert.ok(named.adapter);
    const auto = await useBackend(undefined, { quiet: true });
    if (named.software) {
      assert.notEqual(auto.name, "webgpu");
      assert.match(auto.skipped.webgpu ?? "", /software/);
      assert.match(auto.skipped.webgpu ?? "", /useBackend\("webgpu"\)/);
    }
    await useBackend("cpu", { quiet: true });
  });

  it("honours POLYTASK_BACKEND", async () => {
    process.env.POLYTASK_BACKEND = "cpu";
    const info = await useBackend(undefined, { quiet: true });
    assert.equal(info.name, "cpu");
    process.env.POLYTASK_BACKEND = "tpu";
    await assert.rejects(useBackend(undefined, { quiet: true }), (e: unknown) => {
      assert.ok(e instanceof BackendError);
      assert.match(e.message, /POLYTASK_BACKEND="tpu"/);
      assert.match(e.message, /tensorflow, webgpu, wasm, cpu/);
      return true;
    });
    delete process.env.POLYTASK_BACKEND;
  });

  it("rejects an unknown name with the list of valid ones", async () => {
    await assert.rejects(
      // @ts-expect-error: not a backend name
      useBackend("webgl", { quiet: true }),
      (e: unknown) =>
        e instanceof UnknownNameError && /tensorflow, webgpu, wasm, cpu/.test(e.message),
    );
  });

  it("explains how to get tensorflow when it is not set up", async (t) => {
    let info: Awaited<ReturnType<typeof useBackend>> | undefined;
    try {
      info = await useBackend("tensorflow", { quiet: true });
    } catch (e) {
      assert.ok(e instanceof BackendError, `expected BackendError, got ${e}`);
      assert.match((e as Error).message, /polytask native setup/);
      return;
    }
    t.diagnostic(`native backend present: ${info.summary}`);
    assert.equal(info.name, "tensorflow");
  });

  it("rejects a bad thread count", async () => {
    await assert.rejects(useBackend("wasm", { threads: 0, quiet: true }), BackendError);
    await useBackend("cpu", { quiet: true });
  });
});
