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
   * Which tasks (task order) take part in this step. A task missing from a step (task sampling,
   * every label masked) comes with a 0 loss and a zero gradient row; strategies give it weight 0
   * and leave its state alone.
   */
  readonly active: readonly boolean[];
}

export interface LossCombination {
  /** The scalar to differentiate. */
  loss: tf.Scalar;
  /**
   * The weight each task got this step (task order), for logs (`weight/<task>`): a [T] tensor
   * (read by the loop together with the step's other logged scalars, never synchronously) or
   * plain numbers when the strategy knows them without reading the device.
   */
  weights: tf.Tensor1D | readonly number[];
}

export interface GradientCombination {
  /** The combined gradient [P] (or, in representation mode, ignored: weights are used). */
  grad: tf.Tensor1D;
  /**
   * The weight each task got this step (task order); `null` for methods whose update is not a
   * weighted sum of the task gradients.
   */
  weights: readonly number[] | null;
}

interface InstanceBase {
  /** Trainable variables the strategy owns (e.g. uncertainty log-variances); the trainer's
   * optimizer updates them together with the model. */
  readonly variables: readonly tf.Variable[];
  /** JSON-serialisable state for checkpoints. Asynchronous: it may read the device. */
  getState(): unknown | Promise<unknown>;
  setState(state: unknown): void;
  dispose(): void;
}

/** A strategy that weighs the task losses (one backward pass). */
export interface LossWeightingInstance extends InstanceBase {
  readonly needs: "losses";
  /** Called inside the tape with the [T] task losses (absent tasks 0); must not dispose them
   * and must not read the device synchronously. */
  combineLosses(losses: tf.Tensor1D, ctx: WeightingContext): LossCombination;
  /** Optional (FAMO): each task's loss on the step's batch after the update, in train mode with
   * the step's dropout masks. */
  observeLossesAfterStep?(before: Float32Array, after: Float32Array, ctx: WeightingContext): void;
}

/** A strategy that combines per-task gradients ([T, P] shared, or [T, B*D] representation). */
export interface GradientWeightingInstance extends InstanceBase {
  readonly needs: "sharedGradients" | "representationGradients";
  /** `grads` is [T, P] (rows of absent tasks are zero); `losses` are this step's task losses.
   * Never disposes `grads`; the returned `grad` is the caller's. */
  combineGradients(
    grads: tf.Tensor2D,
    losses: Float32Array,
    ctx: WeightingContext,
  ): Promise<GradientCombination>;
}

/** A strategy's per-run state, discriminated by what it needs from the step. */
export type WeightingInstance = LossWeightingInstance | GradientWeightingInstance;

/** The instance type a strategy with `needs: N` creates. */
export type InstanceFor<N extends WeightingNeeds> = N extends "losses"
  ? LossWeightingInstance
  : GradientWeightingInstance;

export interface WeightingStrategy<
  Config extends object = Record<string, unknown>,
  N extends WeightingNeeds = WeightingNeeds,
> {
  readonly name: string;
  readonly needs: N;
  readonly config: Readonly<Config>;
  create(tasks: readonly string[], opts: { seed: number }): InstanceFor<N>;
}
