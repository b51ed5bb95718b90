/**
 * randomCrop: pads by `padding` then takes a random [height, width] window per sample
 * (the CIFAR recipe); outside training it takes the centre window, so shapes always agree.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError, show } from "../../errors.js";
import type { Random } from "../../util/random.js";
import type { Transform } from "../types.js";
import { checkNumber, checkSize, imageShape } from "./common.js";

export function randomCrop(size: readonly [number, number], padding = 0): Transform {
  const [ch, cw] = checkSize("randomCrop", "size", size);
  const p = checkNumber(
    "randomCrop",
    "padding",
    padding,
    (n) => Number.isInteger(n) && n >= 0,
    "an integer >= 0",
  );
  return {
    name: "randomCrop",
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
    apply(x, random: Random, training) {
      const padded =
        p > 0
          ? tf.pad(x, [
              [0, 0],
              [p, p],
              [p, p],
              [0, 0],
            ])
          : x;
      const [n, H, W, c] = padded.shape as number[];
      if (!training)
        return tf.slice(
          padded,
          [0, Math.floor((H - ch) / 2), Math.floor((W - cw) / 2), 0],
          [-1, ch, cw, -1],
        );
      const crops: tf.Tensor[] = [];
      for (let i = 0; i < n; i++) {
        const oy = random.int(H - ch + 1);
        const ox = random.int(W - cw + 1);
        crops.push(tf.slice(padded, [i, oy, ox, 0], [1, ch, cw, c]));
      }
      return tf.concat(crops, 0);
    },
  };
}
