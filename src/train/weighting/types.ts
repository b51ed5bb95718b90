/**
 * The weighting-strategy plug-in interface. A strategy *config* (what `pt.weighting.pcgrad()`
 * returns) is an immutable value; the trainer calls `create(tasks)` to get a stateful
 * *instance* for one run. A strategy declares what it needs and the loop provides exactly that,
 * with no per-method branch in the loop:
 *
 * - `needs: "losses"`: the loop calls `combineLosses` inside the gradient tape with the
 *   per-task losses as a [T] tensor, and differentiates the scalar it returns.
 * - `needs: "sharedGradients"`: the loop computes each task's gradient w.r.t. the shared
 *   (backbone) parameters, flattens them into a [T, P] matrix and calls `combineGradients`,
 *   which returns the one gradient [P] to apply. Head parameters get their own task's gradient.
 * - `needs: "representationGradients"`: the same, but gradients are taken w.r.t. the shared
 *   representation (the backbone's output, [T, B*D]) as in MGDA-UB; the returned weights are
 *   then used to combine the task losses for the real backward pass. Cheap for big backbones.
 */
import type * as tf from "@tensorflow/tfjs";

export type WeightingNeeds = "losses" | "sharedGradients" | "representationGradients";

export interface WeightingContext {
  /** Global step, 0-based. */
  readonly step: number;
  /** Epoch, 0-based. */
  readonly epoch: number;
  /** Task names, in the order used by every [T]-indexed array and tensor. */
  readonly tasks: readonly string[];
  /** Mean training loss per task (task order) of every finished epoch, oldest first. */
  readonly epochLosses: readonly (readonly number[])[];
  /** Seeded uniform [0, 1) draws for stochastic strategies (RLW). */
  readonly random: () => number;
  /**
   * Optional: which tasks (task order) take part in this step. A task missing from a step (task
   * sampling, all labels masked) comes with a 0 loss and a zero gradient row; strategies give it
   * weight 0 and leave its state alone. When omitted, a task whose loss is exactly 0 counts as
   * absent.
   */
  readonly active?: readonly boolean[];
}

export interface LossCombination {
  /** The scalar to differentiate. */
  loss: tf.Scalar;
  /** The weight each task got this step (task order), for logs (`weight/<task>`). */
  weights: number[];
}

export interface GradientCombination {
  /** The combined gradient [P] (or, in representation mode, ignored: weights are used). */
  grad: tf.Tensor1D;
  /** The weight each task got this step (task order). */
  weights: number[];
}

export interface WeightingInstance {
  /** Trainable variables the strategy owns (e.g. uncertainty log-variances); the trainer's
   * optimizer updates them together with the model. */
  readonly variables: readonly tf.Variable[];
  /** For `needs: "losses"`. Called inside the tape; must not dispose `losses`. */
  combineLosses?(losses: tf.Tensor1D, ctx: WeightingContext): LossCombination;
  /** For gradient-based needs. `grads` is [T, P]; `losses` are this step's task losses. */
  combineGradients?(
    grads: tf.Tensor2D,
    losses: Float32Array,
    ctx: WeightingContext,
  ): GradientCombination;
  /** Optional: strategies such as FAMO need the task losses on the same batch after the update. */
  observeLossesAfterStep?(losses: Float32Array, ctx: WeightingContext): void;
  /** JSON-serialisable state for checkpoints. */
  getState(): unknown;
  setState(state: unknown): void;
  dispose(): void;
}

export interface WeightingStrategy<Config extends object = Record<string, unknown>> {
  readonly name: string;
  readonly needs: WeightingNeeds;
  readonly config: Readonly<Config>;
  create(tasks: readonly string[], opts: { seed: number }): WeightingInstance;
}
