/**
 * Tabular data: `datasets.fromCsv(path, { features, label })` (parsed by danfojs-node),
 * `datasets.fromJson(pathOrRecords, { features, label })` (values looked up by key in each record;
 * `{ features, labels: { task: column } }` gives a task group sharing the features;
 * keys outside features and label are ignored, a record without one is a missing cell), and the shipped example
 * `datasets.penguins()` (Palmer penguins, src/data/assets/penguins.csv).
 * Every feature cell must be a finite number; a missing cell (empty, NA, NaN, null) or a
 * non-numeric one fails with a DataError naming the row, the column and the value, unless
 * `missing: "drop"` asks to drop rows with missing cells. String labels become class indices
 * in sorted order (or the order of `classes`).
 */
import { existsSync, readFileSync } from "node:fs";
import { ConfigError, DataError, show } from "../../errors.js";
import { checkDatasetArgs } from "../args.js";
import { fromArrays } from "../from-arrays.js";
import type { Dataset, LabelKind } from "../types.js";
import { dataFail } from "../validate.js";
import { assetPath } from "./files.js";

export interface TabularArgs {
  /** Feature columns, in order. */
  features: readonly string[];
  /** Label column. */
  label: string;
  /** Defaults to "class" for string or integer labels, "regression" for other numbers. */
  labelKind?: "class" | "regression";
  /** Class names in index order (string labels). Defaults to the sorted distinct labels. */
  classes?: readonly string[];
  /** "error" (default): a missing cell fails. "drop": rows with a missing cell are left out. */
  missing?: "error" | "drop";
  /** Used in error messages. Defaults to the file name. */
  name?: string;
}

/**
 * One input labelled for several tasks: `labels` maps each task to its label column, and the
 * result is a record of Datasets sharing the features (a task group). A missing label cell is a
 * masked label of that task (partial labels); a missing feature cell fails (or, with
 * `missing: "drop"`, drops the row).
 */
export interface TabularGroupArgs<K extends string> {
  features: readonly string[];
  labels: { readonly [P in K]: string };
  /** One kind for every task, or by task. Defaults as for `label`. */
  labelKind?: "class" | "regression" | { readonly [P in K]?: "class" | "regression" };
  /** Class names by task (string labels). */
  classes?: { readonly [P in K]?: readonly string[] };
  missing?: "error" | "drop";
  /** The group's name. Defaults to the tasks joined with "+". */
  group?: string;
  name?: string;
}

type Cell = unknown;
type Frame = { columns: string[]; column(name: string): { values: Cell[] } };

function isMissing(v: Cell): boolean {
  return (
    v === null ||
    v === undefined ||
    v === "" ||
    v === "NA" ||
    v === "NaN" ||
    (typeof v === "number" && Number.isNaN(v))
  );
}

async function danfo(): Promise<typeof import("danfojs-node")> {
  return import("danfojs-node");
}

/** One label column's values as labels of `kind` (class indices by `classes` for strings). */
function toLabels(
  name: string,
  column: string,
  values: readonly Cell[],
  rows: readonly number[],
  kind: "class" | "regression" | undefined,
  classes: readonly string[] | undefined,
): { y: number[] | number[][]; labelKind: LabelKind; numClasses?: number; classNames?: string[] } {
  const present = values.filter((v) => !isMissing(v));
  const numeric = present.every((v) => typeof v === "number");
  const k: LabelKind =
    kind ?? (numeric && !present.every((v) => Number.isInteger(v)) ? "regression" : "class");
  if (k === "regression")
    return { y: values.map((v) => [isMissing(v) ? 0 : Number(v)]), labelKind: k };
  if (numeric && !classes)
    return { y: values.map((v) => (isMissing(v) ? 0 : (v as number))), labelKind: k };
  const names = classes ? [...classes] : [...new Set(present.map(String))].sort();
  const index = new Map(names.map((c, i) => [c, i]));
  const y = values.map((v, r) => {
    if (isMissing(v)) return 0;
    const i = index.get(String(v));
    if (i === undefined)
      dataFail(name, column, `is ${show(v)}, not a listed class`, {
        index: rows[r],
        value: v,
        expected: `one of ${names.join(", ")}`,
      });
    return i;
  });
  return { y, labelKind: k, numClasses: names.length, classNames: names };
}

/** Fails naming the first of `columns` the frame lacks. */
function requireColumns(df: Frame, name: string, columns: readonly string[]): void {
  for (const c of columns)
    if (!df.columns.includes(c))
      dataFail(name, "columns", `lack the column ${show(c)}`, {
        value: c,
        expected: `one of ${df.columns.join(", ")}`,
      });
}

