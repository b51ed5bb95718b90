/**
 * The MultiTaskLoader's options and their checks: the task entries (a record or [name, dataset]
 * pairs, unique names, each a Dataset or a streamed dataset), batchSize, mode and samples. Each
 * bad value is a ConfigError or DataError naming the field (and the task) and the value.
 */
import { ConfigError, DataError, show } from "../errors.js";
import { isStreamed } from "./stream/types.js";
import type { AnyDataset, TaskSampler } from "./types.js";
import { checkDataset, checkUniqueNames } from "./validate.js";

export interface MultiTaskLoaderArgs {
  /** Samples per task batch. */
  batchSize: number;
  /** Task sampler. Defaults to `samplers.proportional()`. */
  sampler?: TaskSampler;
  /** Seed of the data order, task draws and augmentation. Defaults to 0. */
  seed?: number;
  /** Reshuffle each task every pass. Defaults to true. */
  shuffle?: boolean;
  /** Overrides the sampler's mode (the trainer sets "all" for gradient-based weighting). */
  mode?: "one" | "all";
  /** Total epochs of training, to compute `progress` for annealed samplers. Optional. */
  epochs?: number;
  /** Apply the datasets' transforms in training mode (random augmentation). Defaults to true. */
  augment?: boolean;
  /** Train task groups (datasets sharing one input) as one unit. Defaults to true. */
  group?: boolean;
  /**
   * Independent batches per unit and step (weighting strategies such as MoDo and SDMGrad ask
   * for 3): the first is the step's batch, the others its `extra` batches, drawn after it from
   * the same stream. An epoch still passes each unit's samples once, so it has `samples` times
   * fewer steps. Defaults to 1.
   */
  samples?: number;
}

/** The checked entries, batch size and batches per step of a loader's arguments. */
export function checkLoaderArgs<T extends string>(
  datasets: Record<T, AnyDataset> | readonly (readonly [T, AnyDataset])[],
  args: MultiTaskLoaderArgs,
): { entries: (readonly [T, AnyDataset])[]; batchSize: number; samples: number } {
  const entries: (readonly [T, AnyDataset])[] = Array.isArray(datasets)
    ? [...(datasets as readonly (readonly [T, AnyDataset])[])]
    : (Object.entries(datasets) as [T, AnyDataset][]);
  if (entries.length === 0)
    throw new DataError("MultiTaskLoader: no tasks were given.", {
      field: "datasets",
      value: 0,
      expected: "at least one task",
    });
  checkUniqueNames(entries.map((e) => e[0]));
  const bs = args?.batchSize;
  if (!Number.isInteger(bs) || bs < 1)
    throw new ConfigError(`MultiTaskLoader: batchSize ${show(bs)} must be an integer >= 1.`, {
      field: "batchSize",
      value: bs,
      expected: "an integer >= 1",
    });
  for (const [t, d] of entries) {
    if (isStreamed(d)) continue; // its values are checked as its row groups are decoded
    if (d == null || typeof d !== "object" || !("x" in d) || !("y" in d))
      throw new DataError(`Task "${t}": ${show(d)} is not a Dataset.`, {
        task: t,
        field: "dataset",
        value: d,
        expected: "a Dataset (datasets.fromArrays, datasets.mnist, datasets.fromParquet, ...)",
      });
    checkDataset(d, { finite: false });
  }
  const k = args.samples ?? 1;
  if (!Number.isInteger(k) || k < 1 || k > 16)
    throw new ConfigError(`MultiTaskLoader: samples ${show(k)} must be an integer in 1..16.`, {
      field: "samples",
      value: k,
      expected: "an integer in 1..16",
    });
  return { entries, batchSize: bs, samples: k };
}

/** A sampling mode: "one" unit per step or "all" of them. */
export function checkMode(mode: unknown): "one" | "all" {
  if (mode !== "one" && mode !== "all")
    throw new ConfigError(`MultiTaskLoader: mode ${show(mode)} is not "one" or "all".`, {
      field: "mode",
      value: mode,
      expected: '"one" or "all"',
    });
  return mode;
}
