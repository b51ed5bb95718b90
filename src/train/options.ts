/** Options of `Model.fit`. Every field documents its default. */
import type { Dataset, TaskSampler } from "../data/types.js";
import type { AnalysisOptions } from "./analysis.js";
import type { TrainingListener } from "./events.js";
import type { LrMultiplier } from "./finetune-schema.js";
import type { CheckpointOptions } from "./listeners.js";
import type { Optimizer } from "./optimizers/types.js";
import type { Schedule } from "./schedule.js";
import type { WeightingStrategy } from "./weighting/types.js";

export interface RegularizeOptions {
  /** L1 penalty on kernels and embeddings. Defaults to `0`. */
  l1?: number;
  /** L2 penalty on kernels and embeddings (toward 0). Defaults to `0`. */
  l2?: number;
  /**
   * L2-SP (Li et al. 2018): `lambda * ||theta - theta0||^2` toward the weights at the start of
   * fit (the pretrained or previously trained ones). A number applies to the backbone (and
   * architecture); `{ backbone, heads }` sets the two separately. Defaults to `0`.
   */
  l2sp?: number | { backbone?: number; heads?: number };
  /** Dropout on the shared representation before every head. Defaults to `0`. */
  dropout?: number;
}

export interface EarlyStoppingOptions {
  /** A logged key: `val/mean/accuracy`, `val/<task>/loss`, `loss`, ... */
  monitor: string;
  /** Epochs without improvement before stopping. Defaults to `3`. */
  patience?: number;
  /** Defaults to "min" for keys containing "loss", "mae" or "rmse", else "max". */
  mode?: "min" | "max";
  /** Smallest change that counts as an improvement. Defaults to `0`. */
  minDelta?: number;
  /** Restore the best epoch's weights when early stopping ends the run. Defaults to `true`. */
  restoreBest?: boolean;
}

export interface FitOptions<T extends string = string> {
  /** Defaults to `1`. */
  epochs?: number;
  /** Samples per task batch. Defaults to `32`. */
  batchSize?: number;
  /** Seeds initialisation, data order, dropout and stochastic strategies. Defaults to `0`. */
  seed?: number;
  /** Task sampler, or a sampler name. Defaults to `samplers.proportional()`. */
  sampler?: TaskSampler | string;
  /** Weighting strategy or name. Defaults to `ew`. */
  weighting?: WeightingStrategy<object> | string;
  /** Optimizer or name (`sgd`, `adam`, `adamw`). Defaults to `adam`. */
  optimizer?: Optimizer<object> | string;
  /** Learning rate, overriding the optimizer's. */
  lr?: number;
  /** Learning-rate schedule. Defaults to constant. */
  schedule?: Schedule;
  /** Clip the global gradient norm to this value. Defaults to no clipping. */
  clipNorm?: number;
  /** Clip every gradient element to [-clipValue, clipValue]. Defaults to no clipping. */
  clipValue?: number;
  regularize?: RegularizeOptions;
  /** Fraction of each task's data held out for validation. Defaults to none. */
  validationSplit?: number;
  /** Explicit validation data per task (instead of validationSplit). */
  validationData?: { readonly [K in T]?: Dataset };
  earlyStopping?: EarlyStoppingOptions;
  /** Metrics per task, overriding the heads' defaults. */
  metrics?: { readonly [K in T]?: readonly string[] };
  /**
   * Listeners for train-begin, step, epoch-end and train-end events. Defaults to the installed
   * default listeners (`setDefaultListeners`; e.g. the notebook's live view), none otherwise.
   */
  listeners?: readonly TrainingListener[];
  /** Stops training at the next step boundary when aborted. */
  signal?: AbortSignal;
  /** Stop at a step boundary on SIGINT (Ctrl-C) during fit. Defaults to `true`. */
  handleSigint?: boolean;
  /** Batch size for validation and evaluation. Defaults to `256`. */
  evalBatchSize?: number;
  /** Print one line per epoch. Defaults to `false`. */
  verbose?: boolean;
  /** Gradient-conflict / task-affinity sampling during training. Defaults to off. */
  analysis?: AnalysisOptions;
  /** Save a resumable checkpoint to `dir` every `every` epochs (and at the end). Defaults to none. */
  checkpoint?: CheckpointOptions;
  /**
   * Check after every update that the weights are finite (one reduction, read with the step's
   * logged values) and roll a non-finite step back. Defaults to `true`.
   */
  checkFinite?: boolean;
  /**
   * Train task groups (datasets that share one input, e.g. `fromArrays({ x, y: { a, b } })`) as
   * one sampling unit with one backbone pass per step. `false` trains every task apart.
   * Defaults to `true`.
   */
  group?: boolean;
  /**
   * Discriminative learning rates: a multiplier of the learning rate per part or name pattern
   * (keys as in `freeze`: "backbone", "arch", a task, "head:<task>", "adapter:<task>", or a glob
   * such as "backbone/conv0/*"; the last matching key wins), or `{ multiplier, delaySteps?,
   * warmupSteps? }` to hold the part at 0 for `delaySteps` and then warm it up linearly. E.g.
   * `{ backbone: 0.1 }` fine-tunes a pretrained backbone at a tenth of the heads' rate. Defaults
   * to 1 everywhere.
   */
  lrMultipliers?: Readonly<Record<string, LrMultiplier>>;
  /**
   * Gradient accumulation: apply the mean gradient of `accumulate` consecutive steps as one
   * update (an `accumulate` times larger effective batch); a window also closes at the end of
   * each epoch. Steps (schedules, warm-ups, `step` events) count batches. Defaults to `1`.
   */
  accumulate?: number;
}
