/**
 * Small Parquet files for the streaming tests, written with hyparquet-writer the way other
 * tools write them (no polytask metadata): row `id` (global, across files) has features
 * `a = id`, `b = -id` (two DOUBLE columns) and `v = [id, id + 0.5]` (a LIST of FLOAT), a class
 * label `c = id % 5` (INT32 or INT64), a second class label `d = id % 3` (null for every 4th
 * row), and a regression target `r = id / 10`. Sample ids are then readable from x[0].
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { parquetWriteFile } from "hyparquet-writer";

export interface TableArgs {
  /** Rows per file. */
  files: readonly number[];
  rowGroupSize: number;
  /** Write the class labels and `a` as INT64 (they arrive as BigInt). */
  int64?: boolean;
  /** Extra per-row overrides: column -> (id -> value). */
  override?: Record<string, (id: number) => unknown>;
  dir?: string;
}

const made: string[] = [];
// the test file that imports these fixtures removes their folders when it ends
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = "polytask-pq-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Writes the files; returns the directory and the file paths. */
export function writeTable(args: TableArgs): { dir: string; files: string[] } {
  const dir = args.dir ?? tempDir();
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  let id0 = 0;
  args.files.forEach((rows, fi) => {
    const ids = Array.from({ length: rows }, (_, i) => id0 + i);
    const col = (name: string, f: (id: number) => unknown) =>
      ids.map((id) => (args.override?.[name] ? args.override[name](id) : f(id)));
    const file = join(dir, `shard-${fi}.parquet`);
    const big = args.int64 === true;
    parquetWriteFile({
      filename: file,
      rowGroupSize: args.rowGroupSize,
      columnData: [
        { name: "a", data: col("a", (id) => (big ? BigInt(id) : id)) },
        { name: "b", data: col("b", (id) => -id) },
        { name: "v", data: col("v", (id) => [id, id + 0.5]) },
        { name: "c", data: col("c", (id) => (big ? BigInt(id % 5) : id % 5)) },
        { name: "d", data: col("d", (id) => (id % 4 === 3 ? null : id % 3)) },
        { name: "r", data: col("r", (id) => id / 10) },
        { name: "s", data: col("s", (id) => ["cat", "dog"][id % 2]) },
      ],
      schema: [
        { name: "root", num_children: 7 },
        { name: "a", type: big ? "INT64" : "DOUBLE", repetition_type: "OPTIONAL" },
        { name: "b", type: "DOUBLE", repetition_type: "OPTIONAL" },
        { name: "v", repetition_type: "OPTIONAL", num_children: 1, converted_type: "LIST" },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        { name: "element", type: "FLOAT", repetition_type: "OPTIONAL" },
        { name: "c", type: big ? "INT64" : "INT32", repetition_type: "OPTIONAL" },
        { name: "d", type: "INT32", repetition_type: "OPTIONAL" },
        { name: "r", type: "DOUBLE", repetition_type: "OPTIONAL" },
        { name: "s", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
      ],
    });
    files.push(file);
    id0 += rows;
  });
  return { dir, files };
}

/** The sample ids (x[0] of each sample, features a, b) of a chunk. */
export function idsOf(x: Float32Array | Int32Array, per: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.length; i += per) out.push(x[i]);
  return out;
}
