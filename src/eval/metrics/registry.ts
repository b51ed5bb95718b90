/**
 * Metrics by name ("accuracy", "macroF1", "auc", "mae", "rmse", "r2"), plus the parameterised
 * `top<k>` ("top5"). Lookups are own-property only: "toString" is an unknown metric like "f2".
 */
import { ConfigError, UnknownNameError } from "../../errors.js";
import { Registry } from "../../util/registry.js";
import { z } from "../../util/schema.js";
import { didYouMean } from "../../util/suggest.js";
import { auc } from "./auc.js";
import { accuracy, macroF1, topK } from "./classification.js";
import { mae, r2, rmse } from "./regression.js";
import type { Metric } from "./types.js";

/** A metric takes no options: its name is all there is. */
const noOptions = z.strictObject({});

export const metricRegistry = new Registry<Metric>("metric");

/** Adds (or replaces) a metric under its `name`. */
export function registerMetric(m: Metric): void {
  metricRegistry.register({ name: m.name, schema: noOptions, create: () => m });
}

for (const m of [accuracy, macroF1, auc, mae, rmse, r2]) registerMetric(m);

const TOP = /^top(\d+)$/;

/** The registered names and `top<k>`, for messages. */
export const metricNames = (): string[] => [...metricRegistry.names(), "top<k>"];

export function resolveMetric(nameOrMetric: string | Metric): Metric {
  if (typeof nameOrMetric !== "string") return nameOrMetric;
  if (metricRegistry.has(nameOrMetric)) return metricRegistry.create(nameOrMetric);
  const top = TOP.exec(nameOrMetric);
  if (top) return topK(Number(top[1]));
  throw new UnknownNameError("metric", nameOrMetric, metricNames());
}

/**
 * Checks that every name is a metric, so a typo fails before training or evaluating, not after
 * an epoch: `fit: option "metrics.cls": unknown metric "acurracy" (did you mean "accuracy"?)`.
 */
export function checkMetricNames(
  names: readonly string[],
  where: string,
  field: string,
  owner = `option "${field}"`,
): void {
  names.forEach((name, i) => {
    try {
      resolveMetric(name);
    } catch (e) {
      if (!(e instanceof UnknownNameError || e instanceof ConfigError)) throw e;
      const known = metricNames();
      throw new UnknownNameError(
        "metric",
        name,
        known,
        `${where}: ${owner}: unknown metric ${JSON.stringify(name)}${didYouMean(name, known)}. Known metric names: ${known.join(", ")}.`,
        { field: `${field}.${i}`, value: name },
      );
    }
  });
}
