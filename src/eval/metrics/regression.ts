/** Regression metrics over all outputs: MAE, RMSE, R^2 (1 - SSE/SST, per output then averaged). */
import type { Metric } from "./types.js";

export const mae: Metric = {
  name: "mae",
  kinds: ["regression"],
  higherIsBetter: false,
  compute(pred, y, n, units) {
    let s = 0;
    for (let j = 0; j < n * units; j++) s += Math.abs(pred[j] - y[j]);
    return n ? s / (n * units) : Number.NaN;
  },
};

export const rmse: Metric = {
  name: "rmse",
  kinds: ["regression"],
  higherIsBetter: false,
  compute(pred, y, n, units) {
    let s = 0;
    for (let j = 0; j < n * units; j++) s += (pred[j] - y[j]) ** 2;
    return n ? Math.sqrt(s / (n * units)) : Number.NaN;
  },
};

export const r2: Metric = {
  name: "r2",
  kinds: ["regression"],
  higherIsBetter: true,
  compute(pred, y, n, units) {
    if (n < 2) return Number.NaN;
    let total = 0;
    for (let c = 0; c < units; c++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += y[i * units + c];
      mean /= n;
      let sse = 0;
      let sst = 0;
      for (let i = 0; i < n; i++) {
        sse += (y[i * units + c] - pred[i * units + c]) ** 2;
        sst += (y[i * units + c] - mean) ** 2;
      }
      total += sst === 0 ? (sse === 0 ? 1 : 0) : 1 - sse / sst;
    }
    return total / units;
  },
};
