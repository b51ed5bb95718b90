/**
 * The decode worker's entry (see decode-client.ts): opens the table's files on demand (each
 * footer parsed once), reads and decodes the row groups it is asked for (parquet-read.ts) and
 * posts each RowBlock back with its buffers transferred, not copied. A failure goes back as the
 * error's class name, message and details, so that the caller rethrows the same typed error.
 */
import { parentPort, workerData } from "node:worker_threads";
import { parquetMetadataAsync } from "hyparquet";
import type { TableSpec } from "./parquet-decode.js";
import { type OpenedFile, type RowGroupJob, fileBuffer, readRowGroup } from "./parquet-read.js";

const spec = workerData.spec as TableSpec;
const files = new Map<string, Promise<OpenedFile>>();

function opened(path: string): Promise<OpenedFile> {
  let f = files.get(path);
  if (!f) {
    f = (async () => {
      const buffer = await fileBuffer(path);
      return { path, buffer, metadata: await parquetMetadataAsync(buffer) };
    })();
    files.set(path, f);
  }
  return f;
}

/** The error as plain data (its details only where they can be posted). */
function plain(e: unknown): Record<string, unknown> {
  const err = e as Record<string, unknown> & Error;
  const out: Record<string, unknown> = {
    name: err?.name ?? "Error",
    message: err?.message ?? String(e),
  };
  for (const k of ["task", "field", "value", "expected", "index", "file"]) {
    if (err?.[k] === undefined) continue;
    try {
      out[k] = structuredClone(err[k]);
    } catch {
      out[k] = String(err[k]);
    }
  }
  return out;
}

parentPort?.on("message", async (m: { id: number; job: RowGroupJob }) => {
  try {
    const block = await readRowGroup(spec, await opened(m.job.file), m.job);
    const buffers = new Set<ArrayBuffer>();
    for (const a of [block.x, ...Object.values(block.y), ...Object.values(block.mask)])
      if (a) buffers.add(a.buffer as ArrayBuffer);
    parentPort?.postMessage({ id: m.id, block }, [...buffers]);
  } catch (e) {
    parentPort?.postMessage({ id: m.id, error: plain(e) });
  }
});
