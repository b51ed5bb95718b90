/**
 * CAGrad: Liu et al., "Conflict-Averse Gradient Descent for Multi-task Learning", NeurIPS 2021.
 * Maximises the worst-case local improvement of any task within a ball of radius `c * ||g0||`
 * around the average gradient g0: with `w* = argmin_{w in simplex} w^T G g0 + c ||g0|| ||G^T w||`,
 * the update is `(g0 + c ||g0|| / ||g_w|| g_w) / (1 + c^2)`, rescaled by `1 / (1 + c^2)` as in the
 * authors' code and LibMTL. The dual is solved to a duality-gap tolerance for any c >= 0
 * (cagrad-solver.ts; c >= 1 is the paper's Pareto-stationary regime), `||g_w||` is taken from the
 * gradients themselves, and the degenerate case `g_w = 0` (e.g. a zero task gradient) returns the
 * primal optimum nearest g0 (logged as `weighting/projected`).
 */
import { z } from "../../util/schema.js";
import { cagradSolve } from "./cagrad-solver.js";
import {
  type GradientModeArgs,
  defineStrategy,
  gradientSchema,
  needsFor,
  options,
} from "./define.js";
import { gradientInstance } from "./gradients.js";
import type { WeightingStrategy } from "./types.js";

export interface CagradArgs extends GradientModeArgs {
  /** Radius factor c of the conflict-averse ball, any finite c >= 0. Defaults to `0.4` (the
   * paper's setting). */
  c?: number;
}

export const cagradSchema = gradientSchema({ c: z.number().min(0).optional() });

export function cagrad(args: CagradArgs = {}): WeightingStrategy<CagradArgs> {
  const o = options("cagrad", cagradSchema, args);
  const c = o.c ?? 0.4;
  const needs = needsFor(o.mode);
  return defineStrategy("cagrad", needs, o, () =>
    gradientInstance(needs, {
      certified: true,
      solve: async (rows) => {
        const s = await cagradSolve(await rows.gram(), c, async (w) => {
          const [[q]] = await rows.products([w as number[]], [w as number[]]);
          return Math.sqrt(Math.max(q, 0));
        });
        return { w: s.w, residual: s.residual, events: s.projected ? ["projected"] : [] };
      },
    }),
  );
}
