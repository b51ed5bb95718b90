import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { model } from "../../src/api/model.js";
import { ConfigError, UnknownNameError } from "../../src/errors.js";
import { deltaM } from "../../src/eval/deltaM.js";
import { auc, binaryAuc } from "../../src/eval/metrics/auc.js";
import { accuracy, macroF1, topK } from "../../src/eval/metrics/classification.js";
import { resolveMetric } from "../../src/eval/metrics/registry.js";
import { mae, r2, rmse } from "../../src/eval/metrics/regression.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { regression } from "../../src/model/heads/regression.js";
import { toyTasks, useCpu } from "../train/helpers.js";

const close = (a: number, b: number, eps = 1e-6) =>
  assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

describe("metrics", () => {
  before(useCpu);
  // 4 samples, 3 classes
  const probs = Float32Array.from([0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.2, 0.5, 0.3, 0.5, 0.1, 0.4]);
  const labels = Int32Array.from([0, 1, 1, 2]);

  it("accuracy and top-k", () => {
    close(accuracy.compute(probs, labels, 4, 3), 0.5); // predictions 0, 2, 1, 0
    close(topK(2).compute(probs, labels, 4, 3), 1); // 1 is 2nd in row 1; 2 is 2nd in row 3
    close(topK(1).compute(probs, labels, 4, 3), 0.5);
  });

  it("macro-F1 averages per-class F1", () => {
    // class 0: tp1 fp1 fn0 -> 2/3; class 1: tp1 fp0 fn1 -> 2/3; class 2: tp0 fp1 fn1 -> 0
    close(macroF1.compute(probs, labels, 4, 3), (2 / 3 + 2 / 3 + 0) / 3);
  });

  it("AUC is the rank statistic (ties count half) and one-vs-rest for classes", () => {
    close(binaryAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 0.75);
    close(binaryAuc([0.5, 0.5], [false, true]), 0.5);
    assert.ok(Number.isNaN(binaryAuc([0.1, 0.2], [true, true])));
    const v = auc.compute(probs, labels, 4, 3);
    assert.ok(v > 0 && v <= 1);
    // multi-label: perfect ranking
    close(
      auc.compute(Float32Array.from([0.9, 0.1, 0.2, 0.8]), Float32Array.from([1, 0, 0, 1]), 2, 2),
      1,
    );
  });

  it("MAE, RMSE and R^2", () => {
    const pred = Float32Array.from([1, 2, 3, 5]);
    const y = Float32Array.from([1, 2, 3, 4]);
    close(mae.compute(pred, y, 4, 1), 0.25);
    close(rmse.compute(pred, y, 4, 1), 0.5);
    close(r2.compute(pred, y, 4, 1), 1 - 1 / 5);
  });

  it("resolves names, top<k>, and lists known names for unknown ones", () => {
    assert.equal(resolveMetric("top3").name, "top3");
    assert.throws(
      () => resolveMetric("f2"),
      (e: unknown) => e instanceof UnknownNameError && /accuracy/.test(e.message),
    );
  });

  it("delta-m: mean signed relative change vs baselines, in percent", () => {
    const d = deltaM(
      { a: { accuracy: 0.9 }, b: { mae: 1.1 } },
      { a: { accuracy: 1 }, b: { mae: 1 } },
    );
    close(d, (100 * (-0.1 + -0.1)) / 2);
  });

  it("Run.evaluate gives per-task metrics, means and delta-m; table() and plot() render the history", async () => {
    const { cls, reg } = toyTasks(48);
    const n0 = tf.memory().numTensors;
    const run = await model({ input: [8] })
      .backbone(mlp({ units: [8] }))
      .head("cls", classifier(2))
      .head("reg", regression(1))
      .fit({ cls, reg }, { epochs: 2, batchSize: 16 });
    const ev = await run.evaluate({ cls, reg }, { baselines: { cls: { accuracy: 0.5 } } });
    assert.ok(ev.tasks.cls && "accuracy" in ev.tasks.cls && "macroF1" in ev.tasks.cls);
    assert.ok(ev.tasks.reg && "rmse" in ev.tasks.reg && "r2" in ev.tasks.reg);
    assert.ok("loss" in ev.mean);
    close(ev.deltaM as number, (100 * ((ev.tasks.cls?.accuracy as number) - 0.5)) / 0.5);
    const pred = await run.model.predict("cls", cls);
    assert.deepEqual(pred.shape, [48, 2]);
    const hits = (pred.classes as Int32Array).filter((c, i) => c === cls.y[i]).length;
    close(hits / 48, ev.tasks.cls?.accuracy as number);
    // options are checked before any batch runs: batch size, unknown keys, metric names
    for (const [opts, field] of [
      [{ batchSize: 0 }, "batchSize"],
      [{ batchSize: "8" }, "batchSize"],
      [{ batchsize: 8 }, "batchsize"],
      [{ metrics: { cls: ["accuracy", "acuracy"] } }, "metrics.cls.1"],
      [{ metrics: { cls: ["toString"] } }, "metrics.cls.0"],
    ] as const)
      await assert.rejects(
        run.evaluate({ cls }, opts as never),
        (e: unknown) =>
          (e instanceof ConfigError || e instanceof UnknownNameError) &&
          e.field === field &&
          e.message.startsWith("evaluate: "),
        field,
      );
    const table = run.table();
    assert.equal(table.shape[0], 2);
    const fig = run.plot();
    assert.ok(Array.isArray(fig.data) && fig.data.length > 0);
    assert.equal(tf.memory().numTensors, n0);
  });
});
