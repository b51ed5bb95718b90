import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromParquet } from "../../../src/data/sources/parquet.js";
import { openSource } from "../../../src/data/stream/open.js";
import type { ParquetTable } from "../../../src/data/stream/parquet-table.js";
import type {
  SampleSource,
  SourceOptions,
  StreamedDataset,
} from "../../../src/data/stream/types.js";
import { ConfigError } from "../../../src/errors.js";
import { idsOf, writeTable } from "./fixtures.js";

// 3 files, 10 row groups of 10 rows (the last file's last group has 5): 95 rows
const { dir } = writeTable({ files: [40, 30, 25], rowGroupSize: 10 });
const d = (await fromParquet(dir, { features: ["a", "b"], label: "c" })) as StreamedDataset;
const table = d.table as ParquetTable;

const open = (opts: SourceOptions = {}) => openSource({ c: d }, opts);

/** Serves `n` samples in chunks of the given sizes (cycled), returning their ids. */
async function serve(
  src: SampleSource,
  n: number,
  sizes: readonly number[] = [7],
): Promise<number[]> {
  const out: number[] = [];
  let i = 0;
  while (out.length < n) {
    const c = await src.next(Math.min(sizes[i++ % sizes.length], n - out.length));
    out.push(...idsOf(c.x, 2));
  }
  return out;
}

/** Which row group (unit) each id belongs to. */
const unitOf = (id: number) => table.unitOf(id);

