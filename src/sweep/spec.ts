/**
 * The sweep file (`polytask sweep <sweep.json>`): a base `polytask train` config, a search space
 * over its options by dotted path, a search (grid or random), and how to run the trials.
 *
 * {
 *   "train": "train.json",                    // or the config inline
 *   "out": "sweeps/weights",                  // default: sweeps/<sweep file name>
 *   "search": "grid",                         // or { "kind": "random", "trials": 8, "seed": 0 }
 *   "space": {
 *     "fit.lr": [0.01, 0.001],
 *     "fit.weighting": ["ew", "pcgrad"],
 *     "fit.seed": [0, 1]
 *   },
 *   "engine": "local", "workers": 2, "retries": 1, "checkpointEvery": 1,
 *   "resources": { "cpus": 1, "gpus": 0 },    // per trial (ray)
 *   "ray": { "address": "127.0.0.1:6379", "python": ".venv/bin/python" }
 * }
 *
 * Space values: a list (grid values, or random choices), `{ "uniform": [lo, hi] }`,
 * `{ "logUniform": [lo, hi] }`, `{ "int": [lo, hi] }` (random search only), and
 * `{ "simplex": ["taskA", "taskB"], "steps": 4 }`: task weights summing to 1 (every multiple of
 * 1/steps on a grid; uniform on the simplex for random search), e.g. for
 * `"fit.weighting.weights"` with `"fit.weighting": { "name": "static" }` in the base config.
 */
import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { ConfigError } from "../errors.js";
import { num, parseOptions, z } from "../util/schema.js";

const range = z.tuple([z.number(), z.number()]);

export const DimensionSchema = z.union([
  z.array(z.unknown()).min(1),
  z.strictObject({ uniform: range }),
  z.strictObject({ logUniform: range }),
  z.strictObject({ int: z.tuple([z.number().int(), z.number().int()]) }),
  z.strictObject({ simplex: z.array(z.string().min(1)).min(2), steps: num.count().optional() }),
]);

export type Dimension = z.output<typeof DimensionSchema>;

export const SweepSchema = z.strictObject({
  train: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  out: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  search: z
    .union([
      z.literal("grid"),
      z.strictObject({ kind: z.literal("grid") }),
      z.strictObject({
        kind: z.literal("random"),
        trials: num.count(),
        seed: num.index().optional(),
      }),
    ])
    .optional(),
  space: z.record(
    z.string().regex(/^[^.]+(\.[^.]+)*$/, "a dotted path such as fit.lr"),
    DimensionSchema,
  ),
  engine: z.string().min(1).optional(),
  workers: num.count().optional(),
  retries: num.index().optional(),
  checkpointEvery: num.count().optional(),
  timeout: num.positive().optional(),
  resources: z
    .strictObject({ cpus: num.nonNegative().optional(), gpus: num.nonNegative().optional() })
    .optional(),
  ray: z
    .strictObject({ address: z.string().min(1).optional(), python: z.string().min(1).optional() })
    .optional(),
});

export interface SweepSpec {
  readonly name: string;
  /** The sweep file's directory (relative paths resolve against it). */
  readonly baseDir: string;
  /** The base train config, with data paths made absolute. */
  readonly train: Record<string, unknown>;
  /** Absolute output directory. */
  readonly out: string;
  readonly search: { kind: "grid" } | { kind: "random"; trials: number; seed: number };
  readonly space: Readonly<Record<string, Dimension>>;
  readonly engine: string;
  readonly workers?: number;
  readonly retries: number;
  readonly checkpointEvery: number;
  /** Seconds per trial attempt, when limited. */
  readonly timeout?: number;
  readonly resources: { cpus: number; gpus: number };
  readonly ray: { address?: string; python?: string };
}

/** Resolves `path` options of every task's data sources against `dir`. */
function absolutePaths(train: Record<string, unknown>, dir: string): Record<string, unknown> {
  const cfg = structuredClone(train);
  const tasks = cfg.tasks as Record<string, Record<string, { path?: unknown }>> | undefined;
  for (const t of Object.values(tasks ?? {}))
    for (const part of ["train", "test"])
      if (t?.[part] && typeof t[part].path === "string")
        t[part].path = resolve(dir, t[part].path as string);
  return cfg;
}

/** Reads and checks a sweep file (or an already parsed one, with `baseDir`). */
export async function readSweep(
  source: string | { json: unknown; baseDir: string; name?: string },
): Promise<SweepSpec> {
  let json: unknown;
  let baseDir: string;
  let fileName: string;
  if (typeof source === "string") {
    try {
      json = JSON.parse(await readFile(source, "utf8"));
    } catch (cause) {
      throw new ConfigError(`sweep ${source}: ${(cause as Error).message}`, {
        field: "sweep",
        value: source,
        cause,
      });
    }
    baseDir = dirname(resolve(source));
    fileName = basename(source).replace(/\.json$/i, "");
  } else {
    json = source.json;
    baseDir = resolve(source.baseDir);
    fileName = source.name ?? "sweep";
  }
  const s = parseOptions(SweepSchema, json, { where: "sweep" });
  let train: Record<string, unknown>;
  let trainDir = baseDir;
  if (typeof s.train === "string") {
    const file = resolve(baseDir, s.train);
    try {
      train = JSON.parse(await readFile(file, "utf8"));
    } catch (cause) {
      throw new ConfigError(`sweep: train config ${file}: ${(cause as Error).message}`, {
        field: "train",
        value: s.train,
        expected: "a readable polytask train config (JSON)",
        cause,
      });
    }
    trainDir = dirname(file);
  } else train = s.train;
  const search =
    s.search === undefined || s.search === "grid" || s.search.kind === "grid"
      ? ({ kind: "grid" } as const)
      : { kind: "random" as const, trials: s.search.trials, seed: s.search.seed ?? 0 };
  return {
    name: s.name ?? fileName,
    baseDir,
    train: absolutePaths(train, trainDir),
    out: resolve(baseDir, s.out ?? `sweeps/${fileName}`),
    search,
    space: s.space,
    engine: s.engine ?? "local",
    ...(s.workers !== undefined ? { workers: s.workers } : {}),
    retries: s.retries ?? 1,
    checkpointEvery: s.checkpointEvery ?? 1,
    ...(s.timeout !== undefined ? { timeout: s.timeout } : {}),
    resources: { cpus: s.resources?.cpus ?? 1, gpus: s.resources?.gpus ?? 0 },
    ray: { ...s.ray },
  };
}
