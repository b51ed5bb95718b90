/**
 * Fine-tuning options: `accumulate: n` updates like one step on an n-times larger batch (EW,
 * cpu), `lrMultipliers` scale each part's rate (with delays and warm-ups), both survive an
 * interrupt mid-window and resume exactly through a checkpoint, and bad values are typed errors.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { model } from "../../src/api/model.js";
import { load } from "../../src/api/run.js";
import { uniform } from "../../src/data/samplers/uniform.js";
import { ConfigError, UnknownNameError } from "../../src/errors.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { regression } from "../../src/model/heads/regression.js";
import { Network } from "../../src/model/network.js";
import type { WeightMap } from "../../src/model/spec.js";
import { sgd } from "../../src/train/optimizers/sgd.js";
import type { FitOptions } from "../../src/train/options.js";
import { toyTasks, useCpu } from "./helpers.js";

const base = model({ input: [8] })
  .backbone(mlp({ units: [12, 6] }))
  .head("cls", classifier(2))
  .head("reg", regression(1));

function maxDiff(a: WeightMap, b: WeightMap, only?: (name: string) => boolean): number {
  let m = 0;
  for (const [k, v] of a) {
    if (only && !only(k)) continue;
    const w = b.get(k)?.values as Float32Array;
    for (let i = 0; i < v.values.length; i++) m = Math.max(m, Math.abs(v.values[i] - w[i]));
  }
  return m;
}

/** Change of each weight from `w0` to `w1`, flattened by name. */
function delta(w0: WeightMap, w1: WeightMap, name: string): Float32Array {
  const a = w0.get(name)?.values as Float32Array;
  const b = w1.get(name)?.values as Float32Array;
  return b.map((x, i) => x - a[i]);
}

let dir: string;

