import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { model } from "../../src/api/model.js";
import { fromArrays } from "../../src/data/from-arrays.js";
import { proportional } from "../../src/data/samplers/proportional.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { regression } from "../../src/model/heads/regression.js";
import { Network } from "../../src/model/network.js";
import type { WeightMap } from "../../src/model/spec.js";
import { interruptTarget } from "../../src/notebook/host.js";
import { setDefaultListeners } from "../../src/train/defaults.js";
import type { StepEvent, TrainingListener } from "../../src/train/events.js";
import { mgda } from "../../src/train/weighting/mgda.js";
import { pcgrad } from "../../src/train/weighting/pcgrad.js";
import { toyGroup, toyTasks, useCpu } from "./helpers.js";

const base = model({ input: [8] })
  .backbone(mlp({ units: [16] }))
  .head("cls", classifier(2))
  .head("reg", regression(1));

function distance(a: WeightMap, b: WeightMap, prefix: string): number {
  let s = 0;
  for (const [k, v] of a) {
    if (!k.startsWith(prefix)) continue;
    const w = b.get(k)?.values as Float32Array;
    for (let i = 0; i < v.values.length; i++) s += (v.values[i] - w[i]) ** 2;
  }
  return Math.sqrt(s);
}

async function initialWeights(): Promise<WeightMap> {
  const net = await Network.build(base.def, 0);
  const w = net.snapshot();
  net.dispose();
  return w;
}

