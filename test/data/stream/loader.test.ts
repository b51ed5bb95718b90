/**
 * The loader over streamed units: a streamed group is one unit read through one source (labels
 * and masks travel with their samples), mixed with in-memory units; bounded buffers; exact
 * resume mid-epoch with a prefetch in flight; clear errors for sync iteration and for a state of
 * another kind of data; close.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { fromArrays } from "../../../src/data/from-arrays.js";
import { type LoaderState, MultiTaskLoader, disposeStep } from "../../../src/data/loader.js";
import { samplers } from "../../../src/data/samplers/index.js";
import { fromParquet } from "../../../src/data/sources/parquet.js";
import type { Step } from "../../../src/data/types.js";
import { ConfigError } from "../../../src/errors.js";
import { writeTable } from "./fixtures.js";

await tf.setBackend("cpu");

// 95 rows in 10 row groups (3 files): row id has x = [id, -id], c = id % 5, d = id % 3 (null
// where id % 4 == 3)
const { dir } = writeTable({ files: [40, 30, 25], rowGroupSize: 10 });
const g = await fromParquet(dir, {
  features: ["a", "b"],
  labels: { five: "c", three: "d" },
  bufferSize: 20,
});
const mem = fromArrays({
  x: Array.from({ length: 30 }, (_, i) => [1000 + i, 0]),
  y: Array.from({ length: 30 }, (_, i) => i % 2),
  name: "mem",
});
const loaders: MultiTaskLoader[] = [];
const make = (...a: ConstructorParameters<typeof MultiTaskLoader>) => {
  const l = new MultiTaskLoader(...a);
  loaders.push(l);
  return l;
};
after(async () => {
  for (const l of loaders) await l.close();
});

/** A step as { task: [x, y, mask] } plain arrays; disposes it. */
function read(step: Step): Record<string, number[][]> {
  const out: Record<string, number[][]> = {};
  for (const [t, b] of Object.entries(step))
    out[t] = [
      Array.from(b!.x.dataSync()),
      Array.from(b!.y.dataSync()),
      b!.mask ? Array.from(b!.mask.dataSync()) : [],
    ];
  disposeStep(step);
  return out;
}

async function epochs(l: MultiTaskLoader, from: number, to: number) {
  const out: Record<string, number[][]>[] = [];
  for (let e = from; e < to; e++) for await (const s of l.epoch(e)) out.push(read(s));
  return out;
}

