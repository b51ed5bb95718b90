/**
 * The shared harness run over every weighting strategy (and every gradient mode): weights
 * shape and finiteness, seed determinism, config round-trip through `weighting.create`, state
 * round-trip, and a tiny two-task fit whose losses drop without leaking tensors; on cpu and wasm.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { weighting } from "../../../src/train/weighting/index.js";
import type {
  WeightingContext,
  WeightingInstance,
  WeightingStrategy,
} from "../../../src/train/weighting/types.js";
import { Random } from "../../../src/util/random.js";
import { GRADIENT_NAMES, LOSS_NAMES, MODE_NAMES } from "./names.js";
import { TASKS, fitTwoTasks } from "./two-task.js";

export const CASES: WeightingStrategy<object>[] = [
  ...LOSS_NAMES.map((n) => weighting.create(n, n === "stch" ? { warmupEpochs: 1 } : {})),
  weighting.static({ weights: { a: 1, b: 0.5 } }),
  ...GRADIENT_NAMES.map((n) => weighting.create(n)),
  weighting.graddrop(),
  weighting.imtl({ lossScale: false }),
  weighting.pcgrad({ includeSelf: true }),
  ...MODE_NAMES.map((n) => weighting.create(n, { mode: "representation" })),
];

const label = (s: WeightingStrategy<object>) => `${s.name} ${JSON.stringify(s.config)}`;

function ctx(step: number, random: Random): WeightingContext {
  return {
    step,
    epoch: Math.floor(step / 3),
    tasks: [...TASKS],
    epochLosses:
      step >= 6
        ? [
            [2, 3],
            [1.5, 2.9],
          ]
        : [],
    random: () => random.next(),
    active: [true, true],
  };
}

/** One direct call of the instance on fixed inputs; returns the weights. */
async function callOnce(inst: WeightingInstance, step: number, random: Random): Promise<number[]> {
  const losses = new Float32Array([1.2 - 0.05 * step, 0.8 - 0.02 * step]);
  const c = ctx(step, random);
  if (inst.needs === "losses") {
    const wt = tf.tidy(() => {
      const out = inst.combineLosses(tf.tensor1d(losses), c);
      return out.weights instanceof tf.Tensor ? out.weights : tf.tensor1d([...out.weights]);
    });
    const w = Array.from(await wt.data());
    wt.dispose();
    const after = new Float32Array([losses[0] * 0.9, losses[1] * 0.95]);
    inst.observeLossesAfterStep?.(losses, after, c);
    return w;
  }
  const g = tf.tensor2d([
    [1, 0.5 + 0.1 * step, -1],
    [-0.8, 1, 0.3],
  ]);
  if (inst.needs === "representationTransform") {
    const rows = tf.tidy(() => tf.unstack(g).map((r) => r.reshape([1, 3]) as tf.Tensor2D));
    const reps = rows.map((r) => tf.neg(r) as tf.Tensor2D);
    const out = await inst.transformGradients(rows, reps, c);
    const w: number[] = [];
    for (const o of out) {
      assert.ok(o);
      assert.ok(Array.from(await o.data()).every(Number.isFinite));
      w.push(...(await o.data()));
      o.dispose();
    }
    for (const t of [...rows, ...reps, g]) t.dispose();
    return w;
  }
  const out = await inst.combineGradients(g, losses, c);
  assert.deepEqual(out.grad.shape, [3]);
  assert.ok(Array.from(await out.grad.data()).every(Number.isFinite));
  out.grad.dispose();
  g.dispose();
  return [...(out.weights ?? [])];
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`weighting harness (${backend})`, () => {
    for (const s of CASES) {
      describe(label(s), () => {
        it("config round-trips through weighting.create(name, config)", async () => {
          await tf.setBackend(backend);
          const again = weighting.create(s.name, JSON.parse(JSON.stringify(s.config)));
          assert.equal(again.name, s.name);
          assert.equal(again.needs, s.needs);
          assert.deepEqual(again.config, s.config);
          assert.ok(Object.isFrozen(s.config));
        });

        it("state round-trips: a restored instance continues identically", async () => {
          await tf.setBackend(backend);
          const start = tf.memory().numTensors;
          const a = s.create([...TASKS], { seed: 3 });
          const ra = new Random(5);
          for (let k = 0; k < 7; k++) await callOnce(a, k, ra);
          const saved = JSON.parse(JSON.stringify(await a.getState()));
          const b = s.create([...TASKS], { seed: 3 });
          b.setState(saved);
          assert.deepEqual(JSON.parse(JSON.stringify(await b.getState())), saved);
          const rb = new Random(ra.getState());
          assert.deepEqual(await callOnce(b, 7, rb), await callOnce(a, 7, ra));
          a.dispose();
          b.dispose();
          assert.equal(tf.memory().numTensors, start);
        });

        it("fits two tasks: weights [T] finite, losses drop, deterministic, no tensor growth", async () => {
          await tf.setBackend(backend);
          const start = tf.memory().numTensors;
          const run = await fitTwoTasks(s, { seed: 11, steps: 60 });
          assert.equal(tf.memory().numTensors, start, "tensors leaked");
          assert.equal(run.tensorsLate, run.tensorsEarly, "tensor count grew during training");
          for (const w of run.weights) {
            assert.equal(w.length, 2);
            assert.ok(w.every(Number.isFinite), `non-finite weights ${w}`);
          }
          const first = run.losses[0];
          const last = run.losses[run.losses.length - 1];
          for (let t = 0; t < 2; t++)
            assert.ok(last[t] < 0.5 * first[t], `task ${TASKS[t]}: loss ${first[t]} -> ${last[t]}`);
          const again = await fitTwoTasks(s, { seed: 11, steps: 60 });
          assert.deepEqual(again.weights, run.weights);
          assert.deepEqual(again.losses, run.losses);
          assert.deepEqual(again.state, run.state);
        });
      });
    }
  });
}