/** The rows whose feature cells (and `required` label cells) are complete, as numbers. */
function featureRows(
  df: Frame,
  name: string,
  features: readonly string[],
  required: readonly string[],
  missing: "error" | "drop" | undefined,
): { x: number[][]; keep: number[] } {
  requireColumns(df, name, [...features, ...required]);
  const cols = features.map((c) => df.column(c).values);
  const req = required.map((c) => df.column(c).values);
  const rows = (req[0] ?? cols[0]).length;
  const keep: number[] = [];
  for (let r = 0; r < rows; r++) {
    const cells = [...cols.map((c) => c[r]), ...req.map((c) => c[r])];
    const miss = cells.findIndex(isMissing);
    if (miss >= 0) {
      if (missing === "drop") continue;
      const col = miss < cols.length ? features[miss] : required[miss - cols.length];
      dataFail(name, col, `is missing (${show(cells[miss])})`, {
        index: r,
        value: cells[miss],
        expected: 'a value (or missing: "drop" to leave such rows out)',
      });
    }
    cols.forEach((c, k) => {
      const v = typeof c[r] === "string" && (c[r] as string).trim() !== "" ? Number(c[r]) : c[r];
      if (typeof v !== "number" || !Number.isFinite(v))
        dataFail(name, features[k], `is ${show(c[r])}`, {
          index: r,
          value: c[r],
          expected: "a finite number",
        });
    });
    keep.push(r);
  }
  if (keep.length === 0)
    dataFail(name, "rows", "are empty", { value: rows, expected: "at least one complete row" });
  return { x: keep.map((r) => cols.map((c) => Number(c[r]))), keep };
}

/** Builds a dataset from a danfojs DataFrame's columns. */
export function fromFrame(df: Frame, args: TabularArgs, name: string): Dataset {
  if (
    !args ||
    !Array.isArray(args.features) ||
    args.features.length === 0 ||
    typeof args.label !== "string"
  )
    throw new ConfigError(
      `Dataset "${name}": options need features (a non-empty list of columns) and label (a column).`,
      {
        task: name,
        field: "features",
        value: args,
        expected: "{ features: string[], label: string }",
      },
    );
  const { x, keep } = featureRows(df, name, args.features, [args.label], args.missing);
  const all = df.column(args.label).values;
  const l = toLabels(
    name,
    args.label,
    keep.map((r) => all[r]),
    keep,
    args.labelKind,
    args.classes,
  );
  return fromArrays({
    x,
    y: l.y as number[],
    labelKind: l.labelKind,
    ...(l.numClasses !== undefined ? { numClasses: l.numClasses, classNames: l.classNames } : {}),
    name,
  });
}

/** A task group from a frame: the features once, one label column per task (missing: masked). */
export function fromFrameGroup<K extends string>(
  df: Frame,
  args: TabularGroupArgs<K>,
  name: string,
): { [P in K]: Dataset } {
  const tasks = Object.keys(args.labels) as K[];
  const columns = tasks.map((t) => args.labels[t]);
  for (const field of ["labelKind", "classes"] as const) {
    const byTask = args[field];
    if (byTask && typeof byTask === "object")
      for (const t of Object.keys(byTask))
        if (!(t in args.labels))
          throw new ConfigError(
            `Dataset "${name}": ${field} names the task ${show(t)}, which labels does not list.`,
            { task: t, field, value: t, expected: `one of ${tasks.join(", ")}` },
          );
  }
  tasks.forEach((t, i) => {
    if (args.features.includes(columns[i]))
      throw new ConfigError(
        `Dataset "${name}": task "${t}" is labelled by ${show(columns[i])}, which is also a feature.`,
        { task: t, field: "labels", value: columns[i], expected: "a column outside features" },
      );
  });
  const { x, keep } = featureRows(df, name, args.features, [], args.missing);
  requireColumns(df, name, columns);
  const y: Record<string, number[] | number[][]> = {};
  const mask: Record<string, number[]> = {};
  const labelKind: Record<string, LabelKind> = {};
  const numClasses: Record<string, number> = {};
  const classNames: Record<string, string[]> = {};
  tasks.forEach((t, i) => {
    const all = df.column(columns[i]).values;
    const values = keep.map((r) => all[r]);
    const kind = typeof args.labelKind === "string" ? args.labelKind : args.labelKind?.[t as K];
    if (values.every(isMissing))
      dataFail(name, columns[i], `has no label for task "${t}" (every cell is missing)`, {
        value: columns[i],
        expected: "at least one labelled row",
      });
    const l = toLabels(name, columns[i], values, keep, kind, args.classes?.[t as K]);
    y[t] = l.y;
    labelKind[t] = l.labelKind;
    if (l.numClasses !== undefined) {
      numClasses[t] = l.numClasses;
      classNames[t] = l.classNames as string[];
    }
    if (values.some(isMissing)) mask[t] = values.map((v) => (isMissing(v) ? 0 : 1));
  });
  return fromArrays({
    x,
    y: y as { [P in K]: number[] },
    mask: mask as { [P in K]?: number[] },
    labelKind: labelKind as { [P in K]?: LabelKind },
    numClasses: numClasses as { [P in K]?: number },
    classNames: classNames as { [P in K]?: string[] },
    ...(args.group ? { group: args.group } : {}),
    name,
  });
}

