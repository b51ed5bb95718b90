/**
 * The `polytask train` config: its schema and its translation into the fluent API's values.
 * Every part is validated before anything is loaded or trained, through the schemas the API
 * itself uses: the backbone and heads through their registries, each data source through its
 * `datasets.<loader>` argument schema, and `fit` through the fit options schema (plug-ins given
 * as `{ "name": ..., ...options }` through theirs). Messages name the config path:
 * `config: unknown option "fit.regularize.l2SP". Known options of "fit.regularize": ...`.
 */
import { datasetArgsSchema } from "../data/args.js";
import { isSampler, samplerRegistry } from "../data/samplers/index.js";
import { UnknownNameError } from "../errors.js";
import * as pt from "../index.js";
import { backboneRegistry } from "../model/backbones/registry.js";
import { headRegistry } from "../model/heads/registry.js";
import { checkFitOptions } from "../train/fit-schema.js";
import { isOptimizer, optimizerRegistry } from "../train/optimizers/registry.js";
import type { FitOptions } from "../train/options.js";
import { num, parseOptions, z } from "../util/schema.js";

const sourceSchema = z.looseObject({
  source: z.string().min(1),
  path: z.string().min(1).optional(),
  pick: z.string().min(1).optional(),
});

const taskSchema = z.strictObject({
  head: z.looseObject({ kind: z.string().min(1), units: num.count() }),
  train: sourceSchema,
  test: sourceSchema.optional(),
});

export const trainConfigSchema = z.strictObject({
  backend: z.string().min(1).optional(),
  input: z.array(num.count()).min(1),
  backbone: z.looseObject({ kind: z.string().min(1) }),
  tasks: z
    .record(z.string().min(1), taskSchema)
    .refine((t) => Object.keys(t).length > 0, "at least one task { head, train, test? }"),
  fit: z.record(z.string(), z.unknown()).optional(),
  out: z.string().min(1).optional(),
});

export type TrainConfig = z.output<typeof trainConfigSchema>;
export type SourceConfig = z.output<typeof sourceSchema>;

const WHERE = "config";

/** The `datasets` loaders a source may name (those with an argument schema). */
export function datasetLoaders(): string[] {
  return Object.keys(pt.datasets).filter((k) => datasetArgsSchema(k) !== undefined);
}

/** Checks a source's loader name and its options (not its data, which the loader checks). */
function checkSource(src: SourceConfig, field: string): void {
  const { source, path: _path, pick: _pick, ...opts } = src;
  const schema = datasetArgsSchema(source);
  if (!schema) throw new UnknownNameError(`dataset (${field}.source)`, source, datasetLoaders());
  parseOptions(schema, opts, { where: WHERE, prefix: field });
}

const isNamed = (v: unknown): v is { name: unknown } =>
  typeof v === "object" && v !== null && !Array.isArray(v) && "name" in v;

/**
 * Turns a JSON fit config into fit options: `{ "name": ..., ...options }` plug-ins become
 * plug-in objects (validated by their registries); the whole is validated by the fit schema.
 */
export function fitOptions(fit: Record<string, unknown>): FitOptions {
  const ctx = { where: WHERE, prefix: "fit" };
  const out: Record<string, unknown> = { ...fit };
  if (isNamed(fit.sampler))
    out.sampler = samplerRegistry.resolve(fit.sampler, isSampler, "sampler", ctx);
  if (isNamed(fit.optimizer))
    out.optimizer = optimizerRegistry.resolve(fit.optimizer, isOptimizer, "optimizer", ctx);
  if (isNamed(fit.weighting)) {
    const { name, ...opts } = fit.weighting;
    out.weighting = pt.weighting.create(name as string, opts);
  }
  return checkFitOptions(out, undefined, ctx);
}

/** Checks a parsed config's shape and every option in it; every error names the field path. */
export function checkConfig(c: unknown): TrainConfig {
  const cfg = parseOptions(trainConfigSchema, c, { where: WHERE });
  const { kind, ...backbone } = cfg.backbone;
  const entry = backboneRegistry.entry(kind, { where: WHERE, nameField: "backbone.kind" });
  backboneRegistry.validate(entry.name, backbone, { where: WHERE, prefix: "backbone" });
  for (const [name, t] of Object.entries(cfg.tasks)) {
    const { kind: headKind, ...head } = t.head;
    const at = `tasks.${name}.head`;
    const e = headRegistry.entry(headKind, { where: WHERE, nameField: `${at}.kind` });
    headRegistry.validate(e.name, head, { where: WHERE, prefix: at });
    checkSource(t.train, `tasks.${name}.train`);
    if (t.test) checkSource(t.test, `tasks.${name}.test`);
  }
  fitOptions(cfg.fit ?? {});
  return cfg;
}
