/**
 * randomShift and randomRotation: per-sample geometric augmentation drawn from the seeded
 * Random; the identity outside training. Pixels moved in from outside the image are `fill`.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Random } from "../../util/random.js";
import { num, z } from "../../util/schema.js";
import type { Transform } from "../types.js";
import { imageShape, transformOptions } from "./common.js";
import { copyShifted, mapImages } from "./pixels.js";

/** Shifts each image by a whole number of pixels in [-maxPixels, maxPixels] on each axis. */
export const randomShiftSchema = z.strictObject({
  maxPixels: num.index(),
  fill: z.number().optional(),
});

export function randomShift(maxPixels: number, fill = 0): Transform {
  const m = transformOptions("randomShift", randomShiftSchema, { maxPixels, fill }).maxPixels;
  return {
    name: "randomShift",
    options: { maxPixels, fill },
    outputShape(shape) {
      imageShape("randomShift", shape);
      return [...shape];
    },
    apply(x: tf.Tensor, random: Random, training: boolean) {
      if (!training || m === 0) return x;
      return mapImages(x, { h: x.shape[1]!, w: x.shape[2]! }, (src, dst) => {
        for (let i = 0; i < src.n; i++) {
          const dx = random.int(2 * m + 1) - m;
          const dy = random.int(2 * m + 1) - m;
          copyShifted(src, dst, i, -dy, -dx, fill);
        }
      });
    },
  };
}

/**
 * Rotates each image about its centre by an angle uniform in [-maxDegrees, maxDegrees],
 * sampling bilinearly.
 */
export const randomRotationSchema = z.strictObject({
  maxDegrees: num.nonNegative().max(180),
  fill: z.number().optional(),
});

export function randomRotation(maxDegrees: number, fill = 0): Transform {
  const m = transformOptions("randomRotation", randomRotationSchema, {
    maxDegrees,
    fill,
  }).maxDegrees;
  return {
    name: "randomRotation",
    options: { maxDegrees, fill },
    outputShape(shape) {
      imageShape("randomRotation", shape);
      return [...shape];
    },
    apply(x: tf.Tensor, random: Random, training: boolean) {
      if (!training || m === 0) return x;
      return mapImages(x, { h: x.shape[1]!, w: x.shape[2]! }, (src, dst) => {
        const { h, w, c, data } = src;
        const cx = (w - 1) / 2;
        const cy = (h - 1) / 2;
        const at = (base: number, yy: number, xx: number, k: number) =>
          yy < 0 || yy >= h || xx < 0 || xx >= w ? fill : data[base + (yy * w + xx) * c + k];
        for (let i = 0; i < src.n; i++) {
          const a = ((random.next() * 2 - 1) * m * Math.PI) / 180;
          const cos = Math.cos(a);
          const sin = Math.sin(a);
          const base = i * h * w * c;
          for (let y = 0; y < h; y++)
            for (let x = 0; x < w; x++) {
              // the source point that lands on (y, x) after rotating by `a`
              const sx = cos * (x - cx) + sin * (y - cy) + cx;
              const sy = -sin * (x - cx) + cos * (y - cy) + cy;
              const x0 = Math.floor(sx);
              const y0 = Math.floor(sy);
              const fx = sx - x0;
              const fy = sy - y0;
              for (let k = 0; k < c; k++) {
                const top = at(base, y0, x0, k) * (1 - fx) + at(base, y0, x0 + 1, k) * fx;
                const bottom =
                  at(base, y0 + 1, x0, k) * (1 - fx) + at(base, y0 + 1, x0 + 1, k) * fx;
                dst.data[base + (y * w + x) * c + k] = top * (1 - fy) + bottom * fy;
              }
            }
        }
      });
    },
  };
}