function isGroupArgs(args: unknown): args is TabularGroupArgs<string> {
  return typeof args === "object" && args !== null && "labels" in args;
}

export async function fromCsv<K extends string>(
  path: string,
  args: TabularGroupArgs<K>,
): Promise<{ [P in K]: Dataset }>;
export async function fromCsv(path: string, args: TabularArgs): Promise<Dataset>;
export async function fromCsv(
  path: string,
  args: TabularArgs | TabularGroupArgs<string>,
): Promise<Dataset | Record<string, Dataset>> {
  checkDatasetArgs(isGroupArgs(args) ? "tabularGroup" : "tabular", args, "datasets.fromCsv");
  const name = args?.name ?? path.split(/[\\/]/).pop() ?? path;
  if (!existsSync(path))
    throw new DataError(`Dataset "${name}": no CSV file at ${path}.`, {
      task: name,
      field: "path",
      value: path,
      expected: "an existing CSV file",
    });
  const dfd = await danfo();
  let df: Frame;
  try {
    df = (await dfd.readCSV(path)) as unknown as Frame;
  } catch (cause) {
    throw new DataError(
      `Dataset "${name}": cannot read ${path} as CSV: ${(cause as Error)?.message ?? String(cause)}.`,
      { task: name, field: "path", value: path, expected: "a CSV file with a header row", cause },
    );
  }
  return isGroupArgs(args) ? fromFrameGroup(df, args, name) : fromFrame(df, args, name);
}

/**
 * Records as columns, by key: `column(c)` is every record's value under key `c` (undefined, so
 * "missing", where a record lacks it), whatever the order of each record's keys.
 */
function recordFrame(records: readonly Record<string, unknown>[]): Frame {
  const columns = new Set<string>();
  for (const r of records) for (const k of Object.keys(r)) columns.add(k);
  return {
    columns: [...columns],
    column: (c: string) => ({
      values: records.map((r) => (Object.hasOwn(r, c) ? r[c] : undefined)),
    }),
  };
}

/** From a JSON file (or an already parsed value) holding an array of records. */
export async function fromJson<K extends string>(
  source: string | readonly Record<string, unknown>[],
  args: TabularGroupArgs<K>,
): Promise<{ [P in K]: Dataset }>;
export async function fromJson(
  source: string | readonly Record<string, unknown>[],
  args: TabularArgs,
): Promise<Dataset>;
export async function fromJson(
  source: string | readonly Record<string, unknown>[],
  args: TabularArgs | TabularGroupArgs<string>,
): Promise<Dataset | Record<string, Dataset>> {
  checkDatasetArgs(isGroupArgs(args) ? "tabularGroup" : "tabular", args, "datasets.fromJson");
  const name =
    args?.name ?? (typeof source === "string" ? (source.split(/[\\/]/).pop() ?? source) : "json");
  let records: unknown = source;
  if (typeof source === "string") {
    try {
      records = JSON.parse(readFileSync(source, "utf8"));
    } catch (cause) {
      throw new DataError(`Dataset "${name}": cannot read JSON from ${source}.`, {
        task: name,
        field: "path",
        value: source,
        expected: "a readable JSON file",
        cause,
      });
    }
  }
  if (!Array.isArray(records) || records.length === 0)
    dataFail(name, "json", `is ${Array.isArray(records) ? "an empty array" : show(records)}`, {
      value: Array.isArray(records) ? 0 : records,
      expected: "a non-empty array of records (objects)",
    });
  records.forEach((r, i) => {
    if (r === null || typeof r !== "object" || Array.isArray(r))
      dataFail(name, "json", `record is ${show(r)}`, { index: i, value: r, expected: "an object" });
  });
  const frame = recordFrame(records as Record<string, unknown>[]);
  return isGroupArgs(args) ? fromFrameGroup(frame, args, name) : fromFrame(frame, args, name);
}

export const PENGUIN_FEATURES = [
  "bill_length_mm",
  "bill_depth_mm",
  "flipper_length_mm",
  "body_mass_g",
] as const;

/** Palmer penguins (shipped): 4 numeric features -> species (3 classes); 11 incomplete rows dropped. */
export function penguins(): Promise<Dataset> {
  return fromCsv(assetPath("penguins.csv"), {
    features: PENGUIN_FEATURES,
    label: "species",
    missing: "drop",
    name: "penguins",
  });
}
