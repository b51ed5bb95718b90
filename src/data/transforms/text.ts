/** truncatePad: fixes token sequences [n, length] to `length` ids, cutting or padding with padId. */
import * as tf from "@tensorflow/tfjs";
import { ConfigError, show } from "../../errors.js";
import { num, z } from "../../util/schema.js";
import type { Transform } from "../types.js";
import { transformOptions } from "./common.js";

export const truncatePadSchema = z.strictObject({
  length: num.count(),
  padId: num.index().optional(),
});

export function truncatePad(length: number, padId = 0): Transform {
  const L = transformOptions("truncatePad", truncatePadSchema, { length, padId }).length;
  return {
    name: "truncatePad",
    options: { length, padId },
    outputShape(shape) {
      if (shape.length !== 1)
        throw new ConfigError(
          `Transform "truncatePad": needs token samples [length], got ${show(shape)}.`,
          {
            field: "inputShape",
            value: shape,
            expected: "[length]",
          },
        );
      return [L];
    },
    apply(x) {
      const cur = x.shape[1]!;
      if (cur === L) return x;
      if (cur > L) return tf.slice(x, [0, 0], [-1, L]);
      return tf.pad(
        x,
        [
          [0, 0],
          [0, L - cur],
        ],
        padId,
      );
    },
  };
}
