/**
 * `polytask train <config.json>`: trains from a JSON config and writes the checkpoint and an
 * offline HTML report. The config names everything the fluent API takes:
 *
 * {
 *   "backend": "wasm",                               // optional, else the best available
 *   "input": [28, 28, 1],
 *   "backbone": { "kind": "convNet", "filters": [16, 32], "dense": 64 },
 *   "tasks": {
 *     "digits": {
 *       "head": { "kind": "classifier", "units": 10 },
 *       "train": { "source": "mnist", "split": "train", "limit": 5000 },
 *       "test":  { "source": "mnist", "split": "test", "limit": 1000 }
 *     }
 *   },
 *   "fit": {
 *     "epochs": 2, "batchSize": 64,
 *     "weighting": "pcgrad",                        // a name, or { "name": "cagrad", "c": 0.4 }
 *     "sampler": { "name": "uniform", "mode": "all" },  // a name, or { "name", ...options }
 *     "optimizer": { "name": "adam", "lr": 0.001 }
 *   },
 *   "out": "runs/my-run"
 * }
 *
 * A data source is any `pt.datasets` loader by name with its options; `"path"` is passed first
 * for file loaders (`fromCsv`, `fromJson`), and `"pick"` selects one task of a multi-task
 * loader (`{ "source": "multiMnist", "pick": "left" }`).
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type BackendName, useBackend } from "../backend/select.js";
import type { Dataset } from "../data/types.js";
import { ConfigError, show } from "../errors.js";
import * as pt from "../index.js";
import { backboneFromJSON } from "../model/backbones/registry.js";
import { headFromJSON } from "../model/heads/registry.js";
import type { FitOptions } from "../train/options.js";

interface SourceConfig {
  source: string;
  path?: string;
  pick?: string;
  [option: string]: unknown;
}

interface TaskConfig {
  head: { kind: string; units: number; [option: string]: unknown };
  train: SourceConfig;
  test?: SourceConfig;
}

export interface TrainConfig {
  backend?: BackendName;
  input: number[];
  backbone: { kind: string; [option: string]: unknown };
  tasks: Record<string, TaskConfig>;
  fit?: Record<string, unknown>;
  out?: string;
}

function need(cond: unknown, field: string, value: unknown, expected: string): asserts cond {
  if (!cond)
    throw new ConfigError(`config: ${field} must be ${expected}, got ${show(value)}.`, {
      field,
      value,
      expected,
    });
}

/** Checks a parsed config's shape; every error names the field path. */
export function checkConfig(c: unknown): TrainConfig {
  need(c && typeof c === "object", "(root)", c, "an object");
  const cfg = c as TrainConfig;
  need(Array.isArray(cfg.input), "input", cfg.input, "an input shape such as [28, 28, 1]");
  need(
    cfg.backbone && typeof cfg.backbone.kind === "string",
    "backbone.kind",
    cfg.backbone?.kind,
    "a backbone kind (mlp, convNet, resNet, text, pretrained)",
  );
  need(
    cfg.tasks && typeof cfg.tasks === "object" && Object.keys(cfg.tasks).length > 0,
    "tasks",
    cfg.tasks,
    "an object with at least one task",
  );
  for (const [name, t] of Object.entries(cfg.tasks)) {
    need(t && typeof t === "object", `tasks.${name}`, t, "an object with head and train");
    need(
      t.head && typeof t.head.kind === "string" && Number.isInteger(t.head.units),
      `tasks.${name}.head`,
      t.head,
      '{ "kind": "classifier" | "multiLabel" | "regression", "units": <integer> }',
    );
    need(
      t.train && typeof t.train.source === "string",
      `tasks.${name}.train.source`,
      t.train?.source,
      "a dataset loader name",
    );
  }
  return cfg;
}

async function loadSource(src: SourceConfig, field: string, baseDir: string): Promise<Dataset> {
  const { source, path, pick, ...opts } = src;
  const loaders = pt.datasets as unknown as Record<string, (...a: unknown[]) => unknown>;
  const loader = loaders[source];
  if (typeof loader !== "function") {
    throw new pt.UnknownNameError(`dataset (${field}.source)`, source, Object.keys(loaders));
  }
  const result = await (path !== undefined ? loader(resolve(baseDir, path), opts) : loader(opts));
  const picked = pick !== undefined ? (result as Record<string, unknown>)[pick] : result;
  need(
    picked && typeof (picked as Dataset).size === "number",
    pick !== undefined ? `${field}.pick` : `${field}.source`,
    pick ?? source,
    pick !== undefined ? `one of ${Object.keys(result as object).join(", ")}` : "a dataset loader",
  );
  return picked as Dataset;
}

type Named = { name: string; [option: string]: unknown };
const isNamed = (v: unknown): v is Named =>
  typeof v === "object" && v !== null && typeof (v as Named).name === "string";

/** Turns `{ "name": ..., ...options }` entries of a JSON fit config into plug-in objects. */
export function fitOptions(fit: Record<string, unknown>): FitOptions {
  const out: Record<string, unknown> = { ...fit };
  if (isNamed(fit.sampler)) {
    const { name, ...opts } = fit.sampler;
    out.sampler = pt.samplers.create(name, opts);
  }
  if (isNamed(fit.weighting)) {
    const { name, ...opts } = fit.weighting;
    out.weighting = pt.weighting.create(name, opts);
  }
  if (isNamed(fit.optimizer)) {
    const { name, ...opts } = fit.optimizer;
    out.optimizer = pt.optimizers.create(name, opts);
  }
  return out as FitOptions;
}

export async function trainCommand(args: string[]): Promise<number> {
  const file = args[0];
  if (!file) throw new ConfigError("usage: polytask train <config.json>", { field: "config" });
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new ConfigError(`config ${file}: ${(e as Error).message}`, { field: "config", cause: e });
  }
  const cfg = checkConfig(parsed);
  const baseDir = resolve(file, "..");
  await useBackend(cfg.backend);

  const { kind: backboneKind, ...backboneConfig } = cfg.backbone;
  let m = pt
    .model({ input: cfg.input })
    .backbone(backboneFromJSON({ kind: backboneKind, config: backboneConfig })) as pt.Model<string>;
  const train: Record<string, Dataset> = {};
  const test: Record<string, Dataset> = {};
  for (const [name, t] of Object.entries(cfg.tasks)) {
    const { kind, units, ...rest } = t.head;
    // hidden layers and metrics default to the head's own when the config leaves them out
    const config = { units, ...rest } as Parameters<typeof headFromJSON>[0]["config"];
    m = m.head(name, headFromJSON({ kind, config }));
    train[name] = await loadSource(t.train, `tasks.${name}.train`, baseDir);
    if (t.test) test[name] = await loadSource(t.test, `tasks.${name}.test`, baseDir);
  }
  const run = await m.fit(train, { verbose: true, ...fitOptions(cfg.fit ?? {}) });
  if (Object.keys(test).length) {
    const result = await run.evaluate(test);
    console.log(JSON.stringify(result.tasks, null, 2));
  }
  const out = resolve(baseDir, cfg.out ?? "runs/train");
  await run.save(out);
  console.log(`checkpoint: ${out}`);
  return 0;
}
