/**
 * Dataset operations that return new datasets (inputs are never mutated): `take` a subset of
 * samples, `split` off a seeded validation set.
 */
import { ConfigError, show } from "../errors.js";
import { Random } from "../util/random.js";
import type { Dataset } from "./types.js";
import { dataFail } from "./validate.js";

/** Values per sample of `x`. */
export function sampleLength(d: Dataset): number {
  return d.inputShape.reduce((a, b) => a * b, 1);
}

/** A new dataset holding the samples at `indices`, in that order (repeats allowed). */
export function take(dataset: Dataset, indices: ArrayLike<number>, name?: string): Dataset {
  const n = indices.length;
  if (n === 0)
    dataFail(dataset.name, "indices", "is empty", { value: 0, expected: "at least 1 index" });
  const per = sampleLength(dataset);
  const ls = dataset.labelSize;
  const x = dataset.inputDtype === "int32" ? new Int32Array(n * per) : new Float32Array(n * per);
  const y = dataset.y instanceof Int32Array ? new Int32Array(n * ls) : new Float32Array(n * ls);
  const mask = dataset.mask ? new Uint8Array(n) : undefined;
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= dataset.size)
      dataFail(dataset.name, "indices", `holds ${show(i)} (position ${k})`, {
        index: k,
        value: i,
        expected: `integers in 0..${dataset.size - 1}`,
      });
    x.set(dataset.x.subarray(i * per, (i + 1) * per), k * per);
    y.set(dataset.y.subarray(i * ls, (i + 1) * ls), k * ls);
    if (mask) mask[k] = dataset.mask![i];
  }
  return { ...dataset, name: name ?? dataset.name, size: n, x, y, ...(mask ? { mask } : {}) };
}

/**
 * Splits off `fraction` of the samples (seeded shuffle) as a validation set:
 * `val` gets round(size * fraction) samples, `train` the rest, each in the original order.
 */
export function split(
  dataset: Dataset,
  fraction: number,
  seed = 0,
): { train: Dataset; val: Dataset } {
  if (!(fraction > 0 && fraction < 1))
    throw new ConfigError(`split: fraction must be in (0, 1), got ${show(fraction)}.`, {
      task: dataset.name,
      field: "fraction",
      value: fraction,
      expected: "a number in (0, 1)",
    });
  const nVal = Math.round(dataset.size * fraction);
  if (nVal < 1 || nVal >= dataset.size)
    throw new ConfigError(
      `split: ${show(fraction)} of ${dataset.size} samples of "${dataset.name}" leaves an empty part.`,
      { task: dataset.name, field: "fraction", value: fraction, expected: "both parts non-empty" },
    );
  const order = new Int32Array(dataset.size);
  for (let i = 0; i < order.length; i++) order[i] = i;
  new Random(seed).shuffle(order);
  const val = order.slice(0, nVal).sort();
  const train = order.slice(nVal).sort();
  return {
    train: take(dataset, train, `${dataset.name}/train`),
    val: take(dataset, val, `${dataset.name}/val`),
  };
}
