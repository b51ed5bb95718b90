/**
 * What `datasets.fromParquet` reads from the shards' footers before any data: the feature
 * column(s) and each label column as a TableSpec part (kind, shape, label kind, classes), with
 * every named column checked to exist and agree in every file.
 */
import { basename } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { ConfigError, DataError, show } from "../../errors.js";
import type { z } from "../../util/schema.js";
import type { datasetArgs } from "../args.js";
import type { FeatureSpec, LabelSpec } from "../stream/parquet-decode.js";
import { type ColumnKind, describeKind } from "../stream/parquet-schema.js";
import type { ParquetFile } from "../stream/parquet-table.js";
import type { LabelKind } from "../types.js";

/** fromParquet's options after their schema. */
export type Parsed = z.output<typeof datasetArgs.fromParquet>;

/** An option given for all tasks (a value) or per task (a record of values). */
function forTask<V>(v: unknown, task: string, isValue: (v: unknown) => boolean): V | undefined {
  if (v === undefined) return undefined;
  if (isValue(v)) return v as V;
  return (v as Record<string, V>)[task];
}

/** What must agree between shards: the shape, and text vs numbers (int32 vs double may differ). */
function signature(k: ColumnKind): string {
  return `${k.shape}:${"value" in k && k.value === "string" ? "string" : "number"}`;
}

function columnOf(name: string, files: readonly ParquetFile[], column: string, role: string) {
  const first = files[0].columns.get(column);
  for (const f of files) {
    const k = f.columns.get(column);
    if (!k)
      throw new DataError(
        `Dataset "${name}": ${basename(f.path)} has no column "${column}" (${role}); its columns are ${[...f.columns.keys()].join(", ")}.`,
        {
          task: name,
          field: column,
          value: column,
          expected: `a column of ${f.path}`,
          file: f.path,
        },
      );
    if (k.shape === "unsupported")
      throw new DataError(
        `Dataset "${name}": column "${column}" of ${basename(f.path)} is ${k.why}, not numbers (${role}).`,
        {
          task: name,
          field: column,
          value: k.why,
          expected: "numbers, lists of numbers or tensor bytes",
          file: f.path,
        },
      );
    if (signature(k) !== signature(first!))
      throw new DataError(
        `Dataset "${name}": column "${column}" is ${describeKind(k)} in ${basename(f.path)} but ${describeKind(first!)} in ${basename(files[0].path)}.`,
        {
          task: name,
          field: column,
          value: describeKind(k),
          expected: describeKind(first!),
          file: f.path,
        },
      );
  }
  return first!;
}

/** Row 0 of the first file (for list lengths the metadata does not give). */
async function firstRow(f: ParquetFile, columns: string[]): Promise<Record<string, unknown>> {
  const rows = await parquetReadObjects({
    file: f.buffer,
    metadata: f.metadata,
    columns,
    rowStart: 0,
    rowEnd: 1,
    utf8: false,
  });
  return (rows[0] ?? {}) as Record<string, unknown>;
}

export async function featureSpec(
  name: string,
  a: Parsed,
  files: readonly ParquetFile[],
): Promise<FeatureSpec> {
  const meta = files[0].polytask?.features;
  const cols = typeof a.features === "string" ? [a.features] : a.features;
  const kinds = cols.map((c) => columnOf(name, files, c, "feature"));
  const dtype =
    a.inputDtype ?? (meta && meta.column === cols[0] ? meta.dtype : undefined) ?? "float32";
  const metaShape = meta && meta.column === cols[0] && cols.length === 1 ? meta.shape : undefined;
  kinds.forEach((k, i) => {
    if (("value" in k && k.value === "string") || (cols.length > 1 && k.shape !== "scalar"))
      throw new DataError(
        `Dataset "${name}": feature column "${cols[i]}" is ${describeKind(k)}; expected ${cols.length > 1 ? "one number per row" : "numbers"}.`,
        {
          task: name,
          field: cols[i],
          value: describeKind(k),
          expected: "a numeric column",
          file: files[0].path,
        },
      );
  });
  const k = kinds[0];
  let per: number;
  let mode: FeatureSpec["mode"] = "scalars";
  if (cols.length > 1 || k.shape === "scalar") per = cols.length;
  else if (k.shape === "bytes") {
    mode = "bytes";
    const shape = a.inputShape ?? metaShape;
    per = shape ? shape.reduce((p, q) => p * q, 1) : (k.length ?? 0) / 4;
    if (!Number.isInteger(per) || per < 1)
      throw new ConfigError(
        `Dataset "${name}": column "${cols[0]}" holds bytes of unknown length; give inputShape.`,
        {
          task: name,
          field: "inputShape",
          value: a.inputShape,
          expected: "the shape of one sample",
        },
      );
  } else {
    mode = "list";
    // the first row's length, checked against a given shape here rather than at the first read
    per =
      ((await firstRow(files[0], [cols[0]]))[cols[0]] as ArrayLike<unknown> | null)?.length ?? 0;
  }
  const shape = a.inputShape ?? metaShape ?? [per];
  const prod = shape.reduce((p, q) => p * q, 1);
  if (prod !== per || per < 1)
    throw new ConfigError(
      `Dataset "${name}": inputShape ${show(shape)} holds ${prod} values; the features give ${per} per sample.`,
      {
        task: name,
        field: "inputShape",
        value: shape,
        expected: `a shape of ${per} values`,
      },
    );
  return { columns: cols, mode, shape, per, dtype };
}

