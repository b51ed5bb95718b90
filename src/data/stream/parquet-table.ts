/**
 * ParquetTable: the shared input of a streamed dataset or task group. Opening reads only the
 * files' footers (schema, row counts, row-group sizes, column statistics); data is read one row
 * group (a "unit") at a time with hyparquet, on demand, and decoded into a RowBlock: by default
 * in a worker thread (decode-worker.ts), started when the first source opens and stopped when
 * the last one closes, so that decoding overlaps training on the main thread.
 */
import { basename } from "node:path";
import {
  type AsyncBuffer,
  type FileMetaData,
  parquetMetadataAsync,
  parquetSchema,
} from "hyparquet";
import { DataError } from "../../errors.js";
import { DecodeWorker } from "./decode-client.js";
import type { RowBlock, TableSpec } from "./parquet-decode.js";
import { type RowGroupJob, fileBuffer, readRowGroup } from "./parquet-read.js";
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
  /** Where row groups are decoded: a worker thread (default) or the calling thread. */
  readonly decode: "worker" | "main";
  private readonly columnsToRead: string[];
  private users = 0;
  private decoder?: DecodeWorker;
  private readonly decoded = { worker: 0, main: 0 };

  constructor(
    readonly spec: TableSpec,
    readonly parquetFiles: readonly ParquetFile[],
    /** Source options that apply unless a source is given its own (`bufferSize`), and `decode`. */
    private readonly defaults: Pick<SourceOptions, "bufferSize"> & {
      decode?: "worker" | "main";
    } = {},
  ) {
    this.decode = defaults.decode ?? "worker";
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

  /** Reads and decodes one row group (in the decode worker when the table has one). */
  readUnit(index: number): Promise<RowBlock> {
    const u = this.units[index];
    const f = this.parquetFiles[u.file];
    const job: RowGroupJob = {
      file: f.path,
      group: u.group,
      groupStart: u.groupStart,
      rows: u.rows,
      columns: this.columnsToRead,
    };
    return this.decoder ? this.decoder.read(job) : this.readHere(job);
  }

  /** Reads and decodes a row group on this thread. */
  private readHere(job: RowGroupJob): Promise<RowBlock> {
    if (!this.decoder) this.decoded.main++;
    const f = this.parquetFiles.find((p) => p.path === job.file) as ParquetFile;
    return readRowGroup(this.spec, f, job);
  }

  /**
   * A source starts using the table: with `decode: "worker"` the first one starts the decode
   * worker. `release` when it is closed: the last one stops it.
   */
  acquire(): void {
    if (this.users++ === 0 && this.decode === "worker")
      this.decoder = DecodeWorker.start(this.spec, (job) => this.readHere(job));
  }

  release(): void {
    if (this.users === 0) return;
    if (--this.users === 0 && this.decoder) {
      const d = this.decoder;
      this.decoder = undefined;
      this.decoded.worker += d.counts.worker;
      this.decoded.main += d.counts.main;
      void d.stop();
    }
  }

  /** Row groups decoded so far in the decode worker and on the calling thread. */
  decodeCounts(): { worker: number; main: number } {
    const d = this.decoder?.counts ?? { worker: 0, main: 0 };
    return { worker: this.decoded.worker + d.worker, main: this.decoded.main + d.main };
  }
}
