/**
 * randomCrop: pads by `padding` (zeros) then takes a random [height, width] window per sample
 * (the CIFAR recipe); outside training it takes the centre window, so shapes always agree.
 */
import type * as tf from "@tensorflow/tfjs";
import { ConfigError, show } from "../../errors.js";
import type { Random } from "../../util/random.js";
import { num, z } from "../../util/schema.js";
import type { Transform } from "../types.js";
import { imageShape, size2, transformOptions } from "./common.js";
import { copyShifted, mapImages } from "./pixels.js";

export const randomCropSchema = z.strictObject({ size: size2, padding: num.index().optional() });

export function randomCrop(size: readonly [number, number], padding = 0): Transform {
  const o = transformOptions("randomCrop", randomCropSchema, { size, padding });
  const [ch, cw] = o.size;
  const p = padding;
  return {
    name: "randomCrop",
    options: { size, padding },
    outputShape(shape) {
      const [h, w, c] = imageShape("randomCrop", shape);
      if (ch > h + 2 * p || cw > w + 2 * p)
        throw new ConfigError(
          `Transform "randomCrop": ${show(size)} is larger than the padded image.`,
          {
            field: "size",
            value: size,
            expected: `at most [${h + 2 * p}, ${w + 2 * p}]`,
          },
        );
      return [ch, cw, c];
    },
    apply(x: tf.Tensor, random: Random, training: boolean) {
      const H = x.shape[1]! + 2 * p;
      const W = x.shape[2]! + 2 * p;
      return mapImages(x, { h: ch, w: cw }, (src, dst) => {
        for (let i = 0; i < src.n; i++) {
          // window origin in padded coordinates
          const oy = training ? random.int(H - ch + 1) : Math.floor((H - ch) / 2);
          const ox = training ? random.int(W - cw + 1) : Math.floor((W - cw) / 2);
          copyShifted(src, dst, i, oy - p, ox - p, 0);
        }
      });
    },
  };
}
