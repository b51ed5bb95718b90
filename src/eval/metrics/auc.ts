/**
 * Area under the ROC curve (rank statistic, ties averaged). Binary/multi-label: mean over
 * labels; multi-class: mean one-vs-rest AUC. Labels without both positives and negatives are
 * skipped.
 */
import type { Metric } from "./types.js";

export function binaryAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++)
      if (positive[idx[k]]) {
        pos++;
        rankSum += rank;
      }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export const auc: Metric = {
  name: "auc",
  kinds: ["class", "multiLabel"],
  higherIsBetter: true,
  compute(pred, y, n, units) {
    const oneHot = y.length === n;
    let sum = 0;
    let count = 0;
    const scores = new Float32Array(n);
    const positive = new Array<boolean>(n);
    for (let c = 0; c < units; c++) {
      for (let i = 0; i < n; i++) {
        scores[i] = pred[i * units + c];
        positive[i] = oneHot ? y[i] === c : y[i * units + c] >= 0.5;
      }
      const a = binaryAuc(scores, positive);
      if (!Number.isNaN(a)) {
        sum += a;
        count++;
      }
    }
    return count ? sum / count : Number.NaN;
  },
};
