/**
 * The floor under polytask's step: the same K-task LeNet step written directly in TensorFlow.js
 * (no polytask: `tf.train.sgd().minimize` over a hand-written forward, the K heads as one
 * [50, 10K] matmul as polytask's head bank is), on the same backend and images. It is not a
 * polytask measurement; the report puts it beside `fit`'s step to show which part of the gap to
 * PyTorch is TensorFlow.js's kernels and which is polytask's loop.
 *   raw-tfjs.ts <backend> <k> <batch> <warmup> <steps>
 * prints one JSON line with the wall time of every step (forward, backward, update, one read).
 */
import * as tf from "@tensorflow/tfjs";
import * as pt from "../../src/index.js";
import { sharedData } from "./common.js";

const [backend, kArg, batchArg, warmupArg, stepsArg] = process.argv.slice(2);
const [k, batch, warmup, steps] = [kArg, batchArg, warmupArg, stepsArg].map(Number);
const info = await pt.useBackend(backend as pt.BackendName, { quiet: true });
const d = sharedData(batch * (warmup + steps), k);
const r = new pt.Random(3);
const v = (shape: number[], scale: number) =>
  tf.variable(
    tf.tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => scale * r.normal()),
      shape,
    ),
  );
const w1 = v([5, 5, 1, 10], 0.2);
const b1 = v([10], 0);
const w2 = v([5, 5, 10, 20], 0.06);
const b2 = v([20], 0);
const w3 = v([320, 50], 0.08);
const b3 = v([50], 0);
const wh = v([50, 10 * k], 0.2);
const bh = v([10 * k], 0);
const opt = tf.train.sgd(0.01);
const times: number[] = [];
let loss = Number.NaN;
for (let s = 0; s < warmup + steps; s++) {
  const t0 = performance.now();
  const x = tf.tensor4d(d.x.subarray(s * batch * 784, (s + 1) * batch * 784), [batch, 28, 28, 1]);
  const labels = new Int32Array(batch * k);
  for (let i = 0; i < batch; i++)
    for (let j = 0; j < k; j++) labels[i * k + j] = d.labels[j][s * batch + i];
  const y = tf.oneHot(tf.tensor1d(labels, "int32"), 10);
  const cost = opt.minimize(
    () =>
      tf.tidy(() => {
        const block = (h: tf.Tensor4D, w: tf.Variable, b: tf.Variable): tf.Tensor4D =>
          tf.maxPool(
            tf.relu(tf.add(tf.conv2d(h, w as tf.Tensor4D, 1, "valid"), b)) as tf.Tensor4D,
            2,
            2,
            "valid",
          );
        const h = block(block(x, w1, b1), w2, b2);
        const z = tf.relu(tf.add(tf.matMul(tf.reshape(h, [batch, 320]), w3), b3));
        const logits = tf.reshape(tf.add(tf.matMul(z, wh), bh), [batch * k, 10]);
        // the sum over tasks of each task's mean loss
        return tf.mul(tf.losses.softmaxCrossEntropy(y, logits), k) as tf.Scalar;
      }),
    true,
  ) as tf.Scalar;
  loss = (await cost.data())[0];
  for (const t of [x, y, cost]) t.dispose();
  times.push(performance.now() - t0);
}
console.log(
  JSON.stringify({
    backend: `tfjs-${backend}`,
    summary: info.summary,
    threads: info.threads,
    k,
    batch,
    weighting: "ew",
    mode: "-",
    times: times.slice(warmup),
    loss,
  }),
);
