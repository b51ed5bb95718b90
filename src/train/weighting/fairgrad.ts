/**
 * FairGrad: Ban & Ji, "Fair Resource Allocation in Multi-Task Learning", ICML 2024. The update
 * `sum_i w_i g_i` gives the tasks an alpha-fair share of improvement: `G G^T w = w^(-1/alpha)`
 * (element-wise; alpha = 1 is Nash-MTL's bargaining solution), solved exactly by damped Newton
 * (solvers/bargaining.ts) where the authors and LibMTL use a least-squares solver from a fixed
 * start. As in the paper the update is the gradient of `sum_i w_i L_i` for every parameter, so
 * heads get their task's gradient times w_i.
 */
import { z } from "../../util/schema.js";
import {
  type GradientModeArgs,
  defineStrategy,
  gradientSchema,
  needsFor,
  options,
} from "./define.js";
import { gradientInstance } from "./gradients.js";
import { bargainingSolve } from "./solvers/bargaining.js";
import type { WeightingStrategy } from "./types.js";

export interface FairgradArgs extends GradientModeArgs {
  /** Fairness alpha > 0: 1 proportional fairness (Nash), large values approach max-min. Defaults
   * to `1` (LibMTL's default). */
  alpha?: number;
  /** Newton iterations at most. Defaults to `100`. */
  maxIter?: number;
}

export const fairgradSchema = gradientSchema({
  alpha: z.number().gt(0).max(1e6).optional(),
  maxIter: z.number().int().min(1).max(100000).optional(),
});

export function fairgrad(args: FairgradArgs = {}): WeightingStrategy<FairgradArgs> {
  const o = options("fairgrad", fairgradSchema, args);
  const alpha = o.alpha ?? 1;
  const needs = needsFor(o.mode);
  return defineStrategy("fairgrad", needs, o, () =>
    gradientInstance(needs, {
      certified: true,
      solve: async (rows) => {
        const r = bargainingSolve(await rows.gram(), alpha, { maxIter: o.maxIter });
        return { w: r.a, residual: r.residual, events: r.events, headScale: r.a };
      },
    }),
  );
}
