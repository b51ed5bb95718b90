/**
 * One training step's gradients, for any weighting strategy, with no per-method branch: the
 * strategy's `needs` selects how per-task losses become one set of gradients.
 * - "losses": `combineLosses` inside the tape, one backward pass. Tasks absent from a step
 *   (sampler mode "one") enter as a zero loss, and [T]-shaped strategy variables get no
 *   gradient at their index, so e.g. uncertainty's log-variance of an absent task stays put.
 * - "sharedGradients": one backward pass per task; the shared parameters' gradients are
 *   flattened into [T, P] and combined by `combineGradients`; task-specific parameters (heads,
 *   adapters, gates) get their own task's gradient.
 * - "representationGradients": a look-ahead pass takes each task's gradient w.r.t. its shared
 *   representation ([T, B*D], zero-padded), `combineGradients` turns them into weights, and the
 *   weighted sum of losses is differentiated in the real pass (same dropout masks).
 */
import * as tf from "@tensorflow/tfjs";
import type { Batch, Step } from "../data/types.js";
import type { Head } from "../model/heads/types.js";
import type { Network } from "../model/network.js";
import type { ForwardContext, Param } from "../model/params.js";
import { Random } from "../util/random.js";
import type { WeightingContext, WeightingInstance, WeightingNeeds } from "./weighting/types.js";

export interface StepArgs {
  readonly net: Network;
  readonly tasks: readonly string[];
  readonly step: Step;
  readonly trainable: readonly Param[];
  readonly instance: WeightingInstance;
  readonly needs: WeightingNeeds;
  readonly ctx: WeightingContext;
  readonly random: Random;
  readonly repDropout: number;
}

export interface TaskOutput {
  /** Predictions [n, units] (kept; the caller disposes). */
  readonly pred: tf.Tensor;
  readonly batch: Batch;
}

export interface StepResult {
  /** Loss of each task that took part (had at least one label). */
  readonly losses: Record<string, number>;
  readonly weights: Record<string, number>;
  /** Gradients by variable (model parameters and strategy variables); the caller disposes. */
  readonly grads: Map<tf.Variable, tf.Tensor>;
  readonly outputs: Record<string, TaskOutput>;
}

/** Mean loss over the samples whose label is present. */
export function taskLoss(head: Head, out: tf.Tensor, b: Batch): tf.Scalar {
  const l = head.loss(out, b.y);
  if (!b.mask) return tf.mean(l);
  return tf.div(tf.sum(tf.mul(l, b.mask)), tf.maximum(tf.sum(b.mask), 1));
}

function presentTasks(tasks: readonly string[], step: Step): string[] {
  return tasks.filter((t) => {
    const b = step[t];
    if (!b || b.size === 0) return false;
    const mask = b.mask;
    return !mask || tf.tidy(() => mask.sum().dataSync()[0]) > 0;
  });
}

function toRecord(
  tasks: readonly string[],
  present: readonly string[],
  values: ArrayLike<number>,
): Record<string, number> {
  const r: Record<string, number> = {};
  tasks.forEach((t, i) => {
    if (present.includes(t)) r[t] = values[i];
  });
  return r;
}

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

/** Computes the step's gradients. Tensors in the result are the caller's to dispose. */
export function computeStep(args: StepArgs): StepResult {
  const present = presentTasks(args.tasks, args.step);
  // no task has a label in this step: nothing to differentiate, the strategy is not called
  if (present.length === 0) return { losses: {}, weights: {}, grads: new Map(), outputs: {} };
  // the strategies read which tasks take part from `ctx.active` (not from a zero loss)
  const a: StepArgs = {
    ...args,
    ctx: { ...args.ctx, active: args.tasks.map((t) => present.includes(t)) },
  };
  const grads = new Map<tf.Variable, tf.Tensor>();
  const outputs: Record<string, TaskOutput> = {};
  try {
    return stepGradients(a, present, grads, outputs);
  } catch (e) {
    // an error mid-step (a strategy, a head) must not leak the tensors made so far
    for (const g of grads.values()) g.dispose();
    for (const o of Object.values(outputs)) o.pred.dispose();
    throw e;
  }
}

