/** Figure builders (pure: logged numbers in, plotly figure JSON out) and tables. */
export { isFigure, makeFigure, emptyFigure, color } from "./figure.js";
export type { Figure, Trace, Layout } from "./figure.js";
export { curvesFigure, MAX_SUBPLOT_TASKS } from "./curves.js";
export type { CurvesArgs } from "./curves.js";
export { weightsFigure } from "./weights.js";
export type { WeightsArgs, StepWeights } from "./weights.js";
export { conflictFigure, conflictEvolutionFigure, conflictSamples } from "./conflict.js";
export type { ConflictSample, ConflictArgs } from "./conflict.js";
export { affinityFigure, affinityFromHistory } from "./affinity.js";
export { confusionFigure, confusionCounts } from "./confusion.js";
export { parityFigure } from "./parity.js";
export { paretoFigure, paretoFront } from "./pareto.js";
export type { ParetoPoint, ParetoArgs } from "./pareto.js";
export { compare, Comparison, COMPARE_KINDS } from "./compare.js";
export type { RunLike, NamedRun, CompareArgs, RunCollection } from "./compare.js";
export { runFigure, registerFigureKind, figureKinds } from "./run-figure.js";
export type {
  RunFigureMeta,
  StepRecord,
  FigureBuilder,
  ConfusionInput,
  ParityInput,
} from "./run-figure.js";
export { historyTable, historyColumns, table } from "./table.js";
export type { TableArgs } from "./table.js";
export { tasksOf, metricsOf } from "./logs.js";
export { figureSvg } from "./svg/render.js";
export type { SvgArgs } from "./svg/render.js";
