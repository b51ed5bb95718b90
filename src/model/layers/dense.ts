/** A fully connected layer, `x @ kernel + bias`, on the last axis. */
import * as tf from "@tensorflow/tfjs";
import type { Module, ParamFactory, Shape } from "../params.js";

export type Activation = "relu" | "linear" | "tanh" | "sigmoid";

export function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case "relu":
      return tf.relu(x);
    case "tanh":
      return tf.tanh(x);
    case "sigmoid":
      return tf.sigmoid(x);
    default:
      return x;
  }
}

export function dense(
  f: ParamFactory,
  inputShape: Shape,
  units: number,
  activation: Activation = "linear",
  /** The layer reads the model's input: plain ops, so no gradient is computed for the data. */
  readsInput = false,
): Module {
  const inDim = inputShape[inputShape.length - 1];
  const kernel = f.weight(
    "kernel",
    [inDim, units],
    activation === "relu" ? "heNormal" : "glorotUniform",
  );
  const bias = f.weight("bias", [units], "zeros");
  const outputShape = [...inputShape.slice(0, -1), units];
  return {
    outputShape,
    apply: (x) => {
      const flat = x.rank === 2 ? (x as tf.Tensor2D) : x.reshape([-1, inDim]);
      if (readsInput) {
        const y = tf.add(tf.matMul(flat as tf.Tensor2D, kernel as tf.Tensor2D), bias);
        return activate(x.rank === 2 ? y : y.reshape([-1, ...outputShape]), activation);
      }
      // matmul + bias as one fused kernel (tfjs only fuses a linear activation under a gradient tape)
      const y = tf.fused.matMul({
        a: flat as tf.Tensor2D,
        b: kernel as tf.Tensor2D,
        bias,
        activation: "linear",
      });
      const out = x.rank === 2 ? y : y.reshape([-1, ...outputShape]);
      return activate(out, activation);
    },
    toLayers: () => {
      const layer = tf.layers.dense({ units, activation, name: f.prefix, weights: [kernel, bias] });
      return (x) => layer.apply(x) as tf.SymbolicTensor;
    },
  };
}

/** Flattens all but the batch axis. */
export function flatten(inputShape: Shape): Module {
  const n = inputShape.reduce((a, b) => a * b, 1);
  return {
    outputShape: [n],
    apply: (x) => x.reshape([-1, n]),
    toLayers: () => {
      if (inputShape.length === 1) return (x) => x;
      const layer = tf.layers.flatten();
      return (x) => layer.apply(x) as tf.SymbolicTensor;
    },
  };
}

/** ReLU as a module. */
export function relu(shape: Shape): Module {
  return {
    outputShape: shape,
    apply: (x) => tf.relu(x),
    toLayers: () => {
      const layer = tf.layers.activation({ activation: "relu" });
      return (x) => layer.apply(x) as tf.SymbolicTensor;
    },
  };
}
