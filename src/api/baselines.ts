import type { AnyDataset } from "../data/types.js";
/**
 * `singleTaskBaselines`: trains one model per task with the same recipe (backbone,
 * architecture, head, fit options, seed) and evaluates it, so that delta-m is measured against
 * real single-task baselines: `run.evaluate(test, { baselines })`.
 */
import { ConfigError } from "../errors.js";
import type { FitOptions } from "../train/options.js";
import { Model } from "./model.js";
import type { Run } from "./run.js";

export interface SingleTaskBaselineOptions<T extends string> {
  /** Called with each task's finished run (for plots or saving). */
  onRun?: (task: T, run: Run<T>) => void | Promise<void>;
}

type TaskData<T extends string> = { readonly [K in T]?: AnyDataset };

function only<T extends string>(
  record: { readonly [K in T]?: unknown } | undefined,
  task: T,
): Record<string, never> | undefined {
  if (!record) return undefined;
  const v = (record as Record<string, unknown>)[task];
  return (v === undefined ? {} : { [task]: v }) as Record<string, never>;
}

/**
 * Per-task metrics of single-task models on `test` (or on `train` when a task has no test data),
 * in the shape `evaluate`'s `baselines` option takes: `{ digits: { accuracy: 0.98, loss: ... } }`.
 * The weighting strategy is EW (one task); every other option is used as given.
 */
export async function singleTaskBaselines<T extends string>(
  model: Model<T>,
  train: TaskData<T>,
  test: TaskData<T> | undefined,
  fitOptions: FitOptions<T> = {},
  opts: SingleTaskBaselineOptions<T> = {},
): Promise<{ [K in T]?: Record<string, number> }> {
  const tasks = model.tasks.filter((t) => (train as Record<string, unknown>)[t] !== undefined);
  if (tasks.length === 0)
    throw new ConfigError(
      `singleTaskBaselines: no training data for any task of the model (${model.tasks.join(", ")}).`,
      { field: "train", expected: `data for one of ${model.tasks.join(", ")}` },
    );
  const out: { [K in T]?: Record<string, number> } = {};
  for (const task of tasks) {
    const single = new Model<T>(
      Object.freeze({ ...model.def, heads: model.def.heads.filter((h) => h.name === task) }),
    );
    const fo = {
      ...fitOptions,
      weighting: "ew",
      validationData: only(fitOptions.validationData, task),
      metrics: only(fitOptions.metrics, task),
    } as FitOptions<T>;
    const run = await single.fit(only(train, task) as never, fo);
    const evalData =
      (test as Record<string, AnyDataset> | undefined)?.[task] ??
      (train as Record<string, AnyDataset>)[task];
    const ev = await run.evaluate({ [task]: evalData } as never);
    out[task] = { ...((ev.tasks as Record<string, Record<string, number>>)[task] ?? {}) };
    await opts.onRun?.(task, run);
  }
  return out;
}
