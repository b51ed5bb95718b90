/**
 * MGDA / MGDA-UB: Sener & Koltun, "Multi-Task Learning as Multi-Objective Optimization",
 * NeurIPS 2018. The update is the min-norm element of the convex hull of the task gradients, a
 * common descent direction; `{ mode: "representation" }` is the paper's MGDA-UB upper bound.
 */
import { ConfigError, show } from "../../errors.js";
import { type GradientModeArgs, defineStrategy, needsFor } from "./define.js";
import { gradientInstance } from "./gradients.js";
import { minNormFromGram } from "./min-norm.js";
import type { WeightingStrategy } from "./types.js";

/** How task gradients are normalised before the min-norm problem (as in the paper's code). */
export type MgdaNormalization = "none" | "l2" | "loss" | "loss+";

export interface MgdaArgs extends GradientModeArgs {
  /** Gradient normalisation. Defaults to `"none"`. `"l2"`: unit norm; `"loss"`: divide by the
   * loss; `"loss+"`: divide by loss times norm. */
  normalization?: MgdaNormalization;
}

const NORMS: readonly MgdaNormalization[] = ["none", "l2", "loss", "loss+"];

/** Per-task divisors of the chosen normalisation. */
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

export function mgda(args: MgdaArgs = {}): WeightingStrategy<MgdaArgs> {
  const normalization = args.normalization ?? "none";
  if (!NORMS.includes(normalization))
    throw new ConfigError(
      `Weighting "mgda": option "normalization" is ${show(normalization)}; expected one of ${NORMS.join(", ")}.`,
      { field: "normalization", value: normalization, expected: NORMS.join(", ") },
    );
  const needs = needsFor(args.mode);
  return defineStrategy("mgda", needs, args, () =>
    gradientInstance(needs, {
      solve: (gram, losses) => {
        const s = mgdaScales(normalization, gram, losses);
        const scaled = gram.map((row, i) => row.map((x, j) => x / (s[i] * s[j])));
        // Weights on the normalised gradients g_i / s_i, expressed on the raw gradients.
        return minNormFromGram(scaled).map((w, i) => w / s[i]);
      },
    }),
  );
}
