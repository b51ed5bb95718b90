/**
 * Adding a task to a model trained on a task group: `run.model.head("new", ...)` keeps every
 * trained weight (the old heads predict as before), and the new task trains either as a new
 * member of the group (one input labelled for the old tasks and the new one: one backbone pass
 * per step) or as a unit of its own next to the old group; through a checkpoint too, with
 * the old parts frozen or at a lower learning rate.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { model } from "../../src/api/model.js";
import { load } from "../../src/api/run.js";
import { fromArrays } from "../../src/data/from-arrays.js";
import { unitsOf } from "../../src/data/group.js";
import type { Dataset } from "../../src/data/types.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { regression } from "../../src/model/heads/regression.js";
import type { WeightMap } from "../../src/model/spec.js";
import { countingMlp, toyGroup, toyTasks, useCpu } from "./helpers.js";

/** The old group's input labelled for a third task too: sign of x2. */
function withThird(g: { cls: Dataset; reg: Dataset }): Record<"cls" | "reg" | "sign", Dataset> {
  const x = g.cls.x as Float32Array;
  const n = g.cls.size;
  const sign = Int32Array.from({ length: n }, (_, i) => (x[i * 8 + 2] > 0 ? 1 : 0));
  return fromArrays({
    x,
    y: { cls: g.cls.y, reg: g.reg.y, sign },
    inputShape: [8],
    labelKind: { cls: "class", reg: "regression", sign: "class" },
    numClasses: { cls: 2, sign: 2 },
    name: "toy3",
  });
}

function same(a: WeightMap, b: WeightMap, prefix: string): void {
  for (const [k, v] of a) if (k.startsWith(prefix)) assert.deepEqual(b.get(k)?.values, v.values, k);
}

let dir: string;

describe("adding a task to a model trained on a task group", () => {
  before(async () => {
    await useCpu();
    dir = await mkdtemp(join(tmpdir(), "polytask-grouped-transfer-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));
  const group = toyGroup(64);
  const opts = { epochs: 2, batchSize: 16, seed: 3, lr: 0.01 } as const;

  it("a new member of the group: old heads intact, one backbone pass per step for three tasks", async () => {
    const n0 = tf.memory().numTensors;
    const passes = { n: 0 };
    const base = model({ input: [8] })
      .backbone(countingMlp(passes, { trainingOnly: true }))
      .head("cls", classifier(2))
      .head("reg", regression(1));
    const run = await base.fit(group, opts);
    const grown = run.model.head("sign", classifier(2));
    // nothing of the trained model changed by adding a head
    for (const t of ["cls", "reg"] as const) {
      const before = await run.model.predict(t, group[t]);
      const now = await grown.predict(t, group[t]);
      assert.deepEqual(now.values, before.values, t);
    }
    const three = withThird(group);
    assert.deepEqual(
      unitsOf(["cls", "reg", "sign"], three).map((u) => u.tasks),
      [["cls", "reg", "sign"]],
      "one unit: the group of three",
    );
    passes.n = 0;
    let steps = 0;
    const more = await grown
      .freeze("backbone", "cls", "reg")
      .fit(three, { ...opts, listeners: [{ onStep: () => void steps++ }] });
    assert.equal(passes.n, steps, "one backbone pass per step");
    const w0 = run.model.def.weights as WeightMap;
    const w1 = more.model.def.weights as WeightMap;
    same(w0, w1, "backbone/");
    same(w0, w1, "head/cls/");
    same(w0, w1, "head/reg/");
    assert.ok(more.history.at(-1)?.["loss/sign"] !== undefined);
    assert.ok(
      (more.history.at(-1)?.["loss/sign"] as number) <
        (more.history[0]["loss/sign"] as number) + 1e-9,
    );
    assert.equal(tf.memory().numTensors, n0);
  });

  it("a unit of its own next to the old group, after a checkpoint, at a lower backbone rate", async () => {
    const base = model({ input: [8] })
      .backbone(mlp({ units: [8] }))
      .head("cls", classifier(2))
      .head("reg", regression(1));
    const run = await base.fit(group, opts);
    await run.save(join(dir, "grouped"));
    const loaded = await load<"cls" | "reg">(join(dir, "grouped"));
    const grown = loaded.model.head("other", regression(1), { input: [5] });
    const other = toyTasks(40, 5, 9).reg;
    const data = { ...group, other };
    assert.deepEqual(
      unitsOf(["cls", "reg", "other"], data).map((u) => u.tasks),
      [["cls", "reg"], ["other"]],
      "the old group stays one unit, the new task is another",
    );
    const before = await loaded.model.predict("cls", group.cls);
    const same0 = await grown.predict("cls", group.cls);
    assert.deepEqual(same0.values, before.values, "the loaded weights carry over");
    const more = await grown.fit(data, { ...opts, lrMultipliers: { backbone: 0.1 } });
    assert.deepEqual(more.tasks, ["cls", "reg", "other"]);
    for (const k of ["loss/cls", "loss/reg", "loss/other"])
      assert.ok(Number.isFinite(more.history.at(-1)?.[k] as number), k);
    // and the grown run checkpoints and resumes like any other
    await more.save(join(dir, "grown"));
    const again = await load<"cls" | "reg" | "other">(join(dir, "grown"));
    const cont = await again.resume(data, { epochs: 3 });
    assert.equal(cont.history.length, 3);
  });
});
