/**
 * Problems fit can know before training are reported before the first step, with typed errors
 * and no leaked tensors: evaluation batch sizes, schedules, an early-stopping key the run never
 * logs, an already-aborted signal (no step at all), an empty evaluation set.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as pt from "../../src/index.js";
import { toyTasks, useCpu } from "./helpers.js";

const { cls, reg } = toyTasks(32);
const base = pt
  .model({ input: [8] })
  .backbone(pt.backbones.mlp({ units: [8] }))
  .head("cls", pt.heads.classifier(2))
  .head("reg", pt.heads.regression(1));

/** fit with `opts` rejects as `check` says, before any step, leaking no tensor. */
async function rejectsAtStart(
  opts: Record<string, unknown>,
  check: (e: unknown) => boolean,
): Promise<void> {
  let steps = 0;
  const n0 = tf.memory().numTensors;
  await assert.rejects(
    base.fit({ cls, reg }, {
      epochs: 1,
      batchSize: 16,
      listeners: [{ onStep: () => void steps++ }],
      ...opts,
    } as never),
    (e: unknown) => {
      assert.ok(check(e), `${JSON.stringify(opts)}: ${e}`);
      return true;
    },
  );
  assert.equal(steps, 0, `${JSON.stringify(opts)}: steps ran before the error`);
  assert.equal(tf.memory().numTensors, n0, `${JSON.stringify(opts)}: tensors leaked`);
}

const config = (field: RegExp) => (e: unknown) =>
  e instanceof pt.ConfigError && field.test(String(e.field));

describe("fit checks before the first step", () => {
  before(useCpu);

  it(
    "evaluate and evalBatchSize: 0, '8', 1.5 and -1 are ConfigErrors, not hangs or wrong metrics",
    { timeout: 60_000 },
    async () => {
      const run = await base.fit({ cls, reg }, { epochs: 1, batchSize: 16, listeners: [] });
      for (const batchSize of [0, "8", 1.5, -1]) {
        await assert.rejects(
          run.evaluate({ cls }, { batchSize } as never),
          config(/batchSize/),
          String(batchSize),
        );
        await rejectsAtStart(
          { evalBatchSize: batchSize, validationSplit: 0.25 },
          config(/evalBatchSize/),
        );
      }
    },
  );

  it("an unknown or misspelt schedule fails at the start, not at step 1, and leaks nothing", async () => {
    await rejectsAtStart(
      { schedule: { type: "stepp", every: 1 } },
      (e) => e instanceof pt.UnknownNameError && /constant, step, cosine/.test(e.message),
    );
    await rejectsAtStart(
      { schedule: { type: "step", evry: 1 } },
      (e) => e instanceof pt.UnknownNameError && /schedule\.evry/.test(e.message),
    );
    await rejectsAtStart({ schedule: { type: "step", every: 0 } }, config(/schedule\.every/));
    await rejectsAtStart({ schedule: { type: "cosine", minLr: -1 } }, config(/schedule\.minLr/));
    await rejectsAtStart({ schedule: "cosine" }, config(/schedule/));
  });

  it("an earlyStopping monitor the run never logs is reported before the first epoch", async () => {
    await rejectsAtStart(
      { earlyStopping: { monitor: "val/cls/accuracy" } },
      (e) => config(/earlyStopping\.monitor/)(e) && /no validation data/.test(String(e)),
    );
    await rejectsAtStart(
      { earlyStopping: { monitor: "val/cls/acuracy" }, validationSplit: 0.25 },
      (e) => config(/earlyStopping\.monitor/)(e) && /val\/cls\/accuracy/.test(String(e)),
    );
    await rejectsAtStart(
      { earlyStopping: { monitor: "accuracy/reg" } },
      config(/earlyStopping\.monitor/),
    );
    // every key the run logs is accepted, analysis keys included
    const run = await base.fit(
      { cls, reg },
      {
        epochs: 1,
        batchSize: 16,
        validationSplit: 0.25,
        weighting: "pcgrad",
        analysis: { every: 1 },
        earlyStopping: { monitor: "cosine/cls/reg" },
        listeners: [],
      },
    );
    assert.ok("cosine/cls/reg" in run.history[0]);
    for (const monitor of Object.keys(run.history[0]))
      await base.fit(
        { cls, reg },
        {
          epochs: 1,
          batchSize: 16,
          validationSplit: 0.25,
          weighting: "pcgrad",
          analysis: { every: 1 },
          earlyStopping: { monitor },
          listeners: [],
        },
      );
  });

  it("an already-aborted signal runs no step and keeps the initial weights", async () => {
    const ac = new AbortController();
    ac.abort();
    let steps = 0;
    const run = await base.fit(
      { cls, reg },
      {
        epochs: 2,
        batchSize: 16,
        seed: 1,
        signal: ac.signal,
        listeners: [{ onStep: () => void steps++ }],
      },
    );
    assert.equal(steps, 0);
    assert.equal(run.reason, "interrupted");
    assert.equal(run.state.step, 0);
    // the initialisation fit starts from with this seed
    const fresh = await base.weights(1);
    assert.deepEqual([...(run.model.def.weights ?? [])], [...fresh]);
  });

  it("an empty evaluation set is a DataError, not NaN metrics", async () => {
    const run = await base.fit({ cls, reg }, { epochs: 1, batchSize: 16, listeners: [] });
    // a hand-made (or streamed) Dataset can be empty; fromArrays refuses to make one
    const empty = { ...cls, name: "none", size: 0, x: new Float32Array(0), y: new Int32Array(0) };
    await assert.rejects(run.evaluate({ cls: empty }), (e: unknown) => e instanceof pt.DataError);
    await rejectsAtStart({ validationData: { cls: empty } }, (e) => e instanceof pt.DataError);
  });
});
