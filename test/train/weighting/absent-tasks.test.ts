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
import { context, gradients, losses } from "./call.js";
import { MODE_NAMES } from "./names.js";
import { close } from "./reference.js";

const TASKS = ["a", "b", "c"];
const ctx = (active = [true, false, true]): WeightingContext => context(TASKS, { active });

describe("absent tasks", () => {
  const g1 = [1, 0.2, -0.3];
  const g2 = [-0.5, 1, 0.4];
  for (const name of [...MODE_NAMES, "modo", "sdmgrad", "excessmtl"]) {
    it(`${name}: an absent task gets weight 0; the others solve the 2-task problem`, async () => {
      const start = tf.memory().numTensors;
      const three = weighting.create(name).create(TASKS, { seed: 0 });
      const two = weighting.create(name).create(["a", "c"], { seed: 0 });
      const w3 = (await gradients(three, [g1, [0, 0, 0], g2], [1, 0, 2], ctx())).weights;
      const w2 = (
        await gradients(two, [g1, g2], [1, 2], context(["a", "c"], { active: [true, true] }))
      ).weights;
      assert.equal(w3[1], 0);
      close([w3[0], w3[2]], w2, 1e-6);
      // `active` decides, not the row: a non-zero row of an absent task is left out too
      const fresh = weighting.create(name).create(TASKS, { seed: 0 });
      const w = (await gradients(fresh, [g1, [0.3, 0.3, 0.3], g2], [1, 0.5, 2], ctx())).weights;
      fresh.dispose();
      three.dispose();
      two.dispose();
      assert.equal(w[1], 0);
      close([w[0], w[2]], w2, 1e-6);
      assert.equal(tf.memory().numTensors, start);
    });
  }

  it("uncertainty: an absent task's log-variance gets no gradient", () => {
    const inst = weighting.uncertainty().create(TASKS, { seed: 0 });
    if (inst.needs !== "losses") throw new Error("uncertainty weighs losses");
    const [s] = inst.variables;
    tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () => inst.combineLosses(tf.tensor1d([1, 0, 2]), ctx()).loss,
        [s as tf.Variable],
      );
      close(Array.from(grads[s.name].dataSync()), [0, 0, -1]);
    });
    inst.dispose();
  });

  it("famo: absent tasks get weight 0 and keep their logits", async () => {
    const inst = weighting.famo().create(TASKS, { seed: 0 });
    if (inst.needs !== "losses") throw new Error("famo weighs losses");
    const { weights } = await losses(inst, [1, 0, 2], ctx());
    close(weights, [2 / 3, 0, 1 / 3]);
    inst.observeLossesAfterStep?.(
      new Float32Array([1, 0, 2]),
      new Float32Array([0.5, 0, 2]),
      ctx(),
    );
    const st = (await inst.getState()) as { logits: number[] };
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
