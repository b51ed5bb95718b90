/** Token embedding: int32 ids [n, len] -> [n, len, dim]. */
import * as tf from "@tensorflow/tfjs";
import type { Module, ParamFactory, Shape } from "../params.js";

export function embedding(
  f: ParamFactory,
  inputShape: Shape,
  vocabSize: number,
  dim: number,
): Module {
  const table = f.weight("embeddings", [vocabSize, dim], "embedding");
  return {
    outputShape: [...inputShape, dim],
    apply: (x) => {
      const ids = tf.clipByValue(x, 0, vocabSize - 1).toInt();
      const flat = ids.reshape([-1]);
      return tf.gather(table, flat).reshape([-1, ...inputShape, dim]);
    },
  };
}

/** 1-D convolution over tokens: [n, len, d] -> [n, len, filters], "same" padding. */
export function conv1d(
  f: ParamFactory,
  inputShape: Shape,
  filters: number,
  kernelSize: number,
): Module {
  const [len, d] = inputShape;
  const kernel = f.weight("kernel", [kernelSize, d, filters], "heNormal");
  const bias = f.weight("bias", [filters], "zeros");
  return {
    outputShape: [len, filters],
    apply: (x) =>
      tf.relu(tf.add(tf.conv1d(x as tf.Tensor3D, kernel as tf.Tensor3D, 1, "same"), bias)),
  };
}
