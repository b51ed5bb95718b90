/**
 * Finding a run's newest loadable checkpoint. polytask writes a checkpoint into a temporary
 * sibling (`.ckpt.tmp-*`) and swaps it in through a second sibling (`.ckpt.old-*`); a kill -9
 * between the two renames leaves no `ckpt/` at all. This looks at `ckpt/`, then at complete
 * temporaries (newest first), then at old copies, loads the first that polytask accepts, puts it
 * back at `ckpt/`, and removes the leftovers.
 */
import { cpSync, existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import * as pt from "../../../src/index.js";

async function loadable(dir: string): Promise<pt.Run<string> | undefined> {
  try {
    return await pt.load(dir);
  } catch {
    return undefined;
  }
}

/** The run saved at `ckpt` (recovered from its siblings when needed), or undefined. */
export async function loadNewest(
  ckpt: string,
  log: (line: string) => void,
): Promise<pt.Run<string> | undefined> {
  const parent = dirname(ckpt);
  const base = basename(ckpt);
  const siblings = existsSync(parent)
    ? readdirSync(parent)
        .filter((n) => n.startsWith(`.${base}.tmp-`) || n.startsWith(`.${base}.old-`))
        .map((n) => join(parent, n))
    : [];
  const mtime = (p: string) => statSync(p).mtimeMs;
  const tmps = siblings
    .filter((p) => basename(p).includes(".tmp-") && existsSync(join(p, "state.json")))
    .sort((a, b) => mtime(b) - mtime(a));
  const olds = siblings
    .filter((p) => basename(p).includes(".old-"))
    .sort((a, b) => mtime(b) - mtime(a));
  let found: pt.Run<string> | undefined;
  if (existsSync(ckpt)) {
    found = await loadable(ckpt);
    if (!found) {
      const aside = `${ckpt}.broken-${Date.now()}`;
      renameSync(ckpt, aside);
      log(`checkpoint ${ckpt} did not load; moved aside to ${aside}`);
    }
  }
  if (!found)
    for (const cand of [...tmps, ...olds]) {
      found = await loadable(cand);
      if (found) {
        renameSync(cand, ckpt);
        log(`recovered the checkpoint from ${basename(cand)}`);
        break;
      }
    }
  for (const p of siblings) if (existsSync(p)) rmSync(p, { recursive: true, force: true });
  return found;
}

/** Copies the checkpoint `from` to `to` (through a temporary, renamed into place). */
export function copyCheckpoint(from: string, to: string): void {
  const tmp = `${to}.copy-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  cpSync(from, tmp, { recursive: true });
  renameSync(tmp, to);
}
