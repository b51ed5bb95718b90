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
import { type LayerFn, type Module, type ParamFactory, type Shape, sizeOf } from "./params.js";

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
      toLayers: () => {
        const resize =
          from[0] === h && from[1] === w ? undefined : resizeLayers(from, to, f.prefix);
        const p = proj?.toLayers?.();
        return (x) => {
          const r = resize ? resize(x) : x;
          return p ? p(r) : r;
        };
      },
    };
  }
  const lin = dense(f.scope("proj"), [sizeOf(from)], sizeOf(to), "linear");
  return {
    outputShape: to,
    apply: (x, ctx) => lin.apply(x.toFloat().reshape([-1, sizeOf(from)]), ctx).reshape([-1, ...to]),
    toLayers: () => {
      const flat = from.length > 1 ? tf.layers.flatten() : undefined;
      const l = lin.toLayers?.() as LayerFn;
      const reshape = to.length > 1 ? tf.layers.reshape({ targetShape: [...to] }) : undefined;
      return (x) => {
        const y = l(flat ? (flat.apply(x) as tf.SymbolicTensor) : x);
        return reshape ? (reshape.apply(y) as tf.SymbolicTensor) : y;
      };
    },
  };
}

/**
 * The weights of 1-D bilinear resampling from `n` to `m` points, as tf.image.resizeBilinear
 * computes them (alignCorners and halfPixelCenters false): [n, m], column j mixes the two
 * source points around j * n / m.
 */
function resampleMatrix(n: number, m: number): Float32Array {
  const out = new Float32Array(n * m);
  const ratio = n / m;
  for (let j = 0; j < m; j++) {
    const src = ratio * j;
    const lo = Math.max(0, Math.floor(src));
    const hi = Math.min(n - 1, Math.ceil(src));
    const frac = src - lo;
    out[lo * m + j] += 1 - frac;
    out[hi * m + j] += frac;
  }
  return out;
}

/**
 * resizeBilinear in tf.layers: bilinear resizing is separable, so it is two bias-free Dense
 * layers (over the width axis, then the height axis) between Permutes; TensorFlow.js's own
 * Resizing layer computes a wrong symbolic shape and Keras's uses half-pixel centres.
 */
function resizeLayers(from: Shape, to: Shape, prefix: string): LayerFn {
  const [hIn, wIn] = from;
  const [h, w] = to;
  const rw = tf.tensor2d(resampleMatrix(wIn, w), [wIn, w]);
  const rh = tf.tensor2d(resampleMatrix(hIn, h), [hIn, h]);
  const layers = [
    tf.layers.permute({ dims: [1, 3, 2] }), // [H, C, W]
    tf.layers.dense({ units: w, useBias: false, name: `${prefix}/resizeWidth`, weights: [rw] }),
    tf.layers.permute({ dims: [3, 2, 1] }), // [w, C, H]
    tf.layers.dense({ units: h, useBias: false, name: `${prefix}/resizeHeight`, weights: [rh] }),
    tf.layers.permute({ dims: [3, 1, 2] }), // [h, w, C]
  ];
  return (x) => {
    const y = layers.reduce((t, l) => l.apply(t) as tf.SymbolicTensor, x);
    // the layers copied the matrices when they were built
    if (!rw.isDisposed) rw.dispose();
    if (!rh.isDisposed) rh.dispose();
    return y;
  };
}
