/** truncatePad: fixes token sequences [n, length] to `length` ids, cutting or padding with padId. */
import * as tf from "@tensorflow/tfjs";
import { ConfigError, show } from "../../errors.js";
import type { Transform } from "../types.js";
import { checkNumber } from "./common.js";

export function truncatePad(length: number, padId = 0): Transform {
  const L = checkNumber(
    "truncatePad",
    "length",
    length,
    (n) => Number.isInteger(n) && n > 0,
    "an integer > 0",
  );
  return {
    name: "truncatePad",
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
