/**
 * The NaN stop is honest: an update that makes the weights (or the strategy's weights)
 * non-finite is rolled back with everything the step changed (weights, batch-norm statistics,
 * optimizer slots, strategy state, RNGs), `fit` resolves with reason "nanLoss" and finite
 * weights, and the result saves and loads.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as pt from "../../src/index.js";
import { toyTasks, useCpu } from "./helpers.js";

const { cls, reg } = toyTasks(48);
const base = pt
  .model({ input: [8] })
  .backbone(pt.backbones.mlp({ units: [8], batchNorm: true }))
  .head("cls", pt.heads.classifier(2))
  .head("reg", pt.heads.regression(1));

function allFinite(run: pt.Run): boolean {
  for (const v of (run.model.def.weights ?? new Map()).values())
    if (!v.values.every(Number.isFinite)) return false;
  return true;
}

let dir: string;

describe("the NaN stop", () => {
  before(async () => {
    await useCpu();
    dir = await mkdtemp(join(tmpdir(), "polytask-nan-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("an update that blows the weights up (sgd, lr 1e6, uncertainty) stops with finite weights that save and load", async () => {
    const n0 = tf.memory().numTensors;
    const run = await base.fit(
      { cls, reg },
      {
        epochs: 3,
        batchSize: 8,
        optimizer: "sgd",
        lr: 1e6,
        weighting: "uncertainty",
        seed: 3,
        listeners: [],
      },
    );
    assert.equal(run.reason, "nanLoss");
    assert.match(run.message ?? "", /non-finite|became (NaN|Infinity|-Infinity)/);
    assert.ok(allFinite(run), "the returned weights are finite");
    const w = run.state.weighting as { logVariances: number[] };
    assert.ok(w.logVariances.every(Number.isFinite), "the strategy's state is finite");
    await run.save(join(dir, "nan"));
    const back = await pt.load(join(dir, "nan"));
    assert.ok(allFinite(back));
    assert.equal(tf.memory().numTensors, n0);
  });

  it("rolls back everything the step changed: the same state as a run stopped just before it", async () => {
    const opts = {
      epochs: 3,
      batchSize: 8,
      optimizer: "sgd",
      lr: 1e6,
      weighting: "uncertainty",
      seed: 3,
      listeners: [],
    } as const;
    const nan = await base.fit({ cls, reg }, opts);
    assert.equal(nan.reason, "nanLoss");
    assert.ok(allFinite(nan));
    const k = nan.state.step;
    const ac = new AbortController();
    let steps = 0;
    const cut = await base.fit(
      { cls, reg },
      {
        ...opts,
        signal: ac.signal,
        listeners: [{ onStep: () => void (++steps === k && ac.abort()) }],
      },
    );
    assert.equal(cut.reason, "interrupted");
    assert.equal(cut.state.step, k);
    const plain = (r: pt.Run) => ({
      weights: [...(r.model.def.weights ?? new Map())],
      optimizer: r.state.optimizer,
      weighting: r.state.weighting,
      random: r.state.random,
      weightingRandom: r.state.weightingRandom,
    });
    // weights include the batch-norm moving statistics
    assert.deepEqual(plain(nan), plain(cut));
  });

  it("a loss that overflows stops too, and the stop never rejects", async () => {
    const y = Float32Array.from(reg.y as Float32Array, (v, i) => (i === 5 ? 1e30 : v));
    const bad = pt.datasets.fromArrays({
      x: reg.x as Float32Array,
      y,
      inputShape: [8],
      labelKind: "regression",
      name: "bad",
    });
    for (const weighting of ["ew", "dwa", "pcgrad"]) {
      const run = await base.fit(
        { cls, reg: bad },
        { epochs: 2, batchSize: 8, weighting, listeners: [] },
      );
      assert.equal(run.reason, "nanLoss", weighting);
      assert.ok(allFinite(run), weighting);
    }
  });
});
