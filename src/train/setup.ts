/**
 * Resolves `fit`'s inputs before anything is built: checks the data against the model, applies
 * the validation split, resolves strategy, sampler and optimizer names, and records the run's
 * options as JSON (for checkpoints and reports).
 */
import { split } from "../data/ops.js";
import { create as createSampler } from "../data/samplers/index.js";
import type { Dataset, TaskSampler } from "../data/types.js";
import { ConfigError, UnknownNameError } from "../errors.js";
import { checkTaskData } from "../model/checks.js";
import type { ModelDef } from "../model/spec.js";
import { resolveOptimizer } from "./optimizers/registry.js";
import type { Optimizer } from "./optimizers/types.js";
import type { FitOptions } from "./options.js";
import { checkSchedule } from "./schedule.js";
import type { RunConfig, TrainState } from "./state.js";
import { resolveWeighting } from "./weighting/registry.js";
import type { WeightingStrategy } from "./weighting/types.js";

export interface FitSetup {
  tasks: string[];
  epochs: number;
  batchSize: number;
  seed: number;
  train: Record<string, Dataset>;
  val?: Record<string, Dataset | undefined>;
  strategy: WeightingStrategy<object>;
  sampler?: TaskSampler;
  optimizer: Optimizer<object>;
  config: RunConfig;
}

function positiveInt(field: string, v: unknown, dflt: number): number {
  const x = v ?? dflt;
  if (!Number.isInteger(x) || (x as number) < 1)
    throw new ConfigError(`Option "${field}" must be a positive integer, got ${String(v)}.`, {
      field,
      value: v,
      expected: "an integer >= 1",
    });
  return x as number;
}

const OPTION_NAMES = [
  "epochs",
  "batchSize",
  "seed",
  "sampler",
  "weighting",
  "optimizer",
  "lr",
  "schedule",
  "clipNorm",
  "clipValue",
  "regularize",
  "validationSplit",
  "validationData",
  "earlyStopping",
  "metrics",
  "listeners",
  "signal",
  "handleSigint",
  "evalBatchSize",
  "verbose",
  "analysis",
  "checkpoint",
  "checkFinite",
];

function checkOptionNames(opts: object): void {
  for (const [k, v] of Object.entries(opts))
    if (!OPTION_NAMES.includes(k) && v !== undefined)
      throw new UnknownNameError("fit option", k, OPTION_NAMES);
}

export function setupFit(
  def: ModelDef,
  data: Readonly<Record<string, Dataset | undefined>>,
  opts: FitOptions<string>,
  resume?: TrainState,
): FitSetup {
  if (opts === null || typeof opts !== "object")
    throw new ConfigError(`fit(data, opts): opts must be an object, got ${String(opts)}.`, {
      field: "opts",
      value: opts,
      expected: "an options object",
    });
  checkOptionNames(opts);
  const tasks = checkTaskData(def, data, "fit");
  const epochs = positiveInt("epochs", opts.epochs, 1);
  const batchSize = positiveInt("batchSize", opts.batchSize, 32);
  positiveInt("evalBatchSize", opts.evalBatchSize, 256);
  checkSchedule(opts.schedule);
  const seed = opts.seed ?? 0;
  let train: Record<string, Dataset> = {};
  let val = opts.validationData as Record<string, Dataset | undefined> | undefined;
  for (const t of tasks) train[t] = data[t] as Dataset;
  if (opts.validationSplit !== undefined) {
    if (val)
      throw new ConfigError("Give validationSplit or validationData, not both.", {
        field: "validationSplit",
      });
    const parts = tasks.map(
      (t) => [t, split(train[t], opts.validationSplit as number, seed)] as const,
    );
    train = Object.fromEntries(parts.map(([t, p]) => [t, p.train]));
    val = Object.fromEntries(parts.map(([t, p]) => [t, p.val]));
  }
  if (val) checkTaskData(def, val, "validationData");
  const strategy = resolveWeighting(opts.weighting);
  const sampler = typeof opts.sampler === "string" ? createSampler(opts.sampler) : opts.sampler;
  const optimizer = resolveOptimizer(opts.optimizer, opts.lr);
  const config: RunConfig = JSON.parse(
    JSON.stringify({
      epochs,
      batchSize,
      seed,
      tasks,
      sampler: { name: sampler?.name ?? "proportional", options: sampler?.options },
      weighting: { name: strategy.name, config: strategy.config },
      optimizer: { name: optimizer.name, config: optimizer.config },
      schedule: opts.schedule,
      clipNorm: opts.clipNorm,
      clipValue: opts.clipValue,
      regularize: opts.regularize,
      validationSplit: opts.validationSplit,
      earlyStopping: opts.earlyStopping,
      metrics: opts.metrics,
      analysis: opts.analysis,
    }),
  );
  if (resume && resume.config.tasks.join("\0") !== tasks.join("\0"))
    throw new ConfigError(
      `The saved run trained tasks ${resume.config.tasks.join(", ")}; resume got ${tasks.join(", ")}.`,
      { field: "data", value: tasks, expected: resume.config.tasks.join(", ") },
    );
  return { tasks, epochs, batchSize, seed, train, val, strategy, sampler, optimizer, config };
}
