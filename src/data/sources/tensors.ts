/** `datasets.fromTensors({ x, y, ... })`: a Dataset from tensors (read once; not disposed). */
import * as tf from "@tensorflow/tfjs";
import { ConfigError, show } from "../../errors.js";
import { checkDatasetArgs } from "../args.js";
import { type FromArraysArgs, fromArrays } from "../from-arrays.js";
import type { Dataset } from "../types.js";
import { dataFail } from "../validate.js";

export interface FromTensorsArgs extends Omit<FromArraysArgs, "x" | "y" | "mask" | "inputShape"> {
  /** Inputs [n, ...inputShape]. */
  x: tf.Tensor;
  /** Labels [n] (class indices) or [n, labelSize]. */
  y: tf.Tensor;
  /** Optional [n] mask, 1 = label present. */
  mask?: tf.Tensor;
}

export function fromTensors(args: FromTensorsArgs): Dataset {
  checkDatasetArgs("fromTensors", args);
  const name = args?.name ?? "tensors";
  for (const f of ["x", "y"] as const)
    if (!(args?.[f] instanceof tf.Tensor))
      throw new ConfigError(`Dataset "${name}": ${f} is ${show(args?.[f])}, not a tensor.`, {
        task: name,
        field: f,
        value: args?.[f],
        expected: "a tf.Tensor",
      });
  const { x, y, mask, ...rest } = args;
  if (x.shape[0] !== y.shape[0])
    dataFail(name, "x", `has ${x.shape[0]} samples but y has ${y.shape[0]}`, {
      value: x.shape[0],
      expected: `${y.shape[0]} samples, one per label`,
    });
  const yData = y.dataSync();
  const yRank = y.shape.length;
  const per = yRank <= 1 ? 1 : y.size / y.shape[0]!;
  const yArg =
    yRank <= 1
      ? Array.from(yData)
      : Array.from({ length: y.shape[0]! }, (_, i) =>
          Array.from(yData.subarray(i * per, (i + 1) * per)),
        );
  return fromArrays({
    ...rest,
    name,
    x: x.dtype === "int32" ? Int32Array.from(x.dataSync()) : Float32Array.from(x.dataSync()),
    inputShape: x.shape.length > 1 ? x.shape.slice(1) : [1],
    y: yArg as number[],
    ...(mask ? { mask: Array.from(mask.dataSync()) } : {}),
    inputDtype: x.dtype === "int32" ? "int32" : "float32",
  });
}
