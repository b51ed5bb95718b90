/**
 * Decoding one Parquet row group's columns (as hyparquet hands them over: arrays of numbers,
 * BigInt for INT64, booleans, strings, nested arrays for lists, Uint8Array for bytes) into a
 * RowBlock of flat typed arrays, checking every value. A bad value fails with a DataError naming
 * the dataset, the file, the column and the row (counted from the file's first row).
 */
import { basename } from "node:path";
import { DataError, show } from "../../errors.js";
import type { LabelKind } from "../types.js";
import type { ColumnKind } from "./parquet-schema.js";

export interface FeatureSpec {
  /** One column ("list" or "bytes" mode, or a single scalar), or one scalar column per value. */
  readonly columns: readonly string[];
  readonly mode: "scalars" | "list" | "bytes";
  /** Shape of one sample (its product is `per`). */
  readonly shape: readonly number[];
  /** Values per sample. */
  readonly per: number;
  readonly dtype: "float32" | "int32";
}

export interface LabelSpec {
  /** The label key (task) in the table. */
  readonly key: string;
  readonly column: string;
  readonly kind: ColumnKind;
  readonly labelKind: LabelKind;
  readonly labelSize: number;
  readonly numClasses?: number;
  readonly classNames?: readonly string[];
  /** "mask": a null label is a missing label (mask 0). "error": a null label fails. */
  readonly missing: "mask" | "error";
}

export interface TableSpec {
  readonly name: string;
  readonly features: FeatureSpec;
  readonly labels: readonly LabelSpec[];
}

/** Decoded rows of one row group. */
export interface RowBlock {
  readonly rows: number;
  readonly x: Float32Array | Int32Array;
  readonly y: Readonly<Record<string, Int32Array | Float32Array>>;
  /** Per label key: 1 = present, 0 = missing; absent when every label of the block is present. */
  readonly mask: Readonly<Record<string, Uint8Array | undefined>>;
}

export interface BlockPlace {
  readonly file: string;
  readonly group: number;
  /** Row (in its file) of the block's first row. */
  readonly firstRow: number;
}

class Fail {
  constructor(
    readonly spec: TableSpec,
    readonly at: BlockPlace,
  ) {}

  throw(column: string, row: number, problem: string, value: unknown, expected: string): never {
    const r = this.at.firstRow + row;
    throw new DataError(
      `Dataset "${this.spec.name}": column "${column}" at row ${r} of ${basename(this.at.file)} (row group ${this.at.group}) ${problem}; expected ${expected}.`,
      { task: this.spec.name, field: column, index: r, value, expected, file: this.at.file },
    );
  }
}

/** A value as a number, or a reason it is not one. */
function numeric(v: unknown): number | string {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v === null || v === undefined) return "is missing (null)";
  return `is ${show(typeof v === "object" ? String(v) : v)}, not a number`;
}

function put(
  out: Float32Array | Int32Array,
  i: number,
  v: unknown,
  fail: Fail,
  column: string,
  row: number,
): void {
  const n = numeric(v);
  if (typeof n === "string") fail.throw(column, row, n, v, "a number");
  if (!Number.isFinite(n)) fail.throw(column, row, `is ${n}`, n, "a finite number");
  if (out instanceof Int32Array && !Number.isInteger(n))
    fail.throw(column, row, `is ${n}`, n, "an integer (int32 inputs)");
  out[i] = n;
}

function decodeFeatures(
  f: FeatureSpec,
  cols: Readonly<Record<string, ArrayLike<unknown>>>,
  rows: number,
  fail: Fail,
): Float32Array | Int32Array {
  const x = f.dtype === "int32" ? new Int32Array(rows * f.per) : new Float32Array(rows * f.per);
  if (f.mode === "scalars") {
    f.columns.forEach((c, j) => {
      const data = cols[c];
      for (let r = 0; r < rows; r++) put(x, r * f.per + j, data[r], fail, c, r);
    });
    return x;
  }
  const c = f.columns[0];
  const data = cols[c];
  if (f.mode === "list") {
    for (let r = 0; r < rows; r++) {
      const v = data[r] as ArrayLike<unknown> | null;
      if (v === null || v === undefined) fail.throw(c, r, "is missing (null)", v, "a list");
      if (v.length !== f.per)
        fail.throw(c, r, `holds ${v.length} values`, v.length, `${f.per} values per sample`);
      for (let j = 0; j < f.per; j++) put(x, r * f.per + j, v[j], fail, c, r);
    }
    return x;
  }
  // bytes: little-endian float32/int32 values, f.per of them per row
  const bytes = new Uint8Array(x.buffer);
  const width = f.per * 4;
  for (let r = 0; r < rows; r++) {
    const v = data[r];
    if (!(v instanceof Uint8Array))
      fail.throw(c, r, `is ${v === null ? "missing (null)" : show(v)}`, v, `${width} bytes`);
    if (v.byteLength !== width)
      fail.throw(
        c,
        r,
        `holds ${v.byteLength} bytes`,
        v.byteLength,
        `${width} bytes (${f.per} x 4)`,
      );
    bytes.set(v, r * width);
  }
  for (let i = 0; i < x.length; i++)
    if (f.dtype === "float32" && !Number.isFinite(x[i]))
      fail.throw(c, Math.floor(i / f.per), `holds ${x[i]}`, x[i], "finite numbers");
  return x;
}

