import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { assertClose, initWasm, normal, onBoth, randomTensor, sizeOf } from "./wasm-harness.js";

/** Parameter shapes of a small two-head CNN (conv, pool, strided conv, depthwise, dense, 2 heads). */
const PARAMS: Record<string, number[]> = {
  w1: [3, 3, 1, 8],
  b1: [8],
  w2: [3, 3, 8, 16],
  b2: [16],
  dw: [3, 3, 16, 1],
  w3: [3 * 3 * 16, 32],
  b3: [32],
  wa: [32, 10],
  ba: [10],
  wb: [32, 4],
  bb: [4],
};
const NAMES = Object.keys(PARAMS);

function twoHeadLoss(p: Record<string, tf.Tensor>, x: tf.Tensor4D, ya: tf.Tensor, yb: tf.Tensor) {
  const g = (k: string) => p[k] as tf.Tensor;
  let h = tf.relu(tf.add(tf.conv2d(x, g("w1") as tf.Tensor4D, 1, "same"), g("b1"))) as tf.Tensor4D;
  h = tf.maxPool(h, 2, 2, "valid");
  h = tf.relu(tf.add(tf.conv2d(h, g("w2") as tf.Tensor4D, 2, "same"), g("b2"))) as tf.Tensor4D;
  h = tf.depthwiseConv2d(h, g("dw") as tf.Tensor4D, 1, "same");
  const flat = tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D;
  const z = tf.fused.matMul({
    a: flat,
    b: g("w3") as tf.Tensor2D,
    bias: g("b3"),
    activation: "relu",
  });
  const la = tf.add(tf.matMul(z, g("wa")), g("ba"));
  const lb = tf.add(tf.matMul(z, g("wb")), g("bb"));
  return tf.add(tf.losses.softmaxCrossEntropy(ya, la), tf.losses.softmaxCrossEntropy(yb, lb));
}

