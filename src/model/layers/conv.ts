/** 2-D convolution (NHWC, "same" or "valid" padding) and pooling. */
import * as tf from "@tensorflow/tfjs";
import type { Module, ParamFactory, Shape } from "../params.js";
import { type Activation, activate } from "./dense.js";

export function conv2d(
  f: ParamFactory,
  inputShape: Shape,
  filters: number,
  kernelSize = 3,
  opts: {
    strides?: number;
    activation?: Activation;
    useBias?: boolean;
    /** "same" (default) keeps the spatial size at stride 1; "valid" uses only full windows. */
    padding?: "same" | "valid";
    /**
     * The layer reads the model's input. A fused convolution's gradient always computes the
     * input's gradient (tfjs implements it as one custom gradient); on data that is a wasted
     * backward convolution, so such a layer runs conv + bias + activation as plain ops, whose
     * gradients TensorFlow.js prunes when nothing needs them.
     */
    readsInput?: boolean;
  } = {},
): Module {
  const [h, w, c] = inputShape;
  const strides = opts.strides ?? 1;
  const pad = opts.padding ?? "same";
  const activation = opts.activation ?? "relu";
  const kernel = f.weight("kernel", [kernelSize, kernelSize, c, filters], "heNormal");
  const bias = opts.useBias === false ? undefined : f.weight("bias", [filters], "zeros");
  return {
    outputShape:
      pad === "same"
        ? [Math.ceil(h / strides), Math.ceil(w / strides), filters]
        : [
            Math.ceil((h - kernelSize + 1) / strides),
            Math.ceil((w - kernelSize + 1) / strides),
            filters,
          ],
    apply: (x) => {
      if (opts.readsInput) {
        const c = tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, strides, pad);
        return activate(bias ? tf.add(c, bias) : c, activation);
      }
      const y = tf.fused.conv2d({
        x: x as tf.Tensor4D,
        filter: kernel as tf.Tensor4D,
        strides,
        pad,
        bias,
        activation: "linear",
      });
      return activate(y, activation);
    },
    toLayers: () => {
      const layer = tf.layers.conv2d({
        filters,
        kernelSize,
        strides,
        padding: "same",
        activation,
        useBias: bias !== undefined,
        name: f.prefix,
        weights: bias ? [kernel, bias] : [kernel],
      });
      return (x) => layer.apply(x) as tf.SymbolicTensor;
    },
  };
}

export function maxPool(inputShape: Shape, size = 2): Module {
  const [h, w, c] = inputShape;
  return {
    outputShape: [Math.floor(h / size), Math.floor(w / size), c],
    apply: (x) => tf.maxPool(x as tf.Tensor4D, size, size, "valid"),
    toLayers: () => {
      const layer = tf.layers.maxPooling2d({ poolSize: size, strides: size, padding: "valid" });
      return (x) => layer.apply(x) as tf.SymbolicTensor;
    },
  };
}

/** Mean over the spatial axes: [n, h, w, c] -> [n, c]. */
export function globalAvgPool(inputShape: Shape): Module {
  return {
    outputShape: [inputShape[inputShape.length - 1]],
    apply: (x) => tf.mean(x, [1, 2]),
    toLayers: () => {
      const layer = tf.layers.globalAveragePooling2d({});
      return (x) => layer.apply(x) as tf.SymbolicTensor;
    },
  };
}
