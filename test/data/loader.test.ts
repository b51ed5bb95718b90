import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { fromArrays } from "../../src/data/from-arrays.js";
import { MultiTaskLoader, disposeStep } from "../../src/data/loader.js";
import { split, take } from "../../src/data/ops.js";
import { samplers } from "../../src/data/samplers/index.js";
import type { Dataset, Step } from "../../src/data/types.js";
import { ConfigError, DataError } from "../../src/errors.js";

await tf.setBackend("cpu");

/** A dataset whose sample i has x = [id*1000 + i], so batches reveal which samples they hold. */
function ids(id: number, n: number, name: string): Dataset {
  const x = Array.from({ length: n }, (_, i) => [id * 1000 + i]);
  const y = Array.from({ length: n }, (_, i) => i % 3);
  return fromArrays({ x, y, name });
}

const data = { small: ids(1, 10, "small"), mid: ids(2, 25, "mid"), big: ids(3, 47, "big") };

/** Reads a step into plain numbers (and disposes it). */
function read(step: Step): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [t, b] of Object.entries(step)) out[t] = Array.from(b!.x.dataSync());
  disposeStep(step);
  return out;
}

test("'one' mode: stepsPerEpoch = ceil(sum / batchSize), one task per step", () => {
  const l = new MultiTaskLoader(data, { batchSize: 8, seed: 1 });
  assert.equal(l.stepsPerEpoch, Math.ceil(82 / 8));
  let n = 0;
  for (const step of l.epoch(0)) {
    assert.equal(Object.keys(step).length, 1);
    disposeStep(step);
    n++;
  }
  assert.equal(n, l.stepsPerEpoch);
});

test("'all' mode: every task each step; largest task makes exactly one pass", () => {
  const l = new MultiTaskLoader(data, { batchSize: 8, seed: 1, mode: "all" });
  assert.equal(l.stepsPerEpoch, Math.ceil(47 / 8));
  const seenBig = new Set<number>();
  const seenSmall: number[] = [];
  for (const step of l.epoch(0)) {
    const r = read(step);
    assert.deepEqual(Object.keys(r).sort(), ["big", "mid", "small"]);
    for (const v of r.big) seenBig.add(v);
    seenSmall.push(...r.small);
  }
  assert.equal(seenBig.size, 47); // one full pass, no repeats
  // small (10 samples) cycles pass-aligned: batches of 8, 2, 8, 2, ...; each pass is a permutation
  assert.deepEqual(new Set(seenSmall.slice(0, 10)).size, 10);
});

test("round-robin visits tasks in order; a pass covers each dataset once", () => {
  const l = new MultiTaskLoader(data, { batchSize: 5, seed: 2, sampler: samplers.roundRobin() });
  const order: string[] = [];
  const seen: Record<string, number[]> = { small: [], mid: [], big: [] };
  for (const step of l.epoch(0)) {
    const r = read(step);
    const t = Object.keys(r)[0];
    order.push(t);
    seen[t].push(...r[t]);
  }
  assert.deepEqual(order.slice(0, 6), ["small", "mid", "big", "small", "mid", "big"]);
  assert.deepEqual(
    [...new Set(seen.small.slice(0, 10))].sort((a, b) => a - b),
    Array.from({ length: 10 }, (_, i) => 1000 + i),
  );
});

test("shuffle: false keeps dataset order", () => {
  const l = new MultiTaskLoader({ big: data.big }, { batchSize: 10, shuffle: false });
  const [first] = [...l.epoch(0)].map(read);
  assert.deepEqual(
    first.big,
    Array.from({ length: 10 }, (_, i) => 3000 + i),
  );
});

test("same seed gives identical batches; another seed differs", () => {
  const run = (seed: number) => {
    const l = new MultiTaskLoader(data, { batchSize: 6, seed, sampler: samplers.temperature(2) });
    return [0, 1].flatMap((e) => [...l.epoch(e)].map(read));
  };
  assert.deepEqual(run(5), run(5));
  assert.notDeepEqual(run(5), run(6));
});

