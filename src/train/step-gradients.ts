/**
 * The step functions of gradient-based strategies (step.ts picks one by `needs`):
 * - "sharedGradients": one backward pass per task and batch; the shared parameters' gradients
 *   are flattened into [T, P] per batch (the strategy may ask for `samples` independent batches:
 *   MoDo, SDMGrad) and combined by `combineGradients`; task-specific parameters (heads, adapters,
 *   gates) get their own task's gradient, averaged over the batches and scaled by the
 *   combination's `headScale` when it gives one. A strategy's `transformLoss` (IMTL-L, DB-MTL)
 *   is applied inside each task's tape, and its variables get the summed gradient.
 * - "representationGradients": a look-ahead pass takes each task's gradient w.r.t. its shared
 *   representation ([T, B*D], zero-padded), `combineGradients` turns them into weights, and the
 *   weighted sum of (transformed) losses is differentiated in the real pass (same dropout masks).
 * - "representationTransform" (GradDrop): the look-ahead pass gives each task's per-sample
 *   gradient of its representation R_t ([B_t, D]); the strategy rewrites them, and the real pass
 *   back-propagates the rewritten gradients into the backbone (the vector-Jacobian product of
 *   `sum_t <R_t, stop(T_t - dL_t/dR_t)> + L_t`), while heads get their own task's gradient.
 */
import * as tf from "@tensorflow/tfjs";
import type { Batch } from "../data/types.js";
import { taskLoss } from "../model/loss.js";
import type { ForwardContext } from "../model/params.js";
import { Random } from "../util/random.js";
import {
  type Outcome,
  type StepFn,
  type Work,
  collect,
  lossOf,
  weightedBackward,
} from "./step-common.js";
import type {
  GradientWeightingInstance,
  RepresentationTransformInstance,
} from "./weighting/types.js";

interface TaskGrads {
  /** [T, P] shared gradients (absent tasks: zero rows); null with nothing shared. */
  G: tf.Tensor2D | null;
  losses: tf.Scalar[];
  /** Per task: its own parameters' gradients. */
  own: Map<tf.Variable, tf.Tensor>[];
  /** The instance's variables' gradients, summed over tasks. */
  vars: Map<tf.Variable, tf.Tensor>;
}

function addInto(into: Map<tf.Variable, tf.Tensor>, v: tf.Variable, g: tf.Tensor): void {
  const prev = into.get(v);
  if (!prev) into.set(v, g);
  else {
    into.set(v, tf.add(prev, g));
    prev.dispose();
    g.dispose();
  }
}

/** Per-task gradients on one batch per task (`batchOf`); `record` keeps predictions. */
function taskGradients(
  w: Work<GradientWeightingInstance>,
  batchOf: (t: string) => Batch | undefined,
  record: boolean,
): TaskGrads {
  const { a, instance } = w;
  const shared = a.trainable.filter((p) => p.shared).map((p) => p.variable);
  const ivars = [...instance.variables];
  const perTask: tf.NamedTensorMap[] = [];
  const out: TaskGrads = { G: null, losses: [], own: [], vars: new Map() };
  try {
    a.tasks.forEach((t, i) => {
      const b = batchOf(t);
      const own = new Map<tf.Variable, tf.Tensor>();
      out.own.push(own);
      if (!w.present[i] || !b || (b.labelled ?? b.size) === 0) {
        perTask.push({});
        out.losses.push(tf.scalar(0));
        return;
      }
      const ownVars = a.trainable.filter((p) => p.task === t).map((p) => p.variable);
      let raw: tf.Scalar | undefined;
      const { value, grads: named } = tf.variableGrads(() => {
        const l = record ? lossOf(w, t, w.fwd) : lossOn(w, t, b, w.fwd);
        if (!instance.transformLoss) return l;
        raw = tf.keep(l);
        return instance.transformLoss(l, i, w.ctx);
      }, [...shared, ...ownVars, ...ivars]);
      if (raw) {
        value.dispose();
        out.losses.push(raw);
      } else out.losses.push(value);
      collect(named, ownVars, own);
      for (const v of ivars) if (named[v.name]) addInto(out.vars, v, named[v.name]);
      perTask.push(named);
    });
    if (shared.length > 0)
      out.G = tf.tidy(
        () =>
          tf.stack(
            perTask.map((named) =>
              tf.concat(shared.map((v) => (named[v.name] ?? tf.zerosLike(v)).reshape([-1]))),
            ),
          ) as tf.Tensor2D,
      );
    return out;
  } finally {
    for (const named of perTask) for (const v of shared) named[v.name]?.dispose();
  }
}