function stepGradients(
  a: StepArgs,
  present: readonly string[],
  grads: Map<tf.Variable, tf.Tensor>,
  outputs: Record<string, TaskOutput>,
): StepResult {
  const T = a.tasks.length;
  const fwd: ForwardContext = { training: true, random: a.random };
  const modelVars = a.trainable.map((p) => p.variable);
  const lossOf = (t: string, ctx: ForwardContext, keepPred: boolean): tf.Scalar => {
    const b = a.step[t] as Batch;
    const out = a.net.forward(t, b.x, ctx, a.repDropout);
    if (keepPred) outputs[t] = { pred: tf.keep(a.net.head(t).predict(out)), batch: b };
    return taskLoss(a.net.head(t), out, b);
  };
  let lossValues = new Float32Array(T);
  let weights: number[] = new Array(T).fill(0);

  const weightedBackward = (combine: (ls: tf.Tensor1D) => tf.Scalar, vars: tf.Variable[]) => {
    const { value, grads: named } = tf.variableGrads(() => {
      const ls = a.tasks.map((t) => (present.includes(t) ? lossOf(t, fwd, true) : tf.scalar(0)));
      const stacked = tf.stack(ls) as tf.Tensor1D;
      lossValues = Float32Array.from(stacked.dataSync());
      return combine(stacked);
    }, vars);
    collect(named, vars, grads);
    value.dispose();
  };

  if (a.needs === "losses") {
    const combineLosses = a.instance.combineLosses;
    if (!combineLosses)
      throw new Error('Weighting instance needs "losses" but has no combineLosses.');
    weightedBackward(
      (ls) => {
        const c = combineLosses.call(a.instance, ls, a.ctx);
        weights = c.weights;
        return c.loss;
      },
      [...modelVars, ...a.instance.variables],
    );
    // A task absent from the step (sampler mode "one") contributes nothing: per-task strategy
    // variables ([T]-shaped, e.g. uncertainty's log-variances) get no gradient at its index.
    if (present.length < T)
      for (const v of a.instance.variables) {
        const g = grads.get(v);
        if (!g || v.rank !== 1 || v.shape[0] !== T) continue;
        const mask = tf.tensor1d(a.tasks.map((t) => (present.includes(t) ? 1 : 0)));
        grads.set(v, tf.mul(g, mask));
        g.dispose();
        mask.dispose();
      }
  } else if (a.needs === "sharedGradients") {
    const shared = a.trainable.filter((p) => p.shared).map((p) => p.variable);
    const rows: tf.Tensor1D[] = [];
    const sharedGrads: tf.NamedTensorMap[] = [];
    let combined: tf.Tensor1D | undefined;
    try {
      a.tasks.forEach((t, i) => {
        if (!present.includes(t)) {
          sharedGrads.push({});
          return;
        }
        const own = a.trainable.filter((p) => p.task === t).map((p) => p.variable);
        const { value, grads: named } = tf.variableGrads(
          () => lossOf(t, fwd, true),
          [...shared, ...own],
        );
        lossValues[i] = value.dataSync()[0];
        value.dispose();
        collect(named, own, grads);
        sharedGrads.push(named);
      });
      const combineGradients = a.instance.combineGradients;
      if (!combineGradients)
        throw new Error("Weighting instance needs gradients but has no combineGradients.");
      const out = tf.tidy(() => {
        // nothing shared to balance (a frozen backbone): every task keeps its own gradient
        if (shared.length === 0) {
          weights = a.tasks.map((t) => (present.includes(t) ? 1 : 0));
          return tf.zeros([0]) as tf.Tensor1D;
        }
        for (const named of sharedGrads)
          rows.push(
            tf.concat(
              shared.map((v) => (named[v.name] ?? tf.zerosLike(v)).reshape([-1])),
            ) as tf.Tensor1D,
          );
        const G = tf.stack(rows) as tf.Tensor2D;
        const c = combineGradients.call(a.instance, G, lossValues, a.ctx);
        weights = c.weights;
        return c.grad;
      });
      combined = out;
      let off = 0;
      for (const v of shared) {
        grads.set(
          v,
          tf.tidy(() => out.slice(off, v.size).reshape(v.shape)),
        );
        off += v.size;
      }
    } finally {
      combined?.dispose();
      for (const named of sharedGrads) for (const v of shared) named[v.name]?.dispose();
    }
  } else {
    // representationGradients: look-ahead pass on a copy of the dropout RNG
    const look: ForwardContext = {
      training: true,
      random: new Random(a.random.getState()),
      updateStats: false,
    };
    const combineGradients = a.instance.combineGradients;
    if (!combineGradients)
      throw new Error("Weighting instance needs gradients but has no combineGradients.");
    const w = tf.tidy(() => {
      const rows: tf.Tensor1D[] = [];
      a.tasks.forEach((t, i) => {
        if (!present.includes(t)) return rows.push(tf.zeros([0]) as tf.Tensor1D);
        const b = a.step[t] as Batch;
        const rep = a.net.represent(t, b.x, look);
        const f = (r: tf.Tensor) =>
          taskLoss(a.net.head(t), a.net.headOutput(t, r, look, a.repDropout), b);
        const { value, grad } = tf.valueAndGrad(f)(rep);
        lossValues[i] = value.dataSync()[0];
        return rows.push(grad.reshape([-1]) as tf.Tensor1D);
      });
      const width = Math.max(...rows.map((r) => r.size));
      const G = tf.stack(
        rows.map((r) => (r.size < width ? tf.pad(r, [[0, width - r.size]]) : r)),
      ) as tf.Tensor2D;
      return combineGradients.call(a.instance, G, lossValues, a.ctx).weights;
    });
    weights = w;
    const wt = tf.tensor1d(w);
    try {
      weightedBackward((ls) => tf.sum(tf.mul(ls, wt)), modelVars);
    } finally {
      wt.dispose();
    }
  }
  return {
    losses: toRecord(a.tasks, present, lossValues),
    weights: toRecord(a.tasks, present, weights),
    grads,
    outputs,
  };
}
