/** Figure builders (pure: logged numbers in, plotly figure JSON out) and tables. */
export { isFigure, makeFigure, emptyFigure, color } from "./figure.js";
export type { Figure, Trace, Layout } from "./figure.js";
export { curvesFigure, MAX_SUBPLOT_TASKS } from "./curves.js";
export type { CurvesArgs } from "./curves.js";
export { weightsFigure } from "./weights.js";
export type { WeightsArgs, StepWeights } from "./weights.js";
export { runFigure, registerFigureKind, figureKinds } from "./run-figure.js";
export type {
  RunFigureMeta,
  StepRecord,
  FigureBuilder,
  ConfusionInput,
  ParityInput,
} from "./run-figure.js";
export { historyTable, historyColumns } from "./table.js";
export { tasksOf, metricsOf } from "./logs.js";
