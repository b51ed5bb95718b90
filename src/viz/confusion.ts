/**
 * Confusion matrix per classification task, one panel each; rows are the true class, columns
 * the predicted one. Colour is the row-normalised rate (so tasks share one scale), the text
 * is the count.
 */
import { type Figure, type Trace, emptyFigure, makeFigure } from "./figure.js";
import { columnsFor, grid } from "./grid.js";
import type { ConfusionInput } from "./run-figure.js";

export interface ConfusionArgs {
  readonly title?: string;
}

export function confusionFigure(
  byTask: Readonly<Record<string, ConfusionInput>>,
  args: ConfusionArgs = {},
): Figure {
  const title = args.title ?? "Confusion matrices";
  const tasks = Object.keys(byTask);
  if (tasks.length === 0) return emptyFigure(title, "No classification results given.");
  const cols = columnsFor(tasks.length);
  const rows = Math.ceil(tasks.length / cols);
  const { panels, layout } = grid({
    rows,
    cols,
    titles: tasks.map((t) => `${t} (accuracy ${pct(accuracy(byTask[t]!.matrix))})`),
    hgap: 0.1,
    vgap: rows > 1 ? 0.12 : 0,
  });
  const data: Trace[] = tasks.map((task, i) => {
    const { matrix } = byTask[task]!;
    const labels = byTask[task]!.labels ?? matrix.map((_, k) => String(k));
    const rates = matrix.map((row) => {
      const n = row.reduce((a, b) => a + b, 0);
      return row.map((v) => (n > 0 ? v / n : 0));
    });
    const p = panels[i]!;
    Object.assign(layout[p.xkey] as object, { title: { text: "predicted" }, type: "category" });
    Object.assign(layout[p.ykey] as object, {
      title: { text: "actual" },
      type: "category",
      autorange: "reversed",
    });
    return {
      type: "heatmap",
      name: task,
      x: [...labels],
      y: [...labels],
      z: rates,
      text: matrix.map((r) => r.map(String)),
      texttemplate: labels.length <= 12 ? "%{text}" : undefined,
      textfont: { size: 10 },
      zmin: 0,
      zmax: 1,
      colorscale: [
        [0, "#f7fbff"],
        [0.5, "#6baed6"],
        [1, "#08306b"],
      ],
      showscale: i === 0,
      colorbar: { title: { text: "rate" }, len: 0.6 },
      hovertemplate: `${task}: actual %{y}, predicted %{x}<br>%{text} (%{z:.1%})<extra></extra>`,
      xaxis: p.xref,
      yaxis: p.yref,
      xgap: 1,
      ygap: 1,
    };
  });
  return makeFigure(data, {
    ...layout,
    title: { text: title },
    height: Math.max(420, rows * 380 + 80),
  });
}

/** Fraction on the diagonal. */
export function accuracy(matrix: readonly (readonly number[])[]): number {
  let hit = 0;
  let all = 0;
  matrix.forEach((row, i) =>
    row.forEach((v, j) => {
      all += v;
      if (i === j) hit += v;
    }),
  );
  return all > 0 ? hit / all : Number.NaN;
}

/** Counts from class indices: counts[actual][predicted]. */
export function confusionCounts(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  numClasses: number,
): number[][] {
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const p = predicted[i]!;
    if (a >= 0 && a < numClasses && p >= 0 && p < numClasses) m[a]![p]!++;
  }
  return m;
}

function pct(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : "n/a";
}
