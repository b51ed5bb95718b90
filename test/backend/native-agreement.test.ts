/**
 * The `tensorflow` backend (a real tfjs-node built by `polytask native setup`) against `cpu`:
 * numeric ops and a small two-head CNN's full gradient agree within float tolerance.
 * Skipped, with the reason printed, when the native backend is not set up.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { type NativeInfo, loadNative } from "../../src/backend/native.js";
import { Random } from "../../src/util/random.js";
import { tensorflowSkipReason } from "./native-harness.js";

// Prints "# SKIP tensorflow: <reason>" when the backend is not set up.
const skipReason = await tensorflowSkipReason();
const native: NativeInfo | undefined = skipReason ? undefined : await loadNative({});

type Arrays = Record<string, { shape: number[]; data: Float32Array }>;

function randomArrays(seed: number, shapes: Record<string, number[]>): Arrays {
  const rng = new Random(seed);
  const out: Arrays = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = rng.normal() * 0.5;
    out[name] = { shape, data };
  }
  return out;
}

/** Runs `fn` on `backend` with fresh tensors from `arrays`; returns the outputs as arrays. */
async function on(
  backend: string,
  arrays: Arrays,
  fn: (t: Record<string, tf.Tensor>) => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const outs = tf.tidy(() => {
    const t: Record<string, tf.Tensor> = {};
    for (const [k, v] of Object.entries(arrays)) t[k] = tf.tensor(v.data, v.shape);
    const r = fn(t);
    return Array.isArray(r) ? r : [r];
  });
  const values = outs.map((o) => new Float32Array(o.dataSync()));
  tf.dispose(outs);
  assert.equal(tf.memory().numTensors, before, `${backend} leaked tensors`);
  return values;
}

/** Max |a-b| relative to max(1, max |b|) over each output. */
function assertClose(actual: Float32Array[], expected: Float32Array[], tol: number, what: string) {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, k) => {
    const e = expected[k];
    assert.equal(a.length, e.length, `${what}[${k}] length`);
    let scale = 1;
    for (const v of e) if (!Number.isNaN(v)) scale = Math.max(scale, Math.abs(v));
    let err = 0;
    for (let i = 0; i < a.length; i++) {
      if (Number.isNaN(e[i]))
        assert.ok(Number.isNaN(a[i]), `${what}[${k}][${i}]: ${a[i]}, not NaN`);
      else err = Math.max(err, Math.abs(a[i] - e[i]));
    }
    assert.ok(Number.isFinite(err), `${what}[${k}] has non-finite values`);
    assert.ok(err / scale <= tol, `${what}[${k}]: relative error ${err / scale} > ${tol}`);
  });
}

async function agree(
  what: string,
  arrays: Arrays,
  fn: (t: Record<string, tf.Tensor>) => tf.Tensor | tf.Tensor[],
  tol = 1e-4,
) {
  const expected = await on("cpu", arrays, fn);
  const actual = await on("tensorflow", arrays, fn);
  assertClose(actual, expected, tol, what);
}

const OPS: [string, Record<string, number[]>, (t: Record<string, tf.Tensor>) => tf.Tensor][] = [
  ["matMul", { a: [17, 33], b: [33, 9] }, (t) => tf.matMul(t.a as tf.Tensor2D, t.b as tf.Tensor2D)],
  [
    "matMul transposed",
    { a: [33, 17], b: [9, 33] },
    (t) => tf.matMul(t.a as tf.Tensor2D, t.b as tf.Tensor2D, true, true),
  ],
  [
    "conv2d same stride 1",
    { x: [2, 12, 12, 3], w: [5, 5, 3, 4] },
    (t) => tf.conv2d(t.x as tf.Tensor4D, t.w as tf.Tensor4D, 1, "same"),
  ],
  [
    "conv2d valid stride 2 dilation 1",
    { x: [2, 13, 11, 2], w: [3, 3, 2, 5] },
    (t) => tf.conv2d(t.x as tf.Tensor4D, t.w as tf.Tensor4D, 2, "valid"),
  ],
  [
    "maxPool + avgPool",
    { x: [2, 10, 10, 3] },
    (t) =>
      tf.add(
        tf.maxPool(t.x as tf.Tensor4D, 2, 2, "valid"),
        tf.avgPool(t.x as tf.Tensor4D, 2, 2, "valid"),
      ),
  ],
  [
    "step (polytask's patched kernel) with NaN, -0, 0",
    { x: [40] },
    (t) => tf.step(tf.concat([t.x, tf.tensor1d([Number.NaN, -0, 0, 1e-30, -1e-30])])),
  ],
  ["step with alpha (tfjs-node's kernel)", { x: [40] }, (t) => tf.step(t.x, 0.25)],
  ["relu gradient", { x: [64] }, (t) => tf.grad((v: tf.Tensor) => tf.relu(v).mul(v).sum())(t.x)],
  [
    "relu, sigmoid, tanh",
    { x: [64] },
    (t) => tf.stack([tf.relu(t.x), tf.sigmoid(t.x), tf.tanh(t.x)]),
  ],
  ["softmax, logSoftmax", { x: [8, 10] }, (t) => tf.concat([tf.softmax(t.x), tf.logSoftmax(t.x)])],
  [
    "exp, log, sqrt",
    { x: [50] },
    (t) => tf.stack([tf.exp(t.x), tf.log(tf.abs(t.x).add(1)), tf.sqrt(tf.abs(t.x))]),
  ],
  [
    "sum, mean, max over axes",
    { x: [4, 5, 6] },
    (t) => tf.concat([t.x.sum(1), t.x.mean(1), t.x.max(1)]),
  ],
  [
    "depthwiseConv2d",
    { x: [1, 9, 9, 3], w: [3, 3, 3, 2] },
    (t) => tf.depthwiseConv2d(t.x as tf.Tensor4D, t.w as tf.Tensor4D, 1, "same"),
  ],
];

