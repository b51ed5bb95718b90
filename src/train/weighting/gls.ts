/**
 * GLS (Geometric Loss Strategy): Chennupati et al., "MultiNet++: Multi-Stream Feature
 * Aggregation and Geometric Loss Strategy for Multi-Task Learning", CVPR Workshops 2019. The
 * combined loss is the geometric mean of the task losses, `(prod_i L_i)^(1/T)` (over the tasks
 * in the step), computed as `exp(mean_i log L_i)`; the logged weight of task i is the derivative
 * `GLS / (T L_i)`. Tasks must have positive losses (a zero loss zeroes the product).
 */
import * as tf from "@tensorflow/tfjs";
import { z } from "../../util/schema.js";
import { stopGradient } from "../../util/tf.js";
import { activeMask, defineStrategy, options } from "./define.js";
import type { WeightingStrategy } from "./types.js";

export type GlsArgs = Record<string, never>;

export const glsSchema = z.strictObject({});

export function gls(args: GlsArgs = {}): WeightingStrategy<GlsArgs> {
  options("gls", glsSchema, args);
  return defineStrategy("gls", "losses", {}, () => ({
    needs: "losses",
    variables: [],
    combineLosses: (losses, ctx) => {
      const on = activeMask(ctx);
      const n = on.reduce((a, b) => a + b, 0);
      const mask = tf.tensor1d(on);
      // absent tasks enter as log 1 = 0 and are not counted
      const logs = tf.mul(mask, tf.log(tf.add(tf.mul(mask, losses), tf.sub(1, mask))));
      const loss = tf.exp(tf.div(tf.sum(logs), n)) as tf.Scalar;
      const weights = stopGradient(
        tf.div(tf.mul(mask, loss), tf.mul(n, tf.add(tf.mul(mask, losses), tf.sub(1, mask)))),
      ) as tf.Tensor1D;
      return { loss, weights };
    },
    getState: () => ({}),
    setState: () => {},
    dispose: () => {},
  }));
}
