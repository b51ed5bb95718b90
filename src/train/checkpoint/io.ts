/**
 * The file operations of a checkpoint save, each durable (written data and directory entries
 * are fsync'd) and each announced to `faults.hook` first, so that tests can kill a process at
 * any one of them (test/train/checkpoint-faults.test.ts). Names of temporary files and folders
 * are unique per host, process and call (random bits and a counter), never time-based.
 */
import { randomBytes } from "node:crypto";
import { type FileHandle, mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { hostname } from "node:os";

/** Fault injection: called before every file operation of a save (tests only). */
export const faults: { hook?: (op: string, path: string) => void } = {};

function at(op: string, path: string): void {
  faults.hook?.(op, path);
}

const HOST = hostname().replace(/[^A-Za-z0-9]/g, "") || "host";
let counter = 0;

/** A name no other save (in this or another process or host) uses: `<prefix>-<host>-<pid>-<random>-<n>`. */
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}-${HOST}-${process.pid}-${randomBytes(6).toString("hex")}-${counter}`;
}

/** The host and pid in a `uniqueName`, or undefined for another name. */
export function ownerOf(name: string): { host: string; pid: number } | undefined {
  const m = /-([A-Za-z0-9]+)-(\d+)-[0-9a-f]{12}-\d+$/.exec(name);
  return m ? { host: m[1], pid: Number(m[2]) } : undefined;
}

/** Whether the process that made `name` may still be writing it. */
export function ownerMayBeAlive(name: string, active: ReadonlySet<string>): boolean {
  const o = ownerOf(name);
  if (!o) return false;
  if (o.host !== HOST) return true; // another machine (shared folder): cannot tell
  if (o.pid === process.pid) return active.has(name);
  try {
    process.kill(o.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // alive, another user's
  }
}

export async function makeDir(path: string): Promise<void> {
  at("mkdir", path);
  await mkdir(path, { recursive: true });
}

/** Creates `path` (which must not exist), writes `data` in two halves, fsyncs and closes it. */
export async function writeDurable(path: string, data: Uint8Array | string): Promise<void> {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  at("open", path);
  const fh = await open(path, "wx");
  try {
    const half = bytes.byteLength >> 1;
    at("write", path);
    await fh.writeFile(bytes.subarray(0, half));
    at("write", path);
    await fh.writeFile(bytes.subarray(half));
    at("fsync", path);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Flushes a directory's entries (renames, new files) to disk, where the platform allows it. */
export async function syncDir(path: string): Promise<void> {
  at("fsyncdir", path);
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, "r");
    await fh.sync();
  } catch (e) {
    // Windows cannot open or sync a directory; there the rename itself is what we have
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EACCES") throw e;
  } finally {
    await fh?.close();
  }
}

export async function renameEntry(from: string, to: string): Promise<void> {
  at("rename", to);
  await rename(from, to);
}

export async function listDir(path: string): Promise<string[]> {
  at("readdir", path);
  try {
    return await readdir(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}

export async function removeTree(path: string): Promise<void> {
  at("rm", path);
  await rm(path, { recursive: true, force: true, maxRetries: 3 });
}
