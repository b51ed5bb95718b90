/**
 * Review of the training loop: steps where every label is masked, tensors on error paths, and
 * `WeightingContext.active` passed by the loop.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { model } from "../../src/api/model.js";
import { Run } from "../../src/api/run.js";
import { fromArrays } from "../../src/data/from-arrays.js";
import type { Step } from "../../src/data/types.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { regression } from "../../src/model/heads/regression.js";
import { Network } from "../../src/model/network.js";
import type { WeightMap } from "../../src/model/spec.js";
import type { FitOptions } from "../../src/train/options.js";
import { computeStep, disposeStepResult } from "../../src/train/step.js";
import { defineStrategy } from "../../src/train/weighting/define.js";
import { weighting } from "../../src/train/weighting/index.js";
import type { WeightingStrategy } from "../../src/train/weighting/types.js";
import { Random } from "../../src/util/random.js";
import { toyTasks, useCpu } from "./helpers.js";

const TASKS = ["cls", "reg"];
const base = model({ input: [8] })
  .backbone(mlp({ units: [16] }))
  .head("cls", classifier(2))
  .head("reg", regression(1));

function maskedStep(): Step {
  return {
    cls: {
      x: tf.randomNormal([4, 8]),
      y: tf.tensor1d([0, 1, 0, 1], "int32"),
      mask: tf.zeros([4]),
      size: 4,
    },
    reg: { x: tf.randomNormal([4, 8]), y: tf.randomNormal([4, 1]), mask: tf.zeros([4]), size: 4 },
  };
}

/** Wraps a strategy, recording the `active` flags and weights of every combine call. */
function recording(inner: WeightingStrategy, seen: { active?: boolean[]; weights: number[] }[]) {
  return defineStrategy(`rec-${inner.name}`, inner.needs, {}, (tasks, opts) => {
    const inst = inner.create(tasks, opts);
    if (inst.needs !== "losses") throw new Error("recording() wraps loss strategies");
    return {
      needs: "losses" as const,
      variables: inst.variables,
      combineLosses: (losses, ctx) => {
        const c = inst.combineLosses(losses, ctx);
        const w =
          c.weights instanceof tf.Tensor ? Array.from(c.weights.dataSync()) : [...c.weights];
        seen.push({ active: [...ctx.active], weights: w });
        return c;
      },
      getState: () => inst.getState(),
      setState: (s) => inst.setState(s),
      dispose: () => inst.dispose(),
    };
  });
}

