/**
 * FAMO: Liu et al., "FAMO: Fast Adaptive Multitask Optimization", NeurIPS 2023. O(1) per step:
 * task logits xi give `z = softmax(xi)`; the step minimises `sum_i z_i / c log(L_i - m_i)`
 * (`c = sum_i z_i / (L_i - m_i)`), and after the step xi moves (Adam with weight decay) against
 * the per-task log-loss decrease seen on the same batch, so slowly improving tasks gain weight.
 * Needs the loop to call `observeLossesAfterStep` with the post-update losses.
 */
import * as tf from "@tensorflow/tfjs";
import { defineStrategy, nonNegative, positive, stateObject } from "./define.js";
import type { WeightingStrategy } from "./types.js";

export interface FamoArgs {
  /** Learning rate of the logits. Defaults to `0.025`. */
  lr?: number;
  /** Weight decay gamma of the logits. Defaults to `0.001`. */
  gamma?: number;
  /** Lower bound m_i of every task loss. Defaults to `0`. */
  minLoss?: number;
}

const EPS = 1e-8;

export interface FamoState {
  logits: number[];
  m: number[];
  v: number[];
  t: number;
  prevLosses: number[] | null;
}

export function softmax(x: readonly number[]): number[] {
  const max = Math.max(...x);
  const ex = x.map((v) => Math.exp(v - max));
  const s = ex.reduce((a, b) => a + b, 0);
  return ex.map((v) => v / s);
}

/** The effective loss weights `z_i / (c (L_i - m_i))` of a FAMO step (they sum to 1). */
export function famoWeights(
  logits: readonly number[],
  losses: ArrayLike<number>,
  minLoss: number,
): number[] {
  const z = softmax(logits);
  const d = z.map((_, i) => losses[i] - minLoss + EPS);
  const c = z.reduce((s, zi, i) => s + zi / d[i], 0);
  return z.map((zi, i) => zi / (c * d[i]));
}

/** The logits' gradient: the softmax Jacobian applied to the log-loss decrease. */
export function famoLogitGradient(
  logits: readonly number[],
  before: readonly number[],
  after: ArrayLike<number>,
  minLoss: number,
): number[] {
  const z = softmax(logits);
  const delta = before.map(
    (b, i) => Math.log(b - minLoss + EPS) - Math.log(after[i] - minLoss + EPS),
  );
  const zd = z.reduce((s, zi, i) => s + zi * delta[i], 0);
  return z.map((zi, i) => zi * (delta[i] - zd));
}

export function famo(args: FamoArgs = {}): WeightingStrategy<FamoArgs> {
  const lr = positive("famo", "lr", args.lr, 0.025);
  const gamma = nonNegative("famo", "gamma", args.gamma, 0.001);
  const minLoss = args.minLoss ?? 0;
  return defineStrategy<FamoArgs>("famo", "losses", args, (tasks) => {
    const n = tasks.length;
    let s: FamoState = {
      logits: new Array(n).fill(0),
      m: new Array(n).fill(0),
      v: new Array(n).fill(0),
      t: 0,
      prevLosses: null,
    };
    return {
      variables: [],
      combineLosses: (losses) => {
        const prev = Array.from(losses.dataSync());
        s.prevLosses = prev;
        const weights = famoWeights(s.logits, prev, minLoss);
        // d/dL_i of sum_i coef_i log(L_i - m_i + eps) is exactly weights_i.
        const coef = weights.map((w, i) => w * (prev[i] - minLoss + EPS));
        const loss: tf.Scalar = tf.tidy(() =>
          tf.sum(tf.mul(tf.log(tf.add(tf.sub(losses, minLoss), EPS)), tf.tensor1d(coef))),
        );
        return { loss, weights };
      },
      observeLossesAfterStep: (after) => {
        if (!s.prevLosses) return;
        const g = famoLogitGradient(s.logits, s.prevLosses, after, minLoss).map(
          (gi, i) => gi + gamma * s.logits[i],
        );
        const t = s.t + 1;
        const m = s.m.map((mi, i) => 0.9 * mi + 0.1 * g[i]);
        const v = s.v.map((vi, i) => 0.999 * vi + 0.001 * g[i] * g[i]);
        const logits = s.logits.map((x, i) => {
          const mh = m[i] / (1 - 0.9 ** t);
          const vh = v[i] / (1 - 0.999 ** t);
          return x - (lr * mh) / (Math.sqrt(vh) + 1e-8);
        });
        s = { logits, m, v, t, prevLosses: null };
      },
      getState: () => JSON.parse(JSON.stringify(s)),
      setState: (state) => {
        s = JSON.parse(JSON.stringify(stateObject("famo", state))) as FamoState;
      },
      dispose: () => {},
    };
  });
}
