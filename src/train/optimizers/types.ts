/**
 * The optimizer plug-in. A config (`pt.optimizers.adam({ lr: 1e-3 })`) is immutable JSON; the
 * trainer creates an instance per run. Instances keep their slots by parameter name so that a
 * checkpoint restores them onto a rebuilt model.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Snapshot } from "../transaction.js";

export interface OptimizerInstance {
  /**
   * Applies one update with learning rate `lr`; `grads[i]` belongs to `vars[i]`, whose rate is
   * `lr * lrScales[i]` when given (discriminative learning rates; see multipliers.ts).
   */
  apply(
    names: readonly string[],
    vars: readonly tf.Variable[],
    grads: readonly tf.Tensor[],
    lr: number,
    lrScales?: readonly number[],
  ): void;
  getState(): Promise<OptimizerState>;
  setState(state: OptimizerState): void;
  /** The instance's state now, to undo a non-finite step. */
  snapshot(): Snapshot;
  dispose(): void;
}

export interface OptimizerState {
  name: string;
  step: number;
  /** Slot values by "<param name>#<slot>". */
  slots: Record<string, { shape: number[]; values: number[] | Float32Array }>;
}

export interface Optimizer<C extends object = Record<string, unknown>> {
  readonly name: string;
  /** Base learning rate. */
  readonly lr: number;
  readonly config: Readonly<C>;
  create(): OptimizerInstance;
}