/** Task `t`'s loss on batch `b` without recording predictions. */
function lossOn(w: Work<GradientWeightingInstance>, t: string, b: Batch, ctx: ForwardContext) {
  return taskLoss(w.a.net.head(t), w.a.net.forward(t, b.x, ctx, w.a.repDropout), b);
}

function disposeGrads(g: TaskGrads): void {
  g.G?.dispose();
  for (const l of g.losses) l.dispose();
  for (const m of g.own) for (const x of m.values()) x.dispose();
  for (const x of g.vars.values()) x.dispose();
}

export const sharedStep: StepFn<GradientWeightingInstance> = async (w) => {
  const { a, instance } = w;
  const samples = Math.max(1, instance.samples ?? 1);
  const main = taskGradients(w, (t) => a.step[t], true);
  const extra: TaskGrads[] = [];
  try {
    for (let k = 1; k < samples; k++)
      extra.push(taskGradients(w, (t) => a.step[t]?.extra?.[k - 1], false));
    const losses = tf.stack(main.losses) as tf.Tensor1D;
    // the instance's own variables (IMTL-L's loss scales)
    for (const [v, g] of main.vars) w.grads.set(v, g);
    main.vars.clear();
    const setOwn = (scale?: readonly number[]) =>
      a.tasks.forEach((_, i) => {
        for (const [v, g] of main.own[i]) {
          const parts = [g, ...extra.flatMap((e) => e.own[i].get(v) ?? [])];
          const s = scale?.[i] ?? 1;
          w.grads.set(
            v,
            tf.tidy(() => tf.mul(parts.length > 1 ? tf.addN(parts) : g, s / parts.length)),
          );
        }
      });
    // nothing shared to balance (a frozen backbone): every task keeps its own gradient
    if (!main.G) {
      setOwn();
      return { losses, weights: w.present.map((p) => (p ? 1 : 0)) };
    }
    const c = await instance
      .combineGradients(main.G, (await losses.data()) as Float32Array, w.ctx, {
        samples: extra.map((e) => e.G as tf.Tensor2D),
      })
      .catch((e) => {
        losses.dispose();
        throw e;
      });
    setOwn(c.headScale);
    const shared = a.trainable.filter((p) => p.shared).map((p) => p.variable);
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
    disposeGrads(main);
    for (const e of extra) disposeGrads(e);
  }
};

/** Look-ahead: each present task's representation and loss gradient w.r.t. it, same masks. */
function lookAhead(
  w: Work<GradientWeightingInstance | RepresentationTransformInstance>,
  transform?: GradientWeightingInstance["transformLoss"],
): { reps: (tf.Tensor2D | null)[]; grads: (tf.Tensor2D | null)[]; losses: tf.Tensor1D } {
  const { a } = w;
  const look: ForwardContext = {
    training: true,
    random: new Random(a.random.getState()),
    updateStats: false,
  };
  const reps: (tf.Tensor2D | null)[] = [];
  const grads: (tf.Tensor2D | null)[] = [];
  const ls: tf.Scalar[] = [];
  try {
    a.tasks.forEach((t, i) => {
      if (!w.present[i]) {
        reps.push(null);
        grads.push(null);
        ls.push(tf.scalar(0));
        return;
      }
      const b = a.step[t] as Batch;
      const [rep, grad, value] = tf.tidy(() => {
        const r0 = a.net.represent(t, b.x, look);
        const f = (r: tf.Tensor) => {
          const l = taskLoss(a.net.head(t), a.net.headOutput(t, r, look, a.repDropout), b);
          return transform ? transform(l, i, w.ctx) : l;
        };
        const { value, grad } = tf.valueAndGrad(f)(r0);
        const n = r0.shape[0];
        return [r0.reshape([n, -1]), grad.reshape([n, -1]), value];
      });
      reps.push(rep as tf.Tensor2D);
      grads.push(grad as tf.Tensor2D);
      ls.push(value as tf.Scalar);
    });
    return { reps, grads, losses: tf.stack(ls) as tf.Tensor1D };
  } catch (e) {
    disposeAll(reps);
    disposeAll(grads);
    throw e;
  } finally {
    for (const l of ls) l.dispose();
  }
}

