/**
 * Inverted dropout whose masks come from polytask's seeded RNG rather than tf.random, so that
 * a seed reproduces the same masks on every backend and a resumed run draws the same ones.
 */
import * as tf from "@tensorflow/tfjs";
import type { ForwardContext, Module, Shape } from "../params.js";

export function applyDropout(x: tf.Tensor, rate: number, ctx: ForwardContext): tf.Tensor {
  if (!ctx.training || rate <= 0 || ctx.random === undefined) return x;
  const n = x.size;
  const mask = new Float32Array(n);
  const keep = 1 / (1 - rate);
  for (let i = 0; i < n; i++) mask[i] = ctx.random.next() >= rate ? keep : 0;
  return tf.mul(x, tf.tensor(mask, x.shape));
}

export function dropout(inputShape: Shape, rate: number): Module {
  // inference is the identity, and that is what an export computes
  return {
    outputShape: inputShape,
    apply: (x, ctx) => applyDropout(x, rate, ctx),
    toLayers: () => (x) => x,
  };
}
