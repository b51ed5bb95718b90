/** Tiny synthetic multi-task data for model and training tests. */
import * as tf from "@tensorflow/tfjs";
import { fromArrays } from "../../src/data/from-arrays.js";
import type { Dataset } from "../../src/data/types.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import type { Backbone } from "../../src/model/backbones/types.js";
import { Random } from "../../src/util/random.js";

/** Two linearly separable-ish tasks over the same kind of input: class of sign(x0+x1), and x2-x3. */
export function toyTasks(n = 96, dim = 8, seed = 1): { cls: Dataset; reg: Dataset } {
  const r = new Random(seed);
  const x = new Float32Array(n * dim);
  for (let i = 0; i < x.length; i++) x[i] = r.normal();
  const yc = new Int32Array(n);
  const yr = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    yc[i] = x[i * dim] + x[i * dim + 1] > 0 ? 1 : 0;
    yr[i] = x[i * dim + 2] - 0.5 * x[i * dim + 3];
  }
  return {
    cls: fromArrays({ x, y: yc, inputShape: [dim], numClasses: 2, name: "cls" }),
    reg: fromArrays({
      x: x.slice(),
      y: yr,
      inputShape: [dim],
      labelKind: "regression",
      name: "reg",
    }),
  };
}

/** The two tasks of `toyTasks` as one task group: one input labelled for both. */
export function toyGroup(n = 96, dim = 8, seed = 1): { cls: Dataset; reg: Dataset } {
  const { cls, reg } = toyTasks(n, dim, seed);
  return fromArrays({
    x: cls.x,
    y: { cls: cls.y, reg: reg.y },
    inputShape: [dim],
    labelKind: { cls: "class", reg: "regression" },
    numClasses: { cls: 2 },
    name: "toy",
  });
}

/** A tiny image classification set: class = which quadrant is brightest. */
export function toyImages(n = 64, size = 8, channels = 1, seed = 2, name = "img"): Dataset {
  const r = new Random(seed);
  const x = new Float32Array(n * size * size * channels);
  const y = new Int32Array(n);
  const h = size / 2;
  for (let i = 0; i < n; i++) {
    const q = r.int(4);
    y[i] = q;
    for (let a = 0; a < size; a++)
      for (let b = 0; b < size; b++)
        for (let c = 0; c < channels; c++) {
          const inQ = (a < h ? 0 : 2) + (b < h ? 0 : 1) === q;
          x[((i * size + a) * size + b) * channels + c] = (inQ ? 1 : 0) + 0.3 * r.normal();
        }
  }
  return fromArrays({ x, y, inputShape: [size, size, channels], numClasses: 4, name });
}

export async function useCpu(): Promise<void> {
  await tf.setBackend("cpu");
  await tf.ready();
}

export const numTensors = (): number => tf.memory().numTensors;

/** Token ids [n, len]: task "has" = token 3 present; task "count" = number of token 5s. */
export function toyText(n = 64, len = 6, vocab = 20, seed = 3): { has: Dataset; count: Dataset } {
  const r = new Random(seed);
  const x = new Int32Array(n * len);
  const has = new Int32Array(n);
  const count = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < len; j++) {
      const t = r.int(vocab);
      x[i * len + j] = t;
      if (t === 3) has[i] = 1;
      if (t === 5) count[i]++;
    }
  }
  return {
    has: fromArrays({ x, y: has, inputShape: [len], numClasses: 2, name: "has" }),
    count: fromArrays({
      x: x.slice(),
      y: count,
      inputShape: [len],
      labelKind: "regression",
      name: "count",
    }),
  };
}

/** Multi-label targets over vectors: label j = x_j > 0, for j < k. */
export function toyMultiLabel(n = 64, dim = 8, k = 3, seed = 4): Dataset {
  const r = new Random(seed);
  const x = new Float32Array(n * dim);
  for (let i = 0; i < x.length; i++) x[i] = r.normal();
  const y = new Float32Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) y[i * k + j] = x[i * dim + j] > 0 ? 1 : 0;
  return fromArrays({
    x,
    y,
    inputShape: [dim],
    labelKind: "multiLabel",
    labelSize: k,
    numClasses: k,
    name: "multi",
  });
}

/** Regression over images: mean brightness of the top half. */
export function toyImageRegression(img: Dataset): Dataset {
  const [h, w, c] = img.inputShape;
  const per = h * w * c;
  const y = new Float32Array(img.size);
  for (let i = 0; i < img.size; i++) {
    let s = 0;
    for (let j = 0; j < per / 2; j++) s += img.x[i * per + j];
    y[i] = s / (per / 2);
  }
  return fromArrays({
    x: img.x.slice() as Float32Array,
    y,
    inputShape: [h, w, c],
    labelKind: "regression",
    name: `${img.name}-reg`,
  });
}

/**
 * An mlp backbone (units [8]) that counts its forward passes in `counter.n` (with
 * `trainingOnly`, only the training-mode ones: evaluation and validation passes do not count).
 */
export function countingMlp(
  counter: { n: number },
  opts: { trainingOnly?: boolean } = {},
): Backbone<object> {
  const inner = mlp({ units: [8] });
  return {
    kind: "mlp",
    config: inner.config,
    async build(shape, f) {
      const m = await inner.build(shape, f);
      return {
        outputShape: m.outputShape,
        apply: (x, ctx) => {
          if (!opts.trainingOnly || ctx.training) counter.n++;
          return m.apply(x, ctx);
        },
      };
    },
  };
}
