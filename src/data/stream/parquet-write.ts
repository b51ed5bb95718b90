/**
 * Writing in-memory datasets (one, or a group sharing one input) as Parquet shards with
 * hyparquet-writer, one row group at a time: `x` (the inputs: raw little-endian float32/int32
 * bytes per sample, "tensor" layout, or a Parquet LIST of numbers, "list" layout, which pyarrow
 * and pandas read as arrays) plus one column per task (INT32 class indices, FLOAT targets or a
 * LIST of FLOAT; a missing label is a null). Each shard's key-value metadata ("polytask") records
 * the input shape, dtype, label kinds, class counts and names, so `fromParquet` needs only the
 * column names. Shards are written under a temporary name and renamed, so a crash leaves no
 * half-written shard behind a final name.
 */
import { mkdir, rename } from "node:fs/promises";
import { join } from "node:path";
import { ParquetWriter, fileWriter } from "hyparquet-writer";
import { ConfigError, show } from "../../errors.js";
import type { Dataset } from "../types.js";
import { POLYTASK_META_KEY, type PolytaskMeta } from "./parquet-table.js";

/** The writer's schema element type (hyparquet-writer bundles its own hyparquet types). */
type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]["schema"][number];

export interface WriteShardsArgs {
  /** Output directory (created). */
  dir: string;
  /** Rows per shard file. Defaults to 10000. */
  rowsPerShard?: number;
  /** Rows per row group (the unit a streamed source reads). Defaults to 1000. */
  rowGroupSize?: number;
  /** "tensor" (default, fastest to read) or "list" (Parquet LIST, for other tools). */
  layout?: "tensor" | "list";
  /**
   * Compression of the sample column. Defaults to "SNAPPY". "UNCOMPRESSED" reads faster (about
   * 1.2x the samples/s on MNIST shards, bench/streaming/REPORT.md) in files several times larger.
   */
  codec?: "SNAPPY" | "UNCOMPRESSED";
  /** File name prefix. Defaults to "part". */
  prefix?: string;
  /** Name recorded in the metadata (and used in error messages). */
  name?: string;
}

export interface WrittenShards {
  readonly files: readonly string[];
  readonly rows: number;
  readonly rowGroups: number;
}

function positive(field: string, v: number | undefined, dflt: number): number {
  const x = v ?? dflt;
  if (!Number.isInteger(x) || x < 1)
    throw new ConfigError(`writeParquetShards: ${field} ${show(v)} must be an integer >= 1.`, {
      field,
      value: v,
      expected: "an integer >= 1",
    });
  return x;
}

function listSchema(name: string, type: "FLOAT" | "INT32"): SchemaElement[] {
  return [
    { name, repetition_type: "REQUIRED", num_children: 1, converted_type: "LIST" },
    { name: "list", repetition_type: "REPEATED", num_children: 1 },
    { name: "element", type, repetition_type: "REQUIRED" },
  ];
}

