/**
 * GradNorm: Chen et al., "GradNorm: Gradient Normalization for Adaptive Loss Balancing in Deep
 * Multitask Networks", ICML 2018. Learnable task weights w (summing to T) are moved so that each
 * weighted gradient norm `w_i ||g_i||` approaches `mean_j(w_j ||g_j||) * r_i^alpha`, where `r_i` is
 * task i's relative inverse training rate `(L_i / L_i(0)) / mean_j(L_j / L_j(0))`.
 */
import {
  type GradientModeArgs,
  defineStrategy,
  needsFor,
  nonNegative,
  positive,
  stateObject,
} from "./define.js";
import { gradientInstance } from "./gradients.js";
import type { Matrix } from "./linalg.js";
import type { WeightingStrategy } from "./types.js";

export interface GradnormArgs extends GradientModeArgs {
  /** Asymmetry alpha: how strongly slow tasks are pulled up. Defaults to `1.5`. */
  alpha?: number;
  /** Learning rate of the weights (plain SGD on the GradNorm loss). Defaults to `0.025`. */
  lr?: number;
}

export interface GradnormState {
  weights: number[];
  initialLosses: number[] | null;
}

/**
 * One GradNorm update of the weights: the gradient of `sum_i |w_i n_i - target_i|` (targets held
 * constant, as in the paper), an SGD step, then clipping at 0 and renormalising to sum T.
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
  const sum = next.reduce((s, x) => s + x, 0);
  return sum > 0 ? next.map((x) => (x * t) / sum) : weights.map(() => 1);
}

export function gradnorm(args: GradnormArgs = {}): WeightingStrategy<GradnormArgs> {
  const alpha = nonNegative("gradnorm", "alpha", args.alpha, 1.5);
  const lr = positive("gradnorm", "lr", args.lr, 0.025);
  return defineStrategy<GradnormArgs>("gradnorm", needsFor(args.mode), args, (tasks) => {
    let state: GradnormState = { weights: tasks.map(() => 1), initialLosses: null };
    return gradientInstance({
      solve: (gram, losses) => {
        const used = state.weights.slice();
        const initialLosses = state.initialLosses ?? Array.from(losses);
        state = {
          weights: gradnormUpdate(used, gram, losses, initialLosses, alpha, lr),
          initialLosses,
        };
        return used;
      },
      getState: () => ({
        weights: state.weights.slice(),
        initialLosses: state.initialLosses?.slice() ?? null,
      }),
      setState: (s) => {
        const o = stateObject("gradnorm", s) as unknown as GradnormState;
        state = { weights: o.weights.slice(), initialLosses: o.initialLosses?.slice() ?? null };
      },
    });
  });
}
