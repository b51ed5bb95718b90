/**
 * DB-MTL (Dual-Balancing Multi-Task Learning): Lin et al., "Dual-Balancing for Multi-Task
 * Learning", 2023 (arXiv 2308.12029). Loss scales are balanced by a log transform (each task's
 * gradients are those of `log L_i`, for heads too) and gradient magnitudes by normalisation: a
 * moving average of the log-loss gradients, `B <- g + beta_k (B - g)` with
 * `beta_k = beta / k^betaSigma`, and the update `sum_i (max_j ||B_j|| / ||B_i||) B_i`, every
 * task's buffer scaled to the largest norm. The update is not a weighted sum of this step's
 * gradients, so no weights are logged. State: B ([T, P], on the device) and k.
 */
import * as tf from "@tensorflow/tfjs";
import { z } from "../../util/schema.js";
import { defineStrategy, options, stateObject } from "./define.js";
import { DeviceMatrix, activeColumn } from "./device-state.js";
import { checkFiniteRows } from "./gradients.js";
import { TensorRows } from "./rows.js";
import type { WeightingStrategy } from "./types.js";

export interface DbmtlArgs {
  /** Moving-average factor beta in [0, 1). Defaults to `0.9` (LibMTL). */
  beta?: number;
  /** Decay exponent of beta. Defaults to `0` (constant beta). */
  betaSigma?: number;
}

export const dbmtlSchema = z.strictObject({
  beta: z.number().min(0).lt(1).optional(),
  betaSigma: z.number().min(0).optional(),
});

export function dbmtl(args: DbmtlArgs = {}): WeightingStrategy<DbmtlArgs> {
  const o = options("dbmtl", dbmtlSchema, args);
  const beta = o.beta ?? 0.9;
  const betaSigma = o.betaSigma ?? 0;
  return defineStrategy("dbmtl", "sharedGradients", o, (tasks) => {
    const T = tasks.length;
    const buf = new DeviceMatrix("dbmtl", "buffer");
    let k = 0;
    return {
      needs: "sharedGradients",
      variables: [],
      get stateVariables() {
        return buf.list;
      },
      transformLoss: (loss) => tf.log(tf.add(loss, 1e-8)) as tf.Scalar,
      async combineGradients(grads, _losses, ctx) {
        await checkFiniteRows(new TensorRows(grads), ctx, "log-loss gradient");
        k++;
        const b = beta / k ** betaSigma;
        const B = buf.ensure([grads.shape[0], grads.shape[1]]);
        tf.tidy(() => {
          const on = activeColumn(ctx.active);
          // active rows: g + b (B - g); absent rows keep their buffer
          const next = tf.add(grads, tf.mul(b, tf.sub(B, grads)));
          B.assign(tf.add(tf.mul(on, next), tf.mul(tf.sub(1, on), B)) as tf.Tensor2D);
        });
        const norms = tf.tidy(() => tf.norm(B, "euclidean", 1));
        const n = await norms.data();
        norms.dispose();
        const max = Math.max(...Array.from(n).filter((_, i) => ctx.active[i]));
        const alpha = Array.from(n, (x, i) => (ctx.active[i] ? max / (x + 1e-8) : 0));
        const grad = tf.tidy(() => tf.matMul(tf.tensor2d([alpha], [1, T]), B).as1D());
        return { grad, weights: null };
      },
      getState: async () => ({ buffer: await buf.get(), k }),
      setState: (state) => {
        const s = stateObject("dbmtl", state);
        buf.set(s.buffer);
        k = Number(s.k) || 0;
      },
      saveHost: () => ({ k, exists: buf.exists() }),
      restoreHost: (saved) => {
        const s = saved as { k: number; exists: boolean };
        k = s.k;
        buf.restoreExists(s.exists);
      },
      dispose: () => buf.dispose(),
    };
  });
}
