/**
 * `runFigure(history, kind, meta)`: the figure behind `Run.plot(kind?)`. Kinds live in a
 * registry (a name -> builder map), so new views plug in without a switch here, and an unknown
 * name fails with the list of known ones.
 */
import { UnknownNameError } from "../errors.js";
import type { EpochLog } from "../train/events.js";
import { curvesFigure } from "./curves.js";
import type { Figure } from "./figure.js";
import { type StepWeights, weightsFigure } from "./weights.js";

/** One recorded step: weights and, when sampled, the task-gradient cosine matrix. */
export interface StepRecord extends StepWeights {
  readonly epoch?: number;
  readonly losses?: Readonly<Record<string, number>>;
  /** Pairwise cosine of task gradients, rows/cols in `RunFigureMeta.tasks` order. */
  readonly gradientCosine?: readonly (readonly number[])[];
}

/** Extra data a view may need beyond the epoch logs. Every field is optional. */
export interface RunFigureMeta {
  readonly title?: string;
  /** Task order (also the row/column order of matrices). Defaults to the history's tasks. */
  readonly tasks?: readonly string[];
  /** "curves" layout: "auto" | "subplots" | "shared". */
  readonly layout?: "auto" | "subplots" | "shared";
  /** "curves" shared layout / "pareto" metric. */
  readonly metric?: string;
  /** Per-step records (weights, gradient cosine), e.g. collected by `liveView()`. */
  readonly steps?: readonly StepRecord[];
  /** Task-affinity matrix (row: task stepped on, column: task whose loss changed). */
  readonly affinity?: readonly (readonly number[])[];
  /** Confusion matrices per classification task. */
  readonly confusion?: Readonly<Record<string, ConfusionInput>>;
  /** Predictions vs targets per regression task. */
  readonly parity?: Readonly<Record<string, ParityInput>>;
  readonly [key: string]: unknown;
}

/** counts[actual][predicted]; optional class names. */
export interface ConfusionInput {
  readonly matrix: readonly (readonly number[])[];
  readonly labels?: readonly string[];
}

export interface ParityInput {
  readonly actual: ArrayLike<number>;
  readonly predicted: ArrayLike<number>;
}

export type FigureBuilder = (history: readonly EpochLog[], meta: RunFigureMeta) => Figure;

const registry = new Map<string, FigureBuilder>();

/** Adds (or replaces) a figure kind. */
export function registerFigureKind(kind: string, build: FigureBuilder): void {
  registry.set(kind, build);
}

/** The registered kinds, in registration order. */
export function figureKinds(): string[] {
  return [...registry.keys()];
}

/** The figure of one run's history. `kind` defaults to "curves". */
export function runFigure(
  history: readonly EpochLog[],
  kind = "curves",
  meta: RunFigureMeta = {},
): Figure {
  const build = registry.get(kind);
  if (build === undefined) throw new UnknownNameError("figure kind", kind, figureKinds());
  return build(history, meta);
}

registerFigureKind("curves", (h, m) =>
  curvesFigure(h, { tasks: m.tasks, layout: m.layout, metric: m.metric, title: m.title }),
);
registerFigureKind("weights", (h, m) =>
  weightsFigure(h, { tasks: m.tasks, steps: m.steps, title: m.title }),
);
