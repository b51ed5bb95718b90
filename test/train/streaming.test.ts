/**
 * Training on streamed data (`datasets.fromParquet`): a streamed fit interrupted mid-epoch,
 * saved, loaded and resumed ends bitwise equal to the uninterrupted streamed fit (cpu), with an
 * in-memory task mixed in and streamed validation data; the sources' buffers stay bounded
 * during fit; a streamed group makes one backbone pass per step; evaluate and predict read
 * streamed data in file order (equal to the same data in memory); bad input fails clearly; no
 * tensor leaks.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { model } from "../../src/api/model.js";
import { load } from "../../src/api/run.js";
import { fromParquet } from "../../src/data/sources/parquet.js";
import { writeParquetShards } from "../../src/data/stream/parquet-write.js";
import type { SampleSource, StreamTable, StreamedDataset } from "../../src/data/stream/types.js";
import { ConfigError, DataError } from "../../src/errors.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { regression } from "../../src/model/heads/regression.js";
import type { WeightMap } from "../../src/model/spec.js";
import type { FitOptions } from "../../src/train/options.js";
import { weighting } from "../../src/train/weighting/index.js";
import { countingMlp, numTensors, toyGroup, toyTasks, useCpu } from "./helpers.js";

type G = { cls: StreamedDataset; reg: StreamedDataset };

function sameWeights(a: WeightMap | undefined, b: WeightMap | undefined): void {
  assert.ok(a && b);
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [k, v] of a) assert.deepEqual(v.values, b.get(k)?.values, k);
}

/** The same streamed datasets over a table that records every source it opens. */
function watched(g: G): { data: G; sources: SampleSource[] } {
  const t = g.cls.table;
  const sources: SampleSource[] = [];
  const table: StreamTable = {
    name: t.name,
    size: t.size,
    labels: t.labels,
    files: t.files,
    source(o) {
      const s = t.source(o);
      sources.push(s);
      return s;
    },
  };
  return { data: { cls: { ...g.cls, table }, reg: { ...g.reg, table } }, sources };
}

const three = model({ input: [8] })
  .backbone(mlp({ units: [12], dropout: 0.2 }))
  .head("cls", classifier(2))
  .head("reg", regression(1))
  .head("other", classifier(2));

let dir: string;
let train: G;
let val: G;
const memory = toyGroup(96);

