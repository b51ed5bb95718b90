/** Tiny synthetic multi-task data for model and training tests. */
import * as tf from "@tensorflow/tfjs";
import { fromArrays } from "../../src/data/from-arrays.js";
import type { Dataset } from "../../src/data/types.js";
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
