/**
 * randomShift and randomRotation: per-sample affine warps (tf.image.transform), drawn from the
 * seeded Random; the identity outside training. Pixels moved in from outside are `fill`.
 */
import * as tf from "@tensorflow/tfjs";
import type { Random } from "../../util/random.js";
import type { Transform } from "../types.js";
import { checkNumber, imageShape } from "./common.js";

/** Warps each image of [n, h, w, c] by its own 8-parameter projective transform (output -> input). */
function warp(
  x: tf.Tensor,
  params: Float32Array,
  interpolation: "nearest" | "bilinear",
  fill: number,
): tf.Tensor {
  const n = x.shape[0]!;
  return tf.image.transform(
    tf.cast(x, "float32") as tf.Tensor4D,
    tf.tensor2d(params, [n, 8]),
    interpolation,
    "constant",
    fill,
  );
}

/** Shifts each image by a whole number of pixels in [-maxPixels, maxPixels] on each axis. */
export function randomShift(maxPixels: number, fill = 0): Transform {
  const m = checkNumber(
    "randomShift",
    "maxPixels",
    maxPixels,
    (n) => Number.isInteger(n) && n >= 0,
    "an integer >= 0",
  );
  return {
    name: "randomShift",
    outputShape(shape) {
      imageShape("randomShift", shape);
      return [...shape];
    },
    apply(x, random: Random, training) {
      if (!training || m === 0) return x;
      const n = x.shape[0]!;
      const p = new Float32Array(n * 8);
      for (let i = 0; i < n; i++) {
        const dx = random.int(2 * m + 1) - m;
        const dy = random.int(2 * m + 1) - m;
        p.set([1, 0, -dx, 0, 1, -dy, 0, 0], i * 8);
      }
      return warp(x, p, "nearest", fill);
    },
  };
}

/** Rotates each image about its centre by an angle uniform in [-maxDegrees, maxDegrees]. */
export function randomRotation(maxDegrees: number, fill = 0): Transform {
  const m = checkNumber(
    "randomRotation",
    "maxDegrees",
    maxDegrees,
    (n) => n >= 0 && n <= 180,
    "degrees in [0, 180]",
  );
  return {
    name: "randomRotation",
    outputShape(shape) {
      imageShape("randomRotation", shape);
      return [...shape];
    },
    apply(x, random: Random, training) {
      if (!training || m === 0) return x;
      const [n, h, w] = x.shape as number[];
      const cx = (w - 1) / 2;
      const cy = (h - 1) / 2;
      const p = new Float32Array(n * 8);
      for (let i = 0; i < n; i++) {
        const a = ((random.next() * 2 - 1) * m * Math.PI) / 180;
        const cos = Math.cos(a);
        const sin = Math.sin(a);
        p.set(
          [cos, sin, cx - cos * cx - sin * cy, -sin, cos, cy + sin * cx - cos * cy, 0, 0],
          i * 8,
        );
      }
      return warp(x, p, "bilinear", fill);
    },
  };
}
