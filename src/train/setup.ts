/**
 * Resolves `fit`'s inputs before anything is built: validates the options (fit-schema.ts),
 * checks the data against the model, applies the validation split, resolves strategy, sampler
 * and optimizer names, and records the run's options as JSON (for checkpoints and reports).
 */
import { type Unit, unitsOf } from "../data/group.js";
import { splitApart, splitGroup } from "../data/ops.js";
import { isSampler, samplerRegistry } from "../data/samplers/index.js";
import type { Dataset, TaskSampler } from "../data/types.js";
import { ConfigError } from "../errors.js";
import { checkTaskData } from "../model/checks.js";
import type { ModelDef } from "../model/spec.js";
import type { LrMultiplier } from "./finetune-schema.js";
import { checkFitOptions } from "./fit-schema.js";
import { resolveOptimizer } from "./optimizers/registry.js";
import type { Optimizer } from "./optimizers/types.js";
import type { FitOptions } from "./options.js";
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
  lrMultipliers?: Record<string, LrMultiplier>;
  /** Steps per update (1: no accumulation). */
  accumulate: number;
  config: RunConfig;
  /** The sampling units of the training data (task groups and single tasks). */
  units: Unit[];
}

export function setupFit(
  def: ModelDef,
  data: Readonly<Record<string, Dataset | undefined>>,
  opts: FitOptions<string>,
  resume?: TrainState,
): FitSetup {
  checkFitOptions(opts, def);
  const tasks = checkTaskData(def, data, "fit");
  const epochs = opts.epochs ?? 1;
  const batchSize = opts.batchSize ?? 32;
  const seed = opts.seed ?? 0;
  let train: Record<string, Dataset> = {};
  let val = opts.validationData as Record<string, Dataset | undefined> | undefined;
  for (const t of tasks) train[t] = data[t] as Dataset;
  const units = unitsOf(tasks, train, { group: opts.group });
  if (opts.validationSplit !== undefined) {
    if (val)
      throw new ConfigError("Give validationSplit or validationData, not both.", {
        field: "validationSplit",
      });
    // a group holds out the same samples for every member (and stays a group)
    const fraction = opts.validationSplit;
    const nextTrain: Record<string, Dataset> = {};
    const nextVal: Record<string, Dataset> = {};
    for (const u of units) {
      const p =
        u.tasks.length > 1
          ? splitGroup(Object.fromEntries(u.tasks.map((t) => [t, train[t]])), fraction, seed)
          : (({ train: tr, val: va }) => ({
              train: { [u.tasks[0]]: tr },
              val: { [u.tasks[0]]: va },
            }))(splitApart(train[u.tasks[0]], fraction, seed));
      Object.assign(nextTrain, p.train);
      Object.assign(nextVal, p.val);
    }
    train = Object.fromEntries(tasks.map((t) => [t, nextTrain[t]]));
    val = Object.fromEntries(tasks.map((t) => [t, nextVal[t]]));
  }
  if (val) checkTaskData(def, val, "validationData");
  const strategy = resolveWeighting(opts.weighting);
  const sampler =
    opts.sampler === undefined
      ? undefined
      : samplerRegistry.resolve(opts.sampler, isSampler, "sampler", "fit");
  const optimizer = resolveOptimizer(opts.optimizer, opts.lr);
  // lrMultipliers and accumulate were validated with every other option (fit-schema.ts)
  const finetune = {
    lrMultipliers: opts.lrMultipliers as Record<string, LrMultiplier> | undefined,
  };
  const accumulate = opts.accumulate ?? 1;
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
      group: opts.group,
      lrMultipliers: finetune.lrMultipliers,
      accumulate: accumulate > 1 ? accumulate : undefined,
    }),
  );
  if (resume && resume.config.tasks.join("\0") !== tasks.join("\0"))
    throw new ConfigError(
      `The saved run trained tasks ${resume.config.tasks.join(", ")}; resume got ${tasks.join(", ")}.`,
      { field: "data", value: tasks, expected: resume.config.tasks.join(", ") },
    );
  return {
    tasks,
    epochs,
    batchSize,
    seed,
    train,
    val,
    strategy,
    sampler,
    optimizer,
    lrMultipliers: finetune.lrMultipliers,
    accumulate,
    config,
    units: unitsOf(tasks, train, { group: opts.group }),
  };
}
