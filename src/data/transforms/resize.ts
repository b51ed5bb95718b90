/** resize: images to [height, width], bilinear (default) or nearest-neighbour. */
import * as tf from "@tensorflow/tfjs";
import type { Transform } from "../types.js";
import { checkSize, imageShape } from "./common.js";

export function resize(
  size: readonly [number, number],
  method: "bilinear" | "nearest" = "bilinear",
): Transform {
  const [h, w] = checkSize("resize", "size", size);
  return {
    name: "resize",
    outputShape(shape) {
      const [, , c] = imageShape("resize", shape);
      return [h, w, c];
    },
    apply(x) {
      const img = tf.cast(x, "float32") as tf.Tensor4D;
      return method === "nearest"
        ? tf.image.resizeNearestNeighbor(img, [h, w])
        : tf.image.resizeBilinear(img, [h, w]);
    },
  };
}
