/**
 * Per-task input adapters: when a task's inputs differ from the model input (1 vs 3 channels,
 * 28 vs 32 px, a different feature count) a small adapter maps them in front of the shared
 * backbone. "image": bilinear resize to the model's height x width, then a learned 1x1
 * convolution when the channel counts differ. "dense": flatten + a learned linear map to the
 * model input size, reshaped. "auto" picks "image" for rank-3 to rank-3 and "dense" otherwise.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../errors.js";
import { conv2d } from "./layers/conv.js";
import { dense } from "./layers/dense.js";
import { type Module, type ParamFactory, type Shape, sizeOf } from "./params.js";

export type AdapterKind = "auto" | "image" | "dense";

export function makeAdapter(
  task: string,
  from: Shape,
  to: Shape,
  kind: AdapterKind,
  f: ParamFactory,
): Module {
  const k = kind === "auto" ? (from.length === 3 && to.length === 3 ? "image" : "dense") : kind;
  if (k === "image") {
    if (from.length !== 3 || to.length !== 3)
      throw new ConfigError(
        `Task "${task}": an image adapter maps [h, w, c] inputs, got [${from}] -> [${to}].`,
        { task, field: "adapter", value: from, expected: "rank-3 input and model shapes" },
      );
    const [h, w, c] = to;
    const proj =
      from[2] !== c
        ? conv2d(f.scope("proj"), [h, w, from[2]], c, 1, { activation: "linear" })
        : undefined;
    return {
      outputShape: to,
      apply: (x, ctx) => {
        const r =
          from[0] === h && from[1] === w ? x : tf.image.resizeBilinear(x as tf.Tensor4D, [h, w]);
        return proj ? proj.apply(r, ctx) : r;
      },
    };
  }
  const lin = dense(f.scope("proj"), [sizeOf(from)], sizeOf(to), "linear");
  return {
    outputShape: to,
    apply: (x, ctx) => lin.apply(x.toFloat().reshape([-1, sizeOf(from)]), ctx).reshape([-1, ...to]),
  };
}
