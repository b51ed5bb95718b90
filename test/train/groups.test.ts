/**
 * Task groups in training: one backbone pass per step whatever the number of tasks and the
 * strategy's needs, MGDA-UB on a group's shared representation against a hand-computed step,
 * the ConfigError across tasks that share no representation, masks within a group, grouped
 * validation, and exact resume of a grouped run.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { model } from "../../src/api/model.js";
import { fromArrays } from "../../src/data/from-arrays.js";
import type { Dataset } from "../../src/data/types.js";
import { ConfigError } from "../../src/errors.js";
import { arch } from "../../src/model/arch/index.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import type { Backbone } from "../../src/model/backbones/types.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { regression } from "../../src/model/heads/regression.js";
import { Network } from "../../src/model/network.js";
import type { WeightMap } from "../../src/model/spec.js";
import { weighting } from "../../src/train/weighting/index.js";
import { minNormFromGram } from "../../src/train/weighting/min-norm.js";
import { gramOfRows } from "../../src/util/linalg.js";
import { Random } from "../../src/util/random.js";
import { countingMlp, toyGroup, toyTasks, useCpu } from "./helpers.js";

/** K regression tasks on one input: y_k = x . u_k (+ noise-free). */
function kTasks(k: number, n = 32, dim = 6): Record<string, Dataset> {
  const r = new Random(7);
  const x = Float32Array.from({ length: n * dim }, () => r.normal());
  const y: Record<string, Float32Array> = {};
  for (let t = 0; t < k; t++) {
    const u = Array.from({ length: dim }, () => r.normal());
    y[`t${t}`] = Float32Array.from({ length: n }, (_, i) =>
      u.reduce((s, c, j) => s + c * x[i * dim + j], 0),
    );
  }
  const kinds = Object.fromEntries(Object.keys(y).map((t) => [t, "regression" as const]));
  return fromArrays({ x, y, inputShape: [dim], labelKind: kinds, name: "k" });
}

function kModel(k: number, backbone: Backbone<object>) {
  let m = model({ input: [6] }).backbone(backbone) as ReturnType<typeof model>;
  for (let t = 0; t < k; t++) m = m.head(`t${t}`, regression(1)) as typeof m;
  return m;
}

