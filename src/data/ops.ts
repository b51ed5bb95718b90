/**
 * Dataset operations that return new datasets (inputs are never mutated): `take` a subset of
 * samples, `split` off a seeded validation set.
 */
import { ConfigError, show } from "../errors.js";
import { Random } from "../util/random.js";
import { makeGroup, ungrouped } from "./group.js";
import type { Dataset } from "./types.js";
import { dataFail } from "./validate.js";

/** Values per sample of `x`. */
export function sampleLength(d: Dataset): number {
  return d.inputShape.reduce((a, b) => a * b, 1);
}

/**
 * A new dataset holding the samples at `indices`, in that order (repeats allowed). A subset of
 * one member of a task group leaves the group (with a note); `takeGroup` subsets a whole group.
 */
export function take(dataset: Dataset, indices: ArrayLike<number>, name?: string): Dataset {
  return ungrouped(takeSamples(dataset, indices, name), "a subset of");
}

function takeSamples(dataset: Dataset, indices: ArrayLike<number>, name?: string): Dataset {
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
 * Splitting one member of a task group takes both parts out of the group (with a note);
 * `splitGroup` splits a whole group.
 */
export function split(
  dataset: Dataset,
  fraction: number,
  seed = 0,
): { train: Dataset; val: Dataset } {
  const p = splitApart(dataset, fraction, seed);
  return {
    train: ungrouped({ ...p.train, group: dataset.group }, "a split of"),
    val: ungrouped({ ...p.val, group: dataset.group }, "a split of"),
  };
}

/** `split` without a group (and without the note): for a dataset trained as a task of its own. */
export function splitApart(
  dataset: Dataset,
  fraction: number,
  seed = 0,
): { train: Dataset; val: Dataset } {
  const { train, val } = splitIndices(dataset.size, fraction, seed, dataset.name);
  const strip = (d: Dataset): Dataset => {
    const { group: _, ...rest } = d;
    return rest;
  };
  return {
    train: strip(takeSamples(dataset, train, `${dataset.name}/train`)),
    val: strip(takeSamples(dataset, val, `${dataset.name}/val`)),
  };
}

/** The seeded validation indices of `split` (sorted), and the rest. */
function splitIndices(
  size: number,
  fraction: number,
  seed: number,
  what: string,
): { train: Int32Array; val: Int32Array } {
  if (!(fraction > 0 && fraction < 1))
    throw new ConfigError(`split: fraction must be in (0, 1), got ${show(fraction)}.`, {
      task: what,
      field: "fraction",
      value: fraction,
      expected: "a number in (0, 1)",
    });
  const nVal = Math.round(size * fraction);
  if (nVal < 1 || nVal >= size)
    throw new ConfigError(
      `split: ${show(fraction)} of ${size} samples of "${what}" leaves an empty part.`,
      { task: what, field: "fraction", value: fraction, expected: "both parts non-empty" },
    );
  const order = new Int32Array(size);
  for (let i = 0; i < order.length; i++) order[i] = i;
  new Random(seed).shuffle(order);
  return { val: order.slice(0, nVal).sort(), train: order.slice(nVal).sort() };
}

/** The same samples of every member of a task group, as a new group sharing one new input. */
export function takeGroup<K extends string>(
  members: { readonly [P in K]: Dataset },
  indices: ArrayLike<number>,
  suffix?: string,
): { [P in K]: Dataset } {
  const tasks = Object.keys(members) as K[];
  const first = members[tasks[0]];
  const out = {} as { [P in K]: Dataset };
  let x: Dataset["x"] | undefined;
  for (const t of tasks) {
    const d = takeSamples(members[t], indices, suffix ? `${members[t].name}/${suffix}` : undefined);
    x ??= d.x;
    out[t] = { ...d, x };
  }
  const group = makeGroup(tasks, indices.length, first.group?.name);
  for (const t of tasks) out[t] = { ...out[t], group };
  return out;
}

/** `split` of a whole task group: the same samples held out for every member. */
export function splitGroup<K extends string>(
  members: { readonly [P in K]: Dataset },
  fraction: number,
  seed = 0,
): { train: { [P in K]: Dataset }; val: { [P in K]: Dataset } } {
  const tasks = Object.keys(members) as K[];
  const first = members[tasks[0]];
  const { train, val } = splitIndices(first.size, fraction, seed, tasks.join("+"));
  return { train: takeGroup(members, train, "train"), val: takeGroup(members, val, "val") };
}
