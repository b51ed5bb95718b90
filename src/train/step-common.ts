/**
 * What every step function shares (step.ts picks one per `needs`; step-gradients.ts holds the
 * gradient-based ones): the step's arguments, its working state, and the helpers that run a
 * task's forward pass and one weighted backward pass.
 */
import * as tf from "@tensorflow/tfjs";
import type { Batch, Step } from "../data/types.js";
import { taskLoss } from "../model/loss.js";
import type { Network } from "../model/network.js";
import type { ForwardContext, Param } from "../model/params.js";
import type { Random } from "../util/random.js";
import type { WeightingContext, WeightingInstance } from "./weighting/types.js";

export interface StepArgs {
  readonly net: Network;
  readonly tasks: readonly string[];
  readonly step: Step;
  readonly trainable: readonly Param[];
  readonly instance: WeightingInstance;
  /** The context without `active` (the step works it out from the batches). */
  readonly ctx: Omit<WeightingContext, "active">;
  readonly random: Random;
  readonly repDropout: number;
}

export interface TaskOutput {
  /** Predictions [n, units] (kept; the caller disposes). */
  readonly pred: tf.Tensor;
  readonly batch: Batch;
}

/** The tensors a step function produces: [T] losses and the weights. */
export type Outcome = {
  readonly losses: tf.Tensor1D;
  readonly weights: tf.Tensor1D | readonly number[] | null;
};

export interface Work<I extends WeightingInstance> {
  readonly a: StepArgs;
  readonly instance: I;
  readonly ctx: WeightingContext;
  readonly present: readonly boolean[];
  readonly fwd: ForwardContext;
  readonly grads: Map<tf.Variable, tf.Tensor>;
  readonly outputs: Record<string, TaskOutput>;
}

export type StepFn<I extends WeightingInstance> = (w: Work<I>) => Promise<Outcome>;

export function collect(
  named: tf.NamedTensorMap,
  vars: readonly tf.Variable[],
  into: Map<tf.Variable, tf.Tensor>,
): void {
  for (const v of vars) {
    const g = named[v.name];
    if (g) into.set(v, g);
  }
}

/** Task `t`'s loss on its batch; keeps its predictions for the epoch's training metrics. */
export function lossOf(w: Work<WeightingInstance>, t: string, ctx: ForwardContext): tf.Scalar {
  const b = w.a.step[t] as Batch;
  const out = w.a.net.forward(t, b.x, ctx, w.a.repDropout);
  w.outputs[t] = { pred: tf.keep(w.a.net.head(t).predict(out)), batch: b };
  return taskLoss(w.a.net.head(t), out, b);
}

/** The [T] losses of the present tasks (0 elsewhere) and one backward pass of `combine`. */
export function weightedBackward(
  w: Work<WeightingInstance>,
  combine: (ls: tf.Tensor1D) => tf.Scalar,
  vars: tf.Variable[],
): tf.Tensor1D {
  let losses: tf.Tensor1D | undefined;
  const { value, grads: named } = tf.variableGrads(() => {
    const ls = w.a.tasks.map((t, i) => (w.present[i] ? lossOf(w, t, w.fwd) : tf.scalar(0)));
    losses = tf.keep(tf.stack(ls) as tf.Tensor1D);
    return combine(losses);
  }, vars);
  collect(named, vars, w.grads);
  value.dispose();
  return losses as tf.Tensor1D;
}
