/**
 * Tabular data: `datasets.fromCsv(path, { features, label })` (parsed by danfojs-node),
 * `datasets.fromJson(pathOrRecords, { features, label })` (values looked up by key in each record;
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
  for (const c of [...args.features, args.label])
    if (!df.columns.includes(c))
      dataFail(name, "columns", `lack the column ${show(c)}`, {
        value: c,
        expected: `one of ${df.columns.join(", ")}`,
      });
  const cols = args.features.map((c) => df.column(c).values);
  const labels = df.column(args.label).values;
  const rows = labels.length;
  const keep: number[] = [];
  for (let r = 0; r < rows; r++) {
    const cells = [...cols.map((c) => c[r]), labels[r]];
    const miss = cells.findIndex(isMissing);
    if (miss >= 0) {
      if (args.missing === "drop") continue;
      const col = miss < cols.length ? args.features[miss] : args.label;
      dataFail(name, col, `is missing (${show(cells[miss])})`, {
        index: r,
        value: cells[miss],
        expected: 'a value (or missing: "drop" to leave such rows out)',
      });
    }
    cols.forEach((c, k) => {
      const v = typeof c[r] === "string" && (c[r] as string).trim() !== "" ? Number(c[r]) : c[r];
      if (typeof v !== "number" || !Number.isFinite(v))
        dataFail(name, args.features[k], `is ${show(c[r])}`, {
          index: r,
          value: c[r],
          expected: "a finite number",
        });
    });
    keep.push(r);
  }
  if (keep.length === 0)
    dataFail(name, "rows", "are empty", { value: rows, expected: "at least one complete row" });
  const x = keep.map((r) => cols.map((c) => Number(c[r])));
  const lv = keep.map((r) => labels[r]);
  const numeric = lv.every((v) => typeof v === "number");
  const kind: LabelKind =
    args.labelKind ?? (numeric && !lv.every((v) => Number.isInteger(v)) ? "regression" : "class");
  if (kind === "regression")
    return fromArrays({ x, y: lv.map((v) => [Number(v)]), labelKind: "regression", name });
  if (numeric && !args.classes) return fromArrays({ x, y: lv as number[], name });
  const classes = args.classes ? [...args.classes] : [...new Set(lv.map(String))].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = lv.map((v, k) => {
    const i = index.get(String(v));
    if (i === undefined)
      dataFail(name, args.label, `is ${show(v)}, not a listed class`, {
        index: keep[k],
        value: v,
        expected: `one of ${classes.join(", ")}`,
      });
    return i;
  });
  return fromArrays({ x, y, numClasses: classes.length, classNames: classes, name });
}

export async function fromCsv(path: string, args: TabularArgs): Promise<Dataset> {
  checkDatasetArgs("tabular", args, "datasets.fromCsv");
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
  return fromFrame(df, args, name);
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
export async function fromJson(
  source: string | readonly Record<string, unknown>[],
  args: TabularArgs,
): Promise<Dataset> {
  checkDatasetArgs("tabular", args, "datasets.fromJson");
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
  return fromFrame(recordFrame(records as Record<string, unknown>[]), args, name);
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
