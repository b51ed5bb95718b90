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
 * - `needs: "representationTransform"` (GradDrop): the loop takes each task's per-sample gradient
 *   of its representation ([B_t, D]) and the representation itself; the strategy returns the
 *   gradient to back-propagate into each representation, and the backbone gets their sum.
 *
 * A gradient strategy may ask for `samples` independent batches per step (MoDo, SDMGrad: 3): the
 * loader then draws that many batches per task and per step, and the step hands the strategy one
 * [T, P] gradient matrix per batch.
 */
import type * as tf from "@tensorflow/tfjs";

export type WeightingNeeds =
  | "losses"
  | "sharedGradients"
  | "representationGradients"
  | "representationTransform";

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
  /**
   * Optional factor on each task's own (head) gradient, for methods whose update is the gradient
   * of `sum_i w_i L_i` for every parameter (FairGrad, ExcessMTL). Default: 1 (heads get their own
   * task's gradient).
   */
  headScale?: readonly number[];
}

/** What a gradient strategy gets besides the first batch's gradients. */
export interface GradientExtras {
  /** The [T, P] gradients of the further independent batches (`samples - 1` of them). */
  readonly samples: readonly tf.Tensor2D[];
}

interface InstanceBase {
  /** Trainable variables the strategy owns (e.g. uncertainty log-variances); the trainer's
   * optimizer updates them together with the model. */
  readonly variables: readonly tf.Variable[];
  /** JSON-serialisable state for checkpoints. Asynchronous: it may read the device. */
  getState(): unknown | Promise<unknown>;
  setState(state: unknown): void;
  dispose(): void;
  /**
   * Device-side state that the optimizer does not train (MoCo's tracked gradients, DB-MTL's
   * gradient buffer): snapshotted before each step, rolled back with it, checked for finiteness.
   */
  readonly stateVariables?: readonly tf.Variable[];
  /**
   * The host part of the state, for the per-step rollback, when `getState()` would read the
   * device (instances with `variables` or `stateVariables`). Synchronous and cheap.
   */
  saveHost?(): unknown;
  restoreHost?(saved: unknown): void;
  /**
   * Optional epoch-level log entries (e.g. `weighting/residual`, the largest solver certificate
   * residual of the epoch; `weighting/singular`, the share of steps IMTL-G solved by its
   * pseudo-inverse); the loop adds them to the epoch's log and the instance starts afresh.
   */
  flushLogs?(): Record<string, number>;
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
  /** Independent batches per step (MoDo, SDMGrad: 3). Defaults to 1. */
  readonly samples?: number;
  /**
   * Optional differentiable transform of task `task`'s loss (a scalar), applied inside the tape
   * before its gradients are taken: IMTL-L's `exp(s) L - s`, DB-MTL's `log L`. The shared and
   * head gradients are then those of the transformed loss, and the instance's `variables` get
   * their gradients from it (summed over tasks). Logged losses stay the raw ones.
   */
  transformLoss?(loss: tf.Scalar, task: number, ctx: WeightingContext): tf.Scalar;
  /** `grads` is [T, P] (rows of absent tasks are zero); `losses` are this step's task losses.
   * Never disposes `grads`; the returned `grad` is the caller's. A NaN or infinite gradient is a
   * `NonFiniteGradientError` naming the task. */
  combineGradients(
    grads: tf.Tensor2D,
    losses: Float32Array,
    ctx: WeightingContext,
    extras?: GradientExtras,
  ): Promise<GradientCombination>;
}

/** A strategy that rewrites the per-sample gradients of the representation (GradDrop). */
export interface RepresentationTransformInstance extends InstanceBase {
  readonly needs: "representationTransform";
  /**
   * `grads[t]` is task t's loss gradient w.r.t. its representation R_t ([B_t, D], null for absent
   * tasks) and `reps[t]` is R_t. Resolves to the gradient to back-propagate into each R_t (same
   * shapes; null for absent tasks), owned by the caller. Never disposes its inputs.
   */
  transformGradients(
    grads: readonly (tf.Tensor2D | null)[],
    reps: readonly (tf.Tensor2D | null)[],
    ctx: WeightingContext,
  ): Promise<(tf.Tensor2D | null)[]>;
}

/** A strategy's per-run state, discriminated by what it needs from the step. */
export type WeightingInstance =
  | LossWeightingInstance
  | GradientWeightingInstance
  | RepresentationTransformInstance;

/** The instance type a strategy with `needs: N` creates. */
export type InstanceFor<N extends WeightingNeeds> = N extends "losses"
  ? LossWeightingInstance
  : N extends "representationTransform"
    ? RepresentationTransformInstance
    : GradientWeightingInstance;

export interface WeightingStrategy<
  Config extends object = Record<string, unknown>,
  N extends WeightingNeeds = WeightingNeeds,
> {
  readonly name: string;
  readonly needs: N;
  readonly config: Readonly<Config>;
  /** Independent batches per step the strategy needs (MoDo, SDMGrad: 3). Defaults to 1. */
  readonly samples?: number;
  create(tasks: readonly string[], opts: { seed: number }): InstanceFor<N>;
}
