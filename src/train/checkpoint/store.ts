/**
 * A checkpoint directory as a store of versions. `dir` holds complete versions `v0000000001`,
 * `v0000000002`, ... (each a folder of files with a `manifest.json`) and, transiently, dot-names:
 * staging folders `.tmp-*` and folders being deleted `.trash-*`. The newest version is the
 * checkpoint.
 *
 * A save writes and fsyncs every file in a staging folder, fsyncs the folder, renames it to the
 * next free version number and fsyncs `dir`: that rename is the commit. Rename fails onto an
 * existing (non-empty) version, so concurrent savers, in one process or several, never share a
 * number; the last to commit wins. The save then removes the versions older than the newest.
 *
 * Why `dir` is loadable at every instant once a save has committed: a version only appears by
 * the rename of a complete, fsync'd folder; a version is only removed (renamed to `.trash-*`,
 * then deleted) by a cleaner that saw a newer version, so the newest is never removed. A load
 * that loses a race with a cleaner (its version removed while it reads) reads again.
 *
 * There is deliberately no pointer file: it would be a second commit point that can disagree
 * with the first (a crash between the two), and each disagreement would need a rule.
 */
import { dirname, join } from "node:path";
import {
  listDir,
  makeDir,
  ownerMayBeAlive,
  removeTree,
  renameEntry,
  syncDir,
  uniqueName,
  writeDurable,
} from "./io.js";

const VERSION = /^v\d{10}$/;
const STRAY = /^\.(tmp|trash)-/;
/** Files of the flat layout (before versions); removed once a versioned save has committed. */
export const LEGACY_FILES = ["spec.json", "weights.json", "weights.bin", "state.json", "state.bin"];

/** Names of this process's staging and trash folders in use now. */
const active = new Set<string>();

const versionName = (n: number) => `v${String(n).padStart(10, "0")}`;

export const isVersion = (name: string): boolean => VERSION.test(name);

/** The versions in `dir`, oldest first. */
export async function listVersions(dir: string): Promise<string[]> {
  return (await listDir(dir)).filter(isVersion).sort();
}

/** The version a load reads now (the newest), or undefined. */
export async function currentVersion(dir: string): Promise<string | undefined> {
  const versions = await listVersions(dir);
  return versions[versions.length - 1];
}

/** Writes `files` as a new version of `dir` and commits it; returns the version's name. */
export async function saveVersion(
  dir: string,
  files: readonly (readonly [string, Uint8Array | string])[],
): Promise<string> {
  await makeDir(dir);
  await syncDir(dirname(dir));
  const stageName = uniqueName(".tmp");
  const stage = join(dir, stageName);
  active.add(stageName);
  let committed = false;
  try {
    await makeDir(stage);
    for (const [name, data] of files) await writeDurable(join(stage, name), data);
    await syncDir(stage);
    const version = await commit(dir, stage);
    committed = true;
    await syncDir(dir);
    await cleanup(dir);
    return version;
  } finally {
    if (!committed) await removeTree(stage).catch(() => {});
    active.delete(stageName);
  }
}

/** Renames the staging folder to the next free version number. */
async function commit(dir: string, stage: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const versions = await listVersions(dir);
    const last = versions.length ? Number(versions[versions.length - 1].slice(1)) : 0;
    const name = versionName(last + 1);
    try {
      await renameEntry(stage, join(dir, name));
      return name;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // another saver took this number first (EPERM: Windows)
      if ((code === "ENOTEMPTY" || code === "EEXIST" || code === "EPERM") && attempt < 1000)
        continue;
      throw e;
    }
  }
}

/**
 * Removes what no load needs: versions older than the newest, staging and trash folders whose
 * process is gone, and the files of the flat layout. Safe alongside concurrent saves and loads
 * (see the file comment); failures (a read-only folder, a race with another cleaner) are
 * ignored. Returns the names removed.
 */
export async function cleanup(dir: string): Promise<string[]> {
  const removed: string[] = [];
  try {
    const names = await listDir(dir);
    const versions = names.filter(isVersion).sort();
    const newest = versions[versions.length - 1];
    for (const v of versions.slice(0, -1)) {
      const trashName = uniqueName(".trash");
      active.add(trashName);
      try {
        await renameEntry(join(dir, v), join(dir, trashName));
        removed.push(v);
        await removeTree(join(dir, trashName));
      } catch {
        // another cleaner took it first
      } finally {
        active.delete(trashName);
      }
    }
    for (const n of names)
      if (
        (STRAY.test(n) && !ownerMayBeAlive(n, active)) ||
        (newest !== undefined && LEGACY_FILES.includes(n))
      ) {
        await removeTree(join(dir, n)).catch(() => {});
        removed.push(n);
      }
  } catch {
    // cleaning up is best effort
  }
  return removed;
}
