/**
 * One training step's gradients. The strategy's `needs` picks one step function from a record
 * (`STEPS`), typed so that each function receives the instance variant it needs; there is no
 * per-method branch and no run-time "has no combineX" check.
 * - "losses": `combineLosses` inside the tape, one backward pass. Tasks absent from a step
 *   (sampler mode "one") enter as a zero loss, and [T]-shaped strategy variables get no
 *   gradient at their index, so e.g. uncertainty's log-variance of an absent task stays put.
 * - "sharedGradients": one backward pass per task; the shared parameters' gradients are
 *   flattened into [T, P] and combined by `combineGradients`; task-specific parameters (heads,
 *   adapters, gates) get their own task's gradient.
 * - "representationGradients": a look-ahead pass takes each task's gradient w.r.t. its shared
 *   representation ([T, B*D], zero-padded), `combineGradients` turns them into weights, and the
 *   weighted sum of losses is differentiated in the real pass (same dropout masks).
 * Nothing here reads the device synchronously: per-task losses stay a [T] tensor that the loop
 * reads once per step, together with the weights and the finiteness check.
 */
import * as tf from "@tensorflow/tfjs";
import type { Batch, Step } from "../data/types.js";
import { taskLoss } from "../model/loss.js";
import type { Network } from "../model/network.js";
import type { ForwardContext, Param } from "../model/params.js";
import { Random } from "../util/random.js";
import type {
  GradientWeightingInstance,
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

interface Work<I extends WeightingInstance> {
  readonly a: StepArgs;
  readonly instance: I;
  readonly ctx: WeightingContext;
  readonly present: readonly boolean[];
  readonly fwd: ForwardContext;
  readonly grads: Map<tf.Variable, tf.Tensor>;
  readonly outputs: Record<string, TaskOutput>;
}

type Outcome = Pick<StepResult, "losses" | "weights">;
type StepFn<I extends WeightingInstance> = (w: Work<I>) => Promise<Outcome>;

function collect(
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
function lossOf(w: Work<WeightingInstance>, t: string, ctx: ForwardContext): tf.Scalar {
  const b = w.a.step[t] as Batch;
  const out = w.a.net.forward(t, b.x, ctx, w.a.repDropout);
  w.outputs[t] = { pred: tf.keep(w.a.net.head(t).predict(out)), batch: b };
  return taskLoss(w.a.net.head(t), out, b);
}

/** The [T] losses of the present tasks (0 elsewhere) and one backward pass of `combine`. */
function weightedBackward(
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

const sharedStep: StepFn<GradientWeightingInstance> = async (w) => {
  const { a, instance } = w;
  const shared = a.trainable.filter((p) => p.shared).map((p) => p.variable);
  const perTask: tf.NamedTensorMap[] = [];
  const lossList: tf.Scalar[] = [];
  try {
    a.tasks.forEach((t, i) => {
      if (!w.present[i]) {
        perTask.push({});
        lossList.push(tf.scalar(0));
        return;
      }
      const own = a.trainable.filter((p) => p.task === t).map((p) => p.variable);
      const { value, grads: named } = tf.variableGrads(
        () => lossOf(w, t, w.fwd),
        [...shared, ...own],
      );
      lossList.push(value);
      collect(named, own, w.grads);
      perTask.push(named);
    });
    const losses = tf.stack(lossList) as tf.Tensor1D;
    // nothing shared to balance (a frozen backbone): every task keeps its own gradient
    if (shared.length === 0) return { losses, weights: w.present.map((p) => (p ? 1 : 0)) };
    const G = tf.tidy(
      () =>
        tf.stack(
          perTask.map((named) =>
            tf.concat(shared.map((v) => (named[v.name] ?? tf.zerosLike(v)).reshape([-1]))),
          ),
        ) as tf.Tensor2D,
    );
    try {
      const c = await instance
        .combineGradients(G, (await losses.data()) as Float32Array, w.ctx)
        .catch((e) => {
          losses.dispose();
          throw e;
        });
      let off = 0;
      for (const v of shared) {
        const o = off;
        w.grads.set(
          v,
          tf.tidy(() => c.grad.slice(o, v.size).reshape(v.shape)),
        );
        off += v.size;
      }
      c.grad.dispose();
      return { losses, weights: c.weights };
    } finally {
      G.dispose();
    }
  } finally {
    for (const l of lossList) l.dispose();
    for (const named of perTask) for (const v of shared) named[v.name]?.dispose();
  }
};

const representationStep: StepFn<GradientWeightingInstance> = async (w) => {
  const { a, instance } = w;
  // look-ahead pass on a copy of the dropout RNG, so the real pass draws the same masks
  const look: ForwardContext = {
    training: true,
    random: new Random(a.random.getState()),
    updateStats: false,
  };
  const T = a.tasks.length;
  const { G, lookLosses } = tf.tidy(() => {
    const rows: tf.Tensor1D[] = [];
    const ls: tf.Scalar[] = [];
    a.tasks.forEach((t, i) => {
      if (!w.present[i]) {
        rows.push(tf.zeros([0]) as tf.Tensor1D);
        ls.push(tf.scalar(0));
        return;
      }
      const b = a.step[t] as Batch;
      const rep = a.net.represent(t, b.x, look);
      const f = (r: tf.Tensor) =>
        taskLoss(a.net.head(t), a.net.headOutput(t, r, look, a.repDropout), b);
      const { value, grad } = tf.valueAndGrad(f)(rep);
      ls.push(value);
      rows.push(grad.reshape([-1]) as tf.Tensor1D);
    });
    const width = Math.max(...rows.map((r) => r.size));
    return {
      G: tf.stack(
        rows.map((r) => (r.size < width ? tf.pad(r, [[0, width - r.size]]) : r)),
      ) as tf.Tensor2D,
      lookLosses: tf.stack(ls) as tf.Tensor1D,
    };
  });
  let weights: readonly number[];
  try {
    const c = await instance.combineGradients(G, (await lookLosses.data()) as Float32Array, w.ctx);
    c.grad.dispose();
    weights = c.weights ?? new Array<number>(T).fill(1);
  } finally {
    G.dispose();
    lookLosses.dispose();
  }
  const wt = tf.tensor1d(weights as number[]);
  try {
    const losses = weightedBackward(
      w,
      (ls) => tf.sum(tf.mul(ls, wt)),
      a.trainable.map((p) => p.variable),
    );
    return { losses, weights };
  } finally {
    wt.dispose();
  }
};

/** The step function of each `needs`. */
const STEPS: { readonly [N in WeightingNeeds]: StepFn<InstanceFor<N>> } = {
  losses: lossStep,
  sharedGradients: sharedStep,
  representationGradients: representationStep,
};

function run(w: Work<WeightingInstance>): Promise<Outcome> {
  const i = w.instance;
  return i.needs === "losses"
    ? STEPS.losses({ ...w, instance: i })
    : STEPS[i.needs]({ ...w, instance: i });
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
