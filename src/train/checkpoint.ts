/**
 * Checkpoints on disk. A directory holds `spec.json` (the model spec), `weights.json` +
 * `weights.bin` (parameters by name) and `state.json` + `state.bin` (the run's state: history,
 * RNG, loader, optimizer and strategy state, L2-SP reference, early-stopping best weights, the
 * epoch in progress, the run's options; typed arrays in the binary file, see state-codec.ts). It is written into a temporary sibling directory and renamed into place,
 * so a crash never leaves a half-written checkpoint.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ConfigError } from "../errors.js";
import type { ModelSpecJSON, WeightMap } from "../model/spec.js";
import { decodeState, encodeState } from "./state-codec.js";
import type { TrainState } from "./state.js";

export const CHECKPOINT_FORMAT = "polytask-checkpoint/2";

interface Manifest {
  entries: { name: string; shape: number[]; offset: number; length: number }[];
}

function packWeights(w: WeightMap): { manifest: Manifest; bin: Uint8Array } {
  const entries: Manifest["entries"] = [];
  let total = 0;
  for (const [name, v] of w) {
    entries.push({ name, shape: [...v.shape], offset: total, length: v.values.length });
    total += v.values.length;
  }
  const all = new Float32Array(total);
  let i = 0;
  for (const v of w.values()) {
    all.set(v.values, entries[i].offset);
    i++;
  }
  return { manifest: { entries }, bin: new Uint8Array(all.buffer) };
}

function unpackWeights(
  manifest: Manifest,
  bin: Buffer,
): Map<string, { shape: number[]; values: Float32Array }> {
  const all = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const m = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const e of manifest.entries)
    m.set(e.name, { shape: e.shape, values: all.slice(e.offset, e.offset + e.length) });
  return m;
}

export interface CheckpointData {
  spec: ModelSpecJSON;
  weights: WeightMap;
  state: TrainState;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

export async function writeCheckpoint(dir: string, data: CheckpointData): Promise<void> {
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  await mkdir(tmp, { recursive: true });
  const w = packWeights(data.weights);
  const st = encodeState(data.state);
  await writeFile(join(tmp, "spec.json"), JSON.stringify(data.spec, null, 1));
  await writeFile(join(tmp, "weights.json"), JSON.stringify(w.manifest));
  await writeFile(join(tmp, "weights.bin"), w.bin);
  await writeFile(join(tmp, "state.bin"), st.blob);
  await writeFile(
    join(tmp, "state.json"),
    JSON.stringify({ format: CHECKPOINT_FORMAT, state: JSON.parse(st.json) }),
  );
  if (await exists(dir)) {
    const old = join(parent, `.${basename(dir)}.old-${process.pid}-${Date.now()}`);
    await rename(dir, old);
    await rename(tmp, dir);
    await rm(old, { recursive: true, force: true });
  } else {
    await rename(tmp, dir);
  }
}

export async function readCheckpoint(dir: string): Promise<CheckpointData> {
  let head: { format?: string; state?: unknown };
  try {
    head = JSON.parse(await readFile(join(dir, "state.json"), "utf8"));
  } catch (cause) {
    throw new ConfigError(
      `No polytask checkpoint at "${dir}" (state.json is missing or unreadable).`,
      {
        field: "dir",
        value: dir,
        expected: "a directory written by run.save(dir)",
        cause,
      },
    );
  }
  if (head.format !== CHECKPOINT_FORMAT)
    throw new ConfigError(
      `"${dir}" is not a ${CHECKPOINT_FORMAT} checkpoint (format ${JSON.stringify(head.format)}).`,
      {
        field: "format",
        value: head.format,
        expected: CHECKPOINT_FORMAT,
      },
    );
  const spec = JSON.parse(await readFile(join(dir, "spec.json"), "utf8")) as ModelSpecJSON;
  const weights = unpackWeights(
    JSON.parse(await readFile(join(dir, "weights.json"), "utf8")),
    await readFile(join(dir, "weights.bin")),
  );
  const state = decodeState(
    JSON.stringify(head.state),
    new Uint8Array(await readFile(join(dir, "state.bin"))),
    `${dir}/state.bin`,
  ) as TrainState;
  return { spec, weights, state };
}
