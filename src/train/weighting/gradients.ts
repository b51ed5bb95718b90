/**
 * The shared machinery of gradient-based strategies. Every method in polytask's zoo is a
 * function of the task gradients' Gram matrix `G G^T` ([T, T]) only, and its combined update is a
 * linear combination `sum_i w_i g_i` of the task gradients. So a strategy is a *solver* from the
 * Gram matrix (float64, in JavaScript) to task weights; the [T, P] gradients stay on the device
 * and are touched twice: one matmul for the Gram matrix and one for the combination. The same
 * weights serve the representation-gradient mode, where the loop combines the losses with them.
 * Tasks absent from a step are left out of the problem and get weight 0.
 */
import * as tf from "@tensorflow/tfjs";
import { activeTasks } from "./define.js";
import type { Matrix } from "./linalg.js";
import type { WeightingContext, WeightingInstance } from "./types.js";

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

/** The Gram matrix `G G^T` of a [T, P] gradient matrix, as float64 rows. */
export function gramMatrix(grads: tf.Tensor2D): Matrix {
  const t = grads.shape[0];
  const product = tf.matMul(grads, grads, false, true);
  const flat = product.dataSync();
  product.dispose();
  const out: Matrix = [];
  for (let i = 0; i < t; i++) out.push(Array.from(flat.subarray(i * t, (i + 1) * t)));
  // Symmetrise: float32 matmul is not exactly symmetric.
  for (let i = 0; i < t; i++)
    for (let j = i + 1; j < t; j++) out[i][j] = out[j][i] = 0.5 * (out[i][j] + out[j][i]);
  return out;
}

/** `sum_i w_i g_i` as a [P] tensor (owned by the caller). */
export function combineRows(grads: tf.Tensor2D, weights: readonly number[]): tf.Tensor1D {
  return tf.tidy(() =>
    tf.matMul(tf.tensor2d([weights as number[]], [1, weights.length]), grads).as1D(),
  );
}

/** Runs `solve` on the active tasks only; absent tasks get weight 0. */
export function solveActive(
  solve: GramSolver,
  gram: Matrix,
  losses: Float32Array,
  ctx: WeightingContext,
): number[] {
  const active = activeTasks(ctx, losses);
  const idx = active.flatMap((a, i) => (a ? [i] : []));
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
export function gradientInstance(args: GradientInstanceArgs): WeightingInstance {
  return {
    variables: [],
    combineGradients(grads, losses, ctx) {
      const weights = solveActive(args.solve, gramMatrix(grads), losses, ctx);
      return { grad: combineRows(grads, weights), weights };
    },
    getState: args.getState ?? (() => ({})),
    setState: args.setState ?? (() => {}),
    dispose: () => {},
  };
}
