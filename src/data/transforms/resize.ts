/** resize: images to [height, width], bilinear (default) or nearest-neighbour. */
import * as tf from "@tensorflow/tfjs";
import { z } from "../../util/schema.js";
import type { Transform } from "../types.js";
import { imageShape, size2, transformOptions } from "./common.js";

export const resizeSchema = z.strictObject({
  size: size2,
  method: z.enum(["bilinear", "nearest"]).optional(),
});

export function resize(
  size: readonly [number, number],
  method: "bilinear" | "nearest" = "bilinear",
): Transform {
  const [h, w] = transformOptions("resize", resizeSchema, { size, method }).size;
  return {
    name: "resize",
    options: { size, method },
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
