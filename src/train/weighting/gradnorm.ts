import type { Matrix } from "../../util/linalg.js";
/**
 * GradNorm: Chen et al., "GradNorm: Gradient Normalization for Adaptive Loss Balancing in Deep
 * Multitask Networks", ICML 2018. Learnable task weights w (summing to T) are moved so that each
 * weighted gradient norm `w_i ||g_i||` approaches `mean_j(w_j ||g_j||) * r_i^alpha`, where `r_i` is
 * task i's relative inverse training rate `(L_i / L_i(0)) / mean_j(L_j / L_j(0))`.
 */
import { z } from "../../util/schema.js";
import {
  type GradientModeArgs,
  defineStrategy,
  gradientSchema,
  needsFor,
  options,
  stateArray,
  stateObject,
} from "./define.js";
import { gradientInstance } from "./gradients.js";
import type { WeightingStrategy } from "./types.js";

export interface GradnormArgs extends GradientModeArgs {
  /** Asymmetry alpha: how strongly slow tasks are pulled up. Defaults to `1.5`. */
  alpha?: number;
  /** Learning rate of the weights (plain SGD on the GradNorm loss). Defaults to `0.025`. */
  lr?: number;
}

export const gradnormSchema = gradientSchema({
  alpha: z.number().min(0).optional(),
  lr: z.number().gt(0).optional(),
});

export interface GradnormState {
  /** Current weight per task (task order). */
  weights: number[];
  /** Each task's loss the first time it took part in a step (null before). */
  initialLosses: (number | null)[];
}

/**
 * One GradNorm update of the weights: the gradient of `sum_i |w_i n_i - target_i|` (targets held
 * constant, as in the paper), an SGD step, then clipping at 0 and renormalising to the same sum.
 */
export function gradnormUpdate(
  weights: readonly number[],
  gram: Matrix,
  losses: ArrayLike<number>,
  initialLosses: readonly number[],
  alpha: number,
  lr: number,
): number[] {
  const t = weights.length;
  const n = gram.map((row, i) => Math.sqrt(Math.max(row[i], 0)));
  const gw = weights.map((w, i) => w * n[i]);
  const mean = gw.reduce((s, x) => s + x, 0) / t;
  const ratio = initialLosses.map((l0, i) => (l0 > 0 ? losses[i] / l0 : 1));
  const meanRatio = ratio.reduce((s, x) => s + x, 0) / t;
  const target = ratio.map((r) => mean * (meanRatio > 0 ? r / meanRatio : 1) ** alpha);
  const next = weights.map((w, i) => Math.max(w - lr * Math.sign(gw[i] - target[i]) * n[i], 0));
  const before = weights.reduce((s, x) => s + x, 0);
  const sum = next.reduce((s, x) => s + x, 0);
  return sum > 0 ? next.map((x) => (x * before) / sum) : weights.slice();
}

export function gradnorm(args: GradnormArgs = {}): WeightingStrategy<GradnormArgs> {
  const o = options("gradnorm", gradnormSchema, args);
  const alpha = o.alpha ?? 1.5;
  const lr = o.lr ?? 0.025;
  const needs = needsFor(o.mode);
  return defineStrategy("gradnorm", needs, o, (tasks) => {
    let state: GradnormState = {
      weights: tasks.map(() => 1),
      initialLosses: tasks.map(() => null),
    };
    return gradientInstance(needs, {
      solve: async (rows, losses, _ctx, idx) => {
        const gram = await rows.gram();
        const initial = state.initialLosses.slice();
        idx.forEach((i, k) => {
          if (initial[i] === null) initial[i] = losses[k];
        });
        const used = idx.map((i) => state.weights[i]);
        const next = gradnormUpdate(
          used,
          gram,
          losses,
          idx.map((i) => initial[i] as number),
          alpha,
          lr,
        );
        const weights = state.weights.slice();
        idx.forEach((i, k) => {
          weights[i] = next[k];
        });
        state = { weights, initialLosses: initial };
        return used;
      },
      getState: () => JSON.parse(JSON.stringify(state)),
      setState: (s) => {
        const o = stateObject("gradnorm", s);
        state = {
          weights: stateArray("gradnorm", "weights", o.weights, tasks.length),
          initialLosses: Array.isArray(o.initialLosses)
            ? (o.initialLosses as (number | null)[]).slice()
            : tasks.map(() => null),
        };
      },
    });
  });
}
