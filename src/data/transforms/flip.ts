/** randomFlip: mirrors each image left-right (and/or up-down) with probability p, in training. */
import type * as tf from "@tensorflow/tfjs";
import type { Random } from "../../util/random.js";
import { num, z } from "../../util/schema.js";
import type { Transform } from "../types.js";
import { imageShape, transformOptions } from "./common.js";
import { mapImages } from "./pixels.js";

export interface FlipArgs {
  /** Mirror left-right. Defaults to true. */
  horizontal?: boolean;
  /** Mirror up-down. Defaults to false. */
  vertical?: boolean;
  /** Probability per sample and axis. Defaults to 0.5. */
  p?: number;
}

export const randomFlipSchema = z.strictObject({
  horizontal: z.boolean().optional(),
  vertical: z.boolean().optional(),
  p: num.probability().optional(),
});

export function randomFlip(args: FlipArgs = {}): Transform {
  transformOptions("randomFlip", randomFlipSchema, args);
  const prob = args.p ?? 0.5;
  const horizontal = args.horizontal ?? true;
  const vertical = args.vertical ?? false;
  return {
    name: "randomFlip",
    options: { ...args },
    outputShape(shape) {
      imageShape("randomFlip", shape);
      return [...shape];
    },
    apply(x: tf.Tensor, random: Random, training: boolean) {
      if (!training || (!horizontal && !vertical)) return x;
      return mapImages(x, { h: x.shape[1]!, w: x.shape[2]! }, (src, dst) => {
        const { h, w, c, data } = src;
        for (let i = 0; i < src.n; i++) {
          const fx = horizontal && random.next() < prob;
          const fy = vertical && random.next() < prob;
          const base = i * h * w * c;
          for (let y = 0; y < h; y++) {
            const sy = fy ? h - 1 - y : y;
            for (let x = 0; x < w; x++) {
              const sx = fx ? w - 1 - x : x;
              const s = base + (sy * w + sx) * c;
              const d = base + (y * w + x) * c;
              for (let k = 0; k < c; k++) dst.data[d + k] = data[s + k];
            }
          }
        }
      });
    },
  };
}
