/**
 * Raw 8-bit greyscale image sets and their conversion to datasets: float32 in [0, 1], NHWC
 * [rows, cols, 1], class labels. Subsets are picked by `pickIndices` (first `limit` samples,
 * or a seeded random subset when a seed is given).
 */
import { ConfigError, show } from "../../errors.js";
import { Random } from "../../util/random.js";
import type { Dataset } from "../types.js";

export interface RawImages {
  /** size * rows * cols bytes, 0..255. */
  images: Uint8Array;
  /** size labels. */
  labels: Uint8Array;
  size: number;
  rows: number;
  cols: number;
}

/** Indices 0..n-1, or `limit` of them: the first ones, or a seeded random subset (sorted). */
export function pickIndices(dataset: string, n: number, limit?: number, seed?: number): Int32Array {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw new ConfigError(`Dataset "${dataset}": limit ${show(limit)} must be an integer >= 1.`, {
      task: dataset,
      field: "limit",
      value: limit,
      expected: "an integer >= 1",
    });
  const k = Math.min(n, limit ?? n);
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  if (k === n || seed === undefined) return all.subarray(0, k);
  return new Random(seed).shuffle(all).slice(0, k).sort();
}

/** 1/255 lookup so conversion is one table read per pixel. */
const SCALE = Float32Array.from({ length: 256 }, (_, i) => i / 255);

export function toFloat(
  bytes: Uint8Array,
  out = new Float32Array(bytes.length),
  offset = 0,
): Float32Array {
  for (let i = 0; i < bytes.length; i++) out[offset + i] = SCALE[bytes[i]];
  return out;
}

export function toImageDataset(
  raw: RawImages,
  indices: Int32Array,
  meta: { name: string; numClasses: number; classNames?: readonly string[] },
): Dataset {
  const per = raw.rows * raw.cols;
  const n = indices.length;
  const x = new Float32Array(n * per);
  const y = new Int32Array(n);
  let identity = n === raw.size;
  for (let k = 0; identity && k < n; k++) identity = indices[k] === k;
  if (identity) {
    // the whole set in order: one pass
    toFloat(raw.images, x);
    y.set(raw.labels);
  } else
    for (let k = 0; k < n; k++) {
      const i = indices[k];
      toFloat(raw.images.subarray(i * per, (i + 1) * per), x, k * per);
      y[k] = raw.labels[i];
    }
  return {
    name: meta.name,
    size: n,
    inputShape: [raw.rows, raw.cols, 1],
    inputDtype: "float32",
    x,
    labelKind: "class",
    labelSize: 1,
    numClasses: meta.numClasses,
    y,
    ...(meta.classNames ? { classNames: [...meta.classNames] } : {}),
  };
}

/** The samples at `indices` as a new raw set (bytes are copied). */
export function subsetRaw(raw: RawImages, indices: ArrayLike<number>): RawImages {
  const per = raw.rows * raw.cols;
  const images = new Uint8Array(indices.length * per);
  const labels = new Uint8Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    images.set(raw.images.subarray(i * per, (i + 1) * per), k * per);
    labels[k] = raw.labels[i];
  }
  return { images, labels, size: indices.length, rows: raw.rows, cols: raw.cols };
}
