/**
 * fit's option schema (src/train/fit-schema.ts): nested typos, range checks, plug-in and
 * schedule names, metric names, and that the checks run in `fit` before anything is built.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { model } from "../../src/api/model.js";
import { ConfigError, UnknownNameError } from "../../src/errors.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { regression } from "../../src/model/heads/regression.js";
import { FIT_OPTION_NAMES, checkFitOptions } from "../../src/train/fit-schema.js";
import { toyTasks, useCpu } from "./helpers.js";

const base = model({ input: [8] })
  .backbone(mlp({ units: [8] }))
  .head("cls", classifier(2))
  .head("reg", regression(1));

/** An UnknownNameError for the option at `field`, suggesting `hint`, listing `known`. */
const unknownOption = (field: string, hint: string, known: string) => (e: unknown) =>
  e instanceof UnknownNameError &&
  e.field === field &&
  e.message.startsWith(`fit: unknown option "${field}" (did you mean "${hint}"?).`) &&
  e.message.includes(known);

/** A ConfigError for `field` reading `expected ..., received ...`. */
const badValue = (field: string, expected: string, received: string) => (e: unknown) =>
  e instanceof ConfigError &&
  e.field === field &&
  e.message === `fit: option "${field}": expected ${expected}, received ${received}.`;

