/**
 * Everything needed to continue a run exactly: weights (in the Run's model), optimizer slots,
 * RNG and loader state, the strategy's state, L2-SP reference weights, early-stopping state,
 * history, and the run's options as JSON. Tensor-free.
 */
import type { LoaderState } from "../data/loader.js";
import type { WeightMap } from "../model/spec.js";
import type { RandomState } from "../util/random.js";
import type { EarlyStoppingState } from "./earlyStopping.js";
import type { EpochLog } from "./events.js";
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
}

export interface TrainState {
  config: RunConfig;
  /** The epoch the next step belongs to. */
  epoch: number;
  /** Global steps done. */
  step: number;
  history: EpochLog[];
  epochLosses: number[][];
  loader: LoaderState;
  random: RandomState;
  weightingRandom: RandomState;
  weighting: unknown;
  optimizer: OptimizerState;
  /** Early-stopping progress and the best epoch's weights (to restore them after a resume). */
  early?: { state: EarlyStoppingState; bestWeights?: WeightMap };
  /** L2-SP reference weights (absent without L2-SP). */
  theta0?: WeightMap;
  reason: "completed" | "earlyStopping" | "interrupted" | "nanLoss";
  message?: string;
  /** Seconds of training so far (across resumes). */
  time: number;
}
