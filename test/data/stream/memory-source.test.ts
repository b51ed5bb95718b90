import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gather } from "../../../src/data/batch.js";
import { fromArrays } from "../../../src/data/from-arrays.js";
import { fromParquet } from "../../../src/data/sources/parquet.js";
import { MemorySource } from "../../../src/data/stream/memory-source.js";
import { openSource } from "../../../src/data/stream/open.js";
import { TaskStream } from "../../../src/data/task-stream.js";
import { ConfigError } from "../../../src/errors.js";
import { Random } from "../../../src/util/random.js";
import { idsOf, writeTable } from "./fixtures.js";

const x = Array.from({ length: 23 }, (_, i) => [i, 10 * i]);
const a = fromArrays({ x, y: x.map((_, i) => i % 3), name: "a" });
const b = fromArrays({
  x,
  y: x.map((_, i) => [i / 2]),
  mask: x.map((_, i) => i % 4 !== 0),
  name: "b",
});

describe("MemorySource", () => {
  it("is TaskStream + gather: the same indices, pass-aligned, for every task of a shared input", async () => {
    const src = new MemorySource({ a, b }, { random: new Random(5) });
    const stream = new TaskStream(23, new Random(5).fork(), true);
    for (let k = 0; k < 8; k++) {
      const c = await src.next(10);
      const idx = stream.next(10);
      assert.equal(c.size, idx.length);
      assert.deepEqual(Array.from(c.x), Array.from(gather(a, idx).x));
      assert.deepEqual(Array.from(c.y.a), Array.from(gather(a, idx).y));
      assert.deepEqual(Array.from(c.y.b), Array.from(gather(b, idx).y));
      assert.deepEqual(
        c.mask.b && Array.from(c.mask.b),
        gather(b, idx).mask && Array.from(gather(b, idx).mask!),
      );
      assert.equal(c.mask.a, undefined);
      assert.equal(c.pass, stream.getState().pass);
    }
  });

  it("resumes exactly from a JSON state", async () => {
    const s1 = new MemorySource({ a }, { seed: 2 });
    await s1.next(9);
    await s1.next(9);
    const state = JSON.parse(JSON.stringify(s1.getState()));
    const rest = [];
    for (let k = 0; k < 6; k++) rest.push(idsOf((await s1.next(7)).x, 2));
    const s2 = new MemorySource({ a }, { seed: 99 });
    s2.setState(state);
    for (let k = 0; k < 6; k++) assert.deepEqual(idsOf((await s2.next(7)).x, 2), rest[k]);
    assert.throws(
      () => new MemorySource({ b: fromArrays({ x: [[1]], y: [0] }) }).setState(state),
      ConfigError,
    );
  });

  it("refuses tasks that do not share one input", () => {
    const other = fromArrays({ x: x.map(([u, v]) => [u + 1, v]), y: x.map(() => 0), name: "c" });
    assert.throws(
      () => new MemorySource({ a, other }),
      (e) => e instanceof ConfigError && e.task === "other",
    );
    // an equal copy of the inputs is the same input
    const copy = fromArrays({ x, y: x.map(() => 1), name: "copy" });
    assert.equal(new MemorySource({ a, copy }).tasks.length, 2);
  });
});

describe("openSource", () => {
  it("in-memory datasets get a MemorySource", () => {
    assert.ok(openSource({ a, b }) instanceof MemorySource);
  });

  it("a streamed group's labels come keyed by the caller's task names", async () => {
    const { dir } = writeTable({ files: [12], rowGroupSize: 6 });
    const g = await fromParquet(dir, { features: ["a"], labels: { five: "c", three: "d" } });
    const src = openSource({ left: g.five, right: g.three }, { shuffle: false });
    assert.deepEqual(src.tasks, ["left", "right"]);
    const c = await src.next(12);
    assert.deepEqual(Object.keys(c.y).sort(), ["left", "right"]);
    assert.deepEqual(
      Array.from(c.y.left),
      Array.from({ length: 12 }, (_, i) => i % 5),
    );
    assert.ok(c.mask.right && !c.mask.left);
    const single = openSource({ only: g.three }, { shuffle: false });
    assert.deepEqual(Object.keys((await single.next(3)).y), ["only"]);
  });

  it("refuses to mix streamed and in-memory datasets, or two tables, in one source", async () => {
    const { dir } = writeTable({ files: [4], rowGroupSize: 4 });
    const s1 = await fromParquet(dir, { features: ["a", "b"], label: "c" });
    const s2 = await fromParquet(dir, { features: ["a", "b"], label: "c" });
    const mem = fromArrays({
      x: [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8],
      ],
      y: [0, 1, 0, 1],
    });
    assert.throws(
      () => openSource({ s1, mem }),
      (e) => e instanceof ConfigError && /one is in memory/.test(e.message),
    );
    assert.throws(
      () => openSource({ s1, s2 }),
      (e) => e instanceof ConfigError && /different files/.test(e.message),
    );
  });
});
