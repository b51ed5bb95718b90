/**
 * Every weighting strategy (and each gradient method in both modes) through the real training
 * loop, and the MMoE / cross-stitch architectures through the fluent API: losses drop, weights
 * are logged, checkpoints restore the architecture, no tensor growth.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { model } from "../../../src/api/model.js";
import { Run } from "../../../src/api/run.js";
import { uniform } from "../../../src/data/samplers/uniform.js";
import { arch } from "../../../src/model/arch/index.js";
import { mlp } from "../../../src/model/backbones/mlp.js";
import { classifier } from "../../../src/model/heads/classifier.js";
import { regression } from "../../../src/model/heads/regression.js";
import { weighting } from "../../../src/train/weighting/index.js";
import type { WeightingStrategy } from "../../../src/train/weighting/types.js";
import { toyGroup, toyTasks, useCpu } from "../helpers.js";
import { GRADIENT_NAMES, LOSS_NAMES, MODE_NAMES } from "./names.js";

const base = model({ input: [8] })
  .backbone(mlp({ units: [16] }))
  .head("cls", classifier(2))
  .head("reg", regression(1));

const strategies: WeightingStrategy<object>[] = [
  ...LOSS_NAMES.map((n) => weighting.create(n, n === "stch" ? { warmupEpochs: 1 } : {})),
  weighting.static({ weights: { cls: 1, reg: 2 } }),
  ...GRADIENT_NAMES.map((n) => weighting.create(n)),
  weighting.graddrop(),
  ...MODE_NAMES.map((n) => weighting.create(n, { mode: "representation" })),
];

describe("weighting strategies in the training loop", () => {
  before(useCpu);
  const { cls, reg } = toyTasks(64);
  const group = toyGroup(64);

  for (const s of strategies) {
    it(`${s.name} ${JSON.stringify(s.config)}: losses drop, weight/<task> logged and finite`, async () => {
      const n0 = tf.memory().numTensors;
      // representation-level methods need the tasks of one input: a task group
      const data = s.needs === "representationGradients" ? group : { cls, reg };
      const run = await base.fit(data, {
        epochs: 4,
        batchSize: 16,
        lr: 0.01,
        weighting: s,
        seed: 3,
      });
      const h = run.history;
      assert.ok(h[3]["loss/reg"] < h[0]["loss/reg"], "reg loss drops");
      assert.ok(h[3]["loss/cls"] < h[0]["loss/cls"], "cls loss drops");
      for (const e of h)
        for (const t of ["cls", "reg"])
          assert.ok(Number.isFinite(e[`weight/${t}`]), `weight/${t} = ${e[`weight/${t}`]}`);
      assert.equal(tf.memory().numTensors, n0);
    });
  }
});

describe("loss-based strategies when each step trains one task", () => {
  before(useCpu);
  const { cls, reg } = toyTasks(64);

  for (const name of ["uncertainty", "famo", "dwa", "rlw"]) {
    it(`${name}: absent tasks leave the strategy's state alone; losses drop`, async () => {
      const run = await base.fit(
        { cls, reg },
        { epochs: 4, batchSize: 16, lr: 0.01, weighting: name, seed: 2, sampler: uniform() },
      );
      const h = run.history;
      assert.ok(h[3]["loss/reg"] < h[0]["loss/reg"], "reg loss drops");
      assert.ok(h[3]["loss/cls"] < h[0]["loss/cls"], "cls loss drops");
      for (const e of h)
        for (const t of ["cls", "reg"]) {
          const w = e[`weight/${t}`];
          assert.ok(Number.isFinite(w) && w > 0 && w < 10, `weight/${t} = ${w}`);
        }
    });
  }
});

describe("architectures through the fluent API", () => {
  before(useCpu);
  const { cls, reg } = toyTasks(64);

  for (const a of [
    arch.mmoe({ experts: 3, expertUnits: 8 }),
    arch.crossStitch(),
    arch.ple({ levels: 2, expertUnits: 8 }),
  ]) {
    it(`${a.kind}: fits with ew and pcgrad, and a checkpoint restores it`, async () => {
      const n0 = tf.memory().numTensors;
      const m = base.architecture(a);
      for (const w of ["ew", "pcgrad"]) {
        const run = await m.fit(
          { cls, reg },
          { epochs: 4, batchSize: 16, lr: 0.01, weighting: w, seed: 1 },
        );
        assert.ok(run.history[3]["loss/reg"] < run.history[0]["loss/reg"], `${w}: reg loss drops`);
        assert.ok(run.history[3]["loss/cls"] < run.history[0]["loss/cls"], `${w}: cls loss drops`);
        if (w === "ew") {
          const dir = await mkdtemp(join(tmpdir(), "polytask-arch-"));
          try {
            await run.save(dir);
            const back = await Run.load(dir);
            const e1 = await run.evaluate({ reg });
            const e2 = await back.evaluate({ reg });
            assert.deepEqual(e2, e1);
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        }
      }
      assert.equal(tf.memory().numTensors, n0);
    });
  }
});