describe("training on wasm matches cpu", () => {
  before(async () => {
    await initWasm();
  });

  it("full gradient of a two-head CNN (conv, pool, strided conv, depthwise, dense, 2 softmax heads)", async () => {
    const r = await onBoth(() => {
      const params: Record<string, tf.Tensor> = {};
      NAMES.forEach((k, i) => {
        const shape = PARAMS[k] as number[];
        params[k] = tf.mul(randomTensor(shape, 100 + i), 0.3);
      });
      const x = randomTensor([6, 12, 12, 1], 1) as tf.Tensor4D;
      const ya = tf.oneHot(tf.tensor1d([0, 3, 9, 2, 2, 7], "int32"), 10);
      const yb = tf.oneHot(tf.tensor1d([1, 0, 3, 2, 1, 0], "int32"), 4);
      const f = (...ts: tf.Tensor[]) => {
        const p: Record<string, tf.Tensor> = {};
        NAMES.forEach((k, i) => {
          p[k] = ts[i] as tf.Tensor;
        });
        return twoHeadLoss(p, x, ya, yb) as tf.Scalar;
      };
      const { value, grads } = tf.valueAndGrads(f)(NAMES.map((k) => params[k] as tf.Tensor));
      return [value, ...grads];
    });
    assertClose(r, "loss and gradients");
  });

  it("two SGD steps of a tf.layers two-head CNN and an embedding model give the same weights", async () => {
    const r = await onBoth(() => {
      const input = tf.input({ shape: [10, 10, 1] });
      let h = tf.layers
        .conv2d({ filters: 6, kernelSize: 3, activation: "relu" })
        .apply(input) as tf.SymbolicTensor;
      h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
      h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
      h = tf.layers.dense({ units: 12, activation: "relu" }).apply(h) as tf.SymbolicTensor;
      const a = tf.layers.dense({ units: 5 }).apply(h) as tf.SymbolicTensor;
      const b = tf.layers.dense({ units: 3 }).apply(h) as tf.SymbolicTensor;
      const cnn = tf.model({ inputs: input, outputs: [a, b] });
      const tokens = tf.input({ shape: [4], dtype: "int32" });
      let e = tf.layers
        .embedding({ inputDim: 20, outputDim: 6 })
        .apply(tokens) as tf.SymbolicTensor;
      e = tf.layers.globalAveragePooling1d().apply(e) as tf.SymbolicTensor;
      const text = tf.model({
        inputs: tokens,
        outputs: tf.layers.dense({ units: 3 }).apply(e) as tf.SymbolicTensor,
      });
      const models = [cnn, text];
      models.forEach((m, mi) => {
        m.setWeights(
          m.getWeights().map((w, i) => tf.tensor(normal(sizeOf(w.shape), 10 * mi + i), w.shape)),
        );
      });
      const x = randomTensor([8, 10, 10, 1], 2);
      const ya = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2], "int32"), 5);
      const yb = tf.oneHot(tf.tensor1d([2, 1, 0, 2, 1, 0, 0, 1], "int32"), 3);
      const ids = tf.tensor2d([1, 5, 5, 19, 0, 3, 3, 3, 7, 8, 9, 1], [3, 4], "int32");
      const yt = tf.oneHot(tf.tensor1d([0, 2, 1], "int32"), 3);
      const opt = tf.train.sgd(0.05);
      for (let step = 0; step < 2; step++) {
        opt.minimize(() => {
          const [la, lb] = cnn.apply(x, { training: true }) as tf.Tensor[];
          const lt = text.apply(ids, { training: true }) as tf.Tensor;
          return tf.addN([
            tf.losses.softmaxCrossEntropy(ya, la as tf.Tensor),
            tf.losses.softmaxCrossEntropy(yb, lb as tf.Tensor),
            tf.losses.softmaxCrossEntropy(yt, lt),
          ]) as tf.Scalar;
        });
      }
      const weights = models.flatMap((m) => m.getWeights().map((w) => w.clone()));
      opt.dispose();
      for (const m of models) m.dispose();
      return weights;
    });
    assert.equal(r.cpu.length, 11);
    assertClose(r, "weights after two steps");
  });

  it("kernels registered before the backend initialises still work", () => {
    const fixture = fileURLToPath(new URL("./wasm-early-register.fixture.ts", import.meta.url));
    const r = spawnSync(process.execPath, ["--import", "tsx", fixture], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    // 2x4 ones-product of depth 2 sums to 24; the centre filter tap sees all 36 pixels twice.
    assert.match(r.stdout, /OK \d+ 96\n/);
  });

  it("gradients of the ops polytask's backbones use (fused conv, batch norm, conv1d, gather, max)", async () => {
    const r = await onBoth(() => {
      const x = randomTensor([4, 9, 9, 3], 20) as tf.Tensor4D;
      const tokens = tf.tensor2d([1, 4, 4, 9, 0, 2, 7, 7, 3, 3, 1, 0], [2, 6], "int32");
      const weights = randomTensor([4, 5, 5, 5], 27);
      const f = (
        w: tf.Tensor,
        b: tf.Tensor,
        gamma: tf.Tensor,
        beta: tf.Tensor,
        table: tf.Tensor,
        k: tf.Tensor,
      ) => {
        // ResNet-style: fused strided conv + bias + relu, then batch norm with batch moments.
        const h = tf.fused.conv2d({
          x,
          filter: w as tf.Tensor4D,
          strides: 2,
          pad: "same",
          bias: b,
          activation: "relu",
        });
        const { mean, variance } = tf.moments(h, [0, 1, 2]);
        const bn = tf.batchNorm(h, mean, variance, beta, gamma, 1e-3);
        // Text-style: embedding lookup, conv1d over time, max over time.
        const e = tf.gather(table, tokens) as tf.Tensor3D;
        const c = tf.conv1d(e, k as tf.Tensor3D, 1, "same");
        const pooled = tf.max(tf.relu(c), 1);
        // (A weighted sum: the plain sum of squares of a batch-normed tensor has zero gradient.)
        return tf.add(tf.sum(tf.mul(bn, weights)), tf.sum(tf.sigmoid(pooled))) as tf.Scalar;
      };
      const grads = tf.grads(f as (...ts: tf.Tensor[]) => tf.Scalar)([
        randomTensor([3, 3, 3, 5], 21),
        randomTensor([5], 22),
        randomTensor([5], 23),
        randomTensor([5], 26),
        randomTensor([10, 4], 24),
        randomTensor([3, 4, 6], 25),
      ]);
      return grads;
    });
    assertClose(r, "backbone op gradients");
  });
});
