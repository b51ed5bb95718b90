/**
 * Training events: the loop emits them; progress bars, live plots, early stopping and
 * checkpoints listen. Nothing here knows about Jupyter or plotly.
 *
 * Log keys (one `EpochLog` per epoch, also `Run.history`):
 * - `loss` (weighted total), `loss/<task>`, `<metric>/<task>` (e.g. `accuracy/digits`),
 *   `weight/<task>` (mean weight the strategy gave the task over the epoch)
 * - validation: `val/<task>/loss`, `val/<task>/<metric>`, `val/mean/<metric>`
 * - `epoch` (0-based), `step` (global step at epoch end), `time` (seconds since train begin),
 *   `lr`
 */
import type { ModelSpecJSON, WeightMap } from "../model/spec.js";
import type { TrainState } from "./state.js";

export type EpochLog = { readonly epoch: number } & Readonly<Record<string, number>>;

export interface TrainBeginEvent {
  readonly tasks: readonly string[];
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** One-line backend summary, e.g. "wasm (cpu, 1 thread, 5 patched kernels)". */
  readonly backend: string;
  /** The run's options as JSON, for reports. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Every key an epoch log of this run can hold (listeners check their keys against it). */
  readonly logKeys?: readonly string[];
}

export interface StepEvent {
  readonly step: number;
  readonly epoch: number;
  /** Step within the epoch, 0-based. */
  readonly stepInEpoch: number;
  readonly stepsPerEpoch: number;
  /** Loss of each task that took part in the step. */
  readonly losses: Readonly<Record<string, number>>;
  /** Weight of each task that took part in the step. */
  readonly weights: Readonly<Record<string, number>>;
  /** Optional analysis sampled this step: pairwise cosine of task gradients, task order. */
  readonly gradientCosine?: readonly (readonly number[])[];
}

export interface TrainEndEvent {
  readonly history: readonly EpochLog[];
  /** Why training stopped. */
  readonly reason: "completed" | "earlyStopping" | "interrupted" | "nanLoss";
  readonly message?: string;
}

/**
 * What a listener may do to the run it listens to (Keras's `model.stop_training` and friends).
 * Passed as the second argument of every hook.
 */
export interface TrainingControl {
  /** Asks the loop to stop at the next boundary, with a reason and a human message. */
  stop(reason: "earlyStopping" | "interrupted", message: string): void;
  /** The model's current weights (one asynchronous read). */
  weights(): Promise<WeightMap>;
  /** Assigns weights to the model (by parameter name). */
  setWeights(weights: WeightMap): void;
  /** Everything needed to resume exactly from this point, and the model to rebuild. */
  checkpoint(): Promise<{ spec: ModelSpecJSON; weights: WeightMap; state: TrainState }>;
}

/**
 * A listener; every hook is optional and may be async (the loop awaits it). A listener with a
 * `stateKey` is also a stateful part of the run: its `getState()` goes into checkpoints under
 * that key and `setState()` restores it on resume (early stopping does this).
 */
export interface TrainingListener {
  /** Key of this listener's state in checkpoints (`TrainState.listeners`); none: stateless. */
  readonly stateKey?: string;
  getState?(): unknown | Promise<unknown>;
  setState?(state: unknown): void;
  onTrainBegin?(e: TrainBeginEvent, control: TrainingControl): void | Promise<void>;
  onStep?(e: StepEvent, control: TrainingControl): void | Promise<void>;
  onEpochEnd?(log: EpochLog, control: TrainingControl): void | Promise<void>;
  onTrainEnd?(e: TrainEndEvent, control: TrainingControl): void | Promise<void>;
}
