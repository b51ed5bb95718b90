/**
 * The gradients polytask trains with, on webgpu against cpu: a two-head CNN (conv, pool,
 * strided conv, depthwise, dense, softmax cross-entropy), the MultiMNIST LeNet on inputs with
 * blank borders (ties in every pooling window there), the backbone ops (fused conv, batch norm,
 * embedding gather, conv1d, max, dropout), and SGD steps keeping the weights on the GPU.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { Random } from "../../src/util/random.js";
import { randomTensor } from "./wasm-harness.js";
import { assertAgree, onCpuAndWebgpu, residesOnGpu, startWebgpu } from "./webgpu-harness.js";

const started = await startWebgpu();
const skip = typeof started === "string" ? started : false;

function lossAndGrads(shapes: number[][], loss: (p: tf.Tensor[]) => tf.Scalar): () => tf.Tensor[] {
  return () => {
    const params = shapes.map((s, i) => tf.mul(randomTensor(s, 100 + i), 0.3));
    const { value, grads } = tf.valueAndGrads((...p: tf.Tensor[]) => loss(p))(params);
    return [value, ...grads];
  };
}

/** Digits-like images: a random blob inside an all-zero border. */
function blankBordered(n: number, size: number, seed: number): tf.Tensor4D {
  const rng = new Random(seed);
  const v = new Float32Array(n * size * size);
  for (let i = 0; i < n; i++)
    for (let r = 4; r < size - 4; r++)
      for (let c = 4; c < size - 4; c++) v[(i * size + r) * size + c] = rng.next() > 0.6 ? 1 : 0;
  return tf.tensor4d(v, [n, size, size, 1]);
}

const labels = (ys: number[], k: number) => tf.oneHot(tf.tensor1d(ys, "int32"), k);