describe("training on streamed data", () => {
  before(async () => {
    await useCpu();
    dir = await mkdtemp(join(tmpdir(), "polytask-streamfit-"));
    // 96 rows in 3 shards of row groups of 10 (the last of each shard shorter)
    await writeParquetShards(memory, {
      dir: join(dir, "train"),
      rowsPerShard: 40,
      rowGroupSize: 10,
    });
    await writeParquetShards(toyGroup(24, 8, 9), { dir: join(dir, "val"), rowGroupSize: 8 });
    const labels = { cls: "cls", reg: "reg" };
    train = await fromParquet(join(dir, "train"), { features: "x", labels, bufferSize: 16 });
    val = await fromParquet(join(dir, "val"), { features: "x", labels });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("resumed mid-epoch from a checkpoint, a streamed fit continues exactly (bitwise on cpu)", async () => {
    const other = toyTasks(40, 8, 3).cls;
    const opts: FitOptions<"cls" | "reg" | "other"> = {
      epochs: 3,
      batchSize: 16,
      seed: 3,
      lr: 0.02,
      sampler: "temperature",
      validationData: val,
      regularize: { dropout: 0.1 },
    };
    const tensors = numTensors();
    const w = watched(train);
    const held: number[] = [];
    const full = await three.fit(
      { ...w.data, other },
      { ...opts, listeners: [{ onStep: () => void held.push(w.sources[0].stats().held) }] },
    );
    assert.equal(full.reason, "completed");
    // one training source (buffer 16 = capacity, row groups of 10): never more than 16 + 10 held
    assert.ok(Math.max(...held) <= 26, `held at most ${Math.max(...held)}`);
    assert.ok(w.sources[0].stats().maxHeld <= 26);
    assert.ok(full.history[2]["val/cls/accuracy"] >= 0);
    const ac = new AbortController();
    let k = 0;
    const stepsPerEpoch = Math.ceil((96 + 40) / 16);
    const part = await three.fit(
      { ...train, other },
      {
        ...opts,
        signal: ac.signal,
        listeners: [{ onStep: () => void (++k === stepsPerEpoch + 3 && ac.abort()) }],
      },
    );
    assert.equal(part.reason, "interrupted");
    assert.equal(part.state.epoch, 1, "mid-epoch 1");
    await part.save(join(dir, "mid"));
    const done = await (await load<"cls" | "reg" | "other">(join(dir, "mid"))).resume(
      { ...train, other },
      { validationData: val },
    );
    assert.equal(done.reason, "completed");
    assert.equal(done.state.step, full.state.step);
    sameWeights(done.model.def.weights, full.model.def.weights);
    assert.deepEqual(done.history[2]["val/reg/loss"], full.history[2]["val/reg/loss"]);
    assert.equal(numTensors(), tensors, "no tensor leaks");
  });

  it("a streamed group makes one backbone pass per step (losses and shared gradients)", async () => {
    for (const wgt of [weighting.ew(), weighting.pcgrad()]) {
      const passes = { n: 0 };
      const steps = { n: 0 };
      await model({ input: [8] })
        .backbone(countingMlp(passes))
        .head("cls", classifier(2))
        .head("reg", regression(1))
        .fit(train, {
          epochs: 1,
          batchSize: 32,
          weighting: wgt,
          listeners: [{ onStep: () => void steps.n++ }],
        });
      assert.equal(steps.n, 3, "96 samples of the group / 32");
      assert.equal(passes.n, steps.n, wgt.name);
    }
  });

  it("evaluate and predict read streamed data in file order: equal to the same data in memory", async () => {
    const m = model({ input: [8] })
      .backbone(mlp({ units: [6] }))
      .head("cls", classifier(2))
      .head("reg", regression(1));
    const run = await m.fit(memory, { epochs: 1, batchSize: 32 });
    const tensors = numTensors();
    assert.deepEqual(
      await run.evaluate(train, { batchSize: 20 }),
      await run.evaluate(memory, { batchSize: 20 }),
    );
    const a = await run.model.predict("reg", train.reg, 20);
    const b = await run.model.predict("reg", memory.reg, 20);
    assert.deepEqual(a.values, b.values);
    assert.equal(numTensors(), tensors);
  });

  it("bad input: validationSplit, classes, shapes and a label outside the classes", async () => {
    const m = model({ input: [8] })
      .backbone(mlp({ units: [4] }))
      .head("cls", classifier(2));
    const tensors = numTensors();
    await assert.rejects(
      m.fit({ cls: train.cls }, { validationSplit: 0.2 }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.field === "validationSplit" &&
        e.task === "cls" &&
        /validationData/.test(e.message),
    );
    const wide = model({ input: [4] })
      .backbone(mlp({ units: [4] }))
      .head("cls", classifier(2));
    await assert.rejects(
      wide.fit({ cls: train.cls }),
      (e: unknown) => e instanceof DataError && e.field === "inputShape",
    );
    const few = await fromParquet(join(dir, "train"), { features: "x", label: "cls" });
    await assert.rejects(
      model({ input: [8] })
        .backbone(mlp({ units: [4] }))
        .head("cls", classifier(1))
        .fit({ cls: few }),
      (e: unknown) => e instanceof DataError && e.field === "numClasses" && e.task === "cls",
    );
    // the metadata says 2 classes; claiming 1 makes every label 1 a bad value when decoded
    const lying = await fromParquet(join(dir, "train"), {
      features: "x",
      label: "cls",
      numClasses: 1,
    });
    await assert.rejects(
      model({ input: [8] })
        .backbone(mlp({ units: [4] }))
        .head("cls", classifier(1))
        .fit({ cls: lying }),
      (e: unknown) =>
        e instanceof DataError &&
        e.task === "train" && // the dataset (its folder's name), as the message says
        e.field === "cls" &&
        e.value === 1 &&
        typeof e.index === "number" &&
        /part-\d+\.parquet$/.test(e.file ?? "") &&
        /^Dataset "train": column "cls" at row \d+ of part-\d+\.parquet \(row group \d+\) is 1, outside 0\.\.0/.test(
          e.message,
        ),
    );
    assert.equal(numTensors(), tensors, "a failed fit leaks nothing");
  });
});
