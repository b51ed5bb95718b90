/** pad: a constant border around images; centerCrop: the central [height, width] window. */
import * as tf from "@tensorflow/tfjs";
import { ConfigError, show } from "../../errors.js";
import { num, z } from "../../util/schema.js";
import type { Transform } from "../types.js";
import { imageShape, size2, transformOptions } from "./common.js";

export const padSchema = z.strictObject({ pixels: num.index(), value: z.number().optional() });

export function pad(pixels: number, value = 0): Transform {
  const p = transformOptions("pad", padSchema, { pixels, value }).pixels;
  return {
    name: "pad",
    options: { pixels, value },
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

export const centerCropSchema = z.strictObject({ size: size2 });

export function centerCrop(size: readonly [number, number]): Transform {
  const [ch, cw] = transformOptions("centerCrop", centerCropSchema, { size }).size;
  return {
    name: "centerCrop",
    options: { size },
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
