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
    toLayers: () => {
      // ReLU with a ceiling is the layers' clip to [0, vocabSize - 1]
      const clip = tf.layers.reLU({ maxValue: vocabSize - 1 });
      const layer = tf.layers.embedding({
        inputDim: vocabSize,
        outputDim: dim,
        name: f.prefix,
        weights: [table],
      });
      return (x) => layer.apply(clip.apply(x)) as tf.SymbolicTensor;
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
    toLayers: () => {
      const layer = tf.layers.conv1d({
        filters,
        kernelSize,
        padding: "same",
        activation: "relu",
        name: f.prefix,
        weights: [kernel, bias],
      });
      return (x) => layer.apply(x) as tf.SymbolicTensor;
    },
  };
}
