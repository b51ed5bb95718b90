/**
 * Checkpoints on disk (format "polytask-checkpoint/2"). A version holds `spec.json` (the model
 * spec), `weights.json` + `weights.bin` (parameters by name), `state.json` + `state.bin` (the
 * run's state: history, RNG, loader, optimizer and strategy state, L2-SP reference,
 * early-stopping best weights, the epoch in progress, the run's options; typed arrays in the
 * binary file, see state-codec.ts) and `manifest.json` (each file's size and sha256). Versions
 * and crash recovery: checkpoint/store.ts. A save killed at any instant, or
 * racing other saves, leaves the old or the new checkpoint loadable; a load checks checksums,
 * finiteness and completeness, and every load error is a `CheckpointError` naming the
 * checkpoint, the file and what is wrong.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { CheckpointError } from "../errors.js";
import type { ModelSpecJSON, WeightMap } from "../model/spec.js";
import { cleanup, currentVersion, saveVersion } from "./checkpoint/store.js";
import {
  type Manifest,
  checkFiles,
  checkState,
  makeManifest,
  sha256,
} from "./checkpoint/verify.js";
import { firstNonFinite, packWeights, unpackWeights } from "./checkpoint/weights.js";
import { decodeState, encodeState } from "./state-codec.js";
import type { TrainState } from "./state.js";

export const CHECKPOINT_FORMAT = "polytask-checkpoint/2";
const FILES = ["spec.json", "weights.json", "weights.bin", "state.json", "state.bin"] as const;

export interface CheckpointData {
  spec: ModelSpecJSON;
  weights: WeightMap;
  state: TrainState;
  /** The version folder it was read from (absent for the flat layout and for writes). */
  version?: string;
}

/** Saves `data` as the new version of checkpoint `dir` (see checkpoint/store.ts). */
export async function writeCheckpoint(dir: string, data: CheckpointData): Promise<void> {
  for (const [name, v] of data.weights) {
    const bad = firstNonFinite(v.values);
    if (bad >= 0)
      throw new CheckpointError(
        dir,
        "weights.bin",
        `weight "${name}" holds ${v.values[bad]} at element ${bad}; a checkpoint of non-finite weights would not load, so none was written.`,
        { value: v.values[bad], expected: "finite weights" },
      );
  }
  const w = packWeights(data.weights);
  const st = encodeState(data.state);
  const files: [string, Uint8Array | string][] = [
    ["spec.json", JSON.stringify(data.spec, null, 1)],
    ["weights.json", JSON.stringify({ entries: w.entries })],
    ["weights.bin", w.bin],
    ["state.bin", st.blob],
    [
      "state.json",
      `{"format":${JSON.stringify(CHECKPOINT_FORMAT)},"contents":${JSON.stringify(st.contents)},"state":${st.json}}`,
    ],
  ];
  const manifest = JSON.stringify(makeManifest(CHECKPOINT_FORMAT, files), null, 1);
  await saveVersion(dir, [...files, ["manifest.json", manifest]]);
}

/** The folder holding the files of the version `readCheckpoint(dir)` reads now. */
export async function checkpointFolder(dir: string): Promise<string> {
  const cur = await currentVersion(dir);
  if (cur) return join(dir, cur);
  return dir; // flat layout (or no checkpoint)
}

type Files = Map<string, Uint8Array>;

/** Reads the named files of `folder`; `missing` lists the ones that are not there. */
async function readFiles(
  folder: string,
  names: readonly string[],
  fail: (file: string, problem: string, cause?: unknown) => never,
) {
  const files: Files = new Map();
  const missing: string[] = [];
  for (const n of names) {
    try {
      files.set(n, new Uint8Array(await readFile(join(folder, n))));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") missing.push(n);
      else fail(n, `cannot be read (${code ?? (e as Error).message})`, e);
    }
  }
  return { files, missing };
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** Loads checkpoint `dir`, recovering from a crashed save and cleaning up after it. */
export async function readCheckpoint(dir: string): Promise<CheckpointData> {
  const fail = (file: string, problem: string, cause?: unknown): never => {
    throw new CheckpointError(dir, file, problem, cause === undefined ? {} : { cause });
  };
  for (let attempt = 0; ; attempt++) {
    let version: string | undefined;
    try {
      version = await currentVersion(dir);
    } catch (cause) {
      return fail("", "cannot be read as a folder", cause);
    }
    if (!version) {
      if (!(await exists(dir))) return fail("", "does not exist");
      if (!(await exists(join(dir, "state.json")))) {
        await cleanup(dir); // what a first save that crashed left
        return fail("", "holds no checkpoint (no version folder v0000000001..., no state.json)");
      }
      // the flat layout of earlier saves: the same files, no manifest
      const { files, missing } = await readFiles(dir, FILES, fail);
      if (missing.length) return fail(missing[0], "is missing");
      return decode(files, fail);
    }
    const folder = join(dir, version);
    const { files, missing } = await readFiles(folder, [...FILES, "manifest.json"], (f, p, c) =>
      fail(`${version}/${f}`, p, c),
    );
    if (missing.length) {
      // a concurrent save may have replaced and removed this version while we read it
      if (attempt < 8 && (await currentVersion(dir)) !== version) continue;
      return fail(`${version}/${missing[0]}`, "is missing");
    }
    const inVersion = (file: string, problem: string): never => fail(`${version}/${file}`, problem);
    const manifest = parseJson<Manifest>(
      files.get("manifest.json") as Uint8Array,
      "manifest.json",
      inVersion,
    );
    if (manifest?.format !== CHECKPOINT_FORMAT)
      inVersion(
        "manifest.json",
        `has format ${JSON.stringify(manifest?.format)}, expected ${CHECKPOINT_FORMAT}`,
      );
    checkFiles(manifest, FILES, files, inVersion);
    const data = decode(files, inVersion);
    await cleanup(dir);
    return { ...data, version };
  }
}

function parseJson<T>(bytes: Uint8Array, file: string, fail: (f: string, p: string) => never): T {
  try {
    return JSON.parse(Buffer.from(bytes).toString("utf8")) as T;
  } catch (e) {
    return fail(file, `is not valid JSON (${(e as Error).message})`);
  }
}

function decode(files: Files, fail: (file: string, problem: string) => never): CheckpointData {
  const get = (n: string) => files.get(n) as Uint8Array;
  const head = parseJson<{ format?: string; state?: unknown; contents?: unknown }>(
    get("state.json"),
    "state.json",
    fail,
  );
  if (head?.format !== CHECKPOINT_FORMAT)
    fail("state.json", `has format ${JSON.stringify(head?.format)}, expected ${CHECKPOINT_FORMAT}`);
  const spec = parseJson<ModelSpecJSON>(get("spec.json"), "spec.json", fail);
  if (spec === null || typeof spec !== "object") fail("spec.json", "holds no model spec");
  const weights = unpackWeights(
    parseJson<unknown>(get("weights.json"), "weights.json", fail),
    get("weights.bin"),
    fail,
  );
  const decoded = decodeState(head.state, get("state.bin"), (p) => fail("state.bin", p));
  checkState(decoded.state, head.contents, decoded.contents, fail);
  return { spec, weights, state: decoded.state };
}
