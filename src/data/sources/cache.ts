/**
 * A byte cache for parsed datasets, so that a second process loads in milliseconds: files
 * under $POLYTASK_CACHE (default <package root>/node_modules/.cache/polytask), named by a key
 * that includes the source files' sizes and modification times. Writes go through a temp file
 * and a rename; a cache that cannot be written is only a slower load next time.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./files.js";

export function cacheDir(): string {
  return process.env.POLYTASK_CACHE ?? join(packageRoot(), "node_modules", ".cache", "polytask");
}

/** A key part describing source files (size and mtime), so edits invalidate the cache. */
export function sourceStamp(paths: readonly string[]): string {
  let h = 0x811c9dc5;
  for (const p of paths) {
    const s = statSync(p);
    for (const ch of `${p}:${s.size}:${s.mtimeMs}`)
      h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  }
  return h.toString(16);
}

/** The cached bytes for `key` if present with exactly `length` bytes, else undefined. */
export function readCache(key: string, length: number): Uint8Array | undefined {
  if (process.env.POLYTASK_CACHE === "off") return undefined;
  try {
    const b = readFileSync(join(cacheDir(), `${key}.bin`));
    return b.length === length ? new Uint8Array(b.buffer, b.byteOffset, b.length) : undefined;
  } catch {
    return undefined;
  }
}

export function writeCache(key: string, bytes: Uint8Array): void {
  if (process.env.POLYTASK_CACHE === "off") return;
  try {
    const dir = cacheDir();
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `${key}.${process.pid}.tmp`);
    writeFileSync(tmp, bytes);
    renameSync(tmp, join(dir, `${key}.bin`));
  } catch {
    // read-only install: the next load parses the sources again
  }
}