/** max + 1 of an integer column over every row group's statistics, when all of them have some. */
function classesFromStats(
  name: string,
  files: readonly ParquetFile[],
  column: string,
): number | undefined {
  let max = -1;
  for (const f of files)
    for (const g of f.metadata.row_groups) {
      const c = g.columns.find((cc) => cc.meta_data?.path_in_schema[0] === column);
      const st = c?.meta_data?.statistics;
      const hi = st?.max_value ?? st?.max;
      const lo = st?.min_value ?? st?.min;
      if (Number(g.num_rows) === 0) continue;
      if (hi === undefined || hi === null) {
        if (Number(st?.null_count ?? -1) === Number(g.num_rows)) continue; // all null
        return undefined;
      }
      if (lo !== undefined && lo !== null && Number(lo) < 0)
        throw new DataError(
          `Dataset "${name}": label column "${column}" of ${basename(f.path)} holds ${Number(lo)}, a negative class.`,
          {
            task: name,
            field: column,
            value: Number(lo),
            expected: "class indices >= 0",
            file: f.path,
          },
        );
      max = Math.max(max, Number(hi));
    }
  return max >= 0 ? max + 1 : undefined;
}

export async function labelSpec(
  name: string,
  key: string,
  column: string,
  a: Parsed,
  files: readonly ParquetFile[],
  group: boolean,
): Promise<LabelSpec> {
  const k = columnOf(name, files, column, `label of "${key}"`);
  const meta = Object.values(files[0].polytask?.labels ?? {}).find((m) => m.column === column);
  const isKind = (v: unknown) => typeof v === "string";
  const labelKind: LabelKind =
    forTask<LabelKind>(a.labelKind, key, isKind) ??
    (meta?.kind as LabelKind | undefined) ??
    (k.shape === "scalar" && (k.integer || k.value === "string") ? "class" : "regression");
  const classNames = forTask<string[]>(a.classes, key, Array.isArray) ?? meta?.classNames;
  const missing = a.missingLabels ?? (group ? "mask" : "error");
  const fail = (problem: string, expected: string): never => {
    throw new ConfigError(
      `Dataset "${name}": label "${key}" (column "${column}", ${describeKind(k)}) ${problem}.`,
      {
        task: key,
        field: column,
        value: describeKind(k),
        expected,
      },
    );
  };
  if (k.shape === "bytes") fail("holds bytes", "numbers or strings");
  if (labelKind === "class") {
    if (k.shape !== "scalar")
      fail(
        'is a list; class labels hold one index per row (or labelKind "multiLabel")',
        "one value per row",
      );
    if (k.shape === "scalar" && k.value === "string" && !classNames)
      fail("holds strings: give classes (the class names in index order)", "classes");
    if (k.shape === "scalar" && !k.integer && k.value !== "string")
      fail('holds fractions: use labelKind "regression" or an integer column', "an integer column");
    const numClasses =
      forTask<number>(a.numClasses, key, (v) => typeof v === "number") ??
      classNames?.length ??
      meta?.numClasses ??
      classesFromStats(name, files, column) ??
      fail("has no column statistics to count its classes: give numClasses", "numClasses");
    if (classNames && classNames.length !== numClasses)
      fail(`has ${classNames.length} class names for ${numClasses} classes`, `${numClasses} names`);
    return {
      key,
      column,
      kind: k,
      labelKind,
      labelSize: 1,
      numClasses,
      ...(classNames ? { classNames } : {}),
      missing,
    };
  }
  if ("value" in k && k.value === "string")
    fail(`holds strings, not ${labelKind} targets`, "numbers");
  const labelSize =
    k.shape === "scalar"
      ? 1
      : (meta?.labelSize ??
        ((await firstRow(files[0], [column]))[column] as ArrayLike<unknown> | null)?.length ??
        0);
  if (labelSize < 1)
    fail("has an empty or null first row, so its length is unknown", "a non-empty list in row 0");
  return {
    key,
    column,
    kind: k,
    labelKind,
    labelSize,
    ...(labelKind === "multiLabel" ? { numClasses: labelSize } : {}),
    missing,
  };
}
