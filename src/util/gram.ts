/**
 * The Gram matrix of task gradients and weighted combinations of them, shared by the weighting
 * strategies (train) and the gradient-conflict analyses (eval). The [T, P] gradients stay on
 * the device: one matmul and one asynchronous read of the [T, T] product.
 */
import * as tf from "@tensorflow/tfjs";
import type { Matrix } from "./linalg.js";

/** The Gram matrix `G G^T` of a [T, P] gradient matrix, as float64 rows (one async read). */
export async function gramMatrix(grads: tf.Tensor2D): Promise<Matrix> {
  const t = grads.shape[0];
  const product = tf.matMul(grads, grads, false, true);
  const flat = await product.data();
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
