/** `pt.metrics.*`. */
export { accuracy, macroF1, topK } from "./classification.js";
export { auc, binaryAuc } from "./auc.js";
export { mae, rmse, r2 } from "./regression.js";
export { resolveMetric, registerMetric } from "./registry.js";
export type { Metric } from "./types.js";
