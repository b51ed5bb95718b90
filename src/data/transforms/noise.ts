/**
 * gaussianNoise: adds N(0, std^2) noise to every value in training, drawn from the seeded
 * Random in JavaScript (identical on every backend); optionally clipped to [min, max].
 */
import * as tf from "@tensorflow/tfjs";
import type { Random } from "../../util/random.js";
import { num, z } from "../../util/schema.js";
import type { Transform } from "../types.js";
import { transformOptions } from "./common.js";

export const gaussianNoiseSchema = z.strictObject({
  std: num.nonNegative(),
  clip: z
    .tuple([z.number(), z.number()])
    .readonly()
    .refine(([lo, hi]) => lo <= hi, "[min, max] with min <= max")
    .optional(),
});

export function gaussianNoise(std: number, clip?: readonly [number, number]): Transform {
  const s = transformOptions("gaussianNoise", gaussianNoiseSchema, { std, clip }).std;
  return {
    name: "gaussianNoise",
    options: { std, clip },
    outputShape: (shape) => [...shape],
    apply(x: tf.Tensor, random: Random, training: boolean) {
      if (!training || s === 0) return x;
      const src = x.dataSync();
      const out = new Float32Array(src.length);
      const [lo, hi] = clip ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
      for (let i = 0; i < out.length; i += 2) {
        // Box-Muller: two normals from two uniforms
        let u = random.next();
        while (u === 0) u = random.next();
        const r = Math.sqrt(-2 * Math.log(u)) * s;
        const t = 2 * Math.PI * random.next();
        out[i] = Math.min(hi, Math.max(lo, src[i] + r * Math.cos(t)));
        if (i + 1 < out.length)
          out[i + 1] = Math.min(hi, Math.max(lo, src[i + 1] + r * Math.sin(t)));
      }
      return tf.tensor(out, x.shape, "float32");
    },
  };
}