describe("task groups in training", () => {
  before(useCpu);

  for (const [label, w] of [
    ["ew (losses)", weighting.ew()],
    ["pcgrad (shared gradients)", weighting.pcgrad()],
    ["mgda (representation gradients)", weighting.mgda({ mode: "representation" })],
  ] as const) {
    it(`${label}: one backbone pass per step for 4 tasks of one input, 4 with group: false`, async () => {
      const data = kTasks(4);
      const grouped = { n: 0 };
      const steps = { n: 0 };
      await kModel(4, countingMlp(grouped)).fit(data as never, {
        epochs: 1,
        batchSize: 8,
        weighting: w,
        listeners: [{ onStep: () => void steps.n++ }],
      });
      // 32 samples / 8 per batch: 4 steps, one pass each (validation would add its own)
      assert.equal(steps.n, 4);
      assert.equal(grouped.n, 4);
      if (w.needs === "representationGradients") return; // needs the group
      const apart = { n: 0 };
      const apartSteps = { n: 0 };
      await kModel(4, countingMlp(apart)).fit(data as never, {
        epochs: 1,
        batchSize: 8,
        weighting: w,
        group: false,
        listeners: [{ onStep: () => void apartSteps.n++ }],
      });
      const perStep = w.needs === "losses" ? 1 : 4;
      assert.equal(apart.n, apartSteps.n * perStep);
    });
  }

  it("MGDA-UB on a group: min-norm weights of dL_i/dZ, backbone sum w_i dL_i/dZ, heads unweighted", async () => {
    const data = toyGroup(16);
    const m = model({ input: [8] })
      .backbone(mlp({ units: [5] }))
      .head("cls", classifier(2))
      .head("reg", regression(1));
    const lr = 0.1;
    const weights: number[][] = [];
    const run = await m.fit(data, {
      epochs: 1,
      batchSize: 16,
      optimizer: "sgd",
      lr,
      seed: 4,
      weighting: weighting.mgda({ mode: "representation" }),
      listeners: [{ onStep: (e) => void weights.push([e.weights.cls, e.weights.reg]) }],
    });
    // the same step by hand, with tf.grads on the initial weights
    const net = await Network.build(m.def, 4);
    const before = await net.snapshot();
    const batch = { x: tf.tensor2d(data.cls.x as Float32Array, [16, 8]) };
    const yc = tf.tensor1d(data.cls.y as Int32Array, "int32");
    const yr = tf.tensor2d(data.reg.y as Float32Array, [16, 1]);
    const z = net.represent("cls", batch.x, { training: true });
    const lossOf = (t: "cls" | "reg", rep: tf.Tensor) =>
      tf.mean(
        net.head(t).loss(net.headOutput(t, rep, { training: true }), t === "cls" ? yc : yr),
      ) as tf.Scalar;
    const dz = (["cls", "reg"] as const).map((t) =>
      Array.from(
        tf
          .grad((r: tf.Tensor) => lossOf(t, r))(z)
          .dataSync(),
      ),
    );
    const w = minNormFromGram(gramOfRows(dz));
    assert.ok(
      Math.abs(weights[0][0] - w[0]) < 1e-5 && Math.abs(weights[0][1] - w[1]) < 1e-5,
      `${weights[0]} vs ${w}`,
    );
    // backbone: gradient of sum_i w_i L_i; heads: their own unweighted gradient
    const vars = net.trainableParams();
    const { grads: gb } = tf.variableGrads(
      () =>
        tf.add(
          tf.mul(lossOf("cls", net.represent("cls", batch.x, { training: true })), w[0]),
          tf.mul(lossOf("reg", net.represent("reg", batch.x, { training: true })), w[1]),
        ) as tf.Scalar,
      vars.filter((p) => p.shared).map((p) => p.variable),
    );
    const after = run.model.def.weights as WeightMap;
    const check = (name: string, g: tf.Tensor) => {
      const b0 = before.get(name)?.values as Float32Array;
      const a1 = after.get(name)?.values as Float32Array;
      const gv = g.dataSync();
      for (let i = 0; i < gv.length; i++)
        assert.ok(Math.abs(b0[i] - lr * gv[i] - a1[i]) < 1e-5, `${name}[${i}]`);
    };
    for (const p of vars.filter((q) => q.shared)) check(p.name, gb[p.variable.name]);
    for (const t of ["cls", "reg"] as const) {
      const own = vars.filter((p) => p.task === t).map((p) => p.variable);
      const { grads } = tf.variableGrads(
        () => lossOf(t, net.represent(t, batch.x, { training: true })),
        own,
      );
      for (const p of vars.filter((q) => q.task === t)) check(p.name, grads[p.variable.name]);
    }
    net.dispose();
  });

  it("representation mode across tasks that share no representation is a ConfigError at fit start", async () => {
    const { cls, reg } = toyTasks(32);
    const m = model({ input: [8] })
      .backbone(mlp({ units: [8] }))
      .head("cls", classifier(2))
      .head("reg", regression(1));
    const n0 = tf.memory().numTensors;
    await assert.rejects(
      m.fit({ cls, reg }, { weighting: weighting.mgda({ mode: "representation" }), listeners: [] }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /tasks cls, reg/.test(e.message) &&
        /mode: "shared"/.test(e.message) &&
        /2 sampling units/.test(e.message),
    );
    await assert.rejects(
      m.architecture(arch.mmoe({ experts: 2, expertUnits: 4 })).fit(toyGroup(32), {
        weighting: weighting.pcgrad({ mode: "representation" }),
        listeners: [],
      }),
      (e: unknown) => e instanceof ConfigError && /its own representation/.test(e.message),
    );
    assert.equal(tf.memory().numTensors, n0);
  });

  it("MMoE, PLE and cross-stitch train a group on its shared input", async () => {
    for (const a of [
      arch.mmoe({ experts: 2, expertUnits: 4 }),
      arch.ple({ levels: 1 }),
      arch.crossStitch(),
    ]) {
      const counter = { n: 0 };
      const m = model({ input: [8] })
        .backbone(countingMlp(counter))
        .head("cls", classifier(2))
        .head("reg", regression(1))
        .architecture(a);
      const run = await m.fit(toyGroup(32), {
        epochs: 2,
        batchSize: 16,
        weighting: "pcgrad",
        listeners: [],
      });
      assert.equal(run.reason, "completed");
      assert.ok(run.history[1]["loss/reg"] < run.history[0]["loss/reg"] * 1.05, a.kind);
    }
  });

  it("masks within a group: a member without labels in a batch takes no part in that step", async () => {
    const { cls, reg } = toyGroup(16);
    // reg labelled on one sample only: exactly one of the two batches holds it
    const mask = Array.from({ length: 16 }, (_, i) => (i === 5 ? 1 : 0));
    const g = fromArrays({
      x: cls.x,
      y: { cls: cls.y, reg: reg.y },
      mask: { reg: mask },
      inputShape: [8],
      labelKind: { reg: "regression" },
      numClasses: { cls: 2 },
    });
    const m = model({ input: [8] })
      .backbone(mlp({ units: [8] }))
      .head("cls", classifier(2))
      .head("reg", regression(1));
    const seen: string[][] = [];
    const weights: Record<string, number>[] = [];
    const run = await m.fit(g, {
      epochs: 1,
      batchSize: 8,
      seed: 1,
      weighting: "uncertainty",
      listeners: [
        {
          onStep: (e) => {
            seen.push(Object.keys(e.losses).sort());
            weights.push({ ...e.weights });
          },
        },
      ],
    });
    assert.equal(run.reason, "completed");
    assert.deepEqual(seen.map((k) => k.join(",")).sort(), ["cls", "cls,reg"]);
    // the absent member gets no weight in its step
    assert.ok(weights.some((w) => !("reg" in w)));
    for (const v of (run.model.def.weights as WeightMap).values())
      assert.ok(v.values.every(Number.isFinite));
  });

  it("validationSplit holds out the same samples for every member (one pass per group)", async () => {
    const counter = { n: 0 };
    const m = model({ input: [8] })
      .backbone(countingMlp(counter))
      .head("cls", classifier(2))
      .head("reg", regression(1));
    const run = await m.fit(toyGroup(40), {
      epochs: 1,
      batchSize: 32,
      validationSplit: 0.2,
      listeners: [],
    });
    // 32 training samples: one step, one pass; 8 validation samples: one batch, one pass
    assert.equal(counter.n, 2);
    assert.ok(Number.isFinite(run.history[0]["val/cls/accuracy"]));
    assert.ok(Number.isFinite(run.history[0]["val/reg/mae"]));
  });

  it("a grouped run interrupted mid-epoch and resumed ends bitwise where an uninterrupted one does", async () => {
    const data = toyGroup(48);
    const m = model({ input: [8] })
      .backbone(mlp({ units: [8], dropout: 0.2 }))
      .head("cls", classifier(2))
      .head("reg", regression(1));
    const opts = { epochs: 2, batchSize: 8, seed: 5, weighting: "dwa", listeners: [] } as const;
    const full = await m.fit(data, opts);
    const ac = new AbortController();
    let k = 0;
    const part = await m.fit(data, {
      ...opts,
      signal: ac.signal,
      listeners: [{ onStep: () => void (++k === 4 && ac.abort()) }],
    });
    assert.equal(part.reason, "interrupted");
    const resumed = await part.resume(data, { listeners: [] });
    assert.equal(resumed.reason, "completed");
    for (const [name, v] of full.model.def.weights as WeightMap)
      assert.deepEqual(v.values, resumed.model.def.weights?.get(name)?.values, name);
    assert.deepEqual(
      resumed.history,
      full.history.map((h, i) => ({ ...h, time: resumed.history[i].time })),
    );
  });
});
