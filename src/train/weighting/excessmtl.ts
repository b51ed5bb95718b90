/**
 * ExcessMTL: He et al., "Robust Multi-Task Learning with Excess Risks", ICML 2024. Tasks are
 * weighted by their estimated excess risk (distance to their own optimum), not their raw loss, so
 * a task with label noise does not take over: with the running sums of squared gradients `S_i`
 * (an AdaGrad-style diagonal curvature estimate), the excess risk estimate is
 * `e_i = g_i^T diag(S_i + 1e-7)^(-1/2) g_i`, relative to the first step's; the loss weights move
 * by exponentiated gradient, `w_i <- w_i exp(eta e_i / e_i(0))`, renormalised to sum to T. The
 * update is the gradient of `sum_i w_i L_i` for every parameter (heads included). State: S
 * ([T, P], on the device), the weights and the first estimates.
 */
import * as tf from "@tensorflow/tfjs";
import { z } from "../../util/schema.js";
import { defineStrategy, options, stateArray, stateObject } from "./define.js";
import { DeviceMatrix, activeColumn } from "./device-state.js";
import { checkFiniteRows, combineRows } from "./gradients.js";
import { TensorRows } from "./rows.js";
import type { WeightingStrategy } from "./types.js";

export interface ExcessmtlArgs {
  /** Step size eta of the weights' exponentiated-gradient update. Defaults to `0.01` (LibMTL). */
  stepSize?: number;
}

export const excessmtlSchema = z.strictObject({ stepSize: z.number().gt(0).optional() });

export function excessmtl(args: ExcessmtlArgs = {}): WeightingStrategy<ExcessmtlArgs> {
  const o = options("excessmtl", excessmtlSchema, args);
  const eta = o.stepSize ?? 0.01;
  return defineStrategy("excessmtl", "sharedGradients", o, (tasks) => {
    const T = tasks.length;
    const sums = new DeviceMatrix("excessmtl", "squaredGradientSums");
    let weights = tasks.map(() => 1);
    let initial: (number | null)[] = tasks.map(() => null);
    return {
      needs: "sharedGradients",
      variables: [],
      get stateVariables() {
        return sums.list;
      },
      async combineGradients(grads, _losses, ctx) {
        await checkFiniteRows(new TensorRows(grads), ctx);
        const S = sums.ensure([grads.shape[0], grads.shape[1]]);
        const risk = tf.tidy(() => {
          const sq = tf.square(grads);
          S.assign(tf.add(S, tf.mul(activeColumn(ctx.active), sq)) as tf.Tensor2D);
          return tf.sum(tf.div(sq, tf.sqrt(tf.add(S, 1e-7))), 1);
        });
        const e = Array.from(await risk.data());
        risk.dispose();
        const w = weights.slice();
        let moved = false;
        ctx.active.forEach((a, i) => {
          if (!a) return;
          const e0 = initial[i];
          if (e0 === null) initial[i] = e[i];
          else {
            w[i] *= Math.exp((eta * e[i]) / (e0 > 0 ? e0 : 1));
            moved = true;
          }
        });
        if (moved) {
          const sum = w.reduce((s, x) => s + x, 0);
          for (let i = 0; i < T; i++) w[i] = (w[i] / sum) * T;
        }
        weights = w;
        const used = w.map((x, i) => (ctx.active[i] ? x : 0));
        return { grad: combineRows(grads, used), weights: used, headScale: used };
      },
      getState: async () => ({
        squaredGradientSums: await sums.get(),
        weights: weights.slice(),
        initial: initial.slice(),
      }),
      setState: (state) => {
        const s = stateObject("excessmtl", state);
        sums.set(s.squaredGradientSums);
        weights = stateArray("excessmtl", "weights", s.weights, T);
        initial = Array.isArray(s.initial)
          ? (s.initial as (number | null)[]).map((x) => (x === null ? null : Number(x)))
          : tasks.map(() => null);
      },
      saveHost: () => ({
        weights: weights.slice(),
        initial: initial.slice(),
        exists: sums.exists(),
      }),
      restoreHost: (saved) => {
        const s = saved as { weights: number[]; initial: (number | null)[]; exists: boolean };
        weights = s.weights.slice();
        initial = s.initial.slice();
        sums.restoreExists(s.exists);
      },
      dispose: () => sums.dispose(),
    };
  });
}
