/**
 * A run's checkpoint folder. polytask's checkpoints are crash-safe by themselves (a save commits
 * a new version folder by one rename, and `load` clears what a killed save left behind), so a
 * job only loads `ckpt/` when it is there, and copies a finished search run's checkpoint to start
 * the seed-0 final run from it.
 */
import { cpSync, existsSync, renameSync, rmSync } from "node:fs";
import * as pt from "../../../src/index.js";

/** The run saved at `ckpt`, or undefined when there is none yet. */
export async function loadNewest(
  ckpt: string,
  log: (line: string) => void,
): Promise<pt.Run<string> | undefined> {
  if (!existsSync(ckpt)) return undefined;
  const run = await pt.load(ckpt);
  log(`loaded ${ckpt}: ${run.history.length} epoch(s) done`);
  return run;
}

/** Copies a checkpoint folder to `to` (whole, then renamed into place). */
export function copyCheckpoint(from: string, to: string): void {
  const tmp = `${to}.copy-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  cpSync(from, tmp, { recursive: true });
  renameSync(tmp, to);
}
