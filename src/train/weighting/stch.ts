/**
 * STCH (Smooth Tchebycheff scalarisation): Lin et al., "Smooth Tchebycheff Scalarization for
 * Multi-Objective Optimization", ICML 2024. After a warm-up that minimises `sum_i log L_i` and,
 * in its last epoch, averages each task's loss into a nadir point `z_i`, the combined loss is the
 * smooth maximum `T mu log sum_i exp(log(L_i / z_i) / mu)` of the normalised log losses, which
 * focuses on the worst-off task (mu -> 0 is the Tchebycheff max). As in the authors' MTL code and
 * LibMTL, the warm-up is `warmupEpochs + 1` epochs (the last one collects the nadir). The logged
 * weight of task i is the derivative of the combined loss w.r.t. L_i. State: the nadir sums (on
 * the device, so nothing is read synchronously).
 */
import * as tf from "@tensorflow/tfjs";
import { z } from "../../util/schema.js";
import { stopGradient } from "../../util/tf.js";
import { activeMask, defineStrategy, options, stateArray, stateObject } from "./define.js";
import type { WeightingStrategy } from "./types.js";

export interface StchArgs {
  /** Smoothing mu > 0. Defaults to `1` (LibMTL). */
  mu?: number;
  /** Epochs of `sum log L` before the nadir epoch. Defaults to `4` (LibMTL). */
  warmupEpochs?: number;
}

export const stchSchema = z.strictObject({
  mu: z.number().gt(0).optional(),
  warmupEpochs: z.number().int().min(0).optional(),
});

const EPS = 1e-20;

export function stch(args: StchArgs = {}): WeightingStrategy<StchArgs> {
  const o = options("stch", stchSchema, args);
  const mu = o.mu ?? 1;
  const warm = o.warmupEpochs ?? 4;
  return defineStrategy("stch", "losses", o, (tasks) => {
    const T = tasks.length;
    // per task: sum of losses and count over the nadir epoch
    const sums = tf.tidy(() => tf.variable(tf.zeros([2, T]), false));
    return {
      needs: "losses",
      variables: [],
      stateVariables: [sums],
      combineLosses: (losses, ctx) => {
        const mask = tf.tensor1d(activeMask(ctx));
        const safe = tf.add(tf.mul(mask, losses), tf.sub(1, mask));
        if (ctx.epoch <= warm) {
          if (ctx.epoch === warm)
            sums.assign(
              tf.add(sums, tf.stack([tf.mul(mask, stopGradient(losses)), mask])) as tf.Tensor2D,
            );
          const loss = tf.sum(tf.mul(mask, tf.log(tf.add(safe, EPS)))) as tf.Scalar;
          return { loss, weights: stopGradient(tf.div(mask, tf.add(safe, EPS))) as tf.Tensor1D };
        }
        const [s, n] = tf.unstack(sums);
        const nadir = tf.div(s, tf.maximum(n, 1));
        // tasks never seen in the nadir epoch: normalise by their current loss
        const z = tf.where(tf.greater(n, 0), nadir, stopGradient(safe));
        const rel = tf.log(tf.add(tf.div(safe, z), EPS));
        const big = -1e30;
        const shifted = tf.where(tf.greater(mask, 0), tf.div(rel, mu), tf.fill([T], big));
        const lse = tf.logSumExp(shifted);
        const loss = tf.mul(mu * T, lse) as tf.Scalar;
        // d loss / d L_i = T softmax_i / L_i
        const soft = tf.exp(tf.sub(shifted, lse));
        const weights = stopGradient(tf.div(tf.mul(T, soft), tf.add(safe, EPS))) as tf.Tensor1D;
        return { loss, weights };
      },
      getState: async () => {
        const v = await sums.data();
        return { lossSums: Array.from(v.slice(0, T)), counts: Array.from(v.slice(T)) };
      },
      setState: (state) => {
        const st = stateObject("stch", state);
        const a = stateArray("stch", "lossSums", st.lossSums, T);
        const c = stateArray("stch", "counts", st.counts, T);
        tf.tidy(() => sums.assign(tf.tensor2d([a, c])));
      },
      saveHost: () => null,
      restoreHost: () => {},
      dispose: () => sums.dispose(),
    };
  });
}
