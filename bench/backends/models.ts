/**
 * The benchmark's models, built with tf.layers, and one SGD training step via tf.variableGrads:
 * a LeNet-style two-head CNN and a 3-layer MLP, with their analytic FLOPs per step.
 */
import * as tf from "@tensorflow/tfjs";

export interface BenchModel {
  name: string;
  model: tf.LayersModel;
  /** Input shape without the batch axis. */
  inputShape: number[];
  heads: number;
  /** Multiply-adds x 2 of one training step (forward + all needed backward products) per sample. */
  flopsPerSample: number;
}

/** LeNet-style two-head CNN: conv 10@9x9, pool, conv 20@5x5, pool, fc 50, two 10-way heads. */
export function lenetTwoHead(seed = 1): BenchModel {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed + s });
  const input = tf.input({ shape: [28, 28, 1] });
  let h = tf.layers
    .conv2d({ filters: 10, kernelSize: 9, activation: "relu", kernelInitializer: init(1) })
    .apply(input) as tf.SymbolicTensor;
  h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers
    .conv2d({ filters: 20, kernelSize: 5, activation: "relu", kernelInitializer: init(2) })
    .apply(h) as tf.SymbolicTensor;
  h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  h = tf.layers
    .dense({ units: 50, activation: "relu", kernelInitializer: init(3) })
    .apply(h) as tf.SymbolicTensor;
  const a = tf.layers
    .dense({ units: 10, kernelInitializer: init(4) })
    .apply(h) as tf.SymbolicTensor;
  const b = tf.layers
    .dense({ units: 10, kernelInitializer: init(5) })
    .apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [a, b] });
  // conv1: 20x20 outputs, 9*9*1 taps, 10 channels; conv2: 6x6 outputs, 5*5*10 taps, 20 channels.
  const conv1 = 20 * 20 * 81 * 10;
  const conv2 = 6 * 6 * 250 * 20;
  const dense = 180 * 50 + 2 * 50 * 10;
  // forward + filter gradient for every layer, input gradient for all but the first conv.
  const macs = 2 * conv1 + 3 * conv2 + 3 * dense;
  return { name: "cnn", model, inputShape: [28, 28, 1], heads: 2, flopsPerSample: 2 * macs };
}

/** 3-layer MLP on flattened 28x28 images: 784-512-512-10. */
export function mlp(seed = 1): BenchModel {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed + s });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [784],
        units: 512,
        activation: "relu",
        kernelInitializer: init(1),
      }),
      tf.layers.dense({ units: 512, activation: "relu", kernelInitializer: init(2) }),
      tf.layers.dense({ units: 10, kernelInitializer: init(3) }),
    ],
  });
  const macs = 2 * 784 * 512 + 3 * 512 * 512 + 3 * 512 * 10;
  return { name: "mlp", model, inputShape: [784], heads: 1, flopsPerSample: 2 * macs };
}

/** One SGD step on (x, labels per head); returns the loss value. */
export function trainStep(
  bench: BenchModel,
  optimizer: tf.Optimizer,
  x: tf.Tensor,
  labels: tf.Tensor[],
): number {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const out = bench.model.apply(x, { training: true }) as tf.Tensor | tf.Tensor[];
      const outs = Array.isArray(out) ? out : [out];
      const losses = outs.map((logits, i) =>
        tf.losses.softmaxCrossEntropy(labels[i] as tf.Tensor, logits),
      );
      return tf.addN(losses) as tf.Scalar;
    });
    optimizer.applyGradients(grads);
    return value.dataSync()[0] as number;
  });
}
