/**
 * Table 3 from the finished runs: per method and digit, the mean and sample standard deviation
 * over seeds of the test accuracy (percent) of the best-validation weights; the learning-rate
 * search table; the goal check (every cell within max(1.0, 2 sd) points of the paper).
 */
import {
  type Campaign,
  type ConfigName,
  type Method,
  TABLE3,
  type Variant,
  ablationId,
  chosenLr,
  finalId,
  methodOf,
  searchId,
} from "./plan.js";
import { type RunResult, finishedForPlan } from "./store.js";

export interface Cell {
  mean: number;
  sd: number;
  n: number;
}
export type Row = { left: Cell; right: Cell };

function cell(values: number[]): Cell {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, sd: Number.NaN, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd =
    n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  return { mean: round(mean), sd: round(sd), n };
}

const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x);

/** The configuration that fills a method's cell for a task. */
function configFor(method: Method, task: "left" | "right"): ConfigName {
  return method === "single" ? (task === "left" ? "single-left" : "single-right") : method;
}

/** Table 3 of one variant (final runs for "paper", ablation runs otherwise). */
export function table(
  c: Campaign,
  results: ReadonlyMap<string, RunResult>,
  variant: Variant = "paper",
): Record<Method, Row> {
  const seeds = variant === "paper" ? c.seeds : c.ablationSeeds;
  const id = (config: ConfigName, seed: number) =>
    variant === "paper" ? finalId(config, seed) : ablationId(variant, config, seed);
  const out = {} as Record<Method, Row>;
  for (const method of Object.keys(TABLE3) as Method[]) {
    const row = {} as Row;
    for (const task of ["left", "right"] as const) {
      const config = configFor(method, task);
      const values = seeds.flatMap((s) => {
        const r = results.get(id(config, s));
        return r && Number.isFinite(r.test[task]) ? [100 * r.test[task]] : [];
      });
      row[task] = cell(values);
    }
    out[method] = row;
  }
  return out;
}

/** The goal of a cell: within max(1.0, 2 sd) points of the paper. */
export function withinGoal(ours: Cell, paper: number): boolean | undefined {
  if (ours.n === 0) return undefined;
  const tol = Math.max(1.0, Number.isFinite(ours.sd) ? 2 * ours.sd : 0);
  return Math.abs(ours.mean - paper) <= tol;
}

export interface SearchRow {
  config: ConfigName;
  /** Best mean validation accuracy (percent) and its epoch (1-based) per rate; undefined while not finished. */
  byLr: { lr: number; val?: number; epoch?: number; reason?: string }[];
  chosen?: number;
}

export function searchTable(c: Campaign, results: ReadonlyMap<string, RunResult>): SearchRow[] {
  const done = finishedForPlan(results);
  return c.configs.map((config) => ({
    config,
    byLr: c.lrGrid.map((lr) => {
      const r = results.get(searchId(config, lr));
      return r
        ? { lr, val: round(100 * r.bestVal), epoch: r.bestEpoch + 1, reason: r.reason }
        : { lr };
    }),
    chosen: chosenLr(c, config, done),
  }));
}

/** The methods a configuration contributes to (for the notes). */
export const methodLabel = (config: ConfigName) => TABLE3[methodOf(config).method].label;
