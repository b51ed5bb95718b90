/** Multi-task analysis: gradient conflict, lookahead task affinity, single-task baselines. */
export {
  gradientCosine,
  cosineFromGram,
  summarizeConflict,
  type ConflictSummary,
} from "./conflict.js";
export { lookaheadAffinity, affinityFromLosses } from "./affinity.js";
export { networkProbe, sharedTaskGradients, type AnalysisProbe } from "./probe.js";
export { AnalysisAccumulator } from "./accumulator.js";
export { singleTaskBaselines, type SingleTaskBaselineOptions } from "../../api/baselines.js";
