/**
 * FAMO: Liu et al., "FAMO: Fast Adaptive Multitask Optimization", NeurIPS 2023. O(1) per step:
 * task logits xi give `z = softmax(xi)`; the step minimises `sum_i z_i / c log(L_i - m_i)`
 * (`c = sum_i z_i / (L_i - m_i)`), and after the step xi moves (Adam with weight decay) against
 * the per-task log-loss decrease seen on the same batch, so slowly improving tasks gain weight.
 * Needs the loop to call `observeLossesAfterStep` with the pre- and post-update losses. Tasks absent
 * from a step are left out of the softmax and their logits are not updated.
 */
import * as tf from "@tensorflow/tfjs";
import { z } from "../../util/schema.js";
import { stopGradient } from "../../util/tf.js";
import { defineStrategy, options, stateArray, stateObject } from "./define.js";
import type { WeightingStrategy } from "./types.js";

export interface FamoArgs {
  /** Learning rate of the logits. Defaults to `0.025`. */
  lr?: number;
  /** Weight decay gamma of the logits. Defaults to `0.001`. */
  gamma?: number;
  /** Lower bound m_i of every task loss. Defaults to `0`. */
  minLoss?: number;
}

export const famoSchema = z.strictObject({
  lr: z.number().gt(0).optional(),
  gamma: z.number().min(0).optional(),
  minLoss: z.number().min(0).optional(),
});

const EPS = 1e-8;

export interface FamoState {
  logits: number[];
  m: number[];
  v: number[];
  t: number;
}

/** Softmax over the entries where `active` (all by default); 0 elsewhere. */
export function softmax(x: readonly number[], active?: readonly boolean[]): number[] {
  const on = (i: number) => active?.[i] ?? true;
  const max = Math.max(...x.filter((_, i) => on(i)));
  const ex = x.map((v, i) => (on(i) ? Math.exp(v - max) : 0));
  const s = ex.reduce((a, b) => a + b, 0);
  return ex.map((v) => v / s);
}

/** The effective loss weights `z_i / (c (L_i - m_i))` of a FAMO step (they sum to 1). */
export function famoWeights(
  logits: readonly number[],
  losses: ArrayLike<number>,
  minLoss: number,
  active?: readonly boolean[],
): number[] {
  const z = softmax(logits, active);
  const d = z.map((_, i) => Math.max(losses[i] - minLoss, 0) + EPS);
  const c = z.reduce((s, zi, i) => s + zi / d[i], 0);
  return z.map((zi, i) => zi / (c * d[i]));
}

/** The logits' gradient: the softmax Jacobian applied to the log-loss decrease. */
export function famoLogitGradient(
  logits: readonly number[],
  before: ArrayLike<number>,
  after: ArrayLike<number>,
  minLoss: number,
  active?: readonly boolean[],
): number[] {
  const z = softmax(logits, active);
  const delta = z.map((zi, i) =>
    zi > 0 ? Math.log(before[i] - minLoss + EPS) - Math.log(after[i] - minLoss + EPS) : 0,
  );
  const zd = z.reduce((s, zi, i) => s + zi * delta[i], 0);
  return z.map((zi, i) => zi * (delta[i] - zd));
}

export function famo(args: FamoArgs = {}): WeightingStrategy<FamoArgs, "losses"> {
  const o = options("famo", famoSchema, args);
  const lr = o.lr ?? 0.025;
  const gamma = o.gamma ?? 0.001;
  const minLoss = o.minLoss ?? 0;
  return defineStrategy("famo", "losses", o, (tasks) => {
    const n = tasks.length;
    const zeros = () => new Array<number>(n).fill(0);
    let s: FamoState = { logits: zeros(), m: zeros(), v: zeros(), t: 0 };
    return {
      needs: "losses",
      variables: [],
      combineLosses: (losses, ctx) => {
        // w_i = z_i / (c (L_i - m + eps)), c = sum_j z_j / (L_j - m + eps): the gradient of
        // sum_i (z_i / c) log(L_i - m + eps) with c held constant, as a constant weight on L_i
        const z = tf.tensor1d(softmax(s.logits, ctx.active));
        const on = tf.tensor1d(ctx.active.map((a) => (a ? 1 : 0)));
        const d = tf.add(tf.mul(on, tf.add(tf.relu(tf.sub(losses, minLoss)), EPS)), tf.sub(1, on));
        const c = tf.sum(tf.div(z, d));
        const weights = stopGradient(tf.div(z, tf.mul(c, d))) as tf.Tensor1D;
        return { loss: tf.sum(tf.mul(weights, losses)), weights };
      },
      observeLossesAfterStep: (before, after, ctx) => {
        // a non-finite or below-minLoss observation would poison the logits for good: skip it
        const active = ctx.active.map(
          (a, i) =>
            a &&
            Number.isFinite(before[i]) &&
            Number.isFinite(after[i]) &&
            before[i] >= minLoss &&
            after[i] >= minLoss,
        );
        if (!active.some((a) => a)) return;
        const g = famoLogitGradient(s.logits, before, after, minLoss, active).map(
          (gi, i) => gi + gamma * s.logits[i],
        );
        const t = s.t + 1;
        const m = s.m.map((mi, i) => (active[i] ? 0.9 * mi + 0.1 * g[i] : mi));
        const v = s.v.map((vi, i) => (active[i] ? 0.999 * vi + 0.001 * g[i] * g[i] : vi));
        const logits = s.logits.map((x, i) => {
          if (!active[i]) return x;
          const mh = m[i] / (1 - 0.9 ** t);
          const vh = v[i] / (1 - 0.999 ** t);
          return x - (lr * mh) / (Math.sqrt(vh) + 1e-8);
        });
        s = { logits, m, v, t };
      },
      getState: () => JSON.parse(JSON.stringify(s)),
      setState: (state) => {
        const st = stateObject("famo", state);
        const arr = (f: string) => stateArray("famo", f, st[f], tasks.length);
        s = { logits: arr("logits"), m: arr("m"), v: arr("v"), t: Number(st.t) || 0 };
      },
      dispose: () => {},
    };
  });
}