describe("training loop", () => {
  before(useCpu);
  const { cls, reg } = toyTasks(64);

  it("trains with every kind of weighting need (losses, shared and representation gradients)", async () => {
    const n0 = tf.memory().numTensors;
    // famo observes the losses after each step; dwa reads the epoch losses from the context
    for (const w of [
      "ew",
      "uncertainty",
      "famo",
      "dwa",
      pcgrad(),
      mgda({ mode: "representation" }),
    ]) {
      const events: StepEvent[] = [];
      // representation-level gradients need the tasks of one input (a task group)
      const rep = typeof w !== "string" && w.needs === "representationGradients";
      const run = await base.fit(rep ? toyGroup(96) : { cls, reg }, {
        epochs: 4,
        batchSize: 16,
        lr: 0.01,
        weighting: w,
        listeners: [{ onStep: (e) => void events.push(e) }],
      });
      const h = run.history;
      const name = typeof w === "string" ? w : w.name;
      assert.ok(h[3]["loss/reg"] < h[0]["loss/reg"], `${name}: reg loss drops`);
      assert.ok(h[3]["loss/cls"] < h[0]["loss/cls"], `${name}: cls loss drops`);
      for (const k of [
        "loss",
        "loss/cls",
        "accuracy/cls",
        "weight/cls",
        "mae/reg",
        "weight/reg",
        "lr",
        "time",
        "step",
      ])
        assert.ok(k in h[0], `${name}: ${k} logged`);
      assert.ok(events.length > 0 && Object.keys(events[0].weights).length > 0);
    }
    // a frozen backbone leaves nothing shared to balance: heads still train
    const frozen = await base
      .freeze("backbone")
      .fit({ cls, reg }, { epochs: 2, batchSize: 16, lr: 0.01, weighting: pcgrad() });
    assert.ok(frozen.history[1]["loss/reg"] < frozen.history[0]["loss/reg"]);
    assert.equal(tf.memory().numTensors, n0);
  });

  it("uses masked partial labels only where present", async () => {
    const mask = new Uint8Array(cls.size).map((_, i) => (i % 2 ? 1 : 0));
    const y = Int32Array.from(cls.y as Int32Array);
    for (let i = 0; i < y.length; i++) if (!mask[i]) y[i] = 0;
    const partial = fromArrays({
      x: cls.x as Float32Array,
      y,
      inputShape: [8],
      numClasses: 2,
      mask,
      name: "partial",
    });
    const n0 = tf.memory().numTensors;
    const run = await base.fit(
      { cls: partial, reg },
      { epochs: 2, batchSize: 16, validationData: { cls: partial } },
    );
    assert.equal(tf.memory().numTensors, n0);
    assert.ok(Number.isFinite(run.history[1]["loss/cls"]));
    assert.ok(Number.isFinite(run.history[1]["val/cls/accuracy"]));
  });

  it("L2-SP keeps weights closer to theta0 than training without it", async () => {
    const theta0 = await initialWeights();
    const opts = { epochs: 5, batchSize: 16, lr: 0.03, seed: 0 };
    const free = await base.fit({ cls, reg }, opts);
    const sp = await base.fit(
      { cls, reg },
      { ...opts, regularize: { l2sp: { backbone: 1, heads: 1 } } },
    );
    const dFree = distance(free.model.def.weights as WeightMap, theta0, "backbone/");
    const dSp = distance(sp.model.def.weights as WeightMap, theta0, "backbone/");
    assert.ok(dSp < dFree * 0.8, `L2-SP distance ${dSp} vs ${dFree}`);
    const hFree = distance(free.model.def.weights as WeightMap, theta0, "head/");
    const hSp = distance(sp.model.def.weights as WeightMap, theta0, "head/");
    assert.ok(hSp < hFree, `heads: ${hSp} vs ${hFree}`);
    // L1 and L2 also run
    const l12 = await base.fit(
      { cls, reg },
      { ...opts, epochs: 1, regularize: { l1: 1e-3, l2: 1e-3, dropout: 0.2 } },
    );
    assert.equal(l12.reason, "completed");
  });

  it("early stopping on val/mean/<metric> stops and restores the best epoch", async () => {
    const run = await base.fit(
      { cls, reg },
      {
        epochs: 40,
        batchSize: 16,
        lr: 0.05,
        validationSplit: 0.25,
        earlyStopping: { monitor: "val/mean/loss", patience: 2 },
      },
    );
    const h = run.history;
    assert.equal(run.reason, "earlyStopping");
    assert.ok(h.length < 40);
    const vals = h.map((l) => l["val/mean/loss"]);
    const best = vals.indexOf(Math.min(...vals));
    assert.equal(best, h.length - 3, "stopped patience epochs after the best");
    // the restored model evaluates to the best epoch's validation loss
    const again = await run.model.fit(
      { cls, reg },
      { epochs: 1, batchSize: 16, lr: 1e-12, validationSplit: 0.25 },
    );
    assert.ok(
      Math.abs(again.history[0]["val/mean/loss"] - vals[best]) < 1e-3,
      `${again.history[0]["val/mean/loss"]} vs ${vals[best]}`,
    );
    await assert.rejects(
      base.fit({ cls }, { epochs: 1, earlyStopping: { monitor: "val/cls/nope" } }),
      /is never logged by this run.*Logged keys/,
    );
  });

  it("stops at a step boundary on AbortSignal and on a kernel interrupt, with a consistent model", async () => {
    const n0 = tf.memory().numTensors;
    const ac = new AbortController();
    let steps = 0;
    const stopAt3: TrainingListener = {
      onStep: () => {
        if (++steps === 3) ac.abort();
      },
    };
    const run = await base.fit(
      { cls, reg },
      { epochs: 3, batchSize: 16, signal: ac.signal, listeners: [stopAt3] },
    );
    assert.equal(run.reason, "interrupted");
    assert.equal(run.state.step, 3);
    assert.equal(run.history.length, 0);
    const ev = await run.evaluate({ cls, reg });
    assert.ok(Number.isFinite(ev.tasks.cls?.loss));
    let k = 0;
    const viaKernel = await base.fit(
      { cls, reg },
      {
        epochs: 3,
        batchSize: 16,
        listeners: [
          {
            onStep: () =>
              void (++k === 5 && interruptTarget().dispatchEvent(new Event("interrupt"))),
          },
        ],
      },
    );
    assert.equal(viaKernel.reason, "interrupted");
    assert.equal(viaKernel.state.step, 5);
    let j = 0;
    const viaSigint = await base.fit(
      { cls, reg },
      {
        epochs: 3,
        batchSize: 16,
        listeners: [{ onStep: () => void (++j === 4 && process.emit("SIGINT")) }],
      },
    );
    assert.equal(viaSigint.reason, "interrupted");
    assert.match(viaSigint.message ?? "", /SIGINT/);
    assert.equal(viaSigint.state.step, 4);
    assert.equal(process.listenerCount("SIGINT"), 0, "the SIGINT handler is removed after fit");
    assert.equal(tf.memory().numTensors, n0);
  });

  it("stops on a NaN loss with the last good weights, naming the task", async () => {
    // targets of 1e20 make the squared error overflow float32: the loss becomes Infinity
    const y = Float32Array.from(reg.y as Float32Array, (v, i) => (i === 40 ? 1e20 : v));
    const bad = fromArrays({
      x: reg.x as Float32Array,
      y,
      inputShape: [8],
      labelKind: "regression",
      name: "bad",
    });
    const run = await base.fit(
      { cls, reg: bad },
      { epochs: 2, batchSize: 16, sampler: "roundRobin" },
    );
    assert.equal(run.reason, "nanLoss");
    assert.match(run.message ?? "", /Task "reg": the loss became (NaN|Infinity)/);
    for (const v of (run.model.def.weights as WeightMap).values())
      assert.ok(v.values.every(Number.isFinite));
  });

  it("rejects unknown optimizer and weighting names, listing valid ones", async () => {
    await assert.rejects(
      base.fit({ cls }, { optimizer: "adamax" }),
      /Known optimizer names: sgd, adam, adamw/,
    );
    await assert.rejects(
      base.fit({ cls }, { weighting: "nope" }),
      /Known weighting strategy names: ew/,
    );
    // a misspelt option (from plain JavaScript or a JSON config) is an error, not ignored
    await assert.rejects(
      base.fit({ cls }, { epoch: 3 } as never),
      /fit: unknown option "epoch" \(did you mean "epochs"\?\)\. Known options: epochs, batchSize/,
    );
  });

  it("optimizers, schedules and clipping all train", async () => {
    for (const opts of [
      { optimizer: "sgd", lr: 0.05, schedule: { type: "step" as const, every: 1, gamma: 0.5 } },
      {
        optimizer: "adamw",
        lr: 0.01,
        schedule: { type: "cosine" as const, warmupSteps: 3 },
        clipNorm: 1,
      },
      { optimizer: "adam", lr: 0.01, clipValue: 0.1 },
    ]) {
      const run = await base.fit({ cls, reg }, { epochs: 3, batchSize: 16, ...opts });
      assert.ok(run.history[2].loss < run.history[0].loss, JSON.stringify(opts));
    }
    const lrs = (
      await base.fit(
        { cls },
        { epochs: 3, optimizer: "sgd", lr: 0.1, schedule: { type: "step", every: 1, gamma: 0.5 } },
      )
    ).history.map((h) => h.lr);
    assert.deepEqual(lrs, [0.1, 0.05, 0.025]);
  });

  it("no tensor growth over 200 steps", async () => {
    const n0 = tf.memory().numTensors;
    const counts: number[] = [];
    const run = await base.fit(
      { cls, reg },
      {
        epochs: 25,
        batchSize: 8,
        weighting: "uncertainty",
        regularize: { l2sp: 0.01 },
        listeners: [{ onStep: () => void counts.push(tf.memory().numTensors) }],
      },
    );
    assert.ok(run.state.step >= 200, `${run.state.step} steps`);
    assert.equal(
      Math.max(...counts.slice(10)),
      Math.min(...counts.slice(10)),
      "flat during training",
    );
    assert.equal(tf.memory().numTensors, n0);
  });
});