/** Writes `tasks` (datasets sharing one input) as Parquet shards; returns the files written. */
export async function writeParquetShards(
  tasks: Readonly<Record<string, Dataset>>,
  args: WriteShardsArgs,
): Promise<WrittenShards> {
  const entries = Object.entries(tasks);
  if (entries.length === 0)
    throw new ConfigError("writeParquetShards: no datasets were given.", { field: "tasks" });
  const d0 = entries[0][1];
  for (const [t, d] of entries)
    if (d.size !== d0.size || d.x.length !== d0.x.length)
      throw new ConfigError(
        `writeParquetShards: task "${t}" does not share the first task's input.`,
        {
          task: t,
          field: "x",
          value: d.size,
          expected: `${d0.size} samples of the same input`,
        },
      );
  if (entries.some(([t]) => t === "x"))
    throw new ConfigError('writeParquetShards: a task may not be named "x" (the input column).', {
      field: "tasks",
      value: "x",
    });
  const perShard = positive("rowsPerShard", args.rowsPerShard, 10000);
  const perGroup = positive("rowGroupSize", args.rowGroupSize, 1000);
  const layout = args.layout ?? "tensor";
  const codec = args.codec ?? "SNAPPY";
  const per = d0.inputShape.reduce((a, b) => a * b, 1);
  const int = d0.inputDtype === "int32";
  const xSchema: SchemaElement[] =
    layout === "tensor"
      ? [
          {
            name: "x",
            type: "FIXED_LEN_BYTE_ARRAY",
            type_length: per * 4,
            repetition_type: "REQUIRED",
          },
        ]
      : listSchema("x", int ? "INT32" : "FLOAT");
  const labelSchema = entries.flatMap(([t, d]): SchemaElement[] =>
    d.labelKind === "class"
      ? [{ name: t, type: "INT32", repetition_type: "OPTIONAL" }]
      : d.labelSize === 1
        ? [{ name: t, type: "FLOAT", repetition_type: "OPTIONAL" }]
        : [
            { ...listSchema(t, "FLOAT")[0], repetition_type: "OPTIONAL" },
            ...listSchema(t, "FLOAT").slice(1),
          ],
  );
  const schema: SchemaElement[] = [
    { name: "root", num_children: 1 + entries.length },
    ...xSchema,
    ...labelSchema,
  ];
  const meta: PolytaskMeta = {
    format: "polytask-parquet/1",
    ...(args.name ? { name: args.name } : {}),
    features: { column: "x", shape: [...d0.inputShape], dtype: d0.inputDtype },
    labels: Object.fromEntries(
      entries.map(([t, d]) => [
        t,
        {
          column: t,
          kind: d.labelKind,
          ...(d.numClasses !== undefined ? { numClasses: d.numClasses } : {}),
          ...(d.classNames ? { classNames: [...d.classNames] } : {}),
          labelSize: d.labelSize,
        },
      ]),
    ),
  };
  await mkdir(args.dir, { recursive: true });
  const prefix = args.prefix ?? "part";
  const shards = Math.ceil(d0.size / perShard);
  const digits = Math.max(5, String(shards - 1).length);
  const files: string[] = [];
  let rowGroups = 0;
  const xBytes = new Uint8Array(d0.x.buffer, d0.x.byteOffset, d0.x.byteLength);
  for (let s = 0; s < shards; s++) {
    const file = join(args.dir, `${prefix}-${String(s).padStart(digits, "0")}.parquet`);
    const tmp = `${file}.tmp-${process.pid}`;
    const writer = new ParquetWriter({
      writer: fileWriter(tmp),
      schema,
      kvMetadata: [{ key: POLYTASK_META_KEY, value: JSON.stringify(meta) }],
      createdBy: "polytask",
    });
    const end = Math.min(d0.size, (s + 1) * perShard);
    for (let start = s * perShard; start < end; start += perGroup) {
      const stop = Math.min(end, start + perGroup);
      const rows = stop - start;
      const x: unknown[] = new Array(rows);
      for (let r = 0; r < rows; r++) {
        const i = start + r;
        x[r] =
          layout === "tensor"
            ? xBytes.subarray(i * per * 4, (i + 1) * per * 4)
            : Array.from(d0.x.subarray(i * per, (i + 1) * per));
      }
      const columnData = [
        { name: "x", data: x, codec },
        ...entries.map(([t, d]) => {
          const ls = d.labelSize;
          const data: unknown[] = new Array(rows);
          for (let r = 0; r < rows; r++) {
            const i = start + r;
            if (d.mask && d.mask[i] === 0) data[r] = null;
            else if (d.labelKind === "class" || ls === 1) data[r] = d.y[i * ls];
            else data[r] = Array.from(d.y.subarray(i * ls, (i + 1) * ls));
          }
          return { name: t, data };
        }),
      ];
      await writer.write({ columnData, rowGroupSize: rows });
      rowGroups++;
    }
    await writer.finish();
    await rename(tmp, file);
    files.push(file);
  }
  return { files, rows: d0.size, rowGroups };
}
