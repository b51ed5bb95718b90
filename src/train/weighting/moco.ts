/**
 * MoCo: Fernando et al., "Mitigating Gradient Bias in Multi-objective Learning: A Provably
 * Convergent Approach", ICLR 2023. Stochastic task gradients are biased for MGDA-type weights; MoCo
 * tracks each task's gradient with a moving average `Y <- Y - beta_k (Y - G~)` (G~ the gradients
 * normalised and scaled by the loss, as in the authors' code and LibMTL) and moves the task weights
 * by a projected step `lambda <- Proj_simplex(lambda - gamma_k (Y Y^T + rho I) lambda)` (the
 * paper's projection; LibMTL uses a softmax there); the update is `Y^T lambda`, with
 * `beta_k = beta / k^betaSigma`, `gamma_k = gamma / k^gammaSigma`. The update is not a weighted
 * sum of this step's gradients, so no weights are logged. State: Y ([T, P], on the device),
 * lambda and k.
 */
import * as tf from "@tensorflow/tfjs";
import { matVec, projectSimplex } from "../../util/linalg.js";
import { z } from "../../util/schema.js";
import { defineStrategy, options, stateArray, stateObject } from "./define.js";
import { DeviceMatrix, activeColumn } from "./device-state.js";
import { checkFiniteRows } from "./gradients.js";
import { updateActive } from "./modo.js";
import { TensorRows } from "./rows.js";
import type { WeightingStrategy } from "./types.js";

export interface MocoArgs {
  /** Tracking rate beta. Defaults to `0.5` (LibMTL). */
  beta?: number;
  /** Decay exponent of beta. Defaults to `0.5`. */
  betaSigma?: number;
  /** Weight step size gamma. Defaults to `0.1`. */
  gamma?: number;
  /** Decay exponent of gamma. Defaults to `0.5`. */
  gammaSigma?: number;
  /** L2 regularisation rho of the weight step. Defaults to `0`. */
  rho?: number;
}

export const mocoSchema = z.strictObject({
  beta: z.number().gt(0).max(1).optional(),
  betaSigma: z.number().min(0).optional(),
  gamma: z.number().gt(0).optional(),
  gammaSigma: z.number().min(0).optional(),
  rho: z.number().min(0).optional(),
});

export function moco(args: MocoArgs = {}): WeightingStrategy<MocoArgs> {
  const o = options("moco", mocoSchema, args);
  const p = {
    beta: o.beta ?? 0.5,
    betaSigma: o.betaSigma ?? 0.5,
    gamma: o.gamma ?? 0.1,
    gammaSigma: o.gammaSigma ?? 0.5,
    rho: o.rho ?? 0,
  };
  return defineStrategy("moco", "sharedGradients", o, (tasks) => {
    const T = tasks.length;
    const y = new DeviceMatrix("moco", "y");
    let lambda = tasks.map(() => 1 / T);
    let k = 0;
    return {
      needs: "sharedGradients",
      variables: [],
      get stateVariables() {
        return y.list;
      },
      async combineGradients(grads, losses, ctx) {
        const gram = await checkFiniteRows(new TensorRows(grads), ctx);
        k++;
        const betaK = p.beta / k ** p.betaSigma;
        const gammaK = p.gamma / k ** p.gammaSigma;
        const scale = gram.map((row, i) =>
          ctx.active[i] ? losses[i] / (Math.sqrt(Math.max(row[i], 0)) + 1e-8) : 0,
        );
        const Y = y.ensure([grads.shape[0], grads.shape[1]]);
        tf.tidy(() => {
          const target = tf.mul(grads, tf.tensor2d(scale, [T, 1]));
          const step = tf.mul(activeColumn(ctx.active), betaK);
          Y.assign(tf.add(Y, tf.mul(step, tf.sub(target, Y))) as tf.Tensor2D);
        });
        const yy = await new TensorRows(Y as unknown as tf.Tensor2D).gram();
        const idx = ctx.active.flatMap((a, i) => (a ? [i] : []));
        const sub = idx.map((i) => idx.map((j) => yy[i][j] + (i === j ? p.rho : 0)));
        const { next } = updateActive(lambda, idx, (l) => {
          const g = matVec(sub, l);
          return projectSimplex(l.map((x, i) => x - gammaK * g[i]));
        });
        lambda = next;
        const lam = lambda.map((l, i) => (ctx.active[i] ? l : 0));
        const grad = tf.tidy(() => tf.matMul(tf.tensor2d([lam], [1, T]), Y).as1D());
        return { grad, weights: null };
      },
      getState: async () => ({ y: await y.get(), lambda: lambda.slice(), k }),
      setState: (state) => {
        const s = stateObject("moco", state);
        y.set(s.y);
        lambda = stateArray("moco", "lambda", s.lambda, T);
        k = Number(s.k) || 0;
      },
      saveHost: () => ({ lambda: lambda.slice(), k, exists: y.exists() }),
      restoreHost: (saved) => {
        const s = saved as { lambda: number[]; k: number; exists: boolean };
        lambda = s.lambda.slice();
        k = s.k;
        y.restoreExists(s.exists);
      },
      dispose: () => y.dispose(),
    };
  });
}
