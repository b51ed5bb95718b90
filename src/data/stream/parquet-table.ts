/**
 * ParquetTable: the shared input of a streamed dataset or task group. Opening reads only the
 * files' footers (schema, row counts, row-group sizes, column statistics); data is read one row
 * group (a "unit") at a time with hyparquet, on demand, and decoded into a RowBlock.
 */
import { open, stat } from "node:fs/promises";
import { basename } from "node:path";
import {
  type AsyncBuffer,
  type FileMetaData,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
} from "hyparquet";
import { DataError } from "../../errors.js";
import { type RowBlock, type TableSpec, decodeBlock } from "./parquet-decode.js";
import { type ColumnKind, columnKind } from "./parquet-schema.js";
import { ParquetSource } from "./parquet-source.js";
import type { SampleSource, SourceOptions, StreamTable } from "./types.js";

export interface ParquetFile {
  readonly path: string;
  readonly buffer: AsyncBuffer;
  readonly metadata: FileMetaData;
  readonly rows: number;
  /** Top-level columns by name. */
  readonly columns: ReadonlyMap<string, ColumnKind>;
  /** The `polytask` key-value metadata, parsed, when the file has it. */
  readonly polytask?: PolytaskMeta;
}

/** What `polytask data convert` records in each shard's key-value metadata (key "polytask"). */
export interface PolytaskMeta {
  readonly format: "polytask-parquet/1";
  readonly name?: string;
  readonly features: { column: string; shape: number[]; dtype: "float32" | "int32" };
  readonly labels: Record<
    string,
    { column: string; kind: string; numClasses?: number; classNames?: string[]; labelSize?: number }
  >;
}

/** One row group of one file: what the source reads at a time. */
export interface Unit {
  readonly file: number;
  readonly group: number;
  /** Row (in its file) of the group's first row. */
  readonly groupStart: number;
  readonly rows: number;
  /** Global index of the group's first row (files in order, then groups). */
  readonly offset: number;
}

export const POLYTASK_META_KEY = "polytask";

/**
 * A file as hyparquet's AsyncBuffer: each slice is one positioned read into one buffer (a row
 * group's column chunk in a single call). hyparquet's own `asyncBufferFromFile` streams every
 * slice in 64 KiB pieces, which left the reader waiting on the filesystem most of the time.
 */
async function fileBuffer(path: string): Promise<AsyncBuffer> {
  const { size } = await stat(path);
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? size, size);
      const out = new Uint8Array(Math.max(0, stop - start));
      if (out.length === 0) return out.buffer;
      const fh = await open(path, "r");
      try {
        let done = 0;
        while (done < out.length) {
          const { bytesRead } = await fh.read(out, done, out.length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
      } finally {
        await fh.close();
      }
      return out.buffer;
    },
  };
}

/** Opens one file's footer. */
export async function openParquetFile(dataset: string, path: string): Promise<ParquetFile> {
  let buffer: AsyncBuffer;
  let metadata: FileMetaData;
  try {
    buffer = await fileBuffer(path);
    metadata = await parquetMetadataAsync(buffer);
  } catch (cause) {
    throw new DataError(`Dataset "${dataset}": cannot read ${path} as a Parquet file.`, {
      task: dataset,
      field: "path",
      value: path,
      expected: "a readable Apache Parquet file",
      file: path,
      cause,
    });
  }
  const columns = new Map<string, ColumnKind>();
  for (const child of parquetSchema(metadata).children)
    columns.set(child.element.name, columnKind(child));
  let polytask: PolytaskMeta | undefined;
  const kv = metadata.key_value_metadata?.find((k) => k.key === POLYTASK_META_KEY)?.value;
  if (kv) {
    try {
      const parsed = JSON.parse(kv);
      if (parsed?.format === "polytask-parquet/1") polytask = parsed;
    } catch {
      // foreign metadata under our key: ignored, the options then decide everything
    }
  }
  return { path, buffer, metadata, rows: Number(metadata.num_rows), columns, polytask };
}

export class ParquetTable implements StreamTable {
  readonly name: string;
  readonly size: number;
  readonly labels: readonly string[];
  readonly units: readonly Unit[];
  /** Rows of the largest row group. */
  readonly maxUnitRows: number;
  /** Identifies the data, so that a saved source state is not restored onto other files. */
  readonly fingerprint: string;
  private readonly columnsToRead: string[];

  constructor(
    readonly spec: TableSpec,
    readonly parquetFiles: readonly ParquetFile[],
    /** Source options that apply unless a source is given its own (`bufferSize`). */
    private readonly defaults: Pick<SourceOptions, "bufferSize"> = {},
  ) {
    this.name = spec.name;
    this.labels = spec.labels.map((l) => l.key);
    const units: Unit[] = [];
    let offset = 0;
    parquetFiles.forEach((f, fi) => {
      let start = 0;
      f.metadata.row_groups.forEach((g, gi) => {
        const rows = Number(g.num_rows);
        if (rows > 0) units.push({ file: fi, group: gi, groupStart: start, rows, offset });
        start += rows;
        offset += rows;
      });
    });
    this.units = units;
    this.size = offset;
    this.maxUnitRows = Math.max(0, ...units.map((u) => u.rows));
    this.columnsToRead = [
      ...new Set([...spec.features.columns, ...spec.labels.map((l) => l.column)]),
    ];
    this.fingerprint = [
      parquetFiles.map((f) => `${basename(f.path)}:${f.rows}`).join(","),
      this.columnsToRead.join(","),
    ].join("|");
  }

  get files(): readonly string[] {
    return this.parquetFiles.map((f) => f.path);
  }

  source(opts: SourceOptions & { labels?: readonly string[] } = {}): SampleSource {
    const { labels, ...rest } = opts;
    return new ParquetSource(this, labels ?? this.labels, {
      ...rest,
      bufferSize: rest.bufferSize ?? this.defaults.bufferSize,
    });
  }

  /** Index of the unit holding global row `id`. */
  unitOf(id: number): number {
    let lo = 0;
    let hi = this.units.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.units[mid].offset <= id) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Reads and decodes one row group. */
  async readUnit(index: number): Promise<RowBlock> {
    const u = this.units[index];
    const f = this.parquetFiles[u.file];
    const pieces: Record<string, { start: number; data: ArrayLike<unknown> }[]> = {};
    for (const c of this.columnsToRead) pieces[c] = [];
    try {
      await parquetRead({
        file: f.buffer,
        metadata: f.metadata,
        columns: this.columnsToRead,
        rowStart: u.groupStart,
        rowEnd: u.groupStart + u.rows,
        utf8: false,
        onChunk: (c) => {
          pieces[c.columnName]?.push({ start: c.rowStart, data: c.columnData });
        },
      });
    } catch (cause) {
      throw new DataError(
        `Dataset "${this.name}": cannot decode row group ${u.group} of ${f.path}: ${(cause as Error)?.message ?? cause}.`,
        { task: this.name, field: "rowGroup", value: u.group, file: f.path, cause },
      );
    }
    const cols: Record<string, ArrayLike<unknown>> = {};
    for (const [c, ps] of Object.entries(pieces)) {
      if (ps.length === 1 && ps[0].start === u.groupStart) {
        cols[c] = ps[0].data;
        continue;
      }
      ps.sort((a, b) => a.start - b.start);
      const all: unknown[] = [];
      for (const p of ps) for (let i = 0; i < p.data.length; i++) all.push(p.data[i]);
      cols[c] = all;
    }
    return decodeBlock(this.spec, cols, u.rows, {
      file: f.path,
      group: u.group,
      firstRow: u.groupStart,
    });
  }
}
