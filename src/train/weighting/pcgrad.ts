/**
 * PCGrad: Yu et al., "Gradient Surgery for Multi-Task Learning", NeurIPS 2020. Each task gradient
 * is projected onto the normal plane of every other task gradient it conflicts with (negative
 * dot product), the others visited in random order; the projected gradients are summed.
 *
 * A task never visits itself (Algorithm 1 of the paper: `j != i`). LibMTL's implementation
 * shuffles all tasks, itself included, so a projected gradient that has turned against its own
 * task's original gradient is projected once more; `{ includeSelf: true }` gives that variant.
 */
import { type Matrix, dot } from "../../util/linalg.js";
import { z } from "../../util/schema.js";
import {
  type GradientModeArgs,
  defineStrategy,
  gradientSchema,
  needsFor,
  options,
} from "./define.js";
import { gradientInstance } from "./gradients.js";
import type { WeightingStrategy } from "./types.js";

export interface PcgradArgs extends GradientModeArgs {
  /** Also visit the task itself in the random order (LibMTL's variant). Defaults to `false`
   * (the paper). */
  includeSelf?: boolean;
}

export const pcgradSchema = gradientSchema({ includeSelf: z.boolean().optional() });

/**
 * PCGrad as task weights. `orders[i]` is the order in which task i visits the tasks (entries
 * equal to i are skipped unless `includeSelf`). Each projected gradient is tracked as
 * coefficients over the original ones, so only the Gram matrix is needed; the result is
 * `sum_i g_i'` written as `sum_k w_k g_k`.
 */
export function pcgradWeights(
  gram: Matrix,
  orders: readonly (readonly number[])[],
  includeSelf = false,
): number[] {
  const t = gram.length;
  const weights = new Array<number>(t).fill(0);
  for (let i = 0; i < t; i++) {
    const c = new Array<number>(t).fill(0);
    c[i] = 1;
    for (const j of orders[i]) {
      if (j === i && !includeSelf) continue;
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
  const o = options("pcgrad", pcgradSchema, args);
  const needs = needsFor(o.mode);
  return defineStrategy("pcgrad", needs, o, () =>
    gradientInstance(needs, {
      solve: async (rows, _losses, ctx) => {
        const gram = await rows.gram();
        return pcgradWeights(
          gram,
          gram.map(() => permutation(gram.length, ctx.random)),
          o.includeSelf ?? false,
        );
      },
    }),
  );
}
