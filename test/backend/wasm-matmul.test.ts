import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { assertClose, initWasm, onBoth, randomTensor } from "./wasm-harness.js";

/** [a shape, b shape] before any transpose: a [..., m, k], b [..., k, n]. */
const SHAPES: Array<[number[], number[]]> = [
  [
    [1, 7, 5],
    [1, 5, 3],
  ],
  [
    [1, 64, 48],
    [1, 48, 40],
  ],
  [
    [5, 40, 33],
    [5, 33, 20],
  ],
  [
    [4, 30, 20],
    [1, 20, 25],
  ],
  [
    [1, 30, 20],
    [3, 20, 25],
  ],
  [
    [2, 3, 9, 4],
    [2, 3, 4, 6],
  ],
  [
    [256, 784],
    [784, 64],
  ],
];

/** Swaps the last two axes of a shape. */
const swapped = (s: number[]): number[] => [...s.slice(0, -2), s.at(-1) ?? 0, s.at(-2) ?? 0];

describe("wasm BatchMatMul/_FusedMatMul vs cpu", () => {
  before(async () => {
    await initWasm();
  });

  for (const [sa, sb] of SHAPES) {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`BatchMatMul a[${sa}] b[${sb}] transposeA=${ta} transposeB=${tb}`, async () => {
        const r = await onBoth(() =>
          tf.matMul(
            randomTensor(ta ? swapped(sa) : sa, 1),
            randomTensor(tb ? swapped(sb) : sb, 2),
            ta,
            tb,
          ),
        );
        assertClose(r, "matMul");
      });
    }
  }

  const ACTIVATIONS = ["linear", "relu", "relu6", "elu", "sigmoid", "leakyrelu", "prelu"] as const;
  for (const activation of ACTIVATIONS) {
    for (const biasShape of [null, [1], [12], [1, 12]] as const) {
      for (const [ta, tb, batch] of [
        [false, false, 1],
        [true, false, 1],
        [false, true, 1],
        [true, true, 3],
      ] as const) {
        const name = `_FusedMatMul ${activation} bias ${biasShape ? `[${biasShape}]` : "none"} tA=${ta} tB=${tb} batch ${batch}`;
        it(name, async () => {
          const r = await onBoth(() =>
            tf.fused.matMul({
              a: randomTensor(ta ? [batch, 9, 17] : [batch, 17, 9], 3),
              b: randomTensor(tb ? [batch, 12, 9] : [batch, 9, 12], 4),
              transposeA: ta,
              transposeB: tb,
              bias: biasShape ? randomTensor([...biasShape], 5) : undefined,
              activation,
              preluActivationWeights: activation === "prelu" ? randomTensor([12], 6) : undefined,
              leakyreluAlpha: 0.1,
            }),
          );
          assertClose(r, name);
        });
      }
    }
  }

  it("_FusedMatMul with a [1] bias on the untransposed XNNPACK path (the wrong-values case)", async () => {
    const r = await onBoth(() =>
      tf.fused.matMul({
        a: randomTensor([256, 50], 7) as tf.Tensor2D,
        b: randomTensor([50, 1], 8) as tf.Tensor2D,
        bias: tf.tensor1d([0.5]),
        activation: "relu",
      }),
    );
    assertClose(r, "bias [1]");
    const r2 = await onBoth(() =>
      tf.fused.matMul({
        a: randomTensor([64, 50], 7) as tf.Tensor2D,
        b: randomTensor([50, 10], 8) as tf.Tensor2D,
        bias: tf.tensor1d([0.5]),
      }),
    );
    assertClose(r2, "bias [1] broadcast to 10 columns");
  });
});

describe("wasm UnsortedSegmentSum vs cpu", () => {
  before(async () => {
    await initWasm();
  });

  for (const [shape, ids, num] of [
    [[7], [0, 2, 2, 5, -1, 1, 0], 4],
    [[7, 3, 5], [0, 2, 2, 5, -1, 1, 0], 6],
    [[200, 64], Array.from({ length: 200 }, (_, i) => (i * 7919) % 50), 50],
  ] as const) {
    it(`float32 x[${shape}] into ${num} segments (out-of-range ids dropped)`, async () => {
      const r = await onBoth(() =>
        tf.unsortedSegmentSum(randomTensor([...shape], 9), tf.tensor1d([...ids], "int32"), num),
      );
      assertClose(r, "unsortedSegmentSum", 1e-6);
    });
  }

  it("int32 values", async () => {
    const r = await onBoth(() =>
      tf.unsortedSegmentSum(
        tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [6, 2], "int32"),
        tf.tensor1d([0, 2, 1, 2, 0, 0], "int32"),
        3,
      ),
    );
    assertClose(r, "int32", 0);
  });

  // tfjs's cpu kernel fails on 2-D ids (a broadcasting bug), so this one is checked by hand.
  it("2-D segment ids sum rows of the leading axes", async () => {
    await tf.setBackend("wasm");
    const before = tf.memory().numTensors;
    const out = tf.tidy(() =>
      tf.unsortedSegmentSum(
        tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2], "int32"),
        // The op's type says 1-D; the kernel (and TensorFlow) take ids of x's leading shape.
        tf.tensor2d([0, 2, 1, 2, 0, 0], [2, 3], "int32") as unknown as tf.Tensor1D,
        3,
      ),
    );
    assert.deepEqual(out.shape, [3, 2]);
    assert.deepEqual(Array.from(out.dataSync()), [1 + 9 + 11, 2 + 10 + 12, 5, 6, 3 + 7, 4 + 8]);
    out.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it("is the gradient of an embedding lookup (gather)", async () => {
    const r = await onBoth(() => {
      const table = randomTensor([30, 8], 10);
      const ids = tf.tensor2d([3, 7, 3, 29, 0, 7, 7, 1], [2, 4], "int32");
      const up = randomTensor([2, 4, 8], 11);
      return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), up)))(table);
    });
    assertClose(r, "embedding gradient");
  });
});
