/**
 * Everything needed to continue a run exactly: weights (in the Run's model), optimizer slots,
 * RNG and loader state, the strategy's state, L2-SP reference weights, early-stopping state,
 * history, and the run's options as JSON. Tensor-free.
 */
import type { LoaderState } from "../data/loader.js";
import type { WeightMap } from "../model/spec.js";
import type { RandomState } from "../util/random.js";
import type { EpochStatsState } from "./epochLog.js";
import type { EpochLog } from "./events.js";
import type { LrMultiplier } from "./finetune-schema.js";
import type { AccumulatorState } from "./grad-accumulator.js";
import type { OptimizerState } from "./optimizers/types.js";

export interface RunConfig {
  epochs: number;
  batchSize: number;
  seed: number;
  tasks: string[];
  sampler: { name: string; options?: Record<string, unknown> };
  weighting: { name: string; config: Record<string, unknown> };
  optimizer: { name: string; config: Record<string, unknown> };
  schedule?: unknown;
  clipNorm?: number;
  clipValue?: number;
  regularize?: Record<string, unknown>;
  validationSplit?: number;
  earlyStopping?: Record<string, unknown>;
  metrics?: Record<string, readonly string[]>;
  analysis?: Record<string, unknown>;
  group?: boolean;
  /** Per-part learning-rate multipliers (fit option `lrMultipliers`). */
  lrMultipliers?: Record<string, LrMultiplier>;
  /** Steps per update (fit option `accumulate`); absent for 1. */
  accumulate?: number;
}

/**
 * The run's state, collected from its stateful parts (each owns one key: `loader`, `optimizer`,
 * `accumulator`, `weighting`, `random`, `weightingRandom`, `theta0`, `history`, `epochStats`, and stateful
 * listeners under `listeners`) plus the loop's own counters. JSON, except typed arrays and
 * weight maps, which checkpoints store in binary.
 */
export interface TrainState {
  config: RunConfig;
  /** The epoch the next step belongs to. */
  epoch: number;
  /** Global steps done. */
  step: number;
  /** Seconds of training so far (across resumes). */
  time: number;
  reason: "completed" | "earlyStopping" | "interrupted" | "nanLoss";
  message?: string;
  history: EpochLog[];
  loader: LoaderState;
  random: RandomState;
  weightingRandom: RandomState;
  weighting: unknown;
  optimizer: OptimizerState;
  /** L2-SP reference weights (absent without L2-SP). */
  theta0?: WeightMap;
  /** The accumulation of the epoch in progress (absent at an epoch boundary). */
  epochStats?: EpochStatsState;
  /** The open gradient-accumulation window (absent when none is open). */
  accumulator?: AccumulatorState;
  /** States of stateful listeners (early stopping), by their `stateKey`. */
  listeners: Record<string, unknown>;
}

/** Mean training loss per task (task order) of every finished epoch, from the history. */
export function epochLosses(history: readonly EpochLog[], tasks: readonly string[]): number[][] {
  return history.map((log) => tasks.map((t) => log[`loss/${t}`] ?? Number.NaN));
}
