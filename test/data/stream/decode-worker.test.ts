/**
 * Row groups decoded in the decode worker (the default) give exactly what decoding on the
 * calling thread gives (same samples, same order, same resume), the worker does the decoding,
 * and a bad value decoded in the worker is the same typed error.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromParquet } from "../../../src/data/sources/parquet.js";
import { openSource } from "../../../src/data/stream/open.js";
import type { ParquetTable } from "../../../src/data/stream/parquet-table.js";
import { DataError } from "../../../src/errors.js";
import { writeTable } from "./fixtures.js";

const { dir } = writeTable({ files: [40, 25], rowGroupSize: 10 });
const args = { features: "v", labels: { five: "c", three: "d" } };

async function serve(decode: "worker" | "main", n: number) {
  const g = await fromParquet(dir, { ...args, decode, bufferSize: 15 });
  const src = openSource(g, { seed: 7 });
  const chunks: unknown[] = [];
  for (let k = 0; k < n; k++) {
    const c = await src.next(9);
    chunks.push({ x: [...c.x], five: [...c.y.five], three: [...c.y.three], mask: c.mask.three });
  }
  const state = src.getState();
  await src.close();
  return { chunks, state, table: g.five.table as ParquetTable };
}

describe("the decode worker", () => {
  it("decodes in a worker thread exactly what the main thread decodes", async () => {
    const worker = await serve("worker", 20);
    const main = await serve("main", 20);
    assert.deepEqual(worker.chunks, main.chunks);
    assert.deepEqual(worker.state, main.state);
    const w = worker.table.decodeCounts();
    assert.ok(w.worker >= 7 && w.main === 0, `decoded in the worker: ${JSON.stringify(w)}`);
    assert.deepEqual(main.table.decodeCounts().worker, 0);
  });

  it("a bad value decoded in the worker is the same typed error", async () => {
    const bad = writeTable({
      files: [12],
      rowGroupSize: 4,
      override: { a: (id) => (id === 6 ? Number.NaN : id) },
    }).dir;
    const fail = async (decode: "worker" | "main") => {
      const d = await fromParquet(bad, { features: ["a", "b"], label: "c", decode });
      const src = openSource({ c: d }, { shuffle: false });
      try {
        await src.next(12);
      } catch (e) {
        return e as DataError;
      } finally {
        await src.close();
      }
      throw new Error("no error");
    };
    const [w, m] = [await fail("worker"), await fail("main")];
    assert.ok(w instanceof DataError);
    assert.equal(w.message, m.message);
    assert.deepEqual([w.field, w.file, w.task], [m.field, m.file, m.task]);
    assert.match(w.message, /row 6/);
  });
});
