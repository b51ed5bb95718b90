/**
 * Tasks absent from a step (task sampling, masked labels) come with a 0 loss and a zero gradient
 * row: every strategy gives them weight 0 and solves the problem of the tasks present.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { dwaWeights } from "../../../src/train/weighting/dwa.js";
import { weighting } from "../../../src/train/weighting/index.js";
import type { WeightingContext } from "../../../src/train/weighting/types.js";
import { close } from "./reference.js";

const TASKS = ["a", "b", "c"];
const ctx = (active?: boolean[]): WeightingContext => ({
  step: 0,
  epoch: 0,
  tasks: TASKS,
  epochLosses: [],
  random: () => 0.3,
  active,
});

describe("absent tasks", () => {
  const g1 = [1, 0.2, -0.3];
  const g2 = [-0.5, 1, 0.4];
  for (const name of ["gradnorm", "pcgrad", "mgda", "cagrad", "imtl", "nash", "aligned"]) {
    it(`${name}: a zero row with loss 0 gets weight 0; the others solve the 2-task problem`, () => {
      const start = tf.memory().numTensors;
      const three = weighting.create(name).create(TASKS, { seed: 0 });
      const two = weighting.create(name).create(["a", "c"], { seed: 0 });
      const w3 = tf.tidy(() => {
        const g = tf.tensor2d([g1, [0, 0, 0], g2]);
        return three.combineGradients!(g, new Float32Array([1, 0, 2]), ctx()).weights;
      });
      const w2 = tf.tidy(() => {
        const g = tf.tensor2d([g1, g2]);
        return two.combineGradients!(g, new Float32Array([1, 2]), { ...ctx(), tasks: ["a", "c"] })
          .weights;
      });
      assert.equal(w3[1], 0);
      close([w3[0], w3[2]], w2, 1e-6);
      // The explicit mask wins over the loss heuristic.
      const w = tf.tidy(() => {
        const g = tf.tensor2d([g1, [0.3, 0.3, 0.3], g2]);
        return three.combineGradients!(g, new Float32Array([1, 0.5, 2]), ctx([true, false, true]))
          .weights;
      });
      assert.equal(w[1], 0);
      assert.equal(tf.memory().numTensors, start);
    });
  }

  it("uncertainty: an absent task's log-variance gets no gradient", () => {
    const inst = weighting.uncertainty().create(TASKS, { seed: 0 });
    const [s] = inst.variables;
    tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () => inst.combineLosses!(tf.tensor1d([1, 0, 2]), ctx()).loss,
        [s as tf.Variable],
      );
      close(Array.from(grads[s.name].dataSync()), [0, 0, -1]);
    });
    inst.dispose();
  });

  it("famo: absent tasks get weight 0 and keep their logits", () => {
    const inst = weighting.famo().create(TASKS, { seed: 0 });
    const w = tf.tidy(() => inst.combineLosses!(tf.tensor1d([1, 0, 2]), ctx()).weights);
    close(w, [2 / 3, 0, 1 / 3]);
    inst.observeLossesAfterStep!(new Float32Array([0.5, 0, 2]), ctx());
    const st = inst.getState() as { logits: number[] };
    assert.equal(st.logits[1], 0);
    assert.ok(st.logits[0] !== 0 && st.logits[2] !== 0);
  });

  it("dwa: a task missing from an epoch (NaN mean) keeps the neutral ratio", () => {
    const w = dwaWeights(
      [
        [1, Number.NaN],
        [1, 2],
      ],
      2,
      2,
    );
    close(w, [1, 1]);
    assert.ok(w.every(Number.isFinite));
  });
});
