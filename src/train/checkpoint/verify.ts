/**
 * Checks of a checkpoint's content beyond its checksums: the manifest against the files, the
 * run state's shape, the pieces the state says it holds (`contents`), and the pieces its own
 * options require (the L2-SP reference with `regularize.l2sp`, the best weights once early
 * stopping with `restoreBest` has seen an epoch), and, once the model is built, that every weight
 * map in the checkpoint names exactly the model's parameters with their shapes.
 */
import { createHash } from "node:crypto";
import type { WeightMap } from "../../model/spec.js";
import type { TrainState } from "../state.js";

export type Fail = (file: string, problem: string) => never;

export const sha256 = (data: Uint8Array | string): string =>
  createHash("sha256").update(data).digest("hex");

export interface Manifest {
  format: string;
  files: Record<string, { size: number; sha256: string }>;
}

export function makeManifest(
  format: string,
  files: readonly (readonly [string, Uint8Array | string])[],
): Manifest {
  return {
    format,
    files: Object.fromEntries(
      files.map(([name, data]) => [
        name,
        {
          size: typeof data === "string" ? Buffer.byteLength(data) : data.byteLength,
          sha256: sha256(data),
        },
      ]),
    ),
  };
}

/** Checks each listed file's size and checksum. */
export function checkFiles(
  m: Manifest,
  required: readonly string[],
  files: ReadonlyMap<string, Uint8Array>,
  fail: Fail,
): void {
  for (const name of required) {
    const want = m.files?.[name];
    if (!want) fail("manifest.json", `does not list ${name}`);
    const got = files.get(name);
    if (!got) fail(name, "is missing");
    if (got.byteLength !== want.size)
      fail(
        name,
        `has ${got.byteLength} bytes, the manifest says ${want.size} (truncated or damaged)`,
      );
    if (sha256(got) !== want.sha256)
      fail(name, "does not match its checksum in manifest.json (damaged or edited)");
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function l2spActive(reg: unknown): boolean {
  const sp = isObject(reg) ? reg.l2sp : undefined;
  if (typeof sp === "number") return sp > 0;
  return isObject(sp) && ((sp.backbone as number) > 0 || (sp.heads as number) > 0);
}

/** The run state's own consistency; `listed` is the `contents` state.json names. */
export function checkState(
  state: unknown,
  listed: unknown,
  present: readonly string[],
  fail: Fail,
): asserts state is TrainState {
  const bad = (problem: string): never => fail("state.json", problem);
  if (!isObject(state)) bad("holds no run state");
  const s = state as Record<string, unknown>;
  const c = s.config;
  if (!isObject(c) || !Array.isArray(c.tasks) || c.tasks.length === 0)
    bad("has no run configuration (config.tasks)");
  for (const k of ["epoch", "step"] as const)
    if (!Number.isInteger(s[k]) || (s[k] as number) < 0) bad(`"${k}" is ${String(s[k])}`);
  for (const k of ["history", "random", "weightingRandom"] as const)
    if (!Array.isArray(s[k])) bad(`lacks "${k}"`);
  for (const k of ["loader", "optimizer", "listeners"] as const)
    if (!isObject(s[k])) bad(`lacks "${k}"`);
  const opt = s.optimizer as Record<string, unknown>;
  if (typeof opt.name !== "string" || !Number.isInteger(opt.step) || !isObject(opt.slots))
    bad("the optimizer state is malformed (name, step, slots)");
  if (Array.isArray(listed)) {
    const have = new Set(present);
    for (const p of listed)
      if (!have.has(p)) bad(`lacks "${p}", which the checkpoint lists among its contents`);
  }
  const cfg = c as Record<string, unknown>;
  if (l2spActive(cfg.regularize) && !(s.theta0 instanceof Map))
    bad("lacks the L2-SP reference weights (theta0) that regularize.l2sp needs");
  const es = (s.listeners as Record<string, unknown>).earlyStopping;
  const esOpts = cfg.earlyStopping;
  if (isObject(esOpts) && esOpts.restoreBest !== false && isObject(es)) {
    if (typeof es.best === "number" && !(es.bestWeights instanceof Map))
      bad("lacks the early-stopping best weights that earlyStopping.restoreBest needs");
  }
}

/**
 * Each weight map of the checkpoint against the built model's parameters (name -> shape):
 * weights and best weights against `params` (the names weights travel under), the L2-SP
 * reference and optimizer slots against `internal` (the network's own parameters, where a head
 * bank is one parameter; see model/heads/bank.ts).
 */
export function checkAgainstModel(
  weights: WeightMap,
  state: TrainState,
  params: ReadonlyMap<string, readonly number[]>,
  fail: Fail,
  internal: ReadonlyMap<string, readonly number[]> = params,
): void {
  const same = (a: readonly number[], b: readonly number[]) =>
    a.length === b.length && a.every((d, i) => d === b[i]);
  const against = (
    file: string,
    what: string,
    m: WeightMap,
    complete: boolean,
    names: ReadonlyMap<string, readonly number[]> = params,
  ) => {
    for (const [name, v] of m) {
      const shape = names.get(name);
      if (!shape)
        fail(
          file,
          `${what} "${name}" names no parameter of the model (renamed, or of another model)`,
        );
      if (!same(shape, v.shape))
        fail(
          file,
          `${what} "${name}" has shape [${v.shape}], the model's parameter [${shape}]: the checkpoint is of another architecture`,
        );
    }
    if (complete)
      for (const name of names.keys())
        if (!m.has(name)) fail(file, `has no ${what} for the model's parameter "${name}"`);
  };
  against("weights.json", "weight", weights, true);
  if (state.theta0) against("state.json", "L2-SP reference", state.theta0, false, internal);
  const best = (state.listeners?.earlyStopping as { bestWeights?: WeightMap } | undefined)
    ?.bestWeights;
  if (best instanceof Map) against("state.json", "early-stopping best weight", best, true);
  for (const [key, slot] of Object.entries(state.optimizer.slots)) {
    const name = key.slice(0, key.lastIndexOf("#"));
    if (name.startsWith("weighting/")) continue; // a strategy's variable (uncertainty, ...)
    const shape = internal.get(name);
    if (!shape || !same(shape, slot.shape))
      fail(
        "state.json",
        `the optimizer slot "${key}" ${shape ? `has shape [${slot.shape}], the parameter [${shape}]` : "belongs to no parameter of the model"}`,
      );
  }
}
