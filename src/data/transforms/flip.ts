/** randomFlip: mirrors each image left-right (and/or up-down) with probability p, in training. */
import * as tf from "@tensorflow/tfjs";
import type { Random } from "../../util/random.js";
import type { Transform } from "../types.js";
import { checkNumber, imageShape } from "./common.js";

export interface FlipArgs {
  /** Mirror left-right. Defaults to true. */
  horizontal?: boolean;
  /** Mirror up-down. Defaults to false. */
  vertical?: boolean;
  /** Probability per sample and axis. Defaults to 0.5. */
  p?: number;
}

export function randomFlip(args: FlipArgs = {}): Transform {
  const prob = checkNumber(
    "randomFlip",
    "p",
    args.p ?? 0.5,
    (n) => n >= 0 && n <= 1,
    "a probability in [0, 1]",
  );
  const axes = [...((args.horizontal ?? true) ? [2] : []), ...(args.vertical ? [1] : [])];
  return {
    name: "randomFlip",
    outputShape(shape) {
      imageShape("randomFlip", shape);
      return [...shape];
    },
    apply(x, random: Random, training) {
      if (!training) return x;
      const n = x.shape[0]!;
      let out = tf.cast(x, "float32");
      for (const axis of axes) {
        const m = new Float32Array(n);
        for (let i = 0; i < n; i++) m[i] = random.next() < prob ? 1 : 0;
        const mt = tf.tensor4d(m, [n, 1, 1, 1]);
        out = tf.add(tf.mul(mt, tf.reverse(out, axis)), tf.mul(tf.sub(1, mt), out));
      }
      return out;
    },
  };
}
