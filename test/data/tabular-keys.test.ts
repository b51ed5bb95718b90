/** fromJson reads each record by key; fromCsv names the file when danfojs cannot parse it. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as pt from "../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "polytask-keys-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("fromJson: values by key, whatever the order of each record's keys", async () => {
  const d = await pt.datasets.fromJson(
    [
      { a: 30, b: 40, y: 0 },
      { b: 41, y: 1, a: 31 },
      { y: 2, b: 42, a: 32 },
    ],
    { features: ["a", "b"], label: "y" },
  );
  assert.deepEqual([...d.x], [30, 40, 31, 41, 32, 42]);
  assert.deepEqual([...d.y], [0, 1, 2]);
});

test("fromJson: keys outside features and label are ignored, not shifted into the columns", async () => {
  const d = await pt.datasets.fromJson(
    [
      { id: 9, a: 1, b: 2, y: 0 },
      { a: 3, b: 4, y: 1, note: "x" },
    ],
    { features: ["a", "b"], label: "y" },
  );
  assert.deepEqual([...d.x], [1, 2, 3, 4]);
  assert.deepEqual([...d.y], [0, 1]);
  assert.equal(d.numClasses, 2);
});

test("fromJson: a record without a feature key is blamed on that column and record", async () => {
  await assert.rejects(
    pt.datasets.fromJson(
      [
        { a: 1, b: 2, y: 0 },
        { b: 4, y: 1 },
      ],
      { features: ["a", "b"], label: "y", name: "recs" },
    ),
    (e: unknown) =>
      e instanceof pt.DataError && e.field === "a" && e.index === 1 && /"recs": a/.test(e.message),
  );
  await assert.rejects(
    pt.datasets.fromJson([{ a: 1, b: 2 }], { features: ["a", "b"], label: "y" }),
    (e: unknown) =>
      e instanceof pt.DataError && e.value === "y" && /lack the column "y"/.test(e.message),
  );
  const dropped = await pt.datasets.fromJson(
    [
      { a: 1, b: 2, y: 0 },
      { b: 4, y: 1 },
    ],
    { features: ["a", "b"], label: "y", missing: "drop" },
  );
  assert.equal(dropped.size, 1);
});

test("fromCsv: a file danfojs cannot parse is a DataError naming the file", async () => {
  const empty = join(dir, "empty.csv");
  writeFileSync(empty, "");
  const ragged = join(dir, "ragged.csv");
  writeFileSync(ragged, "a,b,y\n1,2,0\n3\n");
  const folder = join(dir, "folder.csv");
  mkdirSync(folder);
  for (const path of [empty, ragged, folder])
    await assert.rejects(
      pt.datasets.fromCsv(path, { features: ["a", "b"], label: "y" }),
      (e: unknown) =>
        e instanceof pt.DataError &&
        e.field === "path" &&
        e.message.includes(path) &&
        e.cause !== undefined,
      path,
    );
});
