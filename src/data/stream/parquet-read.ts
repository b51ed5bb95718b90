/**
 * Reading one row group of one Parquet file with hyparquet and decoding it into a RowBlock: the
 * part of a ParquetTable that runs wherever the decode runs (the main thread, or the decode
 * worker, decode-worker.ts, which opens the files itself).
 */
import { open, stat } from "node:fs/promises";
import { type AsyncBuffer, type FileMetaData, parquetRead } from "hyparquet";
import { DataError } from "../../errors.js";
import { type RowBlock, type TableSpec, decodeBlock } from "./parquet-decode.js";

/** What reading one row group needs to know (plain data: it is posted to the worker). */
export interface RowGroupJob {
  readonly file: string;
  readonly group: number;
  /** Row (in its file) of the group's first row. */
  readonly groupStart: number;
  readonly rows: number;
  readonly columns: readonly string[];
}

/** An opened file: its bytes and its parsed footer. */
export interface OpenedFile {
  readonly path: string;
  readonly buffer: AsyncBuffer;
  readonly metadata: FileMetaData;
}

/**
 * A file as hyparquet's AsyncBuffer: each slice is one positioned read into one buffer (a row
 * group's column chunk in a single call). hyparquet's own `asyncBufferFromFile` streams every
 * slice in 64 KiB pieces, which left the reader waiting on the filesystem most of the time.
 */
export async function fileBuffer(path: string): Promise<AsyncBuffer> {
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

/** Reads and decodes rows [groupStart, groupStart + rows) of `f`. */
export async function readRowGroup(
  spec: TableSpec,
  f: OpenedFile,
  job: RowGroupJob,
): Promise<RowBlock> {
  const pieces: Record<string, { start: number; data: ArrayLike<unknown> }[]> = {};
  for (const c of job.columns) pieces[c] = [];
  try {
    await parquetRead({
      file: f.buffer,
      metadata: f.metadata,
      columns: [...job.columns],
      rowStart: job.groupStart,
      rowEnd: job.groupStart + job.rows,
      utf8: false,
      onChunk: (c) => {
        pieces[c.columnName]?.push({ start: c.rowStart, data: c.columnData });
      },
    });
  } catch (cause) {
    throw new DataError(
      `Dataset "${spec.name}": cannot decode row group ${job.group} of ${f.path}: ${(cause as Error)?.message ?? cause}.`,
      { task: spec.name, field: "rowGroup", value: job.group, file: f.path, cause },
    );
  }
  const cols: Record<string, ArrayLike<unknown>> = {};
  for (const [c, ps] of Object.entries(pieces)) {
    if (ps.length === 1 && ps[0].start === job.groupStart) {
      cols[c] = ps[0].data;
      continue;
    }
    ps.sort((a, b) => a.start - b.start);
    const all: unknown[] = [];
    for (const p of ps) for (let i = 0; i < p.data.length; i++) all.push(p.data[i]);
    cols[c] = all;
  }
  return decodeBlock(spec, cols, job.rows, {
    file: f.path,
    group: job.group,
    firstRow: job.groupStart,
  });
}
