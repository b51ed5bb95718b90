/**
 * Uncertainty weighting: Kendall, Gal & Cipolla, "Multi-Task Learning Using Uncertainty to
 * Weigh Losses for Scene Geometry and Semantics", CVPR 2018.
 *
 * Each task has a learnable log-variance `s_i`; the combined loss is
 * `sum_i exp(-s_i) * L_i + s_i` (twice the paper's regression form, so that the initial weights,
 * `s = 0`, equal EW's). The weight of task i is `exp(-s_i)`; at the optimum it is `1 / L_i`.
 */
import * as tf from "@tensorflow/tfjs";
import { activeTasks, defineStrategy, stateArray, stateObject } from "./define.js";
import type { WeightingStrategy } from "./types.js";

export interface UncertaintyArgs {
  /** Initial log-variance of every task. Defaults to `0` (weight 1). */
  initialLogVariance?: number;
}

export function uncertainty(args: UncertaintyArgs = {}): WeightingStrategy<UncertaintyArgs> {
  const s0 = args.initialLogVariance ?? 0;
  return defineStrategy<UncertaintyArgs>("uncertainty", "losses", args, (tasks) => {
    const logVars = tf.tidy(() => tf.variable(tf.fill([tasks.length], s0), true));
    return {
      variables: [logVars],
      combineLosses: (losses, ctx) => {
        const active = activeTasks(ctx, losses.dataSync());
        const s = logVars.dataSync();
        const loss: tf.Scalar = tf.tidy(() => {
          const mask = tf.tensor1d(active.map((a) => (a ? 1 : 0)));
          return tf.sum(tf.mul(mask, tf.add(tf.mul(tf.exp(tf.neg(logVars)), losses), logVars)));
        });
        return { loss, weights: active.map((a, i) => (a ? Math.exp(-s[i]) : 0)) };
      },
      getState: () => ({ logVariances: Array.from(logVars.dataSync()) }),
      setState: (state) => {
        const v = stateArray(
          "uncertainty",
          "logVariances",
          stateObject("uncertainty", state).logVariances,
          tasks.length,
        );
        tf.tidy(() => logVars.assign(tf.tensor1d(v)));
      },
      dispose: () => logVars.dispose(),
    };
  });
}
