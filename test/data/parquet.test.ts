import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parquetWriteFile } from "hyparquet-writer";
import { fromArrays } from "../../src/data/from-arrays.js";
import { fromParquet } from "../../src/data/sources/parquet.js";
import { openSource } from "../../src/data/stream/open.js";
import { writeParquetShards } from "../../src/data/stream/parquet-write.js";
import { isStreamed } from "../../src/data/stream/types.js";
import { ConfigError, DataError, UnknownNameError } from "../../src/errors.js";
import { idsOf, tempDir, writeTable } from "./stream/fixtures.js";

/** Reads one whole unshuffled pass of a single-source dataset record. */
async function pass(ds: Parameters<typeof openSource>[0]) {
  const src = openSource(ds, { shuffle: false });
  const c = await src.next(src.size);
  await src.close();
  return c;
}

describe("datasets.fromParquet", () => {
  it("one task: size and row groups from the metadata, no x/y in memory", async () => {
    const { dir } = writeTable({ files: [30, 20], rowGroupSize: 8 });
    const d = await fromParquet(join(dir, "*.parquet"), { features: ["a", "b"], label: "c" });
    assert.equal(d.size, 50);
    assert.ok(isStreamed(d));
    assert.ok(!("x" in d) && !("y" in d));
    assert.deepEqual(d.inputShape, [2]);
    assert.equal(d.labelKind, "class");
    assert.equal(d.numClasses, 5, "from the INT32 column's statistics");
    assert.equal(d.table.files.length, 2);
    const c = await pass({ c: d });
    assert.deepEqual(
      idsOf(c.x, 2),
      Array.from({ length: 50 }, (_, i) => i),
    );
    assert.deepEqual(
      Array.from(c.y.c),
      Array.from({ length: 50 }, (_, i) => i % 5),
    );
    assert.equal(c.x[3], -1, "feature b of row 1");
    // a list of paths: read in the order given (a directory's files in natural order), each once
    const { files } = writeTable({ dir, files: [30, 20], rowGroupSize: 8 });
    const listed = await fromParquet([files[1], files[0], dir], {
      features: ["a", "b"],
      label: "c",
    });
    assert.deepEqual(listed.table.files, [files[1], files[0]]);
    assert.equal(listed.size, 50);
    assert.deepEqual(idsOf((await pass({ c: listed })).x, 2), [
      ...Array.from({ length: 20 }, (_, i) => 30 + i),
      ...Array.from({ length: 30 }, (_, i) => i),
    ]);
  });

  it("a group: one table shared by the tasks; a null label is masked", async () => {
    const { dir } = writeTable({ files: [12], rowGroupSize: 5 });
    const g = await fromParquet(dir, { features: "v", labels: { five: "c", three: "d" } });
    assert.deepEqual(Object.keys(g), ["five", "three"]);
    assert.equal(g.five.table, g.three.table);
    assert.equal(g.three.numClasses, 3);
    assert.deepEqual(g.five.inputShape, [2], "list length from the first row");
    const c = await pass(g);
    assert.deepEqual(Array.from(c.x.slice(0, 4)), [0, 0.5, 1, 1.5]);
    assert.equal(c.mask.five, undefined, "no missing label: no mask");
    assert.deepEqual(
      Array.from(c.mask.three!),
      Array.from({ length: 12 }, (_, i) => (i % 4 === 3 ? 0 : 1)),
    );
  });

  it("INT64 columns arrive as BigInt and become numbers (features and labels)", async () => {
    const { dir } = writeTable({ files: [9], rowGroupSize: 4, int64: true });
    const d = await fromParquet(dir, { features: ["a", "b"], label: "c" });
    assert.equal(d.numClasses, 5, "BigInt statistics");
    const c = await pass({ c: d });
    assert.ok(c.y.c instanceof Int32Array);
    assert.deepEqual(Array.from(c.y.c), [0, 1, 2, 3, 4, 0, 1, 2, 3]);
    assert.deepEqual(idsOf(c.x, 2), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("regression targets and string classes", async () => {
    const { dir } = writeTable({ files: [6], rowGroupSize: 6 });
    const r = await fromParquet(dir, { features: ["a"], label: "r" });
    assert.equal(r.labelKind, "regression");
    const c = await pass({ r });
    assert.ok(Math.abs(c.y.r[5] - 0.5) < 1e-6);
    const s = await fromParquet(dir, { features: ["a"], label: "s", classes: ["cat", "dog"] });
    assert.deepEqual(Array.from((await pass({ s })).y.s), [0, 1, 0, 1, 0, 1]);
    await assert.rejects(
      fromParquet(dir, { features: ["a"], label: "s" }),
      (e) => e instanceof ConfigError && /give classes/.test(e.message),
    );
  });

  it("names the file and the column that is missing", async () => {
    const { dir, files } = writeTable({ files: [5, 5], rowGroupSize: 5 });
    parquetWriteFile({
      filename: join(dir, "shard-9.parquet"),
      columnData: [{ name: "a", data: [1] }],
    });
    await assert.rejects(
      fromParquet(dir, { features: ["a", "b"], label: "c" }),
      (e) =>
        e instanceof DataError &&
        e.field === "b" &&
        e.file === join(dir, "shard-9.parquet") &&
        /shard-9\.parquet has no column "b"/.test(e.message),
    );
    await assert.rejects(
      fromParquet(files[0], { features: ["a"], label: "nope" }),
      (e) =>
        e instanceof DataError &&
        /no column "nope".*columns are a, b, v, c, d, r, s/.test(e.message),
    );
  });

  it("rejects non-numeric features when opening", async () => {
    const { dir } = writeTable({ files: [4], rowGroupSize: 4 });
    await assert.rejects(
      fromParquet(dir, { features: ["a", "s"], label: "c" }),
      (e) =>
        e instanceof DataError && e.field === "s" && /feature column "s" is string/.test(e.message),
    );
  });

  it("a NaN feature fails at read time with the file, column and row", async () => {
    const { dir } = writeTable({
      files: [10, 10],
      rowGroupSize: 4,
      override: { b: (id) => (id === 13 ? Number.NaN : -id) },
    });
    const d = await fromParquet(dir, { features: ["a", "b"], label: "c" });
    const src = openSource({ c: d }, { shuffle: false });
    await assert.rejects(src.next(20), (e) => {
      assert.ok(e instanceof DataError, String(e));
      assert.equal(e.field, "b");
      assert.equal(e.index, 3, "row 3 of the second file");
      assert.equal(e.file, join(dir, "shard-1.parquet"));
      assert.match(e.message, /column "b" at row 3 of shard-1\.parquet \(row group 0\) is NaN/);
      return true;
    });
    await src.close();
  });

  it("a label outside numClasses fails with its row", async () => {
    const { dir } = writeTable({
      files: [10],
      rowGroupSize: 10,
      override: { c: (id) => (id === 6 ? 7 : id % 5) },
    });
    const d = await fromParquet(dir, { features: ["a"], label: "c", numClasses: 5 });
    const src = openSource({ c: d }, { shuffle: false });
    await assert.rejects(
      src.next(4),
      (e) => e instanceof DataError && e.index === 6 && /is 7, outside 0\.\.4/.test(e.message),
    );
  });

  it("a null label fails for a single task unless missingLabels is 'mask'", async () => {
    const { dir } = writeTable({ files: [8], rowGroupSize: 8 });
    const d = await fromParquet(dir, { features: ["a"], label: "d" });
    await assert.rejects(
      openSource({ d }, { shuffle: false }).next(8),
      (e) => e instanceof DataError && e.index === 3 && /is missing \(null\)/.test(e.message),
    );
    const m = await fromParquet(dir, { features: ["a"], label: "d", missingLabels: "mask" });
    assert.equal((await pass({ m })).mask.m![3], 0);
  });

  it("checks its options", async () => {
    const { dir } = writeTable({ files: [3], rowGroupSize: 3 });
    await assert.rejects(
      fromParquet(dir, { features: ["a"], label: "c", labels: { x: "d" } } as never),
      (e) => e instanceof ConfigError && /give label .* or labels/.test(e.message),
    );
    await assert.rejects(
      fromParquet(dir, { features: ["a"], label: "c", shuffleBuffer: 3 } as never),
      (e) => e instanceof UnknownNameError && /shuffleBuffer/.test(e.message),
    );
    await assert.rejects(
      fromParquet(dir, { features: ["a"], label: "c", bufferSize: 0 }),
      (e) => e instanceof ConfigError && /bufferSize/.test(e.message),
    );
    const ones = writeTable({ files: [5], rowGroupSize: 1 }).dir;
    const small = await fromParquet(ones, { features: ["a"], label: "c", bufferSize: 2 });
    const capacity = (o = {}) =>
      (openSource({ c: small }, o).getState() as { capacity?: number }).capacity;
    assert.equal(capacity(), 2, "the dataset's bufferSize is its sources' default");
    assert.equal(capacity({ bufferSize: 4 }), 4, "a source's own bufferSize wins");
    await assert.rejects(
      fromParquet(join(dir, "none-*.parquet"), { features: ["a"], label: "c" }),
      (e) => e instanceof DataError && e.field === "paths",
    );
    const bad = join(dir, "bad.parquet");
    writeFileSync(bad, "not parquet");
    await assert.rejects(
      fromParquet(bad, { features: ["a"], label: "c" }),
      (e) => e instanceof DataError && e.file === bad && /as a Parquet file/.test(e.message),
    );
    await assert.rejects(
      fromParquet(dir + "/shard-0.parquet", { features: "v", label: "c", inputShape: [3] }),
      (e) => e instanceof ConfigError && e.field === "inputShape",
    );
  });
});

describe("writeParquetShards -> fromParquet", () => {
  const x = Array.from({ length: 23 }, (_, i) => [i, i / 2, -i, 1]);
  const a = fromArrays({ x, y: x.map((_, i) => i % 4), inputShape: [2, 2], name: "a" });
  const b = fromArrays({
    x,
    y: x.map((_, i) => [i / 10, 1]),
    mask: x.map((_, i) => i % 5 !== 0),
    name: "b",
  });

  for (const [layout, codec] of [
    ["tensor", undefined],
    ["tensor", "UNCOMPRESSED"],
    ["list", undefined],
  ] as const)
    it(`round-trips a group with masks (${layout} layout, ${codec ?? "default codec"}), shards and row groups as asked`, async () => {
      const dir = tempDir();
      const w = await writeParquetShards(
        { a, b },
        {
          dir,
          rowsPerShard: 10,
          rowGroupSize: 4,
          layout,
          name: "toy",
          ...(codec ? { codec } : {}),
        },
      );
      assert.equal(w.files.length, 3);
      assert.equal(w.rowGroups, 3 + 3 + 1);
      const g = await fromParquet(dir, { features: "x", labels: { a: "a", b: "b" } });
      assert.equal(g.a.name, "toy/a", "name from the shards' metadata");
      assert.deepEqual(g.a.inputShape, [2, 2], "shape from the shards' metadata");
      assert.equal(g.a.numClasses, 4);
      assert.equal(g.b.labelKind, "regression");
      assert.equal(g.b.labelSize, 2);
      const c = await pass(g);
      assert.deepEqual(Array.from(c.x), Array.from(a.x));
      assert.deepEqual(Array.from(c.y.a), Array.from(a.y));
      assert.deepEqual(Array.from(c.y.b), Array.from(b.y));
      assert.deepEqual(Array.from(c.mask.b!), Array.from(b.mask!));
    });
});
