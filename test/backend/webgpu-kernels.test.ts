/**
 * polytask's webgpu kernels against cpu, on whatever adapter Dawn finds (SwiftShader in CI):
 * every kernel polytask patches, at shapes that reach each branch (ties, padding, strides,
 * several chunks), plus the synchronous-read guard. Small shapes: SwiftShader is slow.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { useBackend } from "../../src/backend/select.js";
import { WEBGPU_TRAINING_KERNELS } from "../../src/backend/webgpu/index.js";
import { BackendError } from "../../src/errors.js";
import { randomTensor, runKernel } from "./wasm-harness.js";
import { assertAgree, onCpuAndWebgpu, startWebgpu } from "./webgpu-harness.js";

const started = await startWebgpu();
const skip = typeof started === "string" ? started : false;

describe("webgpu kernels agree with cpu", { skip }, () => {
  it("useBackend('webgpu') describes the adapter and the patched kernels", () => {
    assert.ok(typeof started !== "string");
    assert.equal(started.name, "webgpu");
    assert.equal(started.device, "gpu");
    assert.ok(started.adapter, "adapter description");
    assert.equal(started.software, started.adapter.software);
    assert.ok(started.adapter.vendor || started.adapter.description, "adapter names itself");
    assert.deepEqual([...started.patchedKernels], [...WEBGPU_TRAINING_KERNELS]);
    assert.match(started.summary, /^webgpu 4\.22\.0 on gpu \[.+\], 4 patched kernels$/);
  });

  const pools: [number[], number, number, "valid" | "same"][] = [
    [[2, 8, 8, 3], 2, 2, "valid"],
    [[2, 9, 9, 3], 3, 2, "same"],
    [[1, 7, 7, 2], 3, 1, "same"],
  ];
  for (const [shape, size, stride, pad] of pools) {
    it(`MaxPoolGrad ${shape} ${size}x${size}/${stride} ${pad}, with ties, sends dy to the first max`, async () => {
      const r = await onCpuAndWebgpu(() => {
        // relu makes whole windows of zeros; rounding makes ties between positive values too
        const x = tf.round(tf.relu(randomTensor(shape, 3)));
        const f = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, size, stride, pad);
        const w = randomTensor(f(x).shape, 4);
        return tf.grads((t: tf.Tensor) => tf.sum(tf.mul(f(t), w)))([x]);
      });
      assertAgree(r, "dx");
    });
  }

  it("MaxPoolGrad on an all-equal window picks its first element", async () => {
    const r = await onCpuAndWebgpu(() =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, "valid")))(
        tf.fill([1, 2, 2, 1], 0.5),
      ),
    );
    assert.deepEqual(Array.from(r.webgpu.values[0] as Float32Array), [1, 0, 0, 0]);
    assertAgree(r, "dx");
  });

  for (const count of [2, 7, 8, 20]) {
    it(`AddN of ${count} tensors`, async () => {
      const r = await onCpuAndWebgpu(() =>
        tf.addN(Array.from({ length: count }, (_, i) => randomTensor([3, 5], 10 + i))),
      );
      assertAgree(r, "sum", 1e-6);
    });
  }

  const convs: [number[], [number, number, number, number], number, "valid" | "same"][] = [
    [[2, 14, 14, 1], [5, 5, 1, 4], 1, "valid"], // several chunks of positions
    [[2, 9, 9, 3], [3, 3, 3, 5], 2, "same"],
    [[3, 4, 4, 4], [1, 1, 4, 6], 1, "same"], // one chunk
  ];
  for (const [xShape, fShape, stride, pad] of convs) {
    it(`Conv2DBackpropFilter x${xShape} f${fShape} /${stride} ${pad}`, async () => {
      const r = await onCpuAndWebgpu(() => {
        const x = randomTensor(xShape, 1);
        const dy = randomTensor(
          tf.conv2d(x as tf.Tensor4D, tf.zeros(fShape) as tf.Tensor4D, stride, pad).shape,
          2,
        );
        return runKernel(
          "Conv2DBackpropFilter",
          { x, dy },
          {
            strides: [stride, stride],
            pad,
            dataFormat: "NHWC",
            filterShape: fShape,
          },
        );
      });
      assertAgree(r, "dw");
    });
  }

  const depthwise: [number[], [number, number, number, number], number, number][] = [
    [[2, 8, 8, 3], [3, 3, 3, 1], 1, 1],
    [[2, 9, 9, 2], [3, 3, 2, 2], 2, 1],
  ];
  for (const [xShape, fShape, stride, dilation] of depthwise) {
    it(`DepthwiseConv2dNativeBackpropFilter x${xShape} f${fShape} /${stride} dilation ${dilation}`, async () => {
      const r = await onCpuAndWebgpu(() => {
        const x = randomTensor(xShape, 5);
        const probe = tf.depthwiseConv2d(
          x as tf.Tensor4D,
          tf.zeros(fShape) as tf.Tensor4D,
          stride,
          "same",
          "NHWC",
          dilation,
        );
        const dy = randomTensor(probe.shape, 6);
        return runKernel(
          "DepthwiseConv2dNativeBackpropFilter",
          { x, dy },
          {
            strides: [stride, stride],
            dilations: [dilation, dilation],
            pad: "same",
            filterShape: fShape,
          },
        );
      });
      assertAgree(r, "dw");
    });
  }

  it("DepthwiseConv2dNativeBackpropFilter with dilation 2 equals the undilated 5x5 one's taps", async () => {
    // cpu's kernel ignores dilations (tfjs's gradient never passes any), so compare with the
    // dilated filter written out as a 5x5 one with zeros between the taps.
    const x = () => randomTensor([1, 9, 9, 2], 7);
    const dy = () => randomTensor([1, 9, 9, 2], 8);
    const attrs = { strides: [1, 1], pad: "same", filterShape: [5, 5, 2, 1] };
    const dense = await onCpuAndWebgpu(() =>
      runKernel(
        "DepthwiseConv2dNativeBackpropFilter",
        { x: x(), dy: dy() },
        { ...attrs, dilations: [1, 1] },
      ),
    );
    assertAgree(dense, "dw 5x5");
    const r = await onCpuAndWebgpu(() =>
      runKernel(
        "DepthwiseConv2dNativeBackpropFilter",
        { x: x(), dy: dy() },
        {
          ...attrs,
          dilations: [2, 2],
          filterShape: [3, 3, 2, 1],
        },
      ),
    );
    const full = dense.cpu.values[0] as Float32Array;
    const taps = Float32Array.from({ length: 18 }, (_, i) => {
      const [kh, kw, c] = [Math.floor(i / 6), Math.floor(i / 2) % 3, i % 2];
      return full[(2 * kh * 5 + 2 * kw) * 2 + c] as number;
    });
    assertAgree(
      { cpu: { values: [taps], shapes: [[3, 3, 2, 1]] }, webgpu: r.webgpu },
      "dw dilated",
    );
  });

  it("a synchronous read of a GPU result fails with a BackendError that says what to do", async () => {
    await useBackend("webgpu", { quiet: true });
    const t = tf.matMul(tf.ones([8, 8]), tf.ones([8, 8]));
    assert.throws(
      () => t.dataSync(),
      (e: unknown) => e instanceof BackendError && /await tensor\.data\(\)/.test(e.message),
    );
    assert.equal((await t.data())[0], 8);
    t.dispose();
    await useBackend("cpu", { quiet: true });
  });
});