function decodeLabel(
  l: LabelSpec,
  data: ArrayLike<unknown>,
  rows: number,
  fail: Fail,
): { y: Int32Array | Float32Array; mask?: Uint8Array } {
  const c = l.column;
  const ls = l.labelSize;
  const y = l.labelKind === "class" ? new Int32Array(rows) : new Float32Array(rows * ls);
  let mask: Uint8Array | undefined;
  const missing = (r: number, v: unknown) => {
    if (l.missing === "error")
      fail.throw(c, r, "is missing (null)", v, 'a label (or missingLabels: "mask")');
    mask ??= new Uint8Array(rows).fill(1);
    mask[r] = 0;
  };
  for (let r = 0; r < rows; r++) {
    const v = data[r];
    if (v === null || v === undefined) {
      missing(r, v);
      continue;
    }
    if (l.labelKind === "class") {
      let k: number;
      if (typeof v === "string") {
        k = l.classNames?.indexOf(v) ?? -1;
        if (k < 0)
          fail.throw(
            c,
            r,
            `is ${show(v)}, not a listed class`,
            v,
            `one of ${l.classNames?.join(", ")}`,
          );
      } else {
        const n = numeric(v);
        if (typeof n === "string") fail.throw(c, r, n, v, "a class index");
        k = n;
      }
      const nc = l.numClasses ?? 0;
      if (!Number.isInteger(k) || k < 0 || k >= nc)
        fail.throw(
          c,
          r,
          `is ${show(k)}, outside 0..${nc - 1}`,
          k,
          `an integer class index in 0..${nc - 1}`,
        );
      y[r] = k;
      continue;
    }
    const vals: ArrayLike<unknown> = l.kind.shape === "list" ? (v as ArrayLike<unknown>) : [v];
    if (vals.length !== ls)
      fail.throw(c, r, `holds ${vals.length} values`, vals.length, `${ls} label values`);
    for (let j = 0; j < ls; j++) {
      const n = numeric(vals[j]);
      if (typeof n === "string") fail.throw(c, r, n, vals[j], "a number");
      if (l.labelKind === "multiLabel" ? n !== 0 && n !== 1 : !Number.isFinite(n))
        fail.throw(c, r, `is ${n}`, n, l.labelKind === "multiLabel" ? "0 or 1" : "a finite number");
      y[r * ls + j] = n;
    }
  }
  return { y, ...(mask ? { mask } : {}) };
}

/** Decodes and checks the `rows` rows of one row group's columns. */
export function decodeBlock(
  spec: TableSpec,
  cols: Readonly<Record<string, ArrayLike<unknown>>>,
  rows: number,
  at: BlockPlace,
): RowBlock {
  const fail = new Fail(spec, at);
  for (const [c, data] of Object.entries(cols))
    if (data.length !== rows)
      throw new DataError(
        `Dataset "${spec.name}": column "${c}" of ${basename(at.file)} (row group ${at.group}) holds ${data.length} rows, the row group ${rows}.`,
        { task: spec.name, field: c, value: data.length, expected: `${rows} rows`, file: at.file },
      );
  const x = decodeFeatures(spec.features, cols, rows, fail);
  const y: Record<string, Int32Array | Float32Array> = {};
  const mask: Record<string, Uint8Array | undefined> = {};
  for (const l of spec.labels) {
    const d = decodeLabel(l, cols[l.column], rows, fail);
    y[l.key] = d.y;
    mask[l.key] = d.mask;
  }
  return { rows, x, y, mask };
}