describe("training gradients on webgpu match cpu", { skip }, () => {
  it("a two-head CNN: conv, max-pool, strided conv, depthwise, fused dense, 2 softmax heads", async () => {
    const shapes = [
      [3, 3, 1, 4],
      [4],
      [3, 3, 4, 8],
      [8],
      [3, 3, 8, 1],
      [72, 16],
      [16],
      [16, 5],
      [16, 3],
    ];
    const r = await onCpuAndWebgpu(
      lossAndGrads(shapes, ([w1, b1, w2, b2, dw, w3, b3, wa, wb]) => {
        const x = randomTensor([4, 12, 12, 1], 1) as tf.Tensor4D;
        let h = tf.relu(tf.add(tf.conv2d(x, w1 as tf.Tensor4D, 1, "same"), b1 as tf.Tensor));
        h = tf.maxPool(h as tf.Tensor4D, 2, 2, "valid");
        h = tf.relu(
          tf.add(tf.conv2d(h as tf.Tensor4D, w2 as tf.Tensor4D, 2, "same"), b2 as tf.Tensor),
        );
        h = tf.depthwiseConv2d(h as tf.Tensor4D, dw as tf.Tensor4D, 1, "same");
        const flat = tf.reshape(h, [4, 72]) as tf.Tensor2D;
        const z = tf.fused.matMul({ a: flat, b: w3 as tf.Tensor2D, bias: b3, activation: "relu" });
        const la = tf.matMul(z, wa as tf.Tensor2D);
        const lb = tf.matMul(z, wb as tf.Tensor2D);
        return tf.add(
          tf.losses.softmaxCrossEntropy(labels([0, 3, 4, 1], 5), la),
          tf.losses.softmaxCrossEntropy(labels([1, 0, 2, 2], 3), lb),
        ) as tf.Scalar;
      }),
    );
    assertAgree(r, "loss and gradients");
  });

  it("the MultiMNIST LeNet (conv 9x9, pool, relu, conv 5x5, pool, relu, dense) on blank borders", async () => {
    const shapes = [[9, 9, 1, 4], [4], [5, 5, 4, 6], [6], [54, 12], [12], [12, 10], [12, 10]];
    const r = await onCpuAndWebgpu(
      lossAndGrads(shapes, ([c1, b1, c2, b2, fw, fb, lw, rw]) => {
        const x = blankBordered(3, 28, 9);
        let h = tf.add(tf.conv2d(x, c1 as tf.Tensor4D, 1, "valid"), b1 as tf.Tensor);
        h = tf.relu(tf.maxPool(h as tf.Tensor4D, 2, 2, "valid"));
        h = tf.add(tf.conv2d(h as tf.Tensor4D, c2 as tf.Tensor4D, 1, "valid"), b2 as tf.Tensor);
        h = tf.relu(tf.maxPool(h as tf.Tensor4D, 2, 2, "valid"));
        const z = tf.relu(
          tf.add(tf.matMul(tf.reshape(h, [3, 54]), fw as tf.Tensor2D), fb as tf.Tensor),
        );
        return tf.add(
          tf.losses.softmaxCrossEntropy(labels([7, 1, 3], 10), tf.matMul(z, lw as tf.Tensor2D)),
          tf.losses.softmaxCrossEntropy(labels([2, 2, 9], 10), tf.matMul(z, rw as tf.Tensor2D)),
        ) as tf.Scalar;
      }),
    );
    assertAgree(r, "loss and gradients");
  });

  it("backbone ops: fused strided conv, batch norm, embedding gather, conv1d, max, dropout", async () => {
    const shapes = [[3, 3, 3, 5], [5], [5], [5], [10, 4], [3, 4, 6]];
    const r = await onCpuAndWebgpu(
      lossAndGrads(shapes, ([w, b, gamma, beta, table, k]) => {
        const x = randomTensor([3, 8, 8, 3], 20) as tf.Tensor4D;
        const h = tf.fused.conv2d({
          x,
          filter: w as tf.Tensor4D,
          strides: 2,
          pad: "same",
          bias: b,
        });
        const { mean, variance } = tf.moments(tf.relu(h), [0, 1, 2]);
        const bn = tf.batchNorm(tf.relu(h), mean, variance, beta, gamma, 1e-3);
        const tokens = tf.tensor2d([1, 4, 4, 9, 0, 2, 7, 7, 3, 3, 1, 0], [2, 6], "int32");
        const e = tf.reshape(tf.gather(table as tf.Tensor, tf.reshape(tokens, [-1])), [2, 6, 4]);
        const c = tf.conv1d(e as tf.Tensor3D, k as tf.Tensor3D, 1, "same");
        const rng = new Random(3);
        const keep = Float32Array.from({ length: 2 * 6 * 6 }, () =>
          rng.next() >= 0.25 ? 4 / 3 : 0,
        );
        const dropped = tf.mul(tf.relu(c), tf.tensor(keep, [2, 6, 6]));
        const weights = randomTensor(bn.shape, 27);
        return tf.add(
          tf.sum(tf.mul(bn, weights)),
          tf.sum(tf.sigmoid(tf.max(dropped, 1))),
        ) as tf.Scalar;
      }),
    );
    assertAgree(r, "loss and gradients");
  });

  it("three SGD steps keep the weights on the GPU and end where cpu's do", async () => {
    const r = await onCpuAndWebgpu(() => {
      const w = tf.variable(tf.mul(randomTensor([5, 5, 1, 3], 30), 0.2));
      const v = tf.variable(tf.mul(randomTensor([48, 4], 31), 0.2));
      const opt = tf.train.sgd(0.1);
      const x = blankBordered(2, 12, 4);
      for (let step = 0; step < 3; step++) {
        opt.minimize(() => {
          const h = tf.maxPool(tf.conv2d(x, w as tf.Tensor4D, 1, "same"), 3, 3, "same");
          const logits = tf.matMul(tf.reshape(tf.relu(h), [2, 48]), v);
          return tf.losses.softmaxCrossEntropy(labels([1, 3], 4), logits) as tf.Scalar;
        });
      }
      if (tf.getBackend() === "webgpu") {
        assert.ok(residesOnGpu(w) && residesOnGpu(v), "weights were downloaded during the steps");
      }
      const out = [w.clone(), v.clone()];
      opt.dispose();
      w.dispose();
      v.dispose();
      return out;
    });
    assert.equal(r.webgpu.values.length, 2);
    assertAgree(r, "weights after 3 steps");
  });
});
