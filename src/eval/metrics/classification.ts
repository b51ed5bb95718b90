/** Classification metrics: accuracy, top-k accuracy, macro-F1. */
import { num, parseOptions, z } from "../../util/schema.js";
import type { Metric } from "./types.js";

function argmax(pred: Float32Array, i: number, units: number): number {
  let best = 0;
  for (let c = 1; c < units; c++) if (pred[i * units + c] > pred[i * units + best]) best = c;
  return best;
}

/** Fraction of samples whose arg-max class is the label. Multi-label: per-label accuracy at 0.5. */
export const accuracy: Metric = {
  name: "accuracy",
  kinds: ["class", "multiLabel"],
  higherIsBetter: true,
  compute(pred, y, n, units) {
    if (n === 0) return Number.NaN;
    let hit = 0;
    if (y.length === n) {
      for (let i = 0; i < n; i++) if (argmax(pred, i, units) === y[i]) hit++;
      return hit / n;
    }
    for (let j = 0; j < n * units; j++) if (pred[j] >= 0.5 === y[j] >= 0.5) hit++;
    return hit / (n * units);
  },
};

/** Fraction of samples whose label is among the k most probable classes. */
export const topKSchema = z.strictObject({ k: num.count() });

export function topK(k: number): Metric {
  parseOptions(topKSchema, { k }, { where: 'metric "topK"' });
  return {
    name: `top${k}`,
    kinds: ["class"],
    higherIsBetter: true,
    compute(pred, y, n, units) {
      if (n === 0) return Number.NaN;
      let hit = 0;
      for (let i = 0; i < n; i++) {
        const p = pred[i * units + y[i]];
        let above = 0;
        for (let c = 0; c < units; c++) if (pred[i * units + c] > p) above++;
        if (above < k) hit++;
      }
      return hit / n;
    },
  };
}

/** Unweighted mean over classes of F1 (classes absent from labels and predictions are skipped). */
export const macroF1: Metric = {
  name: "macroF1",
  kinds: ["class", "multiLabel"],
  higherIsBetter: true,
  compute(pred, y, n, units) {
    const tp = new Float64Array(units);
    const fp = new Float64Array(units);
    const fn = new Float64Array(units);
    if (y.length === n) {
      for (let i = 0; i < n; i++) {
        const p = argmax(pred, i, units);
        const t = y[i];
        if (p === t) tp[t]++;
        else {
          fp[p]++;
          fn[t]++;
        }
      }
    } else {
      for (let i = 0; i < n; i++)
        for (let c = 0; c < units; c++) {
          const p = pred[i * units + c] >= 0.5;
          const t = y[i * units + c] >= 0.5;
          if (p && t) tp[c]++;
          else if (p) fp[c]++;
          else if (t) fn[c]++;
        }
    }
    let sum = 0;
    let count = 0;
    for (let c = 0; c < units; c++) {
      const d = 2 * tp[c] + fp[c] + fn[c];
      if (d === 0) continue;
      sum += (2 * tp[c]) / d;
      count++;
    }
    return count ? sum / count : Number.NaN;
  },
};
