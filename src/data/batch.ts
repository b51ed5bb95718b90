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
  return { x: gatherInputs(d, indices), ...gatherLabels(d, indices), size: indices.length, seed };
}

/** The inputs of the samples at `indices`, sample-major. */
export function gatherInputs(d: Dataset, indices: ArrayLike<number>): Float32Array | Int32Array {
  const n = indices.length;
  const per = sampleLength(d);
  const x = d.x instanceof Int32Array ? new Int32Array(n * per) : new Float32Array(n * per);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    x.set(d.x.subarray(i * per, (i + 1) * per), k * per);
  }
  return x;
}

/** The labels (and, when one is missing, the mask) of the samples at `indices`. */
export function gatherLabels(
  d: Dataset,
  indices: ArrayLike<number>,
): { y: Int32Array | Float32Array; mask?: Float32Array } {
  const n = indices.length;
  const ls = d.labelSize;
  const y = d.y instanceof Int32Array ? new Int32Array(n * ls) : new Float32Array(n * ls);
  let missing = false;
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (ls === 1) y[k] = d.y[i];
    else y.set(d.y.subarray(i * ls, (i + 1) * ls), k * ls);
    if (d.mask && d.mask[i] === 0) missing = true;
  }
  if (!missing) return { y };
  const mask = new Float32Array(n);
  for (let k = 0; k < n; k++) mask[k] = d.mask![indices[k]];
  return { y, mask };
}

/** The shape of one sample after the dataset's transforms (what the model's input sees). */
export function sampleShape(d: Dataset): number[] {
  return (d.transforms ?? []).reduce<number[]>((s, t) => t.outputShape(s), [...d.inputShape]);
}

/** The input tensor of a batch: `x` with `d.transforms` applied (`training`: augmentation). */
export function inputTensor(
  d: Dataset,
  x: Float32Array | Int32Array,
  size: number,
  seed: number,
  training: boolean,
): tf.Tensor {
  const transforms: readonly Transform[] = d.transforms ?? [];
  return tf.tidy(() => {
    let t: tf.Tensor = tf.tensor(x, [size, ...d.inputShape], d.inputDtype);
    if (transforms.length > 0) {
      const random = new Random(seed);
      for (const tr of transforms) t = tr.apply(t, random, training);
    }
    return t;
  });
}

/** One task's Batch on an input tensor `x` (shared by the members of a group). */
export function labelBatch(
  d: Dataset,
  x: tf.Tensor,
  labels: { y: Int32Array | Float32Array; mask?: Float32Array },
  size: number,
  unit?: string,
): Batch {
  const y =
    d.labelKind === "class"
      ? tf.tensor1d(labels.y, "int32")
      : tf.tensor2d(labels.y, [size, d.labelSize], "float32");
  const mask = labels.mask ? tf.tensor1d(labels.mask, "float32") : undefined;
  let labelled = size;
  if (labels.mask) {
    labelled = 0;
    for (let i = 0; i < size; i++) if (labels.mask[i] !== 0) labelled++;
  }
  const host = { y: labels.y, ...(labels.mask ? { mask: labels.mask } : {}) };
  return { x, y, size, labelled, host, ...(mask ? { mask } : {}), ...(unit ? { unit } : {}) };
}

/** Makes the Batch tensors of `a`, applying `d.transforms` with `training`. */
export function toBatch(d: Dataset, a: BatchArrays, training: boolean): Batch {
  return labelBatch(d, inputTensor(d, a.x, a.size, a.seed, training), a, a.size);
}

/**
 * The batches of one sampling unit: one input tensor, one Batch per task carrying that task's
 * labels and mask (every Batch of a group holds the very same `x` tensor).
 */
export function unitBatches(
  unit: string,
  datasets: readonly (readonly [string, Dataset])[],
  indices: ArrayLike<number>,
  seed: number,
  training: boolean,
): Record<string, Batch> {
  const [, first] = datasets[0];
  const x = inputTensor(first, gatherInputs(first, indices), indices.length, seed, training);
  const out: Record<string, Batch> = {};
  for (const [t, d] of datasets)
    out[t] = labelBatch(d, x, gatherLabels(d, indices), indices.length, unit);
  return out;
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

/** `evalBatches` for a sampling unit: per batch, one Batch per task over one input tensor. */
export function* evalUnitBatches(
  unit: string,
  datasets: readonly (readonly [string, Dataset])[],
  batchSize: number,
): Generator<Record<string, Batch>> {
  const size = datasets[0][1].size;
  for (let start = 0; start < size; start += batchSize) {
    const end = Math.min(size, start + batchSize);
    const idx = new Int32Array(end - start);
    for (let i = 0; i < idx.length; i++) idx[i] = start + i;
    yield unitBatches(unit, datasets, idx, 0, false);
  }
}

/** Disposes every tensor of a set of batches once (members of a group share `x`). */
export function disposeBatches(batches: Iterable<Batch | undefined>): void {
  const seen = new Set<tf.Tensor>();
  for (const b of batches) {
    if (!b) continue;
    for (const t of [b.x, b.y, b.mask]) {
      if (!t || seen.has(t)) continue;
      seen.add(t);
      t.dispose();
    }
  }
}
