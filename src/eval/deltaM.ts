/**
 * Delta-m (Maninis et al. 2019; Vandenhende et al. 2021): the mean relative change of every
 * task metric versus single-task baselines, in percent, signed so that positive is better:
 * `100 / K * sum_k (-1)^{l_k} (M_k - B_k) / B_k`, with l_k = 1 when lower is better.
 */
import { resolveMetric } from "./metrics/registry.js";

export function deltaM(
  results: Readonly<Record<string, Readonly<Record<string, number>>>>,
  baselines: Readonly<Record<string, Readonly<Record<string, number>>>>,
): number {
  let sum = 0;
  let k = 0;
  for (const [task, base] of Object.entries(baselines)) {
    const got = results[task];
    if (!got) continue;
    for (const [metric, b] of Object.entries(base)) {
      const m = got[metric];
      if (m === undefined || !Number.isFinite(m) || !Number.isFinite(b) || b === 0) continue;
      const lowerBetter = metric === "loss" || !resolveMetric(metric).higherIsBetter;
      sum += ((lowerBetter ? -1 : 1) * (m - b)) / Math.abs(b);
      k++;
    }
  }
  return k ? (100 * sum) / k : Number.NaN;
}
