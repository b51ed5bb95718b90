/** Multi-task analysis: gradient conflict and lookahead task affinity. */
export {
  gradientCosine,
  cosineFromGram,
  summarizeConflict,
  type ConflictSummary,
} from "./conflict.js";
export { lookaheadAffinity, affinityFromLosses } from "./affinity.js";
export { networkProbe, sharedTaskGradients, type AnalysisProbe } from "./probe.js";
export { AnalysisAccumulator } from "./accumulator.js";
