/**
 * Reading per-task series out of epoch logs (see `src/train/events.ts` for the keys):
 * `loss/<task>`, `<metric>/<task>`, `weight/<task>`, `val/<task>/<metric>`, `val/mean/<metric>`,
 * and for the analysis views `cosine/<a>/<b>` (gradient cosine) and `affinity/<a>/<b>`.
 */
import type { EpochLog } from "../train/events.js";

/** First segments of two-part keys that are not metrics. */
const NOT_METRICS = new Set(["loss", "weight", "val", "cosine", "affinity"]);
/** Scalar keys that are not per-task. */
const RUN_KEYS = new Set(["epoch", "step", "time", "lr", "loss"]);

/** Task names in first-seen order, from every per-task key of the history. */
export function tasksOf(history: readonly EpochLog[]): string[] {
  const seen = new Set<string>();
  for (const log of history) {
    for (const key of Object.keys(log)) {
      const t = taskOfKey(key);
      if (t !== undefined) seen.add(t);
    }
  }
  return [...seen];
}

/** The task a key belongs to, if it is a per-task key. */
export function taskOfKey(key: string): string | undefined {
  if (RUN_KEYS.has(key)) return undefined;
  const parts = key.split("/");
  if (parts.length === 2 && parts[0] !== "val" && parts[1] !== "") return parts[1];
  if (parts.length === 3 && parts[0] === "val" && parts[1] !== "mean") return parts[1];
  return undefined;
}

export interface TaskMetrics {
  /** Metric names logged on training batches (`<metric>/<task>`), loss excluded. */
  readonly train: string[];
  /** Metric names logged on validation (`val/<task>/<metric>`), loss excluded. */
  readonly val: string[];
  readonly hasTrainLoss: boolean;
  readonly hasValLoss: boolean;
}

/** Which metrics a task has, in first-seen order. */
export function metricsOf(history: readonly EpochLog[], task: string): TaskMetrics {
  const train = new Set<string>();
  const val = new Set<string>();
  let hasTrainLoss = false;
  let hasValLoss = false;
  for (const log of history) {
    for (const key of Object.keys(log)) {
      const parts = key.split("/");
      if (parts.length === 2 && parts[1] === task) {
        if (parts[0] === "loss") hasTrainLoss = true;
        else if (!NOT_METRICS.has(parts[0]!)) train.add(parts[0]!);
      } else if (parts.length === 3 && parts[0] === "val" && parts[1] === task) {
        if (parts[2] === "loss") hasValLoss = true;
        else val.add(parts[2]!);
      }
    }
  }
  return { train: [...train], val: [...val], hasTrainLoss, hasValLoss };
}

/** Every metric name (train or val) of the task; the first is the "primary" one. */
export function allMetrics(m: TaskMetrics): string[] {
  return [...new Set([...m.val, ...m.train])];
}

export interface Series {
  readonly x: number[];
  /** `null` where the key is missing or not finite (plotly draws a gap). */
  readonly y: (number | null)[];
}

/** One key over the epochs; x is the 1-based epoch number. */
export function series(history: readonly EpochLog[], key: string): Series {
  const x: number[] = [];
  const y: (number | null)[] = [];
  for (const log of history) {
    x.push(log.epoch + 1);
    const v = log[key];
    y.push(typeof v === "number" && Number.isFinite(v) ? v : null);
  }
  return { x, y };
}

/** True if the key has at least one finite value in the history. */
export function hasKey(history: readonly EpochLog[], key: string): boolean {
  return history.some((log) => typeof log[key] === "number" && Number.isFinite(log[key]));
}

/** The last finite value of a key, if any. */
export function lastValue(history: readonly EpochLog[], key: string): number | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const v = history[i]![key];
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** Metrics where a smaller value is better (losses and errors). */
export function lowerIsBetter(metric: string): boolean {
  const m = metric.toLowerCase().split("/").pop()!;
  return /loss|mae|mse|rmse|error|err$|nll|perplexity|ece/.test(m);
}

/** Every key of the history, in first-seen order. */
export function keysOf(history: readonly EpochLog[]): string[] {
  const seen = new Set<string>();
  for (const log of history) for (const k of Object.keys(log)) seen.add(k);
  return [...seen];
}
