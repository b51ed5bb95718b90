/** Evaluation: metrics, per-task evaluation, delta-m. (Analysis lives in ./analysis.) */
export * as metrics from "./metrics/index.js";
export type { Metric } from "./metrics/types.js";
export { deltaM } from "./deltaM.js";
export type { EvaluateOptions, Evaluation } from "./evaluate.js";
export type { Predictions } from "./predict.js";
