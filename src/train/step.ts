/**
 * One training step's gradients. The strategy's `needs` picks one step function from a record
 * (`STEPS`), typed so that each function receives the instance variant it needs; there is no
 * per-method branch and no run-time "has no combineX" check. Every step function runs the
 * forward of forward.ts: one representation per sampling unit (a task group shares one
 * backbone pass), then the heads (a head bank as one matmul).
 * - "losses": `combineLosses` inside the tape, one forward and one backward pass.
 * - "sharedGradients", "representationGradients", "representationTransform": step-gradients.ts
 *   (one recorded forward, one backward pass per task).
 * Nothing here reads the device synchronously except what a strategy's solver needs (the Gram
 * matrix, read asynchronously); the loop reads the losses with the step's other logged values.
 */
import * as tf from "@tensorflow/tfjs";
import type { Batch } from "../data/types.js";
import { forwardLosses } from "./forward.js";
import {
  type Outcome,
  type StepArgs,
  type StepFn,
  type TaskOutput,
  type Work,
  disposeOutputs,
  forwardArgs,
} from "./step-common.js";
import { representationStep, representationTransformStep, sharedStep } from "./step-gradients.js";
import type {
  InstanceFor,
  LossWeightingInstance,
  WeightingInstance,
  WeightingNeeds,
} from "./weighting/types.js";

export type { StepArgs, TaskOutput };

export interface StepResult {
  /** Which tasks took part (task order): a batch with at least one label. */
  readonly active: readonly boolean[];
  /** [T] task losses, 0 for absent tasks (kept; the caller disposes). */
  readonly losses: tf.Tensor1D;
  /** [T] task weights (a kept tensor or numbers); null when the update is no weighted sum. */
  readonly weights: tf.Tensor1D | readonly number[] | null;
  /** Gradients by variable (model parameters and strategy variables); the caller disposes. */
  readonly grads: Map<tf.Variable, tf.Tensor>;
  readonly outputs: Record<string, TaskOutput>;
}

/** Disposes the tensors of a step result. */
export function disposeStepResult(r: StepResult): void {
  r.losses.dispose();
  if (r.weights instanceof tf.Tensor) r.weights.dispose();
  for (const g of r.grads.values()) g.dispose();
  disposeOutputs(r.outputs);
}

/** Labels present in a batch: known on the host for loader batches, else read once. */
async function labelled(b: Batch): Promise<number> {
  if (b.size === 0) return 0;
  if (b.labelled !== undefined) return b.labelled;
  if (!b.mask) return b.size;
  const s = tf.sum(b.mask);
  const v = (await s.data())[0];
  s.dispose();
  return v;
}

const lossStep: StepFn<LossWeightingInstance> = async (w) => {
  const { a, instance } = w;
  let weights: tf.Tensor1D | readonly number[] = [];
  let losses: tf.Tensor1D | undefined;
  const vars = [...a.trainable.map((p) => p.variable), ...instance.variables];
  const { value, grads: named } = tf.variableGrads(() => {
    losses = tf.keep(forwardLosses(forwardArgs(w)).stacked);
    const c = instance.combineLosses(losses, w.ctx);
    weights = c.weights instanceof tf.Tensor ? tf.keep(c.weights) : c.weights;
    return c.loss;
  }, vars);
  value.dispose();
  for (const v of vars) if (named[v.name]) w.grads.set(v, named[v.name]);
  // A task absent from the step contributes nothing: per-task strategy variables ([T]-shaped,
  // e.g. uncertainty's log-variances) get no gradient at its index.
  const T = a.tasks.length;
  if (w.present.some((p) => !p))
    for (const v of instance.variables) {
      const g = w.grads.get(v);
      if (!g || v.rank !== 1 || v.shape[0] !== T) continue;
      w.grads.set(
        v,
        tf.tidy(() => tf.mul(g, tf.tensor1d(w.present.map((p) => (p ? 1 : 0))))),
      );
      g.dispose();
    }
  return { losses: losses as tf.Tensor1D, weights };
};

/** The step function of each `needs`. */
const STEPS: { readonly [N in WeightingNeeds]: StepFn<InstanceFor<N>> } = {
  losses: lossStep,
  sharedGradients: sharedStep,
  representationGradients: representationStep,
  representationTransform: representationTransformStep,
};

function run(w: Work<WeightingInstance>): Promise<Outcome> {
  const i = w.instance;
  if (i.needs === "losses") return STEPS.losses({ ...w, instance: i });
  if (i.needs === "representationTransform") return STEPS[i.needs]({ ...w, instance: i });
  return STEPS[i.needs]({ ...w, instance: i });
}

/** Computes the step's gradients. Tensors in the result are the caller's to dispose. */
export async function computeStep(args: StepArgs): Promise<StepResult> {
  const counts = await Promise.all(
    args.tasks.map((t) => {
      const b = args.step[t];
      return b ? labelled(b) : 0;
    }),
  );
  const present = counts.map((n) => n > 0);
  const T = args.tasks.length;
  const grads = new Map<tf.Variable, tf.Tensor>();
  const outputs: Record<string, TaskOutput> = {};
  // no task has a label in this step: nothing to differentiate, the strategy is not called
  if (!present.some((p) => p))
    return { active: present, losses: tf.zeros([T]), weights: null, grads, outputs };
  const w: Work<WeightingInstance> = {
    a: args,
    instance: args.instance,
    ctx: { ...args.ctx, active: present },
    present,
    fwd: { training: true, random: args.random },
    grads,
    outputs,
  };
  try {
    const { losses, weights } = await run(w);
    return { active: present, losses, weights, grads, outputs };
  } catch (e) {
    // an error mid-step (a strategy, a head) must not leak the tensors made so far
    for (const g of grads.values()) g.dispose();
    disposeOutputs(outputs);
    throw e;
  }
}