describe("default listeners", () => {
  before(useCpu);
  it("attaches the installed default listeners unless listeners are given", async () => {
    const { cls } = toyTasks(32);
    let begins = 0;
    setDefaultListeners(() => [{ onTrainBegin: () => void begins++ }]);
    try {
      await base.fit({ cls }, { epochs: 1, batchSize: 16 });
      await base.fit({ cls }, { epochs: 1, batchSize: 16, listeners: [] });
    } finally {
      setDefaultListeners(undefined);
    }
    assert.equal(begins, 1);
  });
});

describe("training-time analysis", () => {
  before(useCpu);
  it("samples gradient cosine (step events, epoch logs) and task affinity", async () => {
    const { cls, reg } = toyTasks(48);
    const n0 = tf.memory().numTensors;
    const cos: (readonly (readonly number[])[])[] = [];
    const run = await base.fit(
      { cls, reg },
      {
        epochs: 2,
        batchSize: 16,
        sampler: proportional({ mode: "all" }),
        analysis: { every: 2, affinity: true },
        listeners: [{ onStep: (e) => void (e.gradientCosine && cos.push(e.gradientCosine)) }],
      },
    );
    assert.ok(cos.length >= 2);
    const h = run.history[1];
    for (const k of ["cosine/cls/reg", "affinity/cls/reg"]) assert.ok(k in h, `${k} logged`);
    assert.ok(
      Math.abs(h["cosine/cls/cls"] - 1) < 1e-5,
      "a task's gradient has cosine 1 with itself",
    );
    assert.ok(h["cosine/cls/reg"] >= -1 && h["cosine/cls/reg"] <= 1);
    assert.equal(tf.memory().numTensors, n0);
  });
});
