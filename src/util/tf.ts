/** Small TensorFlow.js helpers shared across layers. */
import * as tf from "@tensorflow/tfjs";

/**
 * The identity whose gradient is zero (TensorFlow's `stop_gradient`): values computed from taped
 * tensors (e.g. loss weights derived from the losses) enter a loss as constants.
 */
export const stopGradient = tf.customGrad(((x: tf.Tensor) => ({
  value: x.clone(),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as <T extends tf.Tensor>(
  x: T,
) => T;
