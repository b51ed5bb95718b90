/** Checkpoints: exact resume after an interrupt or at an epoch boundary; seed determinism. */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { model } from "../../src/api/model.js";
import { Run, load } from "../../src/api/run.js";
import { useBackend } from "../../src/backend/select.js";
import { CheckpointError } from "../../src/errors.js";
import { convNet } from "../../src/model/backbones/convNet.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { regression } from "../../src/model/heads/regression.js";
import { type WeightMap, specToJSON } from "../../src/model/spec.js";
import { writeCheckpoint } from "../../src/train/checkpoint.js";
import type { FitOptions } from "../../src/train/options.js";
import { toyTasks, useCpu } from "./helpers.js";

const base = model({ input: [8] })
  .backbone(mlp({ units: [16], dropout: 0.2 }))
  .head("cls", classifier(2))
  .head("reg", regression(1));

function sameWeights(a: WeightMap | undefined, b: WeightMap | undefined): void {
  assert.ok(a && b);
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [k, v] of a) assert.deepEqual(v.values, b.get(k)?.values, k);
}

let dir: string;

describe("checkpoints and determinism", () => {
  before(async () => {
    await useCpu();
    dir = await mkdtemp(join(tmpdir(), "polytask-resume-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));
  const { cls, reg } = toyTasks(64);
  const opts: FitOptions<"cls" | "reg"> = {
    epochs: 4,
    batchSize: 16,
    seed: 5,
    lr: 0.01,
    weighting: "uncertainty",
    sampler: "temperature",
    validationSplit: 0.25,
    regularize: { l2sp: 0.01, dropout: 0.1 },
    schedule: { type: "cosine", warmupSteps: 2 },
  };

  it("resumes exactly after an interrupt mid-epoch (save, load, resume)", async () => {
    const full = await base.fit({ cls, reg }, opts);
    const ac = new AbortController();
    let k = 0;
    const part = await base.fit(
      { cls, reg },
      { ...opts, signal: ac.signal, listeners: [{ onStep: () => void (++k === 7 && ac.abort()) }] },
    );
    assert.equal(part.reason, "interrupted");
    await part.save(join(dir, "mid"));
    const loaded = await load<"cls" | "reg">(join(dir, "mid"));
    const done = await loaded.resume({ cls, reg });
    assert.equal(done.reason, "completed");
    assert.equal(done.state.step, full.state.step);
    sameWeights(done.model.def.weights, full.model.def.weights);
    assert.deepEqual(done.history[3]["val/cls/loss"], full.history[3]["val/cls/loss"]);
    // in memory too: the fired signal is not carried over
    const inMemory = await part.resume({ cls, reg });
    assert.equal(inMemory.reason, "completed");
    sameWeights(inMemory.model.def.weights, full.model.def.weights);
  });

  it("continues at an epoch boundary with more epochs, in memory", async () => {
    const full = await base.fit({ cls, reg }, { ...opts, schedule: undefined });
    const two = await base.fit({ cls, reg }, { ...opts, schedule: undefined, epochs: 2 });
    const more = await two.resume({ cls, reg }, { epochs: 4 });
    sameWeights(more.model.def.weights, full.model.def.weights);
    assert.deepEqual(
      more.history,
      full.history.map((h, i) => ({ ...h, time: more.history[i].time })),
    );
  });

  it("rejects a checkpoint of another architecture and a missing checkpoint with typed errors", async () => {
    const run = await base.fit({ cls, reg }, { epochs: 1, batchSize: 32 });
    const other = await model({ input: [8] })
      .backbone(mlp({ units: [4] }))
      .head("cls", classifier(2))
      .head("reg", regression(1))
      .fit({ cls, reg }, { epochs: 1, batchSize: 32 });
    // a consistent checkpoint (checksums match) whose spec is not the weights' architecture
    await writeCheckpoint(join(dir, "b"), {
      spec: specToJSON(run.model.def),
      weights: other.model.def.weights as WeightMap,
      state: other.state,
    });
    await assert.rejects(
      Run.load(join(dir, "b")),
      (e: unknown) =>
        e instanceof CheckpointError &&
        /weights\.json$/.test(e.file) &&
        /another architecture/.test(e.message),
    );
    await assert.rejects(
      Run.load(join(dir, "nowhere")),
      (e: unknown) => e instanceof CheckpointError && /does not exist/.test(e.message),
    );
    await assert.rejects(run.resume({ cls }), /trained tasks cls, reg; resume got cls/);
  });

  it("replaces an existing checkpoint and leaves no temporary or old version behind", async () => {
    const run = await base.fit({ cls }, { epochs: 1, batchSize: 32 });
    await mkdir(join(dir, "atomic"), { recursive: true });
    await run.save(join(dir, "atomic"));
    await run.save(join(dir, "atomic"));
    const names = await readdir(join(dir, "atomic"));
    assert.deepEqual(names, ["v0000000002"]);
    assert.deepEqual((await load(join(dir, "atomic"))).history, run.history);
  });

  it("cpu and wasm start from identical weights and agree within float tolerance", async () => {
    const o = { epochs: 2, batchSize: 8, seed: 11 } as const;
    const onCpu = await base.fit({ cls, reg }, o);
    const init = (await import("../../src/model/network.js")).Network;
    const cpuNet = await init.build(base.def, 4);
    const cpuInit = await cpuNet.snapshot();
    cpuNet.dispose();
    await useBackend("wasm", { quiet: true });
    try {
      const wasmNet = await init.build(base.def, 4);
      sameWeights(await wasmNet.snapshot(), cpuInit);
      wasmNet.dispose();
      const onWasm = await base.fit({ cls, reg }, o);
      let maxDiff = 0;
      for (const [k, v] of onCpu.model.def.weights as WeightMap) {
        const w = onWasm.model.def.weights?.get(k)?.values as Float32Array;
        for (let i = 0; i < w.length; i++)
          maxDiff = Math.max(maxDiff, Math.abs(w[i] - v.values[i]));
      }
      assert.ok(maxDiff < 1e-3, `max |cpu - wasm| = ${maxDiff}`);
    } finally {
      await useCpu();
    }
  });

  for (const backend of ["cpu", "wasm"] as const) {
    it(`the same seed gives bit-identical weights on ${backend}`, async () => {
      await useBackend(backend, { quiet: true });
      try {
        const n0 = tf.memory().numTensors;
        const conv = model({ input: [4, 4, 1] })
          .backbone(convNet({ filters: [2], dense: 4, dropout: 0.2 }))
          .head("a", classifier(2));
        const x = Float32Array.from({ length: 32 * 16 }, (_, i) => Math.sin(i));
        const { fromArrays } = await import("../../src/data/from-arrays.js");
        const a = fromArrays({
          x,
          y: Int32Array.from({ length: 32 }, (_, i) => i % 2),
          inputShape: [4, 4, 1],
        });
        const o = { epochs: 2, batchSize: 8, seed: 11, weighting: "uncertainty" } as const;
        const r1 = await base.fit({ cls, reg }, o);
        const r2 = await base.fit({ cls, reg }, o);
        sameWeights(r1.model.def.weights, r2.model.def.weights);
        const r3 = await base.fit({ cls, reg }, { ...o, seed: 12 });
        assert.notDeepEqual(
          r3.model.def.weights?.get("backbone/dense0/kernel"),
          r1.model.def.weights?.get("backbone/dense0/kernel"),
        );
        const c1 = await conv.fit({ a }, { epochs: 1, batchSize: 8, seed: 3 });
        const c2 = await conv.fit({ a }, { epochs: 1, batchSize: 8, seed: 3 });
        sameWeights(c1.model.def.weights, c2.model.def.weights);
        assert.equal(tf.memory().numTensors, n0);
      } finally {
        await useCpu();
      }
    });
  }
});