describe("the loader over streamed units", () => {
  it("a streamed group is one unit over one source; labels and masks travel; the buffer is bounded", async () => {
    const tensors = tf.memory().numTensors;
    const l = make({ five: g.five, three: g.three, mem }, { batchSize: 8, seed: 1, mode: "all" });
    assert.deepEqual(
      l.units.map((u) => [u.name, u.tasks, u.size]),
      [
        ["five+three", ["five", "three"], 95],
        ["mem", ["mem"], 30],
      ],
    );
    assert.equal(l.stepsPerEpoch, Math.ceil(95 / 8), "from the source's size");
    const seen: number[] = [];
    let masked = 0;
    for await (const step of l.epoch(0)) {
      assert.equal(step.five!.x, step.three!.x, "one input tensor for the group");
      assert.equal(step.five!.unit, "five+three");
      const r = read(step);
      const ids = r.five[0].filter((_, i) => i % 2 === 0);
      seen.push(...ids);
      assert.deepEqual(
        r.five[1],
        ids.map((id) => id % 5),
      );
      ids.forEach((id, k) => {
        const present = id % 4 !== 3;
        if (r.three[2].length) assert.equal(r.three[2][k], present ? 1 : 0);
        else assert.ok(present);
        if (present) assert.equal(r.three[1][k], id % 3);
        else masked++;
      });
      assert.ok(r.mem[0].every((v, i) => i % 2 === 1 || v >= 1000));
      const held = l.sourceStats()["five+three"];
      assert.ok(held.held <= 20 + 10, `held ${held.held}`);
    }
    assert.deepEqual(
      seen.sort((a, b) => a - b),
      Array.from({ length: 95 }, (_, i) => i),
      "one pass over the table per epoch",
    );
    assert.equal(masked, 23, "ids 3, 7, ..., 91");
    assert.ok(l.sourceStats()["five+three"].maxHeld <= 30, "buffer (20) + one row group (10)");
    assert.deepEqual(Object.keys(l.sourceStats()), ["five+three"], "in-memory units have none");
    assert.equal(tf.memory().numTensors, tensors);
  });

  it("resumes exactly mid-epoch with a prefetch in flight ('one' mode, mixed units)", async () => {
    const opts = { batchSize: 6, seed: 4, sampler: samplers.temperature(2), epochs: 3 };
    const want = await epochs(make({ five: g.five, three: g.three, mem }, opts), 0, 3);
    const a = make({ five: g.five, three: g.three, mem }, opts);
    const got: Record<string, number[][]>[] = [];
    let k = 0;
    for await (const s of a.epoch(0)) {
      got.push(read(s));
      if (++k === 5) break; // the prefetched sixth step is discarded
    }
    for await (const s of a.epoch(0)) got.push(read(s)); // continues after the consumed steps
    k = 0;
    for await (const s of a.epoch(1)) {
      got.push(read(s));
      if (++k === 7) break;
    }
    const saved = JSON.parse(JSON.stringify(a.getState())) as LoaderState;
    assert.equal(saved.epoch, 1);
    assert.ok(saved.sources?.["five+three"], "the source's state is saved");
    assert.ok(saved.streams.mem, "the in-memory unit keeps its pass position");
    const b = make({ five: g.five, three: g.three, mem }, opts);
    b.setState(saved);
    got.push(...(await epochs(b, 1, 3)));
    assert.deepEqual(got, want);
  });

  it("extra batches per step (samples: 3) come from the unit's source, after the step's batch", async () => {
    const l = make({ five: g.five }, { batchSize: 8, seed: 2, samples: 3 });
    assert.equal(l.stepsPerEpoch, Math.ceil(95 / 24));
    const seen: number[] = [];
    for await (const step of l.epoch(0)) {
      const b = step.five!;
      assert.equal(b.extra?.length, 2);
      for (const x of [b, ...b.extra!]) {
        const v = Array.from(x.x.dataSync());
        seen.push(...v.filter((_, i) => i % 2 === 0));
        assert.deepEqual(
          Array.from(x.y.dataSync()),
          v.filter((_, i) => i % 2 === 0).map((id) => id % 5),
        );
      }
      disposeStep(step);
    }
    assert.deepEqual(
      seen.slice(0, 95).sort((a, b) => a - b),
      Array.from({ length: 95 }, (_, i) => i),
      "the epoch's batches pass the table once",
    );
  });

  it("sync iteration is a clear error; a state of in-memory data does not fit streamed data", async () => {
    const l = make({ five: g.five }, { batchSize: 4 });
    assert.throws(
      () => [...l.epoch(0)],
      (e: unknown) => e instanceof ConfigError && /for await/.test(e.message) && e.task === "five",
    );
    const x = Array.from({ length: 95 }, (_, i) => [i, -i]);
    const inMemory = fromArrays({
      x,
      y: { five: x.map((_, i) => i % 5), three: x.map((_, i) => i % 3) },
    });
    const m = make(inMemory, { batchSize: 4 });
    const s = make({ five: g.five, three: g.three }, { batchSize: 4 });
    assert.throws(
      () => s.setState(m.getState()),
      (e: unknown) =>
        e instanceof ConfigError &&
        /"five\+three" was in memory when the run was saved and is streamed now/.test(e.message),
    );
    assert.throws(() => m.setState(s.getState()), /was streamed when the run was saved/);
  });

  it("close ends the sources; the loader cannot iterate afterwards", async () => {
    const l = new MultiTaskLoader({ five: g.five }, { batchSize: 4 });
    let k = 0;
    for await (const s of l.epoch(0)) {
      disposeStep(s);
      if (++k === 2) break; // a prefetch is in flight when close is called
    }
    await l.close();
    await l.close();
    assert.throws(() => l.epoch(0), /closed/);
  });
});
