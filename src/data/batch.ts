/**
 * Batching: gather samples into fresh typed arrays (no tensors), then make a Batch's tensors
 * and run the dataset's transforms. The tensors of a Batch belong to the consumer, who must
 * dispose them (or run inside tf.tidy); nothing else holds them.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError, show } from "../errors.js";
import { Random } from "../util/random.js";
import { sampleLength } from "./ops.js";
import type { Batch, Dataset, Transform } from "./types.js";

/** A batch's data before it becomes tensors. */
export interface BatchArrays {
  readonly x: Float32Array | Int32Array;
  readonly y: Int32Array | Float32Array;
  /** Present only when the batch has at least one missing label. */
  readonly mask?: Float32Array;
  readonly size: number;
  /** Seed of this batch's augmentation draws. */
  readonly seed: number;
}

export function gather(d: Dataset, indices: ArrayLike<number>, seed = 0): BatchArrays {
  const n = indices.length;
  const per = sampleLength(d);
  const ls = d.labelSize;
  const x = d.x instanceof Int32Array ? new Int32Array(n * per) : new Float32Array(n * per);
  const y = d.y instanceof Int32Array ? new Int32Array(n * ls) : new Float32Array(n * ls);
  let missing = false;
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    x.set(d.x.subarray(i * per, (i + 1) * per), k * per);
    if (ls === 1) y[k] = d.y[i];
    else y.set(d.y.subarray(i * ls, (i + 1) * ls), k * ls);
    if (d.mask && d.mask[i] === 0) missing = true;
  }
  let mask: Float32Array | undefined;
  if (missing) {
    mask = new Float32Array(n);
    for (let k = 0; k < n; k++) mask[k] = d.mask![indices[k]];
  }
  return { x, y, size: n, seed, ...(mask ? { mask } : {}) };
}

/** The shape of one sample after the dataset's transforms (what the model's input sees). */
export function sampleShape(d: Dataset): number[] {
  return (d.transforms ?? []).reduce<number[]>((s, t) => t.outputShape(s), [...d.inputShape]);
}

/** Makes the Batch tensors of `a`, applying `d.transforms` with `training`. */
export function toBatch(d: Dataset, a: BatchArrays, training: boolean): Batch {
  const transforms: readonly Transform[] = d.transforms ?? [];
  const x = tf.tidy(() => {
    let t: tf.Tensor = tf.tensor(a.x, [a.size, ...d.inputShape], d.inputDtype);
    if (transforms.length > 0) {
      const random = new Random(a.seed);
      for (const tr of transforms) t = tr.apply(t, random, training);
    }
    return t;
  });
  const y =
    d.labelKind === "class"
      ? tf.tensor1d(a.y, "int32")
      : tf.tensor2d(a.y, [a.size, d.labelSize], "float32");
  const mask = a.mask ? tf.tensor1d(a.mask, "float32") : undefined;
  let labelled = a.size;
  if (a.mask) {
    labelled = 0;
    for (let i = 0; i < a.size; i++) if (a.mask[i] !== 0) labelled++;
  }
  const host = { y: a.y, ...(a.mask ? { mask: a.mask } : {}) };
  return { x, y, size: a.size, labelled, host, ...(mask ? { mask } : {}) };
}

/**
 * Evaluation batches: the samples in order, `batchSize` at a time (the last batch holds the
 * remainder), with the dataset's transforms in evaluation mode (no random augmentation).
 * Each Batch's tensors are the consumer's to dispose.
 */
export function* evalBatches(d: Dataset, batchSize: number): Generator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ConfigError(`Evaluation batch size ${show(batchSize)} must be an integer >= 1.`, {
      field: "batchSize",
      value: batchSize,
      expected: "an integer >= 1",
    });
  for (let start = 0; start < d.size; start += batchSize) {
    const end = Math.min(d.size, start + batchSize);
    const idx = new Int32Array(end - start);
    for (let i = 0; i < idx.length; i++) idx[i] = start + i;
    yield toBatch(d, gather(d, idx), false);
  }
}
