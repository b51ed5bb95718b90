import type { Matrix } from "../../util/linalg.js";
/**
 * Nash-MTL: Navon et al., "Multi-Task Learning as a Bargaining Game", ICML 2022. The update
 * `sum_i a_i g_i` uses the Nash bargaining solution `G G^T a = 1 / a` (a > 0), solved by damped
 * Newton to the residual `max_i |a_i (G G^T a)_i - 1| <= 1e-12` (solvers/bargaining.ts; the
 * residual is logged per epoch as `weighting/residual`). Unlike the authors' code there is no
 * 20-iteration early stop and no norm cap; zero gradients get weight 0 and Pareto-stationary
 * gradients give a zero update (events `weighting/zeroGradient`, `weighting/stationary`).
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

export interface NashArgs extends GradientModeArgs {
  /** Ridge added to `G G^T`, relative to its mean diagonal. It changes the solution (a small
   * task's weight is pulled towards the others'); defaults to `0`. */
  ridge?: number;
  /** Newton iterations at most. Defaults to `100`. */
  maxIter?: number;
}

export const nashSchema = gradientSchema({
  ridge: z.number().min(0).optional(),
  maxIter: z.number().int().min(1).max(100000).optional(),
});

/** Nash-MTL weights `a` of a Gram matrix. */
export function nashWeights(
  gram: Matrix,
  opts: { ridge?: number; maxIter?: number } = {},
): number[] {
  return bargainingSolve(gram, 1, opts).a;
}

export function nash(args: NashArgs = {}): WeightingStrategy<NashArgs> {
  const o = options("nash", nashSchema, args);
  const needs = needsFor(o.mode);
  return defineStrategy("nash", needs, o, () =>
    gradientInstance(needs, {
      certified: true,
      solve: async (rows) => {
        const r = bargainingSolve(await rows.gram(), 1, { ridge: o.ridge, maxIter: o.maxIter });
        return { w: r.a, residual: r.residual, events: r.events };
      },
    }),
  );
}