describe("gradient accumulation and discriminative learning rates", () => {
  before(async () => {
    await useCpu();
    dir = await mkdtemp(join(tmpdir(), "polytask-finetune-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));
  const { cls, reg } = toyTasks(64);
  const all = { sampler: uniform({ mode: "all" }), weighting: "ew", seed: 2 } as const;

  it("accumulate: 4 x batch 8 updates like batch 32 (EW), and unlike 4 plain steps", async () => {
    const n0 = tf.memory().numTensors;
    const opts = { ...all, epochs: 3, optimizer: sgd({ lr: 0.05, momentum: 0.9 }) };
    const big = await base.fit({ cls, reg }, { ...opts, batchSize: 32 });
    const acc = await base.fit({ cls, reg }, { ...opts, batchSize: 8, accumulate: 4 });
    const plain = await base.fit({ cls, reg }, { ...opts, batchSize: 8 });
    const wb = big.model.def.weights as WeightMap;
    const d = maxDiff(acc.model.def.weights as WeightMap, wb);
    assert.ok(d < 1e-5, `accumulated vs large batch: max |dw| = ${d}`);
    assert.ok(maxDiff(plain.model.def.weights as WeightMap, wb) > 1e-3, "plain small steps differ");
    assert.equal(acc.state.step, 24, "steps count batches");
    assert.equal(acc.state.accumulator, undefined, "windows close at each epoch's end");
    assert.equal(acc.config.accumulate, 4);
    assert.equal(tf.memory().numTensors, n0);
  });

  it("a window left open by an epoch end applies its mean (6 batches, accumulate 4)", async () => {
    // 48 samples, batch 8: 6 steps per epoch = one window of 4 and one of 2
    const small = toyTasks(48);
    const opts = { ...all, epochs: 1, optimizer: sgd({ lr: 0.05, momentum: 0 }) };
    const acc = await base.fit(small, { ...opts, batchSize: 8, accumulate: 4 });
    const two = await base.fit(small, { ...opts, batchSize: 32 });
    // batch 32 over 48 samples: 32 then 16, the same two windows
    const d = maxDiff(acc.model.def.weights as WeightMap, two.model.def.weights as WeightMap);
    assert.ok(d < 1e-5, `partial window: max |dw| = ${d}`);
  });

  it("lrMultipliers scale each part's update; delaySteps hold it, warmupSteps ramp it", async () => {
    const opts = { ...all, epochs: 1, batchSize: 64, optimizer: sgd({ lr: 0.1, momentum: 0 }) };
    const net = await Network.build(base.def, all.seed); // fit's initial weights
    const w0 = await net.snapshot();
    net.dispose();
    const one = (await base.fit({ cls, reg }, opts)).model.def.weights as WeightMap;
    const scaled = (
      await base.fit({ cls, reg }, { ...opts, lrMultipliers: { backbone: 0.25, "head:reg": 0 } })
    ).model.def.weights as WeightMap;
    const k = "backbone/dense0/kernel";
    const full = delta(w0, one, k);
    const quarter = delta(w0, scaled, k);
    full.forEach((x, i) => assert.ok(Math.abs(quarter[i] - 0.25 * x) < 1e-6, `${k}[${i}]`));
    assert.ok(full.some((x) => Math.abs(x) > 1e-4));
    assert.deepEqual(
      scaled.get("head/reg/out/kernel")?.values,
      w0.get("head/reg/out/kernel")?.values,
    );
    const h = "head/cls/out/kernel";
    const dh = delta(w0, scaled, h);
    delta(w0, one, h).forEach((x, i) => assert.ok(Math.abs(dh[i] - x) < 1e-6, `${h}[${i}]`));
    // a glob, with the last matching key winning: only dense1 of the backbone moves
    const glob = (
      await base.fit(
        { cls, reg },
        { ...opts, lrMultipliers: { backbone: 0, "backbone/dense1/*": 1 } },
      )
    ).model.def.weights as WeightMap;
    assert.deepEqual(glob.get(k)?.values, w0.get(k)?.values);
    assert.notDeepEqual(
      glob.get("backbone/dense1/kernel")?.values,
      w0.get("backbone/dense1/kernel")?.values,
    );
    // delay 2, warm-up 4: the backbone's factors over steps 0..3 are 0, 0, 0.25, 0.5
    const four = { ...all, epochs: 1, batchSize: 16, optimizer: sgd({ lr: 0.1, momentum: 0 }) };
    const events: number[] = [];
    const delayed = await base.fit(
      { cls, reg },
      {
        ...four,
        epochs: 1,
        lrMultipliers: { backbone: { multiplier: 1, delaySteps: 2, warmupSteps: 4 } },
        listeners: [{ onStep: (e) => void events.push(e.step) }],
      },
    );
    assert.deepEqual(events, [0, 1, 2, 3]);
    const frozen = await base.fit(
      { cls, reg },
      { ...four, epochs: 1, lrMultipliers: { backbone: 0 } },
    );
    assert.notDeepEqual(delayed.model.def.weights?.get(k)?.values, w0.get(k)?.values);
    assert.ok(
      maxDiff(delayed.model.def.weights as WeightMap, frozen.model.def.weights as WeightMap, (n) =>
        n.startsWith("backbone"),
      ) > 0,
    );
    // two steps (batch 32) end inside the delay: the backbone has not moved, the heads have
    const held = (
      await base.fit(
        { cls, reg },
        { ...four, batchSize: 32, lrMultipliers: { backbone: { multiplier: 1, delaySteps: 2 } } },
      )
    ).model.def.weights as WeightMap;
    assert.equal(
      maxDiff(held, w0, (n) => n.startsWith("backbone")),
      0,
    );
    assert.ok(maxDiff(held, w0, (n) => n.startsWith("head")) > 1e-4);
  });

  it("resumes exactly from an interrupt inside a window, with multipliers, through a checkpoint", async () => {
    const n0 = tf.memory().numTensors;
    const opts: FitOptions<"cls" | "reg"> = {
      ...all,
      epochs: 2,
      batchSize: 8,
      lr: 0.01,
      accumulate: 3,
      lrMultipliers: { backbone: { multiplier: 0.3, delaySteps: 1, warmupSteps: 5 }, reg: 2 },
      regularize: { l2sp: 0.01 },
      clipNorm: 1,
    };
    const full = await base.fit({ cls, reg }, opts);
    const ac = new AbortController();
    let k = 0;
    const part = await base.fit(
      { cls, reg },
      { ...opts, signal: ac.signal, listeners: [{ onStep: () => void (++k === 5 && ac.abort()) }] },
    );
    assert.equal(part.reason, "interrupted");
    assert.equal(part.state.accumulator?.count, 2, "interrupted with 2 of 3 steps summed");
    await part.save(join(dir, "mid"));
    const loaded = await load<"cls" | "reg">(join(dir, "mid"));
    assert.equal(loaded.state.accumulator?.count, 2);
    const done = await loaded.resume({ cls, reg });
    assert.equal(done.state.step, full.state.step);
    assert.equal(
      maxDiff(done.model.def.weights as WeightMap, full.model.def.weights as WeightMap),
      0,
    );
    assert.equal(tf.memory().numTensors, n0);
  });

  it("bad values are typed errors naming the option", async () => {
    const fit = (o: FitOptions<"cls" | "reg">) => base.fit({ cls, reg }, { epochs: 1, ...o });
    await assert.rejects(
      fit({ lrMultipliers: { backbon: 0.1 } }),
      (e: unknown) => e instanceof ConfigError && e.field === "lrMultipliers.backbon",
    );
    await assert.rejects(
      fit({ lrMultipliers: { backbone: -1 } }),
      (e: unknown) => e instanceof ConfigError && e.field === "lrMultipliers.backbone",
    );
    await assert.rejects(
      fit({ lrMultipliers: { backbone: { multiplier: 1, warmup: 3 } as never } }),
      (e: unknown) => e instanceof UnknownNameError && /warmup/.test(e.message),
    );
    for (const bad of [0, 1.5, "2"])
      await assert.rejects(
        fit({ accumulate: bad as number }),
        (e: unknown) => e instanceof ConfigError && e.field === "accumulate",
        String(bad),
      );
  });
});
