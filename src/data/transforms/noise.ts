/**
 * gaussianNoise: adds N(0, std^2) noise to every value in training, drawn from the seeded
 * Random in JavaScript (identical on every backend); optionally clipped to [min, max].
 */
import * as tf from "@tensorflow/tfjs";
import type { Random } from "../../util/random.js";
import type { Transform } from "../types.js";
import { checkNumber } from "./common.js";

export function gaussianNoise(std: number, clip?: readonly [number, number]): Transform {
  const s = checkNumber("gaussianNoise", "std", std, (n) => n >= 0, "a number >= 0");
  return {
    name: "gaussianNoise",
    outputShape: (shape) => [...shape],
    apply(x, random: Random, training) {
      if (!training || s === 0) return x;
      const noise = new Float32Array(x.size);
      for (let i = 0; i < noise.length; i++) noise[i] = random.normal() * s;
      const y = tf.add(tf.cast(x, "float32"), tf.tensor(noise, x.shape, "float32"));
      return clip ? tf.clipByValue(y, clip[0], clip[1]) : y;
    },
  };
}
