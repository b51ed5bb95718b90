/**
 * One training step's gradients. The strategy's `needs` picks one step function from a record
 * (`STEPS`), typed so that each function receives the instance variant it needs; there is no
 * per-method branch and no run-time "has no combineX" check. Every step function runs the
 * forward of `forward.ts`: one representation per sampling unit (a task group shares one
 * backbone pass), then the heads.
 * - "losses": `combineLosses` inside the tape, one forward and one backward pass.
 * - "sharedGradients": one forward recorded once (tape.ts), then one backward pass per task to
 *   the shared parameters: [T, P] rows for `combineGradients`; task-specific parameters (heads,
 *   adapters, gates) get their own task's gradient.
 * - "representationGradients" (MGDA-UB, Sener & Koltun 2018, Algorithm 2): on one task group
 *   with one shared representation Z of its batch, each task's gradient w.r.t. Z ([T, B*D])
 *   goes to `combineGradients`; Z's gradient is then `sum_i w_i dL_i/dZ`, backpropagated once
 *   through the backbone, and each head gets its own task's unweighted gradient.
 * Nothing here reads the device synchronously except what a strategy's solver needs (the Gram
 * matrix, read asynchronously); the loop reads the losses with the step's other logged values.
 */
import * as tf from "@tensorflow/tfjs";
import type { Batch, Step } from "../data/types.js";
import { ConfigError } from "../errors.js";
import type { Network } from "../model/network.js";
import type { ForwardContext, Param } from "../model/params.js";
import type { Random } from "../util/random.js";
import { recordTape, tapeSupported } from "../util/tape.js";
import { type ForwardArgs, type TaskOutput, forwardLosses, releaseForward } from "./forward.js";
import type {
  GradientWeightingInstance,
  InstanceFor,
  LossWeightingInstance,
  WeightingContext,
  WeightingInstance,
  WeightingNeeds,
} from "./weighting/types.js";

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