/** A small two-head CNN (conv, pool, conv, dense, two 10-way heads) and its summed loss. */
function twoHeadLoss(p: Record<string, tf.Tensor>): tf.Scalar {
  const x = p.x as tf.Tensor4D;
  let h = tf.relu(tf.conv2d(x, p.c1 as tf.Tensor4D, 1, "valid").add(p.b1));
  h = tf.maxPool(h as tf.Tensor4D, 2, 2, "valid");
  h = tf.relu(tf.conv2d(h as tf.Tensor4D, p.c2 as tf.Tensor4D, 1, "valid").add(p.b2));
  h = tf.maxPool(h as tf.Tensor4D, 2, 2, "valid");
  const flat = h.reshape([x.shape[0], -1]) as tf.Tensor2D;
  const z = tf.relu(tf.matMul(flat, p.f as tf.Tensor2D).add(p.fb)) as tf.Tensor2D;
  const left = tf.matMul(z, p.hl as tf.Tensor2D);
  const right = tf.matMul(z, p.hr as tf.Tensor2D);
  const yl = tf.oneHot(tf.tensor1d([1, 3, 5, 7, 9, 0], "int32"), 10);
  const yr = tf.oneHot(tf.tensor1d([2, 4, 6, 8, 0, 1], "int32"), 10);
  return tf.losses.softmaxCrossEntropy(yl, left).add(tf.losses.softmaxCrossEntropy(yr, right));
}

const CNN_SHAPES = {
  x: [6, 20, 20, 1],
  c1: [5, 5, 1, 4],
  b1: [4],
  c2: [3, 3, 4, 6],
  b2: [6],
  f: [6 * 3 * 3, 16],
  fb: [16],
  hl: [16, 10],
  hr: [16, 10],
};

describe("tensorflow backend agrees with cpu", { skip: skipReason ?? false }, () => {
  before(() => {
    console.log(`# native: TensorFlow ${native?.tfVersion} on ${native?.devices.join(", ")}`);
  });

  it("reports a TensorFlow version and devices", () => {
    assert.match(native!.tfVersion, /^\d+\.\d+\.\d+/);
    assert.ok(native!.devices.length >= 1);
    assert.ok(
      native!.devices.some((d) => /device:(CPU|GPU):\d+$/.test(d)),
      native!.devices.join(),
    );
    assert.ok(tf.engine().registryFactory.tensorflow, "tensorflow backend registered");
    assert.deepEqual(native!.patchedKernels, ["Step"]);
  });

  OPS.forEach(([name, shapes, fn], i) => {
    it(`op: ${name}`, async () => {
      await agree(name, randomArrays(100 + i, shapes), fn);
    });
  });

  it("two-head CNN: loss and the gradient of every parameter", async () => {
    const arrays = randomArrays(7, CNN_SHAPES);
    const names = Object.keys(CNN_SHAPES).filter((k) => k !== "x");
    await agree("two-head CNN", arrays, (t) => {
      const params = names.map((k) => t[k]);
      const f = (...ps: tf.Tensor[]) => {
        const all: Record<string, tf.Tensor> = { x: t.x };
        names.forEach((k, j) => {
          all[k] = ps[j];
        });
        return twoHeadLoss(all);
      };
      const { value, grads } = tf.valueAndGrads(f)(params);
      return [value, ...grads];
    });
  });

  it("an SGD step changes the loss the same way on both backends", async () => {
    const arrays = randomArrays(11, CNN_SHAPES);
    const names = Object.keys(CNN_SHAPES).filter((k) => k !== "x");
    await agree("SGD step", arrays, (t) => {
      const f = (...ps: tf.Tensor[]) => {
        const all: Record<string, tf.Tensor> = { x: t.x };
        names.forEach((k, j) => {
          all[k] = ps[j];
        });
        return twoHeadLoss(all);
      };
      const params = names.map((k) => t[k]);
      const { grads } = tf.valueAndGrads(f)(params);
      const stepped = params.map((p, j) => p.sub(grads[j].mul(0.1)));
      return f(...stepped);
    });
  });
});