describe("ParquetSource", () => {
  it("each pass serves every row once; passes are pass-aligned", async () => {
    const src = open({ seed: 3, bufferSize: 30 });
    assert.equal(src.size, 95);
    const chunks: number[] = [];
    let ids: number[] = [];
    while (ids.length < 95) {
      const c = await src.next(40);
      chunks.push(c.size);
      assert.equal(c.pass, 1);
      assert.equal(c.y.c.length, c.size);
      ids.push(...idsOf(c.x, 2));
    }
    assert.deepEqual(chunks, [40, 40, 15], "the pass's last chunk holds the remainder");
    assert.deepEqual(
      [...ids].sort((a, b) => a - b),
      Array.from({ length: 95 }, (_, i) => i),
    );
    const next = await src.next(10);
    assert.equal(next.pass, 2);
    ids = [...ids, ...idsOf(next.x, 2)];
    assert.notDeepEqual(ids.slice(95), ids.slice(0, 10), "a new order in the next pass");
    await src.close();
  });

  it("labels travel with their samples", async () => {
    const src = open({ seed: 1, bufferSize: 20 });
    const c = await src.next(60);
    idsOf(c.x, 2).forEach((id, k) => {
      assert.equal(c.y.c[k], id % 5);
      assert.equal(c.x[2 * k + 1], -id);
    });
  });

  it("seeded: the same seed gives the same order, another seed another", async () => {
    const a = await serve(open({ seed: 9, bufferSize: 25 }), 190);
    const b = await serve(open({ seed: 9, bufferSize: 25 }), 190, [1, 50, 13]);
    const c = await serve(open({ seed: 10, bufferSize: 25 }), 190);
    assert.deepEqual(a, b, "independent of how next() splits the samples");
    assert.notDeepEqual(a, c);
  });

  it("shard order: row groups in a seeded order per pass, across files; file order unshuffled", async () => {
    // a buffer of one row group: consecutive samples of a pass come from one row group at a time
    // (the 5-row group may share the buffer with another): units in order of first appearance
    const visits = (ids: number[]) => [...new Set(ids.map(unitOf))];
    const src = open({ seed: 5, bufferSize: 1 });
    const p1 = visits(await serve(src, 95));
    const p2 = visits(await serve(src, 95));
    assert.deepEqual(
      [...p1].sort((x, y) => x - y),
      Array.from({ length: 10 }, (_, i) => i),
    );
    assert.deepEqual(
      [...p2].sort((x, y) => x - y),
      Array.from({ length: 10 }, (_, i) => i),
    );
    assert.notDeepEqual(p1, p2, "a fresh row-group order each pass");
    assert.notDeepEqual(
      p1,
      [...p1].sort((x, y) => x - y),
      "not file order",
    );
    const ordered = await serve(open({ shuffle: false }), 95);
    assert.deepEqual(
      ordered,
      Array.from({ length: 95 }, (_, i) => i),
    );
    // a larger buffer mixes rows of several row groups (and files) in the first samples
    const mixed = new Set((await serve(open({ seed: 5, bufferSize: 40 }), 20)).map(unitOf));
    assert.ok(mixed.size >= 3, `rows of ${mixed.size} row groups in the first 20 samples`);
  });

  it("never holds more than the buffer plus one row group; one read in flight", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const read = table.readUnit.bind(table);
    table.readUnit = async (u: number) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await read(u);
      } finally {
        inFlight--;
      }
    };
    try {
      for (const bufferSize of [1, 15, 25, 1000]) {
        const src = open({ seed: 2, bufferSize });
        const capacity = Math.max(bufferSize, table.maxUnitRows);
        for (let k = 0; k < 40; k++) {
          await src.next(6);
          assert.ok(src.stats().held <= capacity + table.maxUnitRows);
        }
        const s = src.stats();
        assert.ok(
          s.maxHeld <= capacity + table.maxUnitRows,
          `maxHeld ${s.maxHeld}, capacity ${capacity}`,
        );
        assert.ok(s.maxHeld >= Math.min(capacity, 95) - 10, "the buffer is used");
        await src.close();
      }
      const noPrefetch = open({ seed: 2, bufferSize: 25, prefetch: false });
      await serve(noPrefetch, 200);
      assert.ok(noPrefetch.stats().maxHeld <= 25);
      assert.equal(maxInFlight, 1, "prefetch reads one row group ahead, no more");
    } finally {
      table.readUnit = read;
    }
  });

  it("prefetches the next row group while the current one is served", async () => {
    const src = open({ seed: 4, bufferSize: 1 });
    await src.next(1);
    assert.equal(
      src.stats().held,
      9 + 10,
      "nine rows left in the buffer plus the prefetched group",
    );
  });

  it("resumes exactly from a JSON state, mid-row-group, at pass ends and across passes", async () => {
    const cases: [SourceOptions, number][] = [
      [{ seed: 1, bufferSize: 25 }, 13],
      [{ seed: 1, bufferSize: 25 }, 95],
      [{ seed: 2, bufferSize: 1 }, 57],
      [{ seed: 3, bufferSize: 1000 }, 120],
      [{ seed: 4, bufferSize: 30, prefetch: false }, 33],
      [{ shuffle: false }, 41],
      [{ seed: 6, bufferSize: 25 }, 0],
    ];
    for (const [opts, cut] of cases) {
      const a = open(opts);
      await serve(a, cut, [5, 11]);
      const state = JSON.parse(JSON.stringify(a.getState()));
      const after = await serve(a, 200, [9]);
      const b = open({ ...opts, seed: 777 }); // the state, not the seed, decides
      b.setState(state);
      assert.deepEqual(await serve(b, 200, [4, 17]), after, `${JSON.stringify(opts)} cut ${cut}`);
      const c = open(opts);
      c.setState(state);
      assert.deepEqual(
        c.getState(),
        state,
        "getState before the restore returns the pending state",
      );
    }
  });

  it("serves overlapping next() calls one after another", async () => {
    const a = await serve(open({ seed: 8, bufferSize: 20 }), 60, [20]);
    const src = open({ seed: 8, bufferSize: 20 });
    const chunks = await Promise.all([src.next(20), src.next(20), src.next(20)]);
    assert.deepEqual(
      chunks.flatMap((c) => idsOf(c.x, 2)),
      a,
    );
  });

  it("rejects a state of other data or options", async () => {
    const a = open({ seed: 1, bufferSize: 25 });
    await a.next(5);
    const s = a.getState();
    assert.throws(() => open({ seed: 1, bufferSize: 26 }).setState(s), ConfigError);
    assert.throws(() => open({ shuffle: false }).setState(s), ConfigError);
    assert.throws(() => open().setState({ ...s, fingerprint: "other" }), ConfigError);
    assert.throws(() => open().setState({ kind: "memory", version: 1 }), ConfigError);
    await assert.rejects(a.next(0), ConfigError);
  });
});
