/**
 * UPGrad: Quinton & Rey, "Jacobian Descent for Multi-Objective Optimization", 2024 (TorchJD).
 * Each task gradient, scaled by its preference weight (1/T), is projected onto the dual cone
 * `{d : g_j . d >= 0 for every j}` of all task gradients, and the projections are summed: the
 * update never conflicts with any task (`g_j . d >= 0`), and equals the mean gradient when no
 * gradients conflict. In Gram form the projection of `G^T u` is `G^T v`,
 * `v = argmin_{v >= u} v^T M v`, solved exactly (solvers/dual-cone.ts) with its KKT residual
 * logged as `weighting/residual`. TorchJD normalises the Gram matrix by its trace and adds
 * `regEps` to its diagonal (both default 1e-4 there); here both default to 0, which keeps the
 * exact projection, and can be set to reproduce TorchJD's numbers.
 */
import type { Matrix } from "../../util/linalg.js";
import { z } from "../../util/schema.js";
import {
  type GradientModeArgs,
  defineStrategy,
  gradientSchema,
  needsFor,
  options,
} from "./define.js";
import { gradientInstance } from "./gradients.js";
import { projectDualCone } from "./solvers/dual-cone.js";
import type { WeightingStrategy } from "./types.js";

export interface UpgradArgs extends GradientModeArgs {
  /** Below this squared Frobenius norm of the gradients (the Gram trace) the update is 0.
   * Defaults to `0` (TorchJD: 1e-4). */
  normEps?: number;
  /** Added to the diagonal of the trace-normalised Gram matrix. Defaults to `0` (TorchJD: 1e-4). */
  regEps?: number;
}

export const upgradSchema = gradientSchema({
  normEps: z.number().min(0).optional(),
  regEps: z.number().min(0).max(1).optional(),
});

/** UPGrad weights and the largest KKT residual of the T projections. */
export function upgradWeights(
  gram: Matrix,
  opts: { normEps?: number; regEps?: number } = {},
): { w: number[]; residual: number } {
  const t = gram.length;
  const trace = gram.reduce((s, row, i) => s + row[i], 0);
  if (!(trace > (opts.normEps ?? 0)) || !(trace > 0))
    return { w: new Array<number>(t).fill(0), residual: 0 };
  const reg = opts.regEps ?? 0;
  const m = gram.map((row, i) => row.map((x, j) => x / trace + (i === j ? reg : 0)));
  const w = new Array<number>(t).fill(0);
  let residual = 0;
  for (let i = 0; i < t; i++) {
    const u = new Array<number>(t).fill(0);
    u[i] = 1 / t;
    const p = projectDualCone(m, u);
    residual = Math.max(residual, p.residual);
    p.v.forEach((x, k) => {
      w[k] += x;
    });
  }
  return { w, residual };
}

export function upgrad(args: UpgradArgs = {}): WeightingStrategy<UpgradArgs> {
  const o = options("upgrad", upgradSchema, args);
  const needs = needsFor(o.mode);
  return defineStrategy("upgrad", needs, o, () =>
    gradientInstance(needs, {
      certified: true,
      solve: async (rows) => upgradWeights(await rows.gram(), o),
    }),
  );
}
