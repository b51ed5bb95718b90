/**
 * The shared machinery of gradient-based strategies. Every method in polytask's zoo is a
 * function of the task gradients' Gram matrix `G G^T` ([T, T]) only, and its combined update is a
 * linear combination `sum_i w_i g_i` of the task gradients. So a strategy is a *solver* from the
 * Gram matrix (float64, in JavaScript) to task weights; the [T, P] gradients stay on the device
 * and are touched twice: one matmul for the Gram matrix and one for the combination. The same
 * weights serve the representation-gradient mode, where the loop combines the losses with them.
 * Tasks absent from a step are left out of the problem and get weight 0.
 */
import { combineRows, gramMatrix } from "../../util/gram.js";
import type { Matrix } from "../../util/linalg.js";
import type { GradientWeightingInstance, WeightingContext, WeightingNeeds } from "./types.js";

export { combineRows, gramMatrix };

/**
 * Task weights from the Gram matrix of the active tasks' gradients and their losses. `tasks`
 * maps each row to its index in the full task order (for strategies with per-task state).
 */
export type GramSolver = (
  gram: Matrix,
  losses: Float32Array,
  ctx: WeightingContext,
  tasks: readonly number[],
) => number[];

/** Runs `solve` on the active tasks only; absent tasks get weight 0. */
export function solveActive(
  solve: GramSolver,
  gram: Matrix,
  losses: Float32Array,
  ctx: WeightingContext,
): number[] {
  const idx = ctx.active.flatMap((a, i) => (a ? [i] : []));
  const out = new Array<number>(gram.length).fill(0);
  if (idx.length === 0) return out;
  const sub = idx.map((i) => idx.map((j) => gram[i][j]));
  const w = solve(
    sub,
    Float32Array.from(idx, (i) => losses[i]),
    ctx,
    idx,
  );
  idx.forEach((i, k) => {
    out[i] = w[k];
  });
  return out;
}

export interface GradientInstanceArgs {
  solve: GramSolver;
  getState?: () => unknown;
  setState?: (state: unknown) => void;
}

/**
 * A `WeightingInstance` for a Gram-matrix solver. `combineGradients` returns a new [P] tensor that
 * the caller owns; it never disposes `grads`.
 */
export function gradientInstance(
  needs: Exclude<WeightingNeeds, "losses">,
  args: GradientInstanceArgs,
): GradientWeightingInstance {
  return {
    needs,
    variables: [],
    async combineGradients(grads, losses, ctx) {
      const weights = solveActive(args.solve, await gramMatrix(grads), losses, ctx);
      return { grad: combineRows(grads, weights), weights };
    },
    getState: args.getState ?? (() => ({})),
    setState: args.setState ?? (() => {}),
    dispose: () => {},
  };
}
