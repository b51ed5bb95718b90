/** GradientAccumulator: sums, the window's mean, epoch-end closing, rollback and its state. */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../../src/errors.js";
import { GradientAccumulator } from "../../src/train/grad-accumulator.js";
import { useCpu } from "./helpers.js";

describe("GradientAccumulator", () => {
  before(useCpu);

  it("sums steps, closes after n or at an epoch end, and applies the mean", async () => {
    const n0 = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.zeros([2])));
    const acc = new GradientAccumulator(3, (n) => (n === "w" ? w : undefined));
    const g = (a: number, b: number) => tf.tensor1d([a, b]);
    const steps = [g(1, 2), g(3, 4), g(5, 9)];
    acc.add(["w"], [steps[0]]);
    assert.equal(acc.due(false), false);
    assert.equal(acc.due(true), true, "an epoch end closes a partial window");
    acc.add(["w"], [steps[1]]);
    // rollback: a third step that turns out non-finite is undone
    const snap = acc.snapshot();
    const bad = tf.tensor1d([Number.NaN, 0]);
    acc.add(["w"], [bad]);
    bad.dispose();
    snap.restore();
    assert.equal(acc.due(false), false);
    const state = await acc.getState();
    assert.equal(state?.count, 2);
    assert.deepEqual(Array.from(state?.sums.w.values ?? []), [4, 6]);
    acc.add(["w"], [steps[2]]);
    assert.equal(acc.due(false), true);
    const mean = acc.take();
    assert.deepEqual(Array.from(await (mean.get(w) as tf.Tensor).data()), [3, 5]);
    for (const t of mean.values()) t.dispose();
    assert.equal(await acc.getState(), undefined, "empty after take");
    // a restored state continues the window
    acc.setState(state);
    acc.add(["w"], [steps[2]]);
    const again = acc.take();
    assert.deepEqual(Array.from(await (again.get(w) as tf.Tensor).data()), [3, 5]);
    for (const t of again.values()) t.dispose();
    assert.throws(
      () => acc.setState({ count: 1, sums: { w: { shape: [3], values: new Float32Array(3) } } }),
      (e: unknown) => e instanceof ConfigError && e.field === "accumulator.w",
    );
    acc.dispose();
    for (const t of steps) t.dispose();
    w.dispose();
    assert.equal(tf.memory().numTensors, n0);
  });
});
