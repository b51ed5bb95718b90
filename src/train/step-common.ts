/**
 * What every step function shares (step.ts picks one per `needs`; step-gradients.ts holds the
 * gradient-based ones): the step's arguments, its working state, and small helpers for the
 * forward pass, gradient accumulation and each task's own parameters.
 */
import * as tf from "@tensorflow/tfjs";
import type { Step } from "../data/types.js";
import type { Network } from "../model/network.js";
import type { ForwardContext, Param } from "../model/params.js";
import type { Random } from "../util/random.js";
import type { ForwardArgs, TaskOutput } from "./forward.js";
import type { WeightingContext, WeightingInstance } from "./weighting/types.js";

export type { TaskOutput };

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

/** The forward of the step's batches (or of another set of batches, e.g. an extra sample). */
export function forwardArgs(
  w: Work<WeightingInstance>,
  over: Partial<ForwardArgs> = {},
): ForwardArgs {
  return {
    net: w.a.net,
    tasks: w.a.tasks,
    step: w.a.step,
    present: w.present,
    ctx: w.fwd,
    dropout: w.a.repDropout,
    outputs: w.outputs,
    ...over,
  };
}

/** The step's `k`-th extra batch of every task (strategies with `samples` > 1). */
export function extraStep(step: Step, tasks: readonly string[], k: number): Step {
  const out: Step = {};
  for (const t of tasks) {
    const b = step[t]?.extra?.[k];
    if (b) out[t] = b;
  }
  return out;
}

/** Adds `g` to the gradient of `v` (heads of a group reached from several backward passes). */
export function accumulate(into: Map<tf.Variable, tf.Tensor>, v: tf.Variable, g: tf.Tensor): void {
  const prev = into.get(v);
  if (!prev) {
    into.set(v, g);
    return;
  }
  into.set(v, tf.add(prev, g));
  prev.dispose();
  g.dispose();
}

/** Task `t`'s own parameters: its head (or its share of a head bank), adapter, gates. */
export function ownParams(trainable: readonly Param[], t: string): tf.Variable[] {
  return trainable.filter((p) => p.task === t || p.tasks?.includes(t)).map((p) => p.variable);
}

/** Disposes predictions (a head bank's members share one tensor). */
export function disposeOutputs(outputs: Readonly<Record<string, TaskOutput>>): void {
  for (const p of new Set(Object.values(outputs).map((o) => o.pred))) p.dispose();
}
