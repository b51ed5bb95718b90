/**
 * `datasets.fromArrays`: a validated Dataset from user arrays (flat typed arrays, flat number
 * arrays, or one array per sample). Bad input fails with a DataError naming the dataset, the
 * field, the sample index and the value.
 */
import { show } from "../errors.js";
import { checkDatasetArgs } from "./args.js";
import { makeGroup } from "./group.js";
import type { Dataset, LabelKind } from "./types.js";
import { checkDataset, dataFail } from "./validate.js";

type Numeric = ArrayLike<number>;

export interface FromArraysArgs {
  /** Inputs: a flat array (`size * prod(inputShape)` values) or one array per sample. */
  x: Float32Array | Int32Array | readonly number[] | readonly Numeric[];
  /** Labels: one class index per sample, or one array of `labelSize` values per sample. */
  y: Int32Array | Float32Array | readonly number[] | readonly Numeric[];
  /** Shape of one input sample. Defaults to `[values per sample]`. */
  inputShape?: readonly number[];
  /** Defaults to "class" for one label per sample, "regression" for arrays per sample. */
  labelKind?: LabelKind;
  /** Classes, for "class" labels. Defaults to the largest label + 1. */
  numClasses?: number;
  /** Values per label, for flat "multiLabel"/"regression" labels. Defaults to 1. */
  labelSize?: number;
  /** 1 = label present, 0 = missing (partial labels). Missing labels are stored as 0. */
  mask?: Uint8Array | readonly (number | boolean)[];
  /** Used in error messages. Defaults to "arrays". */
  name?: string;
  /** "int32" for token ids. Defaults to "int32" for an Int32Array `x`, else "float32". */
  inputDtype?: "float32" | "int32";
  classNames?: readonly string[];
}

function isNested(a: unknown): a is readonly Numeric[] {
  return Array.isArray(a) && a.length > 0 && typeof a[0] === "object" && a[0] !== null;
}

/** Flattens per-sample arrays, checking that every sample has the same length. */
function flatten(name: string, field: string, rows: readonly Numeric[]): Float64Array {
  const per = rows[0].length;
  const out = new Float64Array(rows.length * per);
  rows.forEach((r, i) => {
    if (r == null || typeof r !== "object" || r.length !== per)
      dataFail(name, field, `has ${r == null ? show(r) : `length ${show(r.length)}`}`, {
        index: i,
        value: r == null ? r : r.length,
        expected: `${per} values per sample, like sample 0`,
      });
    for (let j = 0; j < per; j++) {
      const v = r[j];
      if (typeof v !== "number")
        dataFail(name, field, `element ${j} is ${show(v)}`, {
          index: i,
          value: v,
          expected: "a number",
        });
      out[i * per + j] = v;
    }
  });
  return out;
}

function flat(name: string, field: string, a: Numeric): Numeric {
  if (ArrayBuffer.isView(a)) return a;
  for (let i = 0; i < a.length; i++)
    if (typeof a[i] !== "number")
      dataFail(name, field, `is ${show(a[i])}`, { index: i, value: a[i], expected: "a number" });
  return a;
}

type Labels = Int32Array | Float32Array | readonly number[] | readonly Numeric[];

/** One input labelled for several tasks: `y` (and optionally the per-task options) by task. */
export interface FromArraysGroupArgs<K extends string>
  extends Omit<
    FromArraysArgs,
    "y" | "mask" | "labelKind" | "numClasses" | "labelSize" | "classNames"
  > {
  /** Labels per task, each as `FromArraysArgs.y`. */
  y: { readonly [P in K]: Labels };
  /** Per-task label masks (1 = present); tasks left out have every label. */
  mask?: { readonly [P in K]?: Uint8Array | readonly (number | boolean)[] };
  labelKind?: { readonly [P in K]?: LabelKind };
  numClasses?: { readonly [P in K]?: number };
  labelSize?: { readonly [P in K]?: number };
  classNames?: { readonly [P in K]?: readonly string[] };
  /** The group's name in logs and samplers. Defaults to the task names joined with "+". */
  group?: string;
}

function isLabelRecord(y: unknown): y is Record<string, Labels> {
  return y !== null && typeof y === "object" && !Array.isArray(y) && !ArrayBuffer.isView(y);
}