describe("fit options schema", () => {
  it("names exactly the FitOptions keys (also checked at compile time)", () => {
    assert.ok(FIT_OPTION_NAMES.includes("checkFinite"));
    assert.ok(FIT_OPTION_NAMES.includes("evalBatchSize"));
    assert.equal(new Set(FIT_OPTION_NAMES).size, FIT_OPTION_NAMES.length);
  });

  it("rejects typos inside nested objects, listing that object's keys", () => {
    const cases: [object, string, string, string][] = [
      [{ regularize: { l2SP: 10 } }, "regularize.l2SP", "l2sp", 'of "regularize": l1, l2, l2sp'],
      [
        { earlyStopping: { monitor: "loss", patince: 0 } },
        "earlyStopping.patince",
        "patience",
        'of "earlyStopping": monitor, patience, mode, minDelta, restoreBest',
      ],
      [{ analysis: { evrey: 1 } }, "analysis.evrey", "every", 'of "analysis": every, cosine'],
      [{ schedule: { type: "step", evry: 1 } }, "schedule.evry", "every", "every, gamma"],
      [{ checkpoint: { dir: "x", evry: 2 } }, "checkpoint.evry", "every", "dir, every, everySteps"],
      [
        { regularize: { l2sp: { backbon: 1 } } },
        "regularize.l2sp.backbon",
        "backbone",
        'of "regularize.l2sp": backbone, heads',
      ],
      [{ epoch: 3 }, "epoch", "epochs", "Known options: epochs, batchSize, seed"],
    ];
    for (const [opts, field, hint, known] of cases)
      assert.throws(() => checkFitOptions(opts), unknownOption(field, hint, known), field);
  });

  it("range-checks numbers with Expected/Received messages", () => {
    const cases: [object, string, string, string][] = [
      [{ lr: Number.NaN }, "lr", "a finite number", "NaN"],
      [{ lr: Number.POSITIVE_INFINITY }, "lr", "a finite number", "Infinity"],
      [{ lr: -1 }, "lr", "a number > 0", "-1"],
      [{ lr: 0 }, "lr", "a number > 0", "0"],
      [{ lr: "0.1" }, "lr", "a finite number", '"0.1"'],
      [{ clipNorm: 0 }, "clipNorm", "a number > 0", "0"],
      [{ clipNorm: -1 }, "clipNorm", "a number > 0", "-1"],
      [{ clipValue: 0 }, "clipValue", "a number > 0", "0"],
      [{ regularize: { dropout: 1.5 } }, "regularize.dropout", "a number < 1", "1.5"],
      [{ regularize: { l2: -1 } }, "regularize.l2", "a number >= 0", "-1"],
      [{ regularize: { l1: Number.NaN } }, "regularize.l1", "a finite number", "NaN"],
      [{ regularize: { l2sp: { heads: -1 } } }, "regularize.l2sp.heads", "a number >= 0", "-1"],
      [{ seed: "abc" }, "seed", "an integer", '"abc"'],
      [{ seed: 1.5 }, "seed", "an integer", "1.5"],
      [
        { earlyStopping: { monitor: "loss", patience: -1 } },
        "earlyStopping.patience",
        "an integer >= 0",
        "-1",
      ],
      [{ earlyStopping: { monitor: "" } }, "earlyStopping.monitor", "a non-empty string", '""'],
      [{ epochs: 0 }, "epochs", "an integer >= 1", "0"],
      [{ epochs: 1.5 }, "epochs", "an integer", "1.5"],
      [{ batchSize: 0 }, "batchSize", "an integer >= 1", "0"],
      [{ evalBatchSize: 0 }, "evalBatchSize", "an integer >= 1", "0"],
      [{ evalBatchSize: "8" }, "evalBatchSize", "an integer", '"8"'],
      [{ validationSplit: 1 }, "validationSplit", "a number < 1", "1"],
      [{ validationSplit: 0 }, "validationSplit", "a number > 0", "0"],
      [{ analysis: { every: -1 } }, "analysis.every", "an integer >= 0", "-1"],
      [{ checkpoint: { dir: "x", every: 0 } }, "checkpoint.every", "an integer >= 1", "0"],
      [{ schedule: { type: "step", every: 0 } }, "schedule.every", "an integer >= 1", "0"],
      [{ schedule: { type: "step", every: 1, gamma: -1 } }, "schedule.gamma", "a number > 0", "-1"],
      [{ schedule: { type: "cosine", minLr: -1 } }, "schedule.minLr", "a number >= 0", "-1"],
      [
        { schedule: { type: "constant", warmupSteps: 0.5 } },
        "schedule.warmupSteps",
        "an integer",
        "0.5",
      ],
      [{ verbose: "yes" }, "verbose", "true or false", '"yes"'],
    ];
    for (const [opts, field, expected, received] of cases)
      assert.throws(() => checkFitOptions(opts), badValue(field, expected, received), field);
  });

  it("accepts any finite lr > 0 (1e6 too) and valid nested options", () => {
    for (const opts of [
      { lr: 1e6 },
      { lr: 1e-12 },
      { regularize: { l1: 0, l2: 1e-4, l2sp: { backbone: 1e-3, heads: 0 }, dropout: 0.5 } },
      { earlyStopping: { monitor: "val/mean/accuracy", patience: 0, mode: "max" as const } },
      { schedule: { type: "step" as const, every: 2, gamma: 0.5, warmupSteps: 3 } },
      { analysis: { every: 5, cosine: true, affinity: false }, checkpoint: { dir: "d" } },
      { optimizer: "sgd", sampler: "uniform", weighting: "pcgrad", seed: -3 },
    ])
      assert.deepEqual(checkFitOptions(opts), opts);
  });

  it("schedule types, plug-in kinds and metric names are checked against their registries", () => {
    assert.throws(
      () => checkFitOptions({ schedule: { type: "stpe", every: 1 } }),
      (e: unknown) =>
        e instanceof UnknownNameError &&
        e.field === "schedule.type" &&
        e.message ===
          'fit: option "schedule.type": unknown schedule "stpe" (did you mean "step"?). Known schedule names: constant, step, cosine.',
    );
    assert.throws(
      () => checkFitOptions({ schedule: { every: 1 } }),
      badValue("schedule.type", 'one of "constant", "step", "cosine"', "nothing"),
    );
    assert.throws(
      () => checkFitOptions({ sampler: 3 }),
      (e: unknown) =>
        e instanceof ConfigError && e.field === "sampler" && /received 3\.$/.test(e.message),
    );
    assert.throws(
      () => checkFitOptions({ metrics: { cls: ["accuracy", "acurracy"] } }, base.def),
      (e: unknown) =>
        e instanceof UnknownNameError &&
        e.field === "metrics.cls.1" &&
        /unknown metric "acurracy" \(did you mean "accuracy"\?\)/.test(e.message),
    );
    assert.throws(
      () => checkFitOptions({ metrics: { clss: ["accuracy"] } }, base.def),
      (e: unknown) => e instanceof UnknownNameError && /Known task names: cls, reg/.test(e.message),
    );
    assert.deepEqual(checkFitOptions({ metrics: { cls: ["top1"] } }, base.def), {
      metrics: { cls: ["top1"] },
    });
    const typoHead = model({ input: [8] })
      .backbone(mlp({ units: [8] }))
      .head("cls", classifier(2, { metrics: ["acc"] }));
    assert.throws(
      () => checkFitOptions({}, typoHead.def),
      (e: unknown) =>
        e instanceof UnknownNameError &&
        /^Task "cls": head classifier\(2\): unknown metric "acc"/.test(e.message),
    );
  });

  it("a JSON config's nested errors carry its path", () => {
    assert.throws(
      () =>
        checkFitOptions({ regularize: { l2: -1 } }, undefined, { where: "config", prefix: "fit" }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.field === "fit.regularize.l2" &&
        e.message === 'config: option "fit.regularize.l2": expected a number >= 0, received -1.',
    );
  });
});

describe("fit runs the checks before building anything", () => {
  before(useCpu);
  const { cls, reg } = toyTasks(32);

  it("rejects bad options with no tensors and no SIGINT handler left behind", async () => {
    const n0 = tf.memory().numTensors;
    const sigint = process.listenerCount("SIGINT");
    for (const opts of [
      { regularize: { l2SP: 10 } },
      { earlyStopping: { monitor: "loss", patince: 0 } },
      { analysis: { evrey: 1 } },
      { schedule: { type: "step", evry: 1 } },
      { lr: Number.NaN },
      { clipNorm: 0 },
      { regularize: { dropout: 1.5 } },
      { seed: "abc" },
      { optimizer: "constructor" },
      { sampler: "toString" },
    ])
      await assert.rejects(
        base.fit({ cls, reg }, { ...opts, listeners: [] } as never),
        (e: unknown) => e instanceof ConfigError || e instanceof UnknownNameError,
        JSON.stringify(opts),
      );
    assert.equal(tf.memory().numTensors, n0);
    assert.equal(process.listenerCount("SIGINT"), sigint);
  });

  it("lr 1e6 is legal: it trains until the NaN stop, which keeps finite weights", async () => {
    const run = await base.fit(
      { cls, reg },
      {
        epochs: 2,
        batchSize: 8,
        optimizer: "sgd",
        lr: 1e6,
        weighting: "uncertainty",
        listeners: [],
      },
    );
    assert.equal(run.reason, "nanLoss");
    assert.equal(run.config.optimizer.config.lr, 1e6);
    for (const v of run.model.def.weights?.values() ?? [])
      assert.ok(v.values.every(Number.isFinite));
  });
});
