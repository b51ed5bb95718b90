/** Gradient clipping: by global norm (`clipNorm`) and/or element-wise (`clipValue`). */
import * as tf from "@tensorflow/tfjs";

/** Returns the clipped gradients (new tensors, or the inputs when no clipping applies). */
export function clipGradients(
  grads: readonly tf.Tensor[],
  clipNorm?: number,
  clipValue?: number,
): tf.Tensor[] {
  let out = [...grads];
  if (clipValue !== undefined && clipValue > 0)
    out = out.map((g) => tf.clipByValue(g, -clipValue, clipValue));
  if (clipNorm !== undefined && clipNorm > 0 && out.length) {
    const norm = tf.tidy(() =>
      Math.sqrt(tf.addN(out.map((g) => tf.sum(tf.square(g)))).dataSync()[0]),
    );
    if (norm > clipNorm) {
      const scale = clipNorm / norm;
      const scaled = out.map((g) => tf.mul(g, scale));
      if (clipValue !== undefined && clipValue > 0) for (const g of out) g.dispose();
      out = scaled;
    }
  }
  return out;
}
