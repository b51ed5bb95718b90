/**
 * Checkpoints on disk. A directory holds `spec.json` (the model spec), `weights.json` +
 * `weights.bin` (parameters by name), `theta0.*` (L2-SP reference weights, when used),
 * `best.*` (the early-stopping best epoch's weights, when kept),
 * `optimizer.json` + `optimizer.bin` and `state.json` (history, RNG, loader and strategy state,
 * the run's options). It is written into a temporary sibling directory and renamed into place,
 * so a crash never leaves a half-written checkpoint.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ConfigError } from "../errors.js";
import type { ModelSpecJSON, WeightMap } from "../model/spec.js";
import type { OptimizerState } from "./optimizers/types.js";
import type { TrainState } from "./state.js";

export const CHECKPOINT_FORMAT = "polytask-checkpoint/1";

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
  const { optimizer, theta0, early, ...rest } = data.state;
  const w = packWeights(data.weights);
  await writeFile(join(tmp, "spec.json"), JSON.stringify(data.spec, null, 1));
  await writeFile(join(tmp, "weights.json"), JSON.stringify(w.manifest));
  await writeFile(join(tmp, "weights.bin"), w.bin);
  if (theta0) {
    const t = packWeights(theta0);
    await writeFile(join(tmp, "theta0.json"), JSON.stringify(t.manifest));
    await writeFile(join(tmp, "theta0.bin"), t.bin);
  }
  if (early?.bestWeights) {
    const b = packWeights(early.bestWeights);
    await writeFile(join(tmp, "best.json"), JSON.stringify(b.manifest));
    await writeFile(join(tmp, "best.bin"), b.bin);
  }
  const slots = new Map(
    Object.entries(optimizer.slots).map(([k, v]) => [
      k,
      { shape: v.shape, values: Float32Array.from(v.values) },
    ]),
  );
  const o = packWeights(slots);
  await writeFile(
    join(tmp, "optimizer.json"),
    JSON.stringify({ name: optimizer.name, step: optimizer.step, ...o.manifest }),
  );
  await writeFile(join(tmp, "optimizer.bin"), o.bin);
  await writeFile(
    join(tmp, "state.json"),
    JSON.stringify({
      format: CHECKPOINT_FORMAT,
      ...rest,
      ...(early ? { early: { state: early.state } } : {}),
    }),
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
  let stateJson: TrainState & { format?: string };
  try {
    stateJson = JSON.parse(await readFile(join(dir, "state.json"), "utf8"));
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
  if (stateJson.format !== CHECKPOINT_FORMAT)
    throw new ConfigError(
      `"${dir}" is not a ${CHECKPOINT_FORMAT} checkpoint (format ${JSON.stringify(stateJson.format)}).`,
      {
        field: "format",
        value: stateJson.format,
        expected: CHECKPOINT_FORMAT,
      },
    );
  const spec = JSON.parse(await readFile(join(dir, "spec.json"), "utf8")) as ModelSpecJSON;
  const weights = unpackWeights(
    JSON.parse(await readFile(join(dir, "weights.json"), "utf8")),
    await readFile(join(dir, "weights.bin")),
  );
  let theta0: WeightMap | undefined;
  if (await exists(join(dir, "theta0.json")))
    theta0 = unpackWeights(
      JSON.parse(await readFile(join(dir, "theta0.json"), "utf8")),
      await readFile(join(dir, "theta0.bin")),
    );
  const early =
    stateJson.early && (await exists(join(dir, "best.json")))
      ? {
          ...stateJson.early,
          bestWeights: unpackWeights(
            JSON.parse(await readFile(join(dir, "best.json"), "utf8")),
            await readFile(join(dir, "best.bin")),
          ),
        }
      : stateJson.early;
  const om = JSON.parse(await readFile(join(dir, "optimizer.json"), "utf8")) as Manifest & {
    name: string;
    step: number;
  };
  const slotMap = unpackWeights(om, await readFile(join(dir, "optimizer.bin")));
  const optimizer: OptimizerState = {
    name: om.name,
    step: om.step,
    slots: Object.fromEntries(slotMap),
  };
  const { format: _, ...rest } = stateJson;
  return {
    spec,
    weights,
    state: { ...rest, optimizer, ...(theta0 ? { theta0 } : {}), ...(early ? { early } : {}) },
  };
}