test("getState/setState resumes exactly, mid-epoch, with sync and async iteration", async () => {
  const opts = { batchSize: 4, seed: 9, sampler: samplers.annealed(), epochs: 3 };
  const full = new MultiTaskLoader(data, opts);
  const want = [0, 1, 2].flatMap((e) => [...full.epoch(e)].map(read));

  const a = new MultiTaskLoader(data, opts);
  const got: Record<string, number[]>[] = [];
  let k = 0;
  for await (const step of a.epoch(0)) {
    got.push(read(step));
    if (++k === 7) break; // interrupted after 7 steps; the prefetched step is discarded
  }
  const saved = JSON.parse(JSON.stringify(a.getState()));
  assert.equal(saved.step, 7);
  const b = new MultiTaskLoader(data, opts);
  b.setState(saved);
  for await (const step of b.epoch(0)) got.push(read(step));
  for (const step of b.epoch(1)) got.push(read(step));
  for await (const step of b.epoch(2)) got.push(read(step));
  assert.deepEqual(got, want);
  assert.throws(() => new MultiTaskLoader({ x: data.small }, opts).setState(saved), ConfigError);
});

test("async iteration yields the same steps as sync iteration", async () => {
  const opts = { batchSize: 7, seed: 3 };
  const sync = [...new MultiTaskLoader(data, opts).epoch(0)].map(read);
  const asyncSteps: Record<string, number[]>[] = [];
  for await (const s of new MultiTaskLoader(data, opts).epoch(0)) asyncSteps.push(read(s));
  assert.deepEqual(asyncSteps, sync);
});

test("labels and masks travel with their samples", () => {
  const d = fromArrays({ x: [[0], [1], [2], [3]], y: [0, 1, 1, 0], mask: [1, 0, 1, 1], name: "p" });
  const l = new MultiTaskLoader({ p: d }, { batchSize: 4, seed: 1 });
  const step = [...l.epoch(0)][0];
  const b = step.p!;
  const xs = Array.from(b.x.dataSync());
  assert.deepEqual(
    Array.from(b.y.dataSync()),
    xs.map((i) => [0, 0, 1, 0][i]),
  );
  assert.deepEqual(
    Array.from(b.mask!.dataSync()),
    xs.map((i) => [1, 0, 1, 1][i]),
  );
  assert.equal(b.y.dtype, "int32");
  disposeStep(step);
});

test("no tensor growth (none leaked by the tests above either) across full epochs (sync and async)", async () => {
  const l = new MultiTaskLoader(data, { batchSize: 4, seed: 1, mode: "all" });
  const before = tf.memory().numTensors;
  assert.equal(before, 0);
  for (const step of l.epoch(0)) {
    tf.tidy(() => {
      tf.add(step.big!.x, 1);
    });
    disposeStep(step);
  }
  for await (const step of l.epoch(1)) disposeStep(step);
  let k = 0;
  for await (const step of l.epoch(2)) {
    disposeStep(step);
    if (++k === 2) break;
  }
  assert.equal(tf.memory().numTensors, before);
});

test("loader errors: empty, duplicate names, bad batch size, not a dataset", () => {
  assert.throws(() => new MultiTaskLoader({}, { batchSize: 4 }), DataError);
  assert.throws(
    () =>
      new MultiTaskLoader(
        [
          ["a", data.small],
          ["a", data.mid],
        ],
        { batchSize: 4 },
      ),
    (e: unknown) => e instanceof DataError && e.field === "name" && e.value === "a",
  );
  assert.throws(() => new MultiTaskLoader(data, { batchSize: 0 }), ConfigError);
  assert.throws(
    () => new MultiTaskLoader({ a: { size: 3 } as unknown as Dataset }, { batchSize: 4 }),
    (e: unknown) => e instanceof DataError && e.task === "a",
  );
});

test("split and take", () => {
  const { train, val } = split(data.big, 0.2, 4);
  assert.equal(val.size, 9);
  assert.equal(train.size, 38);
  const all = [...train.x, ...val.x].sort((a, b) => a - b);
  assert.deepEqual(
    all,
    Array.from({ length: 47 }, (_, i) => 3000 + i),
  );
  assert.deepEqual(split(data.big, 0.2, 4).val.x, val.x);
  const t = take(data.big, [5, 1]);
  assert.deepEqual([...t.x], [3005, 3001]);
  assert.deepEqual([...t.y], [2, 1]);
  assert.throws(() => take(data.big, [47]), DataError);
  assert.throws(() => split(data.big, 1.2), ConfigError);
});
