/**
 * channels: adapts the channel count so tasks with grey and colour images share a backbone.
 * 1 -> 3 repeats the grey channel; 3 -> 1 takes the luminance 0.299 R + 0.587 G + 0.114 B.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError, show } from "../../errors.js";
import { z } from "../../util/schema.js";
import type { Transform } from "../types.js";
import { imageShape, transformOptions } from "./common.js";

export const channelsSchema = z.strictObject({ to: z.union([z.literal(1), z.literal(3)]) });

export function channels(to: 1 | 3): Transform {
  transformOptions("channels", channelsSchema, { to });
  return {
    name: "channels",
    options: { to },
    outputShape(shape) {
      const [h, w, c] = imageShape("channels", shape);
      if (c !== to && c !== 1 && c !== 3)
        throw new ConfigError(`Transform "channels": cannot adapt ${c} channels to ${to}.`, {
          field: "inputShape",
          value: shape,
          expected: "1 or 3 input channels",
        });
      return [h, w, to];
    },
    apply(x) {
      const c = x.shape[3];
      if (c === to) return tf.cast(x, "float32");
      if (to === 3) return tf.tile(x, [1, 1, 1, 3]);
      return tf.sum(tf.mul(tf.cast(x, "float32"), tf.tensor1d([0.299, 0.587, 0.114])), 3, true);
    },
  };
}
