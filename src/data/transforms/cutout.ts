/**
 * cutout (DeVries & Taylor 2017): in training, sets a size x size square at a random centre
 * of each image (clipped at the borders) to `fill`, with probability p per sample.
 */
import type * as tf from "@tensorflow/tfjs";
import type { Random } from "../../util/random.js";
import { num, z } from "../../util/schema.js";
import type { Transform } from "../types.js";
import { imageShape, transformOptions } from "./common.js";
import { mapImages } from "./pixels.js";

export const cutoutSchema = z.strictObject({
  size: num.count(),
  p: num.probability().optional(),
  fill: z.number().optional(),
});

export function cutout(size: number, p = 1, fill = 0): Transform {
  transformOptions("cutout", cutoutSchema, { size, p, fill });
  const s = size;
  const prob = p;
  return {
    name: "cutout",
    options: { size, p, fill },
    outputShape(shape) {
      imageShape("cutout", shape);
      return [...shape];
    },
    apply(x: tf.Tensor, random: Random, training: boolean) {
      if (!training) return x;
      return mapImages(x, { h: x.shape[1]!, w: x.shape[2]! }, (src, dst) => {
        const { h, w, c } = src;
        dst.data.set(src.data);
        for (let i = 0; i < src.n; i++) {
          if (random.next() >= prob) continue;
          const cy = random.int(h);
          const cx = random.int(w);
          const y0 = Math.max(0, cy - Math.floor(s / 2));
          const x0 = Math.max(0, cx - Math.floor(s / 2));
          const base = i * h * w * c;
          for (let y = y0; y < Math.min(h, y0 + s); y++)
            dst.data.fill(fill, base + (y * w + x0) * c, base + (y * w + Math.min(w, x0 + s)) * c);
        }
      });
    },
  };
}
