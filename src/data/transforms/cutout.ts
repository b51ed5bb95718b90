/**
 * cutout (DeVries & Taylor 2017): in training, sets a size x size square at a random centre
 * of each image (clipped at the borders) to `fill`, with probability p per sample.
 */
import * as tf from "@tensorflow/tfjs";
import type { Random } from "../../util/random.js";
import type { Transform } from "../types.js";
import { checkNumber, imageShape } from "./common.js";

export function cutout(size: number, p = 1, fill = 0): Transform {
  const s = checkNumber(
    "cutout",
    "size",
    size,
    (n) => Number.isInteger(n) && n > 0,
    "an integer > 0",
  );
  const prob = checkNumber("cutout", "p", p, (n) => n >= 0 && n <= 1, "a probability in [0, 1]");
  return {
    name: "cutout",
    outputShape(shape) {
      imageShape("cutout", shape);
      return [...shape];
    },
    apply(x, random: Random, training) {
      if (!training) return x;
      const [n, h, w] = x.shape as number[];
      const keep = new Float32Array(n * h * w).fill(1);
      for (let i = 0; i < n; i++) {
        if (random.next() >= prob) continue;
        const cy = random.int(h);
        const cx = random.int(w);
        const y0 = Math.max(0, cy - Math.floor(s / 2));
        const x0 = Math.max(0, cx - Math.floor(s / 2));
        for (let yy = y0; yy < Math.min(h, y0 + s); yy++)
          keep.fill(0, i * h * w + yy * w + x0, i * h * w + yy * w + Math.min(w, x0 + s));
      }
      const k = tf.tensor4d(keep, [n, h, w, 1]);
      return tf.add(tf.mul(tf.cast(x, "float32"), k), tf.mul(tf.sub(1, k), fill));
    },
  };
}
