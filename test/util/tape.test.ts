/**
 * recordTape: one forward, several backward passes, each equal to what `tf.grads` computes with
 * its own forward; upstream gradients on an intermediate tensor; no tensors left behind.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { Random } from "../../src/util/random.js";
import { recordTape, tapeSupported } from "../../src/util/tape.js";

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])), `${i}: ${a[i]} vs ${b[i]}`);
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`recordTape (${backend})`, () => {
    before(async () => {
      await tf.setBackend(backend);
    });

    it("is supported by the pinned TensorFlow.js", () => {
      assert.ok(tapeSupported());
    });

    it("K backward passes of one forward equal K tf.variableGrads", () => {
      const r = new Random(3);
      const v = (shape: number[]) =>
        tf.variable(
          tf.tensor(
            Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => r.normal()),
            shape,
          ),
        );
      const x = tf.tensor2d(
        Float32Array.from({ length: 8 * 5 }, () => r.normal()),
        [8, 5],
      );
      const w1 = v([5, 6]);
      const heads = [v([6, 3]), v([6, 1]), v([6, 2])];
      const n0 = tf.memory().numTensors;
      const lossOf = (k: number, z: tf.Tensor) =>
        tf.mean(tf.square(tf.matMul(z as tf.Tensor2D, heads[k] as tf.Tensor2D))) as tf.Scalar;
      const { value: losses, tape } = recordTape(() => {
        const z = tf.relu(tf.matMul(x, w1));
        return heads.map((_, k) => lossOf(k, z));
      });
      for (let k = 0; k < heads.length; k++) {
        const got = tape.backward(losses[k], [w1, ...heads]);
        const want = tf.variableGrads(() => lossOf(k, tf.relu(tf.matMul(x, w1))), [w1, heads[k]]);
        close(got[0]!.dataSync(), want.grads[w1.name].dataSync());
        close(got[1 + k]!.dataSync(), want.grads[heads[k].name].dataSync());
        // other heads do not reach this task's loss
        heads.forEach((_, j) => {
          if (j !== k) assert.equal(got[1 + j], undefined);
        });
        for (const g of got) g?.dispose();
        want.value.dispose();
        for (const g of Object.values(want.grads)) g.dispose();
      }
      tape.dispose();
      for (const l of losses) l.dispose();
      assert.equal(tf.memory().numTensors, n0);
      for (const t of [x, w1, ...heads]) t.dispose();
    });

    it("backwardMany: one pass from several seeds equals the sum of their backward passes", () => {
      const r = new Random(5);
      const x = tf.tensor2d(
        Float32Array.from({ length: 6 * 4 }, () => r.normal()),
        [6, 4],
      );
      const w = tf.variable(
        tf.tensor2d(
          Float32Array.from({ length: 4 * 3 }, () => r.normal()),
          [4, 3],
        ),
      );
      const n0 = tf.memory().numTensors;
      const { value, tape } = recordTape(() => {
        const z = tf.tanh(tf.matMul(x, w));
        // a vector loss with a one-hot upstream gradient and a scalar that reuses part of it
        const vec = tf.mean(tf.square(z), 0) as tf.Tensor1D;
        return { vec, scalar: tf.log(tf.add(vec.slice(1, 1).sum(), 1)) as tf.Scalar };
      });
      const dy = tf.tensor1d([1, 0, 0.5]);
      const got = tape.backwardMany([{ y: value.vec, dy }, { y: value.scalar }], [w]);
      const a = tape.backward(value.vec, [w], dy);
      const b = tape.backward(value.scalar, [w]);
      const sum = tf.add(a[0]!, b[0]!);
      close(got[0]!.dataSync(), sum.dataSync());
      for (const t of [...got, ...a, ...b, sum, dy, value.vec, value.scalar]) t?.dispose();
      tape.dispose();
      assert.equal(tf.memory().numTensors, n0);
      x.dispose();
      w.dispose();
    });

    it("backpropagates an upstream gradient from an intermediate tensor", () => {
      const r = new Random(4);
      const x = tf.tensor2d(
        Float32Array.from({ length: 4 * 3 }, () => r.normal()),
        [4, 3],
      );
      const w = tf.variable(
        tf.tensor2d(
          Float32Array.from({ length: 3 * 2 }, () => r.normal()),
          [3, 2],
        ),
      );
      const dz = tf.tensor2d(
        Float32Array.from({ length: 4 * 2 }, () => r.normal()),
        [4, 2],
      );
      const n0 = tf.memory().numTensors;
      const { value: z, tape } = recordTape(() => tf.tanh(tf.matMul(x, w)));
      const [gw] = tape.backward(z, [w], dz);
      const want = tf.variableGrads(() => tf.sum(tf.mul(tf.tanh(tf.matMul(x, w)), dz)), [w]);
      close(gw!.dataSync(), want.grads[w.name].dataSync());
      for (const t of [gw!, want.value, want.grads[w.name], z]) t.dispose();
      tape.dispose();
      assert.equal(tf.memory().numTensors, n0);
      for (const t of [x, w, dz]) t.dispose();
    });
  });
}
