/** pad: a constant border around images; centerCrop: the central [height, width] window. */
import * as tf from "@tensorflow/tfjs";
import { ConfigError, show } from "../../errors.js";
import type { Transform } from "../types.js";
import { checkNumber, checkSize, imageShape } from "./common.js";

export function pad(pixels: number, value = 0): Transform {
  const p = checkNumber(
    "pad",
    "pixels",
    pixels,
    (n) => Number.isInteger(n) && n >= 0,
    "an integer >= 0",
  );
  return {
    name: "pad",
    outputShape(shape) {
      const [h, w, c] = imageShape("pad", shape);
      return [h + 2 * p, w + 2 * p, c];
    },
    apply: (x) =>
      tf.pad(
        x,
        [
          [0, 0],
          [p, p],
          [p, p],
          [0, 0],
        ],
        value,
      ),
  };
}

export function centerCrop(size: readonly [number, number]): Transform {
  const [ch, cw] = checkSize("centerCrop", "size", size);
  return {
    name: "centerCrop",
    outputShape(shape) {
      const [h, w, c] = imageShape("centerCrop", shape);
      if (ch > h || cw > w)
        throw new ConfigError(
          `Transform "centerCrop": ${show(size)} is larger than the image ${show(shape)}.`,
          {
            field: "size",
            value: size,
            expected: `at most [${h}, ${w}]`,
          },
        );
      return [ch, cw, c];
    },
    apply(x) {
      const [, h, w] = x.shape;
      return tf.slice(
        x,
        [0, Math.floor((h! - ch) / 2), Math.floor((w! - cw) / 2), 0],
        [-1, ch, cw, -1],
      );
    },
  };
}
