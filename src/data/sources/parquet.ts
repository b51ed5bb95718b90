/**
 * `datasets.fromParquet(paths | glob, { features, label })`: a streamed Dataset over Apache
 * Parquet shards, read lazily a row group at a time (hyparquet, pure JavaScript);
 * `{ features, labels: { a: "c1", b: "c2" } }` gives a record of streamed Datasets that share one
 * input (a task group). Opening reads only the files' footers: `size` comes from the Parquet
 * metadata, and every named column is checked in every file before any data is read.
 *
 * Features: a list of numeric columns (one value each), or one column holding a whole sample: a
 * Parquet LIST of numbers (pyarrow's arrays), or raw little-endian float32/int32 bytes (what
 * `polytask data convert` writes). Labels: integer or string columns are classes (strings need
 * `classes`), float columns regression targets, lists of numbers multi-value targets. INT64
 * columns arrive as BigInt and are converted. A null label is a missing label (mask 0) in a group
 * and an error for a single task, unless `missingLabels` says otherwise.
 */
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { glob } from "tinyglobby";
import { ConfigError, DataError, show } from "../../errors.js";
import { parseOptions } from "../../util/schema.js";
import { datasetArgs } from "../args.js";
import type { LabelSpec, TableSpec } from "../stream/parquet-decode.js";
import { type ParquetFile, ParquetTable, openParquetFile } from "../stream/parquet-table.js";
import type { StreamedDataset } from "../stream/types.js";
import type { LabelKind } from "../types.js";
import { featureSpec, labelSpec } from "./parquet-spec.js";

const ArgsSchema = datasetArgs.fromParquet;

export interface FromParquetArgs {
  /** One column holding a whole sample (LIST or bytes), or one numeric column per value. */
  features: string | readonly string[];
  /** The label column of a single task (give `label` or `labels`). */
  label?: string;
  /** Task -> label column, for a group sharing one input. */
  labels?: Readonly<Record<string, string>>;
  /** Shape of one sample. Defaults to the shards' polytask metadata, else [values per sample]. */
  inputShape?: readonly number[];
  /** Defaults to the shards' metadata, else "float32". */
  inputDtype?: "float32" | "int32";
  /** Per task or for all. Defaults to "class" for integer/string columns, else "regression". */
  labelKind?: LabelKind | Readonly<Record<string, LabelKind>>;
  /** Per task or for all. Defaults to the metadata, else the column statistics' max + 1. */
  numClasses?: number | Readonly<Record<string, number>>;
  /** Class names in index order (string label columns need them). */
  classes?: readonly string[] | Readonly<Record<string, readonly string[]>>;
  /** Defaults to "mask" for a group, "error" for a single task. */
  missingLabels?: "mask" | "error";
  /**
   * Samples in the shuffle buffer of each training source (memory held: this many samples, or
   * the largest row group, plus one prefetched row group). Defaults to 8192.
   */
  bufferSize?: number;
  /**
   * Where row groups are decoded: "worker" (default: a worker thread, so that decoding overlaps
   * the training step) or "main" (the calling thread; no extra thread).
   */
  decode?: "worker" | "main";
  /** Used in error messages. Defaults to the first file's name. */
  name?: string;
}

/** Files named by paths, directories (their *.parquet) and glob patterns, in natural order. */
export async function expandPaths(
  name: string,
  paths: string | readonly string[],
): Promise<string[]> {
  const list = typeof paths === "string" ? [paths] : [...paths];
  const out: string[] = [];
  for (const p of list) {
    const isDir = await stat(p).then(
      (s) => s.isDirectory(),
      () => false,
    );
    const found = isDir
      ? await glob("*.parquet", { cwd: p, absolute: true, onlyFiles: true })
      : /[*?[\]{}]/.test(p)
        ? await glob(p, { absolute: true, onlyFiles: true })
        : await stat(p).then(
            () => [p],
            () => [],
          );
    if (found.length === 0)
      throw new DataError(`Dataset "${name}": no Parquet file at ${show(p)}.`, {
        task: name,
        field: "paths",
        value: p,
        expected: "an existing file, a directory of *.parquet files or a glob that matches some",
      });
    out.push(...found.sort((a, b) => a.localeCompare(b, "en", { numeric: true })));
  }
  return [...new Set(out)];
}

export function fromParquet(
  paths: string | readonly string[],
  args: FromParquetArgs & { label: string; labels?: undefined },
): Promise<StreamedDataset>;
export function fromParquet<K extends string>(
  paths: string | readonly string[],
  args: FromParquetArgs & { labels: Readonly<Record<K, string>>; label?: undefined },
): Promise<Record<K, StreamedDataset>>;
export async function fromParquet(
  paths: string | readonly string[],
  args: FromParquetArgs,
): Promise<StreamedDataset | Record<string, StreamedDataset>> {
  const a = parseOptions(ArgsSchema, args, { where: "datasets.fromParquet" });
  if (
    (a.label === undefined) === (a.labels === undefined) ||
    (a.labels && Object.keys(a.labels).length === 0)
  )
    throw new ConfigError(
      "datasets.fromParquet: give label (one task's column) or labels ({ task: column }), not both or neither.",
      {
        field: "label",
        value: { label: a.label, labels: a.labels },
        expected: '{ label: "col" } or { labels: { task: "col" } }',
      },
    );
  if (
    typeof paths !== "string" &&
    !(Array.isArray(paths) && paths.length > 0 && paths.every((p) => typeof p === "string"))
  )
    throw new ConfigError(
      `datasets.fromParquet: paths ${show(paths)} must be a path, a glob or a non-empty list of them.`,
      {
        field: "paths",
        value: paths,
        expected: "a string or string[]",
      },
    );
  const first = typeof paths === "string" ? paths : paths[0];
  const provisional = a.name ?? basename(first);
  const files: ParquetFile[] = [];
  const found = await expandPaths(provisional, paths);
  for (let i = 0; i < found.length; i += 16)
    files.push(
      ...(await Promise.all(found.slice(i, i + 16).map((p) => openParquetFile(provisional, p)))),
    );
  const name = a.name ?? files[0].polytask?.name ?? provisional;
  const group = a.labels !== undefined;
  const labelColumns: [string, string][] = group
    ? Object.entries(a.labels!)
    : [[a.label!, a.label!]];
  const features = await featureSpec(name, a, files);
  const labels: LabelSpec[] = [];
  for (const [key, column] of labelColumns)
    labels.push(await labelSpec(name, key, column, a, files, group));
  const spec: TableSpec = { name, features, labels };
  const table = new ParquetTable(spec, files, { bufferSize: a.bufferSize, decode: a.decode });
  if (table.size === 0)
    throw new DataError(`Dataset "${name}": the Parquet files hold no rows.`, {
      task: name,
      field: "rows",
      value: 0,
      expected: "at least one row",
      file: files[0].path,
    });
  const dataset = (l: LabelSpec): StreamedDataset => ({
    name: group ? `${name}/${l.key}` : name,
    size: table.size,
    inputShape: [...features.shape],
    inputDtype: features.dtype,
    labelKind: l.labelKind,
    labelSize: l.labelSize,
    ...(l.numClasses !== undefined ? { numClasses: l.numClasses } : {}),
    ...(l.classNames ? { classNames: [...l.classNames] } : {}),
    streamed: true,
    task: l.key,
    table,
  });
  if (!group) return dataset(labels[0]);
  return Object.fromEntries(labels.map((l) => [l.key, dataset(l)]));
}
