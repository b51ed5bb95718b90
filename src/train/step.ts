/**
 * One training step's gradients. The strategy's `needs` picks one step function from a record
 * (`STEPS`), typed so that each function receives the instance variant it needs; there is no
 * per-method branch and no run-time "has no combineX" check.
 * - "losses": `combineLosses` inside the tape, one backward pass. Tasks absent from a step
 *   (sampler mode "one") enter as a zero loss, and [T]-shaped strategy variables get no
 *   gradient at their index, so e.g. uncertainty's log-variance of an absent task stays put.
 * - "sharedGradients", "representationGradients", "representationTransform": see
 *   step-gradients.ts (per-task gradients of the shared parameters, of the representation, or
 *   GradDrop's rewritten representation gradients).
 * Nothing here reads the device synchronously: per-task losses stay a [T] tensor that the loop
 * reads once per step, together with the weights and the finiteness check.
 */
import * as tf from "@tensorflow/tfjs";
import type { Batch, Step } from "../data/types.js";
import { taskLoss } from "../model/loss.js";
import type { Network } from "../model/network.js";
import type { ForwardContext, Param } from "../model/params.js";
import type { Random } from "../util/random.js";
import { representationStep, representationTransformStep, sharedStep } from "./step-gradients.js";
import type {
  InstanceFor,
  LossWeightingInstance,
  WeightingContext,
  WeightingInstance,
  WeightingNeeds,
} from "./weighting/types.js";

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
  for (const o of Object.values(r.outputs)) o.pred.dispose();
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

export interface Work<I extends WeightingInstance> {
  readonly a: StepArgs;
  readonly instance: I;
  readonly ctx: WeightingContext;
  readonly present: readonly boolean[];
  readonly fwd: ForwardContext;
  readonly grads: Map<tf.Variable, tf.Tensor>;
  readonly outputs: Record<string, TaskOutput>;
}

export type Outcome = Pick<StepResult, "losses" | "weights">;
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

const lossStep: StepFn<LossWeightingInstance> = async (w) => {
  const { a, instance } = w;
  let weights: tf.Tensor1D | readonly number[] = [];
  const losses = weightedBackward(
    w,
    (ls) => {
      const c = instance.combineLosses(ls, w.ctx);
      weights = c.weights instanceof tf.Tensor ? tf.keep(c.weights) : c.weights;
      return c.loss;
    },
    [...a.trainable.map((p) => p.variable), ...instance.variables],
  );
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
  return { losses, weights };
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
    for (const o of Object.values(outputs)) o.pred.dispose();
    throw e;
  }
}
