/** Gradient clipping: by global norm (`clipNorm`) and/or element-wise (`clipValue`). */
import * as tf from "@tensorflow/tfjs";

/**
 * Returns the clipped gradients (new tensors, or the inputs when no clipping applies). The global
 * norm is computed and applied on the device (`min(1, clipNorm / norm)`), with no read.
 */
export function clipGradients(
  grads: readonly tf.Tensor[],
  clipNorm?: number,
  clipValue?: number,
): tf.Tensor[] {
  let out = [...grads];
  if (clipValue !== undefined && clipValue > 0)
    out = out.map((g) => tf.clipByValue(g, -clipValue, clipValue));
  if (clipNorm !== undefined && clipNorm > 0 && out.length) {
    const scale = tf.tidy(() => {
      const norm = tf.sqrt(tf.addN(out.map((g) => tf.sum(tf.square(g)))));
      return tf.minimum(1, tf.div(clipNorm, tf.maximum(norm, 1e-30)));
    });
    const scaled = out.map((g) => tf.mul(g, scale));
    scale.dispose();
    if (clipValue !== undefined && clipValue > 0) for (const g of out) g.dispose();
    out = scaled;
  }
  return out;
}