/**
 * A dataset from arrays. With `y` a record of label arrays by task, one input labelled for
 * several tasks: a record of Datasets sharing `x` (a task group, trained with one backbone pass
 * per step).
 */
export function fromArrays<K extends string>(args: FromArraysGroupArgs<K>): { [P in K]: Dataset };
export function fromArrays(args: FromArraysArgs): Dataset;
export function fromArrays<K extends string>(
  args: FromArraysArgs | FromArraysGroupArgs<K>,
): Dataset | { [P in K]: Dataset } {
  if (isLabelRecord(args?.y)) {
    checkDatasetArgs("fromArraysGroup", args);
    return fromArraysGroup(args as FromArraysGroupArgs<K>);
  }
  checkDatasetArgs("fromArrays", args);
  return fromArraysOne(args as FromArraysArgs);
}

function fromArraysGroup<K extends string>(args: FromArraysGroupArgs<K>): { [P in K]: Dataset } {
  const name = args.name ?? "arrays";
  const tasks = Object.keys(args.y) as K[];
  if (tasks.length === 0)
    dataFail(name, "y", "is an empty record", {
      value: {},
      expected: "labels for at least one task",
    });
  for (const field of ["mask", "labelKind", "numClasses", "labelSize", "classNames"] as const) {
    const rec = args[field] as Record<string, unknown> | undefined;
    if (rec === undefined) continue;
    if (!isLabelRecord(rec))
      dataFail(name, field, `is ${show(rec)}`, {
        value: rec,
        expected: `a record by task (${tasks.join(", ")})`,
      });
    for (const k of Object.keys(rec))
      if (!tasks.includes(k as K))
        dataFail(name, field, `names task "${k}", which has no labels in y`, {
          value: k,
          expected: `one of ${tasks.join(", ")}`,
        });
  }
  const out = {} as { [P in K]: Dataset };
  let first: Dataset | undefined;
  for (const t of tasks) {
    const d = fromArraysOne({
      ...args,
      x: first ? first.x : args.x,
      ...(first ? { inputShape: first.inputShape, inputDtype: first.inputDtype } : {}),
      y: args.y[t],
      mask: args.mask?.[t],
      labelKind: args.labelKind?.[t],
      numClasses: args.numClasses?.[t],
      labelSize: args.labelSize?.[t],
      classNames: args.classNames?.[t],
      name: `${name}/${t}`,
    });
    if (first && d.size !== first.size)
      dataFail(
        `${name}/${t}`,
        "y",
        `has ${d.size} samples but task "${tasks[0]}" has ${first.size}`,
        {
          value: d.size,
          expected: `${first.size} labels, one per input sample`,
        },
      );
    first ??= d;
    out[t] = d;
  }
  const group = makeGroup(tasks, (first as Dataset).size, args.group);
  // one input array for every member
  for (const t of tasks) out[t] = { ...out[t], x: (first as Dataset).x, group };
  return out;
}