describe("training loop review", () => {
  before(useCpu);
  const { cls, reg } = toyTasks(64);

  it("a step where every label is masked neither throws nor calls the strategy, for every need", async () => {
    const net = await Network.build(base.def, 0);
    const n0 = tf.memory().numTensors;
    for (const [name, mode] of [
      ["ew", undefined],
      ["famo", undefined],
      ["mgda", undefined],
      ["pcgrad", "representation"],
    ] as const) {
      const strat = mode ? weighting.create(name, { mode }) : weighting.create(name);
      const inst = strat.create(TASKS, { seed: 0 });
      const step = maskedStep();
      const res = await computeStep({
        net,
        tasks: TASKS,
        step,
        trainable: net.trainableParams(),
        instance: inst,
        ctx: { step: 0, epoch: 0, tasks: TASKS, epochLosses: [], random: () => 0.5 },
        random: new Random(1),
        repDropout: 0,
      });
      assert.equal(res.grads.size, 0, name);
      assert.deepEqual(res.active, [false, false]);
      assert.deepEqual(Array.from(await res.losses.data()), [0, 0]);
      assert.equal(res.weights, null);
      disposeStepResult(res);
      for (const b of Object.values(step)) for (const t of [b?.x, b?.y, b?.mask]) t?.dispose();
      inst.dispose();
    }
    assert.equal(tf.memory().numTensors, n0);
    net.dispose();
  });

  it("fit trains through steps whose one task has every label masked", async () => {
    const mask = new Uint8Array(cls.size).map((_, i) => (i === 0 ? 1 : 0));
    const sparse = fromArrays({
      x: cls.x.slice() as Float32Array,
      y: new Int32Array(cls.size).map((_, i) => (i === 0 ? 1 : 0)),
      mask,
      inputShape: [8],
      numClasses: 2,
      name: "cls",
    });
    const n0 = tf.memory().numTensors;
    for (const w of ["ew", "famo", "mgda"]) {
      const run = await base.fit(
        { cls: sparse, reg },
        { epochs: 1, batchSize: 4, sampler: "roundRobin", weighting: w, listeners: [] },
      );
      assert.equal(run.reason, "completed", w);
      for (const v of run.model.def.weights?.values() ?? [])
        assert.ok(
          v.values.every((x) => Number.isFinite(x)),
          w,
        );
    }
    assert.equal(tf.memory().numTensors, n0);
  });

  it("a strategy that throws in combineGradients leaks no tensors from the step", async () => {
    const boom = defineStrategy("boom", "sharedGradients", {}, () => ({
      needs: "sharedGradients" as const,
      variables: [],
      combineGradients: async () => {
        throw new Error("boom");
      },
      getState: () => ({}),
      setState: () => {},
      dispose: () => {},
    }));
    const n0 = tf.memory().numTensors;
    await assert.rejects(
      base.fit({ cls, reg }, { epochs: 1, batchSize: 16, weighting: boom, listeners: [] }),
      /boom/,
    );
    assert.equal(tf.memory().numTensors, n0);
  });

  it("the loop passes ctx.active: under a one-task sampler, uncertainty gives the absent task weight 0", async () => {
    const seen: { active?: boolean[]; weights: number[] }[] = [];
    const n0 = tf.memory().numTensors;
    await base.fit(
      { cls, reg },
      {
        epochs: 1,
        batchSize: 16,
        sampler: "roundRobin",
        weighting: recording(weighting.uncertainty(), seen),
        listeners: [],
      },
    );
    assert.equal(tf.memory().numTensors, n0);
    assert.ok(seen.length > 0);
    for (const { active, weights } of seen) {
      assert.ok(active, "ctx.active is passed");
      assert.equal(active.filter(Boolean).length, 1, "one task per step");
      active.forEach((a, i) => {
        if (a) assert.ok(weights[i] > 0);
        else assert.equal(weights[i], 0);
      });
    }
    // both tasks took part in some step
    assert.ok(seen.some((s) => s.active?.[0]) && seen.some((s) => s.active?.[1]));
  });

  it("early stopping restores the best epoch also after an interrupt and a resume (in memory and from disk)", async () => {
    // training loss falls, so "max" mode makes epoch 0 the best: stop after epoch 2, restore 0
    const opts: FitOptions<"cls" | "reg"> = {
      epochs: 6,
      batchSize: 16,
      seed: 3,
      lr: 0.05,
      earlyStopping: { monitor: "loss", mode: "max", patience: 2 },
      listeners: [],
    };
    const full = await base.fit({ cls, reg }, opts);
    assert.equal(full.reason, "earlyStopping");
    const ac = new AbortController();
    const part = await base.fit(
      { cls, reg },
      {
        ...opts,
        signal: ac.signal,
        listeners: [{ onEpochEnd: (log) => void (log.epoch === 1 && ac.abort()) }],
      },
    );
    assert.equal(part.reason, "interrupted");
    const same = (a: WeightMap | undefined, b: WeightMap | undefined) => {
      assert.ok(a && b);
      for (const [k, v] of a) assert.deepEqual(v.values, b.get(k)?.values, k);
    };
    const resumed = await part.resume({ cls, reg }, { listeners: [] });
    assert.equal(resumed.reason, "earlyStopping");
    same(resumed.model.def.weights, full.model.def.weights);
    const dir = await mkdtemp(join(tmpdir(), "polytask-review-"));
    try {
      await part.save(dir);
      const fromDisk = await (await Run.load<"cls" | "reg">(dir)).resume({ cls, reg }, opts);
      assert.equal(fromDisk.reason, "earlyStopping");
      same(fromDisk.model.def.weights, full.model.def.weights);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("an interrupt at an epoch's last step keeps that epoch's log (no empty, NaN epoch after resume)", async () => {
    const opts: FitOptions<"cls" | "reg"> = { epochs: 2, batchSize: 16, seed: 3, listeners: [] };
    const full = await base.fit({ cls, reg }, opts);
    const ac = new AbortController();
    const part = await base.fit(
      { cls, reg },
      {
        ...opts,
        signal: ac.signal,
        listeners: [
          {
            onStep: (e) =>
              void (e.epoch === 0 && e.stepInEpoch === e.stepsPerEpoch - 1 && ac.abort()),
          },
        ],
      },
    );
    assert.equal(part.reason, "interrupted");
    const resumed = await part.resume({ cls, reg }, { listeners: [] });
    assert.equal(resumed.history.length, 2);
    for (const k of ["loss", "loss/cls", "accuracy/cls", "loss/reg", "mae/reg"]) {
      const v = resumed.history[0][k];
      assert.ok(Number.isFinite(v), `${k} = ${v}`);
      assert.equal(v, full.history[0][k], k);
    }
    for (const [k, v] of full.model.def.weights ?? [])
      assert.deepEqual(v.values, resumed.model.def.weights?.get(k)?.values, k);
  });

  it("a bad earlyStopping option leaks no tensors and no SIGINT handler", async () => {
    const n0 = tf.memory().numTensors;
    const sigint = process.listenerCount("SIGINT");
    await assert.rejects(
      base.fit({ cls, reg }, { epochs: 1, earlyStopping: { monitor: "" }, listeners: [] }),
      /earlyStopping\.monitor/,
    );
    assert.equal(tf.memory().numTensors, n0);
    assert.equal(process.listenerCount("SIGINT"), sigint);
  });
});
