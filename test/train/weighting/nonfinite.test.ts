/**
 * Non-finite safety: a NaN or infinite task gradient stops training like a NaN loss (reason
 * "nanLoss", the task and the step named, the weights of the last finite step kept); FAMO ignores
 * a non-finite post-step loss; the loader's independent batches for `samples > 1` strategies.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { MultiTaskLoader, disposeStep } from "../../../src/data/loader.js";
import { NonFiniteGradientError } from "../../../src/errors.js";
import { weighting } from "../../../src/train/weighting/index.js";
import type {
  GradientWeightingInstance,
  WeightingStrategy,
} from "../../../src/train/weighting/types.js";
import { useCpu } from "../helpers.js";
import { context, gradients } from "./call.js";
import { fitTwoTasks } from "./two-task.js";

/** MGDA, but task b's gradient row turns NaN (or Inf) from step `at` on. */
function poisoned(at: number, value: number): WeightingStrategy<object> {
  const inner = weighting.mgda();
  return {
    name: "mgda",
    needs: "sharedGradients",
    config: inner.config,
    create(tasks, opts) {
      const i = inner.create(tasks, opts) as GradientWeightingInstance;
      return {
        ...i,
        async combineGradients(grads, losses, ctx, extras) {
          if (ctx.step < at) return i.combineGradients(grads, losses, ctx, extras);
          const bad = tf.tidy(() => tf.mul(grads, tf.tensor2d([[1], [value]])) as tf.Tensor2D);
          try {
            return await i.combineGradients(bad, losses, ctx, extras);
          } finally {
            bad.dispose();
          }
        },
      };
    },
  };
}

describe("non-finite task gradients", () => {
  before(useCpu);

  it("a strategy refuses a NaN or infinite gradient with a typed error naming the task", async () => {
    for (const name of ["mgda", "cagrad", "nash", "upgrad", "moco", "dbmtl", "excessmtl"]) {
      const inst = weighting.create(name).create(["a", "b"], { seed: 0 });
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY])
        await assert.rejects(
          gradients(
            inst,
            [
              [1, 2],
              [bad, 1],
            ],
            [1, 1],
            context(["a", "b"], { step: 7 }),
          ),
          (e: NonFiniteGradientError) =>
            e instanceof NonFiniteGradientError && e.task === "b" && /step 7/.test(e.message),
          name,
        );
      inst.dispose();
    }
  });

  it("stops training with reason nanLoss at that step and keeps the last finite weights", async () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const start = tf.memory().numTensors;
      const run = await fitTwoTasks(poisoned(3, value), { seed: 1, steps: 8 });
      assert.equal(run.losses.length, 3, "steps 0..2 completed");
      assert.equal(run.reason, "nanLoss");
      assert.match(run.message ?? "", /Task "b"/);
      assert.match(run.message ?? "", /at step 3 /);
      // the model holds the weights after step 2: they equal a clean 3-step run's
      const clean = await fitTwoTasks(weighting.mgda(), { seed: 1, steps: 3 });
      assert.deepEqual(run.final, clean.final);
      assert.equal(tf.memory().numTensors, start);
    }
  });
});

describe("FAMO and non-finite observations", () => {
  it("a NaN post-step loss leaves the logits finite and unchanged", () => {
    const inst = weighting.famo().create(["a", "b"], { seed: 0 });
    if (inst.needs !== "losses") throw new Error("famo is loss-based");
    const ctx = context(["a", "b"]);
    inst.observeLossesAfterStep?.(new Float32Array([1, 2]), new Float32Array([0.9, 1.8]), ctx);
    const before = JSON.stringify(inst.getState());
    inst.observeLossesAfterStep?.(new Float32Array([1, 2]), new Float32Array([Number.NaN, 1]), ctx);
    const s = inst.getState() as { logits: number[] };
    assert.ok(s.logits.every(Number.isFinite));
    // task b still moved, task a's logit did not
    assert.equal(s.logits[0], JSON.parse(before).logits[0]);
  });
});

describe("independent batches for samples > 1 (MoDo, SDMGrad)", () => {
  before(useCpu);

  it("each step carries samples - 1 extra batches per task; an epoch passes the data once", async () => {
    const n = 60;
    const x = Float32Array.from({ length: n * 2 }, (_, i) => i);
    const y = Float32Array.from({ length: n }, (_, i) => i);
    const d = {
      name: "d",
      size: n,
      inputShape: [2],
      inputDtype: "float32" as const,
      x,
      labelKind: "regression" as const,
      labelSize: 1,
      y,
    };
    const loader = new MultiTaskLoader({ a: d, b: d }, { batchSize: 10, mode: "all", samples: 3 });
    assert.equal(loader.stepsPerEpoch, 2);
    const start = tf.memory().numTensors;
    const seen = new Set<number>();
    for (const step of loader.epoch(0)) {
      const b = step.a;
      assert.ok(b?.extra && b.extra.length === 2);
      for (const part of [b, ...b.extra]) for (const v of await part.y.data()) seen.add(v);
      disposeStep(step);
    }
    assert.equal(seen.size, n, "one epoch: every sample once");
    assert.equal(tf.memory().numTensors, start);
    assert.throws(() => new MultiTaskLoader({ a: d }, { batchSize: 10, samples: 0 }), /samples/);
  });

  it("MoDo trains through model.fit with three batches per step", async () => {
    const run = await fitTwoTasks(weighting.modo({ gamma: 0.01 }), { seed: 2, steps: 20 });
    assert.equal(run.reason, "completed");
    for (const w of run.weights) assert.ok(Math.abs(w[0] + w[1] - 1) < 1e-9, `${w}`);
  });
});
