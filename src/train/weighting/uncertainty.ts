/**
 * Uncertainty weighting: Kendall, Gal & Cipolla, "Multi-Task Learning Using Uncertainty to
 * Weigh Losses for Scene Geometry and Semantics", CVPR 2018.
 *
 * Each task has a learnable log-variance `s_i`; the combined loss is
 * `sum_i exp(-s_i) * L_i + s_i` (twice the paper's regression form, so that the initial weights,
 * `s = 0`, equal EW's). The weight of task i is `exp(-s_i)`; at the optimum it is `1 / L_i`.
 */
import * as tf from "@tensorflow/tfjs";
import { z } from "../../util/schema.js";
import { activeMask, defineStrategy, options, stateArray, stateObject } from "./define.js";
import type { WeightingStrategy } from "./types.js";

export interface UncertaintyArgs {
  /** Initial log-variance of every task. Defaults to `0` (weight 1). */
  initialLogVariance?: number;
}

/** Log-variances beyond +-50 make a weight of e^50 or e^-50: surely a mistake. */
export const uncertaintySchema = z.strictObject({
  initialLogVariance: z.number().min(-50).max(50).optional(),
});

export function uncertainty(args: UncertaintyArgs = {}): WeightingStrategy<UncertaintyArgs> {
  const o = options("uncertainty", uncertaintySchema, args);
  const s0 = o.initialLogVariance ?? 0;
  return defineStrategy("uncertainty", "losses", o, (tasks) => {
    const logVars = tf.tidy(() => tf.variable(tf.fill([tasks.length], s0), true));
    return {
      needs: "losses",
      variables: [logVars],
      combineLosses: (losses, ctx) => {
        const mask = tf.tensor1d(activeMask(ctx));
        const precision = tf.mul(mask, tf.exp(tf.neg(logVars)));
        const loss: tf.Scalar = tf.sum(tf.add(tf.mul(precision, losses), tf.mul(mask, logVars)));
        // the logged weights: exp(-s) of the tasks that took part
        return { loss, weights: precision as tf.Tensor1D };
      },
      getState: async () => ({ logVariances: Array.from(await logVars.data()) }),
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
