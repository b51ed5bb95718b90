/**
 * MoDo (Multi-objective gradient with Double sampling): Chen et al., "Three-Way Trade-Off in
 * Multi-Objective Learning: Optimization, Generalization and Conflict-Avoidance", NeurIPS 2023.
 * Three independent batches per step: two give an unbiased estimate of `G G^T lambda` for the
 * task weights, `lambda <- Proj_simplex(lambda - gamma (G_1 G_2^T lambda + rho lambda))`, and
 * the update is `G_3^T lambda` on the third. Here the direction is taken on the step's first
 * batch (whose losses are logged) and the weights on the other two; heads get the mean of their
 * task's gradient over the three batches (as LibMTL does). State: lambda, across steps.
 * `weighting.aggregate("modo", grads, { samples: [G2, G3] })`; without `samples` the three
 * batches coincide (the deterministic limit).
 */
import { type Matrix, matVec, projectSimplex } from "../../util/linalg.js";
import { z } from "../../util/schema.js";
import { defineStrategy, options, stateArray, stateObject } from "./define.js";
import { gradientInstance } from "./gradients.js";
import type { WeightingStrategy } from "./types.js";

export interface ModoArgs {
  /** Learning rate of lambda. Defaults to `0.001` (LibMTL). */
  gamma?: number;
  /** L2 regularisation rho of lambda's update. Defaults to `0.1` (LibMTL). */
  rho?: number;
}

export const modoSchema = z.strictObject({
  gamma: z.number().gt(0).optional(),
  rho: z.number().min(0).optional(),
});

/** One MoDo update of lambda from the cross Gram matrix `G_1 G_2^T`. */
export function modoUpdate(
  lambda: readonly number[],
  cross: Matrix,
  gamma: number,
  rho: number,
): number[] {
  const g = matVec(cross, lambda);
  return projectSimplex(lambda.map((l, i) => l - gamma * (g[i] + rho * l)));
}

/** Writes a renormalised update of the active entries back, keeping their total mass. */
export function updateActive(
  full: readonly number[],
  idx: readonly number[],
  update: (sub: number[]) => number[],
): { next: number[]; used: number[] } {
  const mass = idx.reduce((s, i) => s + full[i], 0);
  const sub = idx.map((i) => (mass > 0 ? full[i] / mass : 1 / idx.length));
  const used = update(sub);
  const next = full.slice();
  idx.forEach((i, k) => {
    next[i] = used[k] * (mass > 0 ? mass : idx.length / full.length);
  });
  return { next, used };
}

export function modo(args: ModoArgs = {}): WeightingStrategy<ModoArgs> {
  const o = options("modo", modoSchema, args);
  const gamma = o.gamma ?? 0.001;
  const rho = o.rho ?? 0.1;
  return defineStrategy(
    "modo",
    "sharedGradients",
    o,
    (tasks) => {
      let lambda = tasks.map(() => 1 / tasks.length);
      return gradientInstance("sharedGradients", {
        samples: 3,
        solve: async (rows, _losses, _ctx, idx, samples) => {
          const [a, b] = samples.length >= 2 ? samples : [rows, rows];
          const cross = await a.cross(b);
          const { next, used } = updateActive(lambda, idx, (sub) =>
            modoUpdate(sub, cross, gamma, rho),
          );
          lambda = next;
          return used;
        },
        getState: () => ({ lambda: lambda.slice() }),
        setState: (s) => {
          lambda = stateArray("modo", "lambda", stateObject("modo", s).lambda, tasks.length);
        },
      });
    },
    { samples: 3 },
  );
}
