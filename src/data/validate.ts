/**
 * Validation of dataset fields. Every failure is a `DataError` naming the dataset, the field,
 * the sample index and the offending value; nothing is dropped, clamped or coerced silently.
 */
import { DataError, show } from "../errors.js";
import type { Dataset } from "./types.js";

/** Throws a DataError: `Dataset "mnist/train": label 12 at sample 3141 is outside 0..9.` */
export function dataFail(
  dataset: string,
  field: string,
  problem: string,
  details: { index?: number; value?: unknown; expected?: string; subject?: string } = {},
): never {
  const at = details.index === undefined ? "" : ` at sample ${details.index}`;
  const exp = details.expected === undefined ? "" : `; expected ${details.expected}`;
  const subject = details.subject ?? field;
  throw new DataError(`Dataset "${dataset}": ${subject}${at} ${problem}${exp}.`, {
    task: dataset,
    field,
    index: details.index,
    value: details.value,
    expected: details.expected,
  });
}

/** Fails on the first NaN or +-Infinity in `values`, reporting the sample it belongs to. */
export function checkFinite(
  dataset: string,
  field: string,
  values: ArrayLike<number>,
  perSample: number,
): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      dataFail(dataset, field, `has ${show(v)} (element ${i % perSample} of the sample)`, {
        index: Math.floor(i / perSample),
        value: v,
        expected: "finite numbers",
      });
    }
  }
}

/** Checks every field of a dataset against the others (sizes, label ranges, mask). */
export function checkDataset(d: Dataset, opts: { finite?: boolean } = {}): void {
  const name = d.name;
  if (!Number.isInteger(d.size) || d.size <= 0)
    dataFail(name, "size", `is ${show(d.size)}`, { value: d.size, expected: "at least 1 sample" });
  const per = d.inputShape.reduce((a, b) => a * b, 1);
  if (d.inputShape.some((s) => !Number.isInteger(s) || s <= 0))
    dataFail(name, "inputShape", `is ${show(d.inputShape)}`, {
      value: d.inputShape,
      expected: "positive integer dimensions",
    });
  if (d.x.length !== d.size * per)
    dataFail(
      name,
      "x",
      `has ${d.x.length} values for ${d.size} samples of shape ${show(d.inputShape)}`,
      {
        value: d.x.length,
        expected: `${d.size * per} values (size x prod(inputShape))`,
      },
    );
  if (d.y.length !== d.size * d.labelSize)
    dataFail(name, "y", `has ${d.y.length} values for ${d.size} samples`, {
      value: d.y.length,
      expected: `${d.size * d.labelSize} values (size x labelSize ${d.labelSize})`,
    });
  if (d.mask) {
    if (d.mask.length !== d.size)
      dataFail(name, "mask", `has ${d.mask.length} values for ${d.size} samples`, {
        value: d.mask.length,
        expected: `${d.size} values`,
      });
    for (let i = 0; i < d.size; i++)
      if (d.mask[i] > 1)
        dataFail(name, "mask", `is ${d.mask[i]}`, {
          index: i,
          value: d.mask[i],
          expected: "0 or 1",
        });
  }
  if (opts.finite !== false && d.inputDtype === "float32") checkFinite(name, "x", d.x, per);
  checkLabels(d);
}

function present(d: Dataset, i: number): boolean {
  return !d.mask || d.mask[i] === 1;
}

/** Label checks per kind: class indices in range, multi-label 0/1, regression finite. */
export function checkLabels(d: Dataset): void {
  const { name, y, labelSize } = d;
  if (d.labelKind === "class") {
    const n = d.numClasses;
    if (n === undefined || !Number.isInteger(n) || n < 1)
      dataFail(name, "numClasses", `is ${show(n)}`, { value: n, expected: "an integer >= 1" });
    for (let i = 0; i < d.size; i++) {
      if (!present(d, i)) continue;
      const v = y[i];
      if (!Number.isInteger(v) || v < 0 || v >= n)
        dataFail(name, "label", `is outside 0..${n - 1}`, {
          subject: `label ${show(v)}`,
          index: i,
          value: v,
          expected: `an integer class index in 0..${n - 1}`,
        });
    }
    return;
  }
  for (let i = 0; i < d.size; i++) {
    if (!present(d, i)) continue;
    for (let j = 0; j < labelSize; j++) {
      const v = y[i * labelSize + j];
      if (d.labelKind === "multiLabel" ? v !== 0 && v !== 1 : !Number.isFinite(v))
        dataFail(name, "label", `is invalid (element ${j} of the label)`, {
          subject: `label ${show(v)}`,
          index: i,
          value: v,
          expected: d.labelKind === "multiLabel" ? "0 or 1" : "a finite number",
        });
    }
  }
}

/** Fails when two tasks share a name (case-sensitive) in a list of task names. */
export function checkUniqueNames(names: readonly string[], what = "task"): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n))
      throw new DataError(`Duplicate ${what} name "${n}" (position ${i}).`, {
        task: n,
        field: "name",
        index: i,
        value: n,
        expected: `distinct ${what} names`,
      });
    seen.add(n);
  });
}

/**
 * Checks that a class dataset fits a head of `numClasses` outputs (what the trainer calls
 * before training): `Task "fashion": label 12 is outside 0..9 (head classifier(10)) at sample 3141.`
 */
export function checkLabelsFit(
  d: Dataset,
  task: string,
  numClasses: number,
  head = `classifier(${numClasses})`,
): void {
  const fail = (i: number, v: number): never => {
    throw new DataError(
      `Task "${task}": label ${show(v)} is outside 0..${numClasses - 1} (head ${head}) at sample ${i}.`,
      {
        task,
        field: "label",
        index: i,
        value: v,
        expected: `a class index in 0..${numClasses - 1}`,
      },
    );
  };
  if (d.labelKind === "class") {
    for (let i = 0; i < d.size; i++)
      if ((!d.mask || d.mask[i] === 1) && !(d.y[i] >= 0 && d.y[i] < numClasses)) fail(i, d.y[i]);
  } else if (d.labelSize !== numClasses)
    throw new DataError(
      `Task "${task}": ${d.labelKind} labels have ${d.labelSize} values per sample but the head ${head} has ${numClasses} outputs.`,
      { task, field: "labelSize", value: d.labelSize, expected: `${numClasses} values per sample` },
    );
}
