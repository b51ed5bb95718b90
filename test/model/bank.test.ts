/**
 * Head banks: the same-shaped heads of a task group stored as one kernel and bias give the same
 * initial weights, outputs, losses and per-task gradients as separate heads, for every step
 * function; weights leave the network under the members' own names; a checkpoint round-trips.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { model } from "../../src/api/model.js";
import { load } from "../../src/api/run.js";
import { fromArrays } from "../../src/data/from-arrays.js";
import { MultiTaskLoader, disposeStep } from "../../src/data/loader.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import { splitBank } from "../../src/model/heads/bank.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { regression } from "../../src/model/heads/regression.js";
import { Network } from "../../src/model/network.js";
import { computeStep, disposeStepResult } from "../../src/train/step.js";
import { weighting } from "../../src/train/weighting/index.js";
import type { WeightingStrategy } from "../../src/train/weighting/types.js";
import { Random } from "../../src/util/random.js";
import { useCpu } from "../train/helpers.js";

const TASKS = ["a", "b", "c", "r"];

function data() {
  const r = new Random(2);
  const n = 24;
  const x = Float32Array.from({ length: n * 6 }, () => r.normal());
  const cls = () => Int32Array.from({ length: n }, () => r.int(3));
  return fromArrays({
    x,
    y: { a: cls(), b: cls(), c: cls(), r: Float32Array.from({ length: n }, () => r.normal()) },
    // c misses some labels
    mask: { c: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1)) },
    inputShape: [6],
    numClasses: { a: 3, b: 3, c: 3 },
    labelKind: { r: "regression" },
  });
}

const m = model({ input: [6] })
  .backbone(mlp({ units: [5] }))
  .head("a", classifier(3))
  .head("b", classifier(3))
  .head("c", classifier(3))
  .head("r", regression(1));

describe("head banks", () => {
  before(useCpu);

  it("form for the same-shaped heads of a group only, with the members' initial weights", async () => {
    const banked = await Network.build(m.def, 3, { groups: [TASKS] });
    const plain = await Network.build(m.def, 3);
    assert.deepEqual(
      banked.banks.map((b) => b.tasks),
      [["a", "b", "c"]],
    );
    assert.ok(banked.params.some((p) => p.name === "head/a+b+c/bank/kernel"));
    const wb = await banked.snapshot();
    const wp = await plain.snapshot();
    assert.deepEqual([...wb.keys()].sort(), [...wp.keys()].sort());
    for (const [k, v] of wp) assert.deepEqual(wb.get(k)?.values, v.values, k);
    banked.dispose();
    plain.dispose();
  });

  // with r the bank is one head among others (per-task backward passes); without, the group is
  // one bank and representation gradients take one backward pass (train/bank-gradients.ts)
  const BANK_ONLY = ["a", "b", "c"];
  const m3 = model({ input: [6] })
    .backbone(mlp({ units: [5] }))
    .head("a", classifier(3))
    .head("b", classifier(3))
    .head("c", classifier(3));
  const cases: [WeightingStrategy<object>, string[], typeof m | typeof m3][] = [
    [weighting.ew(), TASKS, m],
    [weighting.pcgrad(), TASKS, m],
    [weighting.mgda({ mode: "representation" }), TASKS, m],
    [weighting.mgda({ mode: "representation" }), BANK_ONLY, m3],
    [weighting.pcgrad({ mode: "representation" }), BANK_ONLY, m3],
    [weighting.cagrad({ mode: "representation" }), BANK_ONLY, m3],
    // IMTL: a transformed loss per task (IMTL-L) and its learnable scales, summed over tasks
    [weighting.imtl({ mode: "representation" }), BANK_ONLY, m3],
  ];
  for (const [w, tasks, mdl] of cases) {
    it(`${w.name} (${w.needs}, ${tasks.join(",")}): same losses and per-task gradients as separate heads`, async () => {
      const all = data();
      const d = Object.fromEntries(tasks.map((t) => [t, all[t as keyof typeof all]]));
      const loader = new MultiTaskLoader(d, { batchSize: 24, seed: 1 });
      const [step] = [...loader.epoch(0)];
      const n0 = tf.memory().numTensors;
      const results = [];
      for (const groups of [[tasks], []]) {
        const net = await Network.build(mdl.def, 3, { groups });
        const instance = w.create(tasks, { seed: 0 });
        const res = await computeStep({
          net,
          tasks: tasks,
          step,
          trainable: net.trainableParams(),
          instance,
          ctx: { step: 0, epoch: 0, tasks: tasks, epochLosses: [], random: () => 0.5 },
          random: new Random(9),
          repDropout: 0,
        });
        // gradients by logical name: a bank's split into its members'
        const byName = new Map<string, Float32Array>();
        for (const [v, g] of res.grads) {
          const p = net.params.find((q) => q.variable === v);
          if (p) byName.set(p.name, Float32Array.from(g.dataSync()));
        }
        for (const b of net.banks) {
          const k = byName.get(b.kernel.name);
          const bi = byName.get(b.bias.name);
          if (!k || !bi) continue;
          for (const [name, v] of splitBank(b, k, bi)) byName.set(name, v.values);
          byName.delete(b.kernel.name);
          byName.delete(b.bias.name);
        }
        results.push({
          losses: Array.from(res.losses.dataSync()),
          grads: byName,
          weights: res.weights,
        });
        disposeStepResult(res);
        instance.dispose();
        net.dispose();
      }
      const [bk, pl] = results;
      for (let i = 0; i < tasks.length; i++)
        assert.ok(Math.abs(bk.losses[i] - pl.losses[i]) < 1e-5);
      assert.deepEqual([...bk.grads.keys()].sort(), [...pl.grads.keys()].sort());
      for (const [name, g] of pl.grads) {
        const h = bk.grads.get(name) as Float32Array;
        for (let i = 0; i < g.length; i++)
          assert.ok(Math.abs(g[i] - h[i]) < 1e-5, `${name}[${i}]: ${h[i]} vs ${g[i]}`);
      }
      if (Array.isArray(pl.weights))
        (pl.weights as number[]).forEach((x, i) =>
          assert.ok(Math.abs(x - (bk.weights as number[])[i]) < 1e-5),
        );
      disposeStep(step);
      assert.ok(tf.memory().numTensors <= n0, "no tensors left behind");
    });
  }

  it("a banked fit saves per-task weights and predicts the same after load", async () => {
    const run = await m.fit(data(), { epochs: 2, batchSize: 8, listeners: [] });
    const names = [...(run.model.def.weights?.keys() ?? [])];
    assert.ok(names.includes("head/b/out/kernel") && !names.some((n) => n.includes("bank")));
    const dir = await mkdtemp(join(tmpdir(), "polytask-bank-"));
    try {
      await run.save(dir);
      const back = await load(dir);
      const d = data();
      const p1 = await run.model.predict("b", d.b);
      const p2 = await back.model.predict("b", d.b);
      assert.deepEqual(p1.values, p2.values);
      // the banked run continues from the checkpoint exactly
      const r1 = await run.resume(d, { epochs: 3, listeners: [] });
      const r2 = await back.resume(d, { epochs: 3, listeners: [] });
      for (const [k, v] of r1.model.def.weights ?? [])
        assert.deepEqual(r2.model.def.weights?.get(k)?.values, v.values, k);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
