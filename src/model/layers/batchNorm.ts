/**
 * Batch normalisation over every axis but the last. In training it normalises with the batch
 * statistics and moves the running ones (momentum 0.99); in inference it uses the running ones.
 */
import * as tf from "@tensorflow/tfjs";
import type { Module, ParamFactory, Shape } from "../params.js";

export function batchNorm(f: ParamFactory, inputShape: Shape, momentum = 0.99, eps = 1e-3): Module {
  const c = inputShape[inputShape.length - 1];
  const gamma = f.weight("gamma", [c], "ones", { regularizable: false });
  const beta = f.weight("beta", [c], "zeros", { regularizable: false });
  const movingMean = f.weight("movingMean", [c], "zeros", { trainable: false });
  const movingVar = f.weight("movingVariance", [c], "ones", { trainable: false });
  const axes = inputShape.map((_, i) => i); // batch axis 0 plus all but the channel axis
  return {
    outputShape: inputShape,
    apply: (x, ctx) => {
      if (!ctx.training) {
        return tf.batchNorm(x, movingMean, movingVar, beta, gamma, eps);
      }
      const { mean, variance } = tf.moments(x, axes);
      if (ctx.updateStats !== false) {
        tf.tidy(() => {
          const m = tf.scalar(momentum);
          const m1 = tf.scalar(1 - momentum);
          movingMean.assign(tf.add(tf.mul(movingMean, m), tf.mul(mean, m1)));
          movingVar.assign(tf.add(tf.mul(movingVar, m), tf.mul(variance, m1)));
        });
      }
      return tf.batchNorm(x, mean, variance, beta, gamma, eps);
    },
    toLayers: () => {
      const layer = tf.layers.batchNormalization({
        axis: -1,
        momentum,
        epsilon: eps,
        name: f.prefix,
        weights: [gamma, beta, movingMean, movingVar],
      });
      return (x) => layer.apply(x) as tf.SymbolicTensor;
    },
  };
}
