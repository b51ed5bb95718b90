import { type Matrix, dot } from "../../util/linalg.js";
/**
 * PCGrad: Yu et al., "Gradient Surgery for Multi-Task Learning", NeurIPS 2020. Each task gradient
 * is projected onto the normal plane of every other task gradient it conflicts with (negative
 * dot product), the others visited in random order; the projected gradients are summed.
 */
import { type GradientModeArgs, defineStrategy, needsFor } from "./define.js";
import { gradientInstance } from "./gradients.js";
import type { WeightingStrategy } from "./types.js";

export type PcgradArgs = GradientModeArgs;

/**
 * PCGrad as task weights. `orders[i]` is the order in which task i visits the other tasks.
 * Each projected gradient is tracked as coefficients over the original ones, so only the Gram
 * matrix is needed; the result is `sum_i g_i'` written as `sum_k w_k g_k`.
 */
export function pcgradWeights(gram: Matrix, orders: readonly (readonly number[])[]): number[] {
  const t = gram.length;
  const weights = new Array<number>(t).fill(0);
  for (let i = 0; i < t; i++) {
    const c = new Array<number>(t).fill(0);
    c[i] = 1;
    for (const j of orders[i]) {
      if (j === i) continue;
      const gjj = gram[j][j];
      if (gjj <= 0) continue;
      const d = dot(
        c,
        gram.map((row) => row[j]),
      );
      if (d < 0) c[j] -= d / gjj;
    }
    for (let k = 0; k < t; k++) weights[k] += c[k];
  }
  return weights;
}

/** A uniformly random permutation of 0..n-1 from uniform draws. */
export function permutation(n: number, random: () => number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

export function pcgrad(args: PcgradArgs = {}): WeightingStrategy<PcgradArgs> {
  const needs = needsFor(args.mode);
  return defineStrategy("pcgrad", needs, args, () =>
    gradientInstance(needs, {
      solve: (gram, _losses, ctx) =>
        pcgradWeights(
          gram,
          gram.map(() => permutation(gram.length, ctx.random)),
        ),
    }),
  );
}
