/**
 * `runFigure(history, kind, meta)`: the figure behind `Run.plot(kind?)`. Kinds live in a
 * `Registry`, so new views plug in without a switch here, and an unknown name ("toString"
 * included) fails with the list of known ones. A kind takes no options of its own: what it
 * draws comes from the history and `meta`.
 */
import type { EpochLog } from "../train/events.js";
import { Registry } from "../util/registry.js";
import { z } from "../util/schema.js";
import { affinityFigure, affinityFromHistory } from "./affinity.js";
import { conflictEvolutionFigure, conflictFigure, conflictSamples } from "./conflict.js";
import { confusionFigure } from "./confusion.js";
import { curvesFigure } from "./curves.js";
import type { Figure } from "./figure.js";
import { allMetrics, hasKey, metricsOf, tasksOf } from "./logs.js";
import { paretoFigure } from "./pareto.js";
import { parityFigure } from "./parity.js";
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

export const figureRegistry = new Registry<FigureBuilder>("figure kind");
const noOptions = z.strictObject({});

/** Adds (or replaces) a figure kind. */
export function registerFigureKind(kind: string, build: FigureBuilder): void {
  figureRegistry.register({ name: kind, schema: noOptions, create: () => build });
}

/** The registered kinds, in registration order. */
export function figureKinds(): string[] {
  return figureRegistry.names();
}

/** The figure of one run's history. `kind` defaults to "curves". */
export function runFigure(
  history: readonly EpochLog[],
  kind = "curves",
  meta: RunFigureMeta = {},
): Figure {
  return figureRegistry.create(kind)(history, meta);
}

registerFigureKind("curves", (h, m) =>
  curvesFigure(h, { tasks: m.tasks, layout: m.layout, metric: m.metric, title: m.title }),
);
registerFigureKind("weights", (h, m) =>
  weightsFigure(h, { tasks: m.tasks, steps: m.steps, title: m.title }),
);

/** Cosine samples with task names: `meta.tasks`, else the history's tasks when they fit. */
function conflictData(h: readonly EpochLog[], m: RunFigureMeta) {
  const tasks = m.tasks ?? tasksOf(h);
  const first = m.steps?.find((s) => s.gradientCosine !== undefined)?.gradientCosine;
  const fits = first === undefined || first.length === tasks.length;
  return conflictSamples(h, m.steps, fits && tasks.length > 0 ? tasks : undefined);
}

registerFigureKind("conflict", (h, m) => {
  const { tasks, samples } = conflictData(h, m);
  return conflictFigure(tasks, samples, { title: m.title });
});
registerFigureKind("conflict-evolution", (h, m) => {
  const { tasks, samples } = conflictData(h, m);
  return conflictEvolutionFigure(tasks, samples, { title: m.title });
});
registerFigureKind("affinity", (h, m) => {
  if (m.affinity !== undefined) {
    return affinityFigure(m.tasks ?? tasksOf(h), m.affinity, { title: m.title });
  }
  const { tasks, matrix } = affinityFromHistory(h, m.tasks);
  return affinityFigure(tasks, matrix, { title: m.title });
});
registerFigureKind("confusion", (_h, m) => confusionFigure(m.confusion ?? {}, { title: m.title }));
registerFigureKind("parity", (_h, m) => parityFigure(m.parity ?? {}, { title: m.title }));
registerFigureKind("pareto", (h, m) => {
  // One run: its epochs as a trajectory in the plane of the first two tasks' primary metric.
  const tasks = m.tasks ?? tasksOf(h);
  const key = (t: string) => {
    const name = m.metric ?? allMetrics(metricsOf(h, t))[0] ?? "loss";
    if (name === "loss") return hasKey(h, `val/${t}/loss`) ? `val/${t}/loss` : `loss/${t}`;
    return hasKey(h, `val/${t}/${name}`) ? `val/${t}/${name}` : `${name}/${t}`;
  };
  const [a, b] = tasks;
  if (a === undefined || b === undefined) {
    return paretoFigure([], { xLabel: "task A", yLabel: "task B", title: m.title });
  }
  const points = h.map((log) => ({
    name: `epoch ${log.epoch + 1}`,
    x: log[key(a)] ?? Number.NaN,
    y: log[key(b)] ?? Number.NaN,
  }));
  return paretoFigure(points, { xLabel: key(a), yLabel: key(b), title: m.title });
});