function disposeAll(ts: readonly (tf.Tensor | null)[]): void {
  for (const t of ts) t?.dispose();
}

export const representationStep: StepFn<GradientWeightingInstance> = async (w) => {
  const { a, instance } = w;
  const T = a.tasks.length;
  const { reps, grads, losses: lookLosses } = lookAhead(w, instance.transformLoss);
  disposeAll(reps);
  const G = tf.tidy(() => {
    const rows = grads.map((g) => (g ? g.reshape([-1]) : (tf.zeros([0]) as tf.Tensor1D)));
    const width = Math.max(...rows.map((r) => r.size));
    return tf.stack(
      rows.map((r) => (r.size < width ? tf.pad(r, [[0, width - r.size]]) : r)),
    ) as tf.Tensor2D;
  });
  disposeAll(grads);
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
  const tr = instance.transformLoss;
  try {
    const combine = (ls: tf.Tensor1D) =>
      tr
        ? (tf.addN(
            a.tasks.map((_, i) =>
              tf.mul(tr(ls.slice([i], [1]).reshape([]) as tf.Scalar, i, w.ctx), weights[i]),
            ),
          ) as tf.Scalar)
        : (tf.sum(tf.mul(ls, wt)) as tf.Scalar);
    const losses = weightedBackward(w, combine, [
      ...a.trainable.map((p) => p.variable),
      ...instance.variables,
    ]);
    return { losses, weights };
  } finally {
    wt.dispose();
  }
};

export const representationTransformStep: StepFn<RepresentationTransformInstance> = async (
  w,
): Promise<Outcome> => {
  const { a, instance } = w;
  const { reps, grads, losses: lookLosses } = lookAhead(w);
  lookLosses.dispose();
  let target: (tf.Tensor2D | null)[];
  try {
    target = await instance.transformGradients(grads, reps, w.ctx);
  } finally {
    disposeAll(reps);
  }
  // what the backbone must receive on top of each task's own gradient: T_t - dL_t/dR_t
  const extra = target.map((t, i) => {
    const g = grads[i];
    return t && g ? tf.sub(t, g) : null;
  });
  disposeAll(target);
  disposeAll(grads);
  const vars = a.trainable.map((p) => p.variable);
  let losses: tf.Tensor1D | undefined;
  try {
    const { value, grads: named } = tf.variableGrads(() => {
      const ls: tf.Scalar[] = [];
      const terms: tf.Scalar[] = [];
      a.tasks.forEach((t, i) => {
        if (!w.present[i]) {
          ls.push(tf.scalar(0));
          return;
        }
        const b = a.step[t] as Batch;
        const rep = a.net.represent(t, b.x, w.fwd);
        const out = a.net.headOutput(t, rep, w.fwd, a.repDropout);
        w.outputs[t] = { pred: tf.keep(a.net.head(t).predict(out)), batch: b };
        const l = taskLoss(a.net.head(t), out, b);
        ls.push(l);
        terms.push(l);
        const e = extra[i];
        if (e) terms.push(tf.sum(tf.mul(rep.reshape(e.shape), e)));
      });
      losses = tf.keep(tf.stack(ls) as tf.Tensor1D);
      return tf.addN(terms) as tf.Scalar;
    }, vars);
    collect(named, vars, w.grads);
    value.dispose();
  } finally {
    disposeAll(extra);
  }
  return { losses: losses as tf.Tensor1D, weights: null };
};
