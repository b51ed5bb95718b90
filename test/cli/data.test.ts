import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { DATA_USAGE, dataCommand } from "../../src/cli/data.js";
import { main } from "../../src/cli/main.js";
import { assetPath } from "../../src/data/sources/files.js";
import { mnist } from "../../src/data/sources/mnist.js";
import { multiMnist } from "../../src/data/sources/multi-mnist.js";
import { fromParquet } from "../../src/data/sources/parquet.js";
import { openSource } from "../../src/data/stream/open.js";
import { ConfigError } from "../../src/errors.js";

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "polytask-convert-"));
  made.push(d);
  return d;
};

async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => {};
  try {
    return await f();
  } finally {
    console.log = log;
  }
}

describe("polytask data convert", () => {
  it("answers --help", async () => {
    assert.equal(await main(["data", "convert", "--help"]), 0);
    assert.match(DATA_USAGE, /--rows-per-shard N/);
    assert.match(DATA_USAGE, /multiMnist/);
  });

  it("writes mnist as shards and row groups of the asked sizes, read back as the same samples", async () => {
    const dir = tmp();
    await quietly(() =>
      dataCommand([
        "convert",
        "mnist",
        "--limit",
        "250",
        "--out",
        dir,
        "--rows-per-shard",
        "100",
        "--row-group",
        "40",
      ]),
    );
    assert.deepEqual(readdirSync(dir).sort(), [
      "part-00000.parquet",
      "part-00001.parquet",
      "part-00002.parquet",
    ]);
    const d = await fromParquet(dir, { features: "x", label: "label" });
    assert.equal(d.size, 250);
    assert.deepEqual(d.inputShape, [28, 28, 1]);
    assert.equal(d.numClasses, 10);
    assert.equal(d.table.files.length, 3);
    const src = openSource({ label: d }, { shuffle: false });
    const c = await src.next(250);
    const ref = await mnist({ split: "train", limit: 250 });
    assert.deepEqual(Array.from(c.x), Array.from(ref.x));
    assert.deepEqual(Array.from(c.y.label), Array.from(ref.y));
  });

  it("writes multiMnist as a group with left and right labels", async () => {
    const dir = tmp();
    await quietly(() =>
      dataCommand(["convert", "multiMnist", "--limit", "60", "--out", dir, "--layout", "list"]),
    );
    const g = await fromParquet(dir, { features: "x", labels: { left: "left", right: "right" } });
    const ref = await multiMnist({ split: "train", limit: 60 });
    const c = await openSource(g, { shuffle: false }).next(60);
    assert.deepEqual(Array.from(c.y.left), Array.from(ref.left.y));
    assert.deepEqual(Array.from(c.y.right), Array.from(ref.right.y));
    assert.deepEqual(Array.from(c.x), Array.from(ref.left.x));
  });

  it("writes a CSV file's columns as a group, keeping class names", async () => {
    const dir = tmp();
    const args = [
      "convert",
      assetPath("penguins.csv"),
      "--features",
      "bill_length_mm,bill_depth_mm",
    ];
    await quietly(() =>
      dataCommand([
        ...args,
        "--labels",
        "species=species,island=island",
        "--missing",
        "drop",
        "--out",
        dir,
      ]),
    );
    const g = await fromParquet(dir, {
      features: "x",
      labels: { species: "species", island: "island" },
    });
    assert.equal(g.species.size, 342, "the two rows without bill measurements dropped");
    assert.deepEqual(g.species.classNames, ["Adelie", "Chinstrap", "Gentoo"]);
    assert.deepEqual(g.island.classNames, ["Biscoe", "Dream", "Torgersen"]);
    const c = await openSource(g, { shuffle: false }).next(1);
    assert.deepEqual(
      [...c.x].map((v) => Math.round(v * 10) / 10),
      [39.1, 18.7],
    );
    assert.equal(c.y.island[0], 2);
    await assert.rejects(dataCommand([...args, "--label", "species", "--out", tmp()]), /missing/);
  });

  it("an empty label cell in a CSV group is written as a missing label, not an error", async () => {
    const dir = tmp();
    const file = join(dir, "runs.csv");
    writeFileSync(file, "a,b,up,risk\n1,2,0,0.5\n3,4,1,\n5,6,,1.5\n7,8,1,2.5\n");
    const out = join(dir, "shards");
    await quietly(() =>
      dataCommand([
        "convert",
        file,
        "--features",
        "a,b",
        "--labels",
        "up=up,risk=risk",
        "--out",
        out,
      ]),
    );
    const g = await fromParquet(out, { features: "x", labels: { up: "up", risk: "risk" } });
    assert.equal(g.up.size, 4, "every row kept");
    const c = await openSource(g, { shuffle: false }).next(4);
    assert.deepEqual([...(c.mask.up ?? [])], [1, 1, 0, 1]);
    assert.deepEqual([...(c.mask.risk ?? [])], [1, 0, 1, 1]);
    assert.deepEqual(
      [...c.y.risk].filter((_, i) => i !== 1),
      [0.5, 1.5, 2.5],
    );
  });

  it("writes a JSON file of records", async () => {
    const dir = tmp();
    const file = join(dir, "records.json");
    const records = Array.from({ length: 30 }, (_, i) => ({ a: i, b: -i, y: i % 3 }));
    writeFileSync(file, JSON.stringify(records));
    const out = join(dir, "shards");
    await quietly(() =>
      dataCommand([
        "convert",
        file,
        "--features",
        "a,b",
        "--label",
        "y",
        "--out",
        out,
        "--row-group",
        "7",
      ]),
    );
    const d = await fromParquet(out, { features: "x", label: "label" });
    assert.equal(d.size, 30);
    assert.equal(d.numClasses, 3);
    const c = await openSource({ label: d }, { shuffle: false }).next(30);
    assert.deepEqual(Array.from(c.x.slice(0, 6)), [0, 0, 1, -1, 2, -2]);
    assert.deepEqual(Array.from(c.y.label.slice(0, 4)), [0, 1, 2, 0]);
  });

  it("names bad arguments", async () => {
    await assert.rejects(
      dataCommand(["convert", "mnist"]),
      (e) => e instanceof ConfigError && /--out/.test(e.message),
    );
    await assert.rejects(
      dataCommand(["convert", "mnist", "--out", tmp(), "--row-group", "0"]),
      (e) => e instanceof ConfigError && e.field === "--row-group",
    );
    await assert.rejects(
      dataCommand(["convert", "mnist", "--out", tmp(), "--bogus"]),
      (e) => e instanceof ConfigError && /bogus/.test(e.message),
    );
  });
});