/** Disposes predictions (a head bank's members share one tensor). */
function disposeOutputs(outputs: Readonly<Record<string, TaskOutput>>): void {
  for (const p of new Set(Object.values(outputs).map((o) => o.pred))) p.dispose();
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

function forwardArgs(w: Work<WeightingInstance>): ForwardArgs {
  return {
    net: w.a.net,
    tasks: w.a.tasks,
    step: w.a.step,
    present: w.present,
    ctx: w.fwd,
    dropout: w.a.repDropout,
    outputs: w.outputs,
  };
}

/** Task `t`'s own parameters: its head (or its share of a head bank), adapter, gates. */
function ownParams(trainable: readonly Param[], t: string): tf.Variable[] {
  return trainable.filter((p) => p.task === t || p.tasks?.includes(t)).map((p) => p.variable);
}

/** Adds `g` to the gradient of `v` (heads of a group reached from several backward passes). */
function accumulate(into: Map<tf.Variable, tf.Tensor>, v: tf.Variable, g: tf.Tensor): void {
  const prev = into.get(v);
  if (!prev) {
    into.set(v, g);
    return;
  }
  into.set(v, tf.add(prev, g));
  prev.dispose();
  g.dispose();
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

/** Per-task gradients of the shared and own parameters, one backward pass each. */
interface TaskGradients {
  losses: tf.Tensor1D;
  /** [T, P] shared-parameter gradients (zero rows for absent tasks); the caller disposes. */
  G: tf.Tensor2D;
}

function taskGradients(w: Work<WeightingInstance>, shared: tf.Variable[]): TaskGradients {
  const { a } = w;
  const own = (t: string) => ownParams(a.trainable, t);
  const row = (gs: readonly (tf.Tensor | undefined)[]) =>
    shared.length === 0
      ? tf.zeros([0])
      : tf.concat(shared.map((v, k) => (gs[k] ?? tf.zerosLike(v)).reshape([-1])));
  const rows: tf.Tensor1D[] = [];
  if (!tapeSupported()) {
    // public API only: one forward per task (the last one's predictions are kept)
    let losses: tf.Tensor1D | undefined;
    a.tasks.forEach((t, i) => {
      if (!w.present[i]) {
        rows.push(tf.zeros([shared.reduce((s, v) => s + v.size, 0)]));
        return;
      }
      const mine = own(t);
      const outputs: Record<string, TaskOutput> = {};
      const { value, grads } = tf.variableGrads(() => {
        const f = forwardLosses({ ...forwardArgs(w), outputs });
        losses?.dispose();
        losses = tf.keep(f.stacked);
        return tf.sum(
          tf.mul(f.stacked, tf.oneHot(i, a.tasks.length).asType("float32")),
        ) as tf.Scalar;
      }, [...shared, ...mine]);
      value.dispose();
      disposeOutputs(w.outputs);
      Object.assign(w.outputs, outputs);
      for (const v of mine) if (grads[v.name]) accumulate(w.grads, v, grads[v.name]);
      rows.push(tf.tidy(() => row(shared.map((v) => grads[v.name]))) as tf.Tensor1D);
      for (const v of shared) grads[v.name]?.dispose();
    });
    const G = tf.stack(rows) as tf.Tensor2D;
    for (const r of rows) r.dispose();
    return { losses: losses as tf.Tensor1D, G };
  }
  const { value: f, tape } = recordTape(() => forwardLosses(forwardArgs(w)));
  try {
    a.tasks.forEach((t, i) => {
      if (!w.present[i]) {
        rows.push(tf.zeros([shared.reduce((s, v) => s + v.size, 0)]));
        return;
      }
      const mine = own(t);
      const src = f.sources[i] as NonNullable<(typeof f.sources)[number]>;
      const gs = tape.backward(src.y, [...shared, ...mine], src.dy);
      mine.forEach((v, k) => {
        const g = gs[shared.length + k];
        if (g) accumulate(w.grads, v, g);
      });
      rows.push(tf.tidy(() => row(gs.slice(0, shared.length))) as tf.Tensor1D);
      for (const g of gs.slice(0, shared.length)) g?.dispose();
    });
    const G = tf.stack(rows) as tf.Tensor2D;
    return { losses: f.stacked, G };
  } finally {
    tape.dispose();
    for (const r of rows) r.dispose();
    releaseForward(f);
  }
}

const sharedStep: StepFn<GradientWeightingInstance> = async (w) => {
  const { a, instance } = w;
  const shared = a.trainable.filter((p) => p.shared).map((p) => p.variable);
  const { losses, G } = taskGradients(w, shared);
  try {
    // nothing shared to balance (a frozen backbone): every task keeps its own gradient
    if (shared.length === 0) return { losses, weights: w.present.map((p) => (p ? 1 : 0)) };
    const c = await instance.combineGradients(G, (await losses.data()) as Float32Array, w.ctx);
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
  } catch (e) {
    losses.dispose();
    throw e;
  } finally {
    G.dispose();
  }
};

const representationStep: StepFn<GradientWeightingInstance> = async (w) => {
  const { a, instance } = w;
  const present = a.tasks.filter((_, i) => w.present[i]);
  const x = a.step[present[0]]?.x;
  if (!present.every((t) => a.step[t]?.x === x) || !a.net.sharesRepresentation(present))
    throw new ConfigError(
      `Representation-level gradients need one shared representation of one batch, but tasks ${present.join(", ")} do not share one (different inputs, or task-specific mixtures). Use { mode: "shared" }.`,
      { field: "weighting.mode", value: "representation", expected: '"shared"' },
    );
  const shared = a.trainable.filter((p) => p.shared).map((p) => p.variable);
  const own = (t: string) => ownParams(a.trainable, t);
  const { value: f, tape } = recordTape(() => forwardLosses(forwardArgs(w)));
  const dz: (tf.Tensor | undefined)[] = [];
  try {
    const z = f.reps[present[0]];
    a.tasks.forEach((t, i) => {
      if (!w.present[i]) return dz.push(undefined);
      const mine = own(t);
      const src = f.sources[i] as NonNullable<(typeof f.sources)[number]>;
      const gs = tape.backward(src.y, [z, ...mine], src.dy);
      // Algorithm 2: each head is updated with its own task's gradient
      mine.forEach((v, k) => {
        const g = gs[1 + k];
        if (g) accumulate(w.grads, v, g);
      });
      dz.push(gs[0] ?? tf.zerosLike(z));
    });
    const G = tf.tidy(
      () => tf.stack(dz.map((g) => (g ? g.reshape([-1]) : tf.zeros([z.size])))) as tf.Tensor2D,
    );
    let weights: readonly number[];
    try {
      const c = await instance.combineGradients(G, (await f.stacked.data()) as Float32Array, w.ctx);
      c.grad.dispose();
      weights = c.weights ?? a.tasks.map((_, i) => (w.present[i] ? 1 : 0));
    } finally {
      G.dispose();
    }
    if (shared.length > 0) {
      const dZ = tf.tidy(() =>
        tf.addN(dz.flatMap((g, i) => (g ? [tf.mul(g, weights[i])] : [tf.zerosLike(z)]))),
      );
      const gs = tape.backward(z, shared, dZ);
      dZ.dispose();
      shared.forEach((v, k) => {
        const g = gs[k];
        if (g) accumulate(w.grads, v, g);
      });
    }
    return { losses: f.stacked, weights };
  } catch (e) {
    f.stacked.dispose();
    throw e;
  } finally {
    tape.dispose();
    for (const g of dz) g?.dispose();
    releaseForward(f);
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
    disposeOutputs(outputs);
    throw e;
  }
}
