/**
 * MGDA / MGDA-UB: Sener & Koltun, "Multi-Task Learning as Multi-Objective Optimization",
 * NeurIPS 2018. The update is the min-norm element of the convex hull of the task gradients, a
 * common descent direction; `{ mode: "representation" }` is the paper's MGDA-UB upper bound.
 * The min-norm problem is solved exactly for any number of tasks (min-norm.ts) and its KKT
 * residual is logged per epoch (`weighting/residual`).
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
import { minNorm } from "./min-norm.js";
import type { WeightingStrategy } from "./types.js";

/** How task gradients are normalised before the min-norm problem (as in the paper's code). */
export type MgdaNormalization = "none" | "l2" | "loss" | "loss+";

export interface MgdaArgs extends GradientModeArgs {
  /** Gradient normalisation. Defaults to `"none"`. `"l2"`: unit norm; `"loss"`: divide by the
   * loss; `"loss+"`: divide by loss times norm. */
  normalization?: MgdaNormalization;
  /**
   * Where the min-norm weights of the normalised gradients apply. `"normalized"` (default): to
   * the normalised gradients, i.e. the update is the min-norm element of {g_i / s_i} (weights
   * w_i / s_i on the raw gradients). `"raw"`: to the raw task losses unchanged, as Sener &
   * Koltun's released code does (a convex combination of the raw gradients). The two agree
   * when `normalization` is `"none"`.
   */
  weightsOn?: "normalized" | "raw";
}

export const mgdaSchema = gradientSchema({
  normalization: z.enum(["none", "l2", "loss", "loss+"]).optional(),
  weightsOn: z.enum(["normalized", "raw"]).optional(),
});

/** Per-task divisors of the chosen normalisation (1 where it is 0 or not finite). */
export function mgdaScales(
  norm: MgdaNormalization,
  gram: number[][],
  losses: ArrayLike<number>,
): number[] {
  return gram.map((row, i) => {
    const n = Math.sqrt(Math.max(row[i], 0));
    const s =
      norm === "l2" ? n : norm === "loss" ? losses[i] : norm === "loss+" ? losses[i] * n : 1;
    return s > 0 && Number.isFinite(s) ? s : 1;
  });
}

/** MGDA weights on the raw gradients, with the KKT residual of the normalised problem. */
export function mgdaWeights(
  gram: number[][],
  losses: ArrayLike<number>,
  normalization: MgdaNormalization,
  weightsOn: "normalized" | "raw" = "normalized",
): { w: number[]; residual: number } {
  const s = mgdaScales(normalization, gram, losses);
  const scaled = gram.map((row, i) => row.map((x, j) => x / (s[i] * s[j])));
  const r = minNorm(scaled);
  if (weightsOn === "raw") return { w: r.w, residual: r.residual };
  // weights on the normalised gradients g_i / s_i, expressed on the raw gradients
  return { w: r.w.map((w, i) => w / s[i]), residual: r.residual };
}

export function mgda(args: MgdaArgs = {}): WeightingStrategy<MgdaArgs> {
  const o = options("mgda", mgdaSchema, args);
  const normalization = o.normalization ?? "none";
  const weightsOn = o.weightsOn ?? "normalized";
  const needs = needsFor(o.mode);
  return defineStrategy("mgda", needs, o, () =>
    gradientInstance(needs, {
      certified: true,
      solve: async (rows, losses) =>
        mgdaWeights(await rows.gram(), losses, normalization, weightsOn),
    }),
  );
}
