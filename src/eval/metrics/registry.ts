/** Metrics by name: "accuracy", "top<k>", "macroF1", "auc", "mae", "rmse", "r2". */
import { UnknownNameError } from "../../errors.js";
import { auc } from "./auc.js";
import { accuracy, macroF1, topK } from "./classification.js";
import { mae, r2, rmse } from "./regression.js";
import type { Metric } from "./types.js";

const metrics: Record<string, Metric> = { accuracy, macroF1, auc, mae, rmse, r2 };

export function registerMetric(m: Metric): void {
  metrics[m.name] = m;
}

export function resolveMetric(nameOrMetric: string | Metric): Metric {
  if (typeof nameOrMetric !== "string") return nameOrMetric;
  const top = /^top(\d+)$/.exec(nameOrMetric);
  if (top) return topK(Number(top[1]));
  const m = metrics[nameOrMetric];
  if (!m) throw new UnknownNameError("metric", nameOrMetric, [...Object.keys(metrics), "top<k>"]);
  return m;
}

export const metricNames = (): string[] => Object.keys(metrics);
