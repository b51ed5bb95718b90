/**
 * History and comparison tables as danfojs-node DataFrames (the notebook bridge renders them
 * as HTML tables). danfojs is loaded on first use, so importing polytask stays cheap.
 */
import { createRequire } from "node:module";
import type { DataFrame } from "danfojs-node";
import type { EpochLog } from "../train/events.js";
import { makeRich } from "./figure.js";
import { keysOf } from "./logs.js";

type Danfo = typeof import("danfojs-node");
let danfo: Danfo | undefined;

/** The danfojs-node module, loaded synchronously on first call. */
export function danfojs(): Danfo {
  if (danfo === undefined) {
    danfo = createRequire(import.meta.url)("danfojs-node") as Danfo;
    // DataFrames and Series returned as a cell's value render as tables in the kernel.
    makeRich(danfo.DataFrame.prototype);
    makeRich(danfo.Series.prototype);
  }
  return danfo;
}

/** Run-level keys first, in this order; then per-task keys in first-seen order. */
const LEADING = ["epoch", "step", "time", "lr", "loss"];

/** Column order for a history: run-level keys, then task keys, then `val/mean/*`. */
export function historyColumns(history: readonly EpochLog[]): string[] {
  const keys = keysOf(history);
  const lead = LEADING.filter((k) => keys.includes(k));
  const mean = keys.filter((k) => k.startsWith("val/mean/"));
  const rest = keys.filter((k) => !LEADING.includes(k) && !k.startsWith("val/mean/"));
  return [...lead, ...rest, ...mean];
}

/** Column-major numbers (NaN where an epoch lacks a key) for a set of rows. */
export function columnsOf(
  rows: readonly Readonly<Record<string, unknown>>[],
  columns: readonly string[],
): Record<string, (number | string)[]> {
  const out: Record<string, (number | string)[]> = {};
  for (const c of columns) {
    out[c] = rows.map((r) => {
      const v = r[c];
      return typeof v === "number" || typeof v === "string" ? v : Number.NaN;
    });
  }
  return out;
}

/** Rows for people: `epoch` 1-based, as on the charts' epoch axes (logs keep it 0-based). */
export function displayRows(history: readonly EpochLog[]): EpochLog[] {
  return history.map((log) => ({ ...log, epoch: log.epoch + 1 }));
}

/**
 * One row per epoch, one column per logged key (`epoch`, `loss/<task>`, `val/<task>/...`);
 * the epoch column counts from 1 like the charts.
 */
export function historyTable(history: readonly EpochLog[]): DataFrame {
  const { DataFrame } = danfojs();
  const columns = historyColumns(history);
  if (columns.length === 0) return new DataFrame([], { columns: [] });
  const rows = displayRows(history);
  return new DataFrame(columnsOf(rows, columns), { columns, index: rows.map((r) => r.epoch) });
}

export interface TableArgs {
  /** Column order (and selection). Defaults to every key of the rows, in first-seen order. */
  readonly columns?: readonly string[];
  /** Row labels. Defaults to the value of column `indexBy`, else 0, 1, 2, ... */
  readonly indexBy?: string;
}

/**
 * A DataFrame from row records, e.g. one row per configuration of an experiment:
 * `table([{ run: "L2", accuracy: 0.91 }, ...])`. Numbers and strings are kept; anything else
 * (missing keys included) becomes NaN. It renders as an HTML table in a notebook.
 */
export function table(
  rows: readonly Readonly<Record<string, unknown>>[],
  args: TableArgs = {},
): DataFrame {
  const { DataFrame } = danfojs();
  const keys = args.columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const columns = keys.filter((k) => k !== args.indexBy);
  if (columns.length === 0 || rows.length === 0) return new DataFrame([], { columns: [] });
  const index =
    args.indexBy === undefined
      ? rows.map((_, i) => i)
      : rows.map((r, i) => {
          const v = r[args.indexBy as string];
          return typeof v === "string" || typeof v === "number" ? v : i;
        });
  return new DataFrame(columnsOf(rows, columns), { columns, index });
}