function fromArraysOne(args: FromArraysArgs): Dataset {
  const name = args.name ?? "arrays";
  if (args.x == null || typeof args.x !== "object" || typeof args.x.length !== "number")
    dataFail(name, "x", `is ${show(args.x)}`, { value: args.x, expected: "an array of inputs" });
  if (args.y == null || typeof args.y !== "object" || typeof args.y.length !== "number")
    dataFail(name, "y", `is ${show(args.y)}`, { value: args.y, expected: "an array of labels" });
  const yNested = isNested(args.y);
  const yFlat = yNested
    ? flatten(name, "y", args.y as readonly Numeric[])
    : flat(name, "y", args.y as Numeric);
  const labelKind: LabelKind = args.labelKind ?? (yNested ? "regression" : "class");
  const labelSize =
    labelKind === "class"
      ? 1
      : yNested
        ? (args.y as readonly Numeric[])[0].length
        : (args.labelSize ?? 1);
  if (labelKind === "class" && yNested)
    dataFail(name, "y", "holds one array per sample", {
      value: "nested",
      expected: 'one class index per sample for labelKind "class"',
    });
  const size = yNested ? args.y.length : Math.floor(yFlat.length / labelSize);
  if (args.y.length === 0 || size === 0)
    dataFail(name, "y", "is empty", { value: 0, expected: "at least 1 sample" });
  if (!yNested && yFlat.length % labelSize !== 0)
    dataFail(name, "y", `has ${yFlat.length} values, not a multiple of labelSize ${labelSize}`, {
      value: yFlat.length,
      expected: `a multiple of ${labelSize}`,
    });

  const xNested = isNested(args.x);
  if (xNested && args.x.length !== size)
    dataFail(name, "x", `has ${args.x.length} samples but y has ${size}`, {
      value: args.x.length,
      expected: `${size} samples, one per label`,
    });
  const xFlat = xNested
    ? flatten(name, "x", args.x as readonly Numeric[])
    : flat(name, "x", args.x as Numeric);
  if (!xNested && xFlat.length % size !== 0)
    dataFail(name, "x", `has ${xFlat.length} values, which do not split into ${size} samples`, {
      value: xFlat.length,
      expected: `a multiple of ${size} (one sample per label)`,
    });
  const per = xFlat.length / size;
  const inputShape = args.inputShape ? [...args.inputShape] : [per];
  const shapeSize = inputShape.reduce((a, b) => a * b, 1);
  if (shapeSize !== per)
    dataFail(
      name,
      "inputShape",
      `${show(inputShape)} holds ${shapeSize} values per sample but x has ${per}`,
      {
        value: inputShape,
        expected: `a shape with ${per} values`,
      },
    );

  const inputDtype = args.inputDtype ?? (args.x instanceof Int32Array ? "int32" : "float32");
  if (inputDtype === "int32")
    for (let i = 0; i < xFlat.length; i++)
      if (!Number.isInteger(xFlat[i]))
        dataFail(name, "x", `value ${show(xFlat[i])}`, {
          index: Math.floor(i / per),
          value: xFlat[i],
          expected: "integer token ids for int32 inputs",
        });
  const x = inputDtype === "int32" ? Int32Array.from(xFlat) : Float32Array.from(xFlat);
  const y: Int32Array | Float32Array =
    labelKind === "class" ? new Int32Array(size) : Float32Array.from(yFlat);

  let mask: Uint8Array | undefined;
  if (args.mask !== undefined) {
    const m = args.mask;
    if (m.length !== size)
      dataFail(name, "mask", `has ${m.length} values for ${size} samples`, {
        value: m.length,
        expected: `${size} values`,
      });
    mask = new Uint8Array(size);
    for (let i = 0; i < size; i++) {
      const v = m[i];
      if (v !== 0 && v !== 1 && v !== true && v !== false)
        dataFail(name, "mask", `is ${show(v)}`, {
          index: i,
          value: v,
          expected: "0/1 or a boolean",
        });
      mask[i] = v === 1 || v === true ? 1 : 0;
    }
  }

  let numClasses = args.numClasses;
  if (labelKind === "class") {
    let max = -1;
    for (let i = 0; i < size; i++) {
      const v = yFlat[i];
      if (mask && mask[i] === 0) continue; // missing label: its value is ignored, stored as 0
      if (!Number.isInteger(v) || v < 0)
        dataFail(name, "label", "is not a class index", {
          subject: `label ${show(v)}`,
          index: i,
          value: v,
          expected: `an integer >= 0${numClasses ? ` and < ${numClasses}` : ""}`,
        });
      y[i] = v;
      if (v > max) max = v;
    }
    numClasses ??= max + 1;
  } else if (labelKind === "multiLabel") {
    numClasses ??= labelSize;
    if (mask)
      for (let i = 0; i < size; i++)
        if (mask[i] === 0) y.fill(0, i * labelSize, (i + 1) * labelSize);
  } else if (mask) {
    for (let i = 0; i < size; i++) if (mask[i] === 0) y.fill(0, i * labelSize, (i + 1) * labelSize);
  }

  const d: Dataset = {
    name,
    size,
    inputShape,
    inputDtype,
    x,
    labelKind,
    labelSize,
    ...(numClasses !== undefined ? { numClasses } : {}),
    y,
    ...(mask ? { mask } : {}),
    ...(args.classNames ? { classNames: [...args.classNames] } : {}),
  };
  checkDataset(d);
  return d;
}
