/**
 * Parity plot per regression task: predicted against actual, with the y = x line; points on
 * the line are perfect. Large sets are thinned to `maxPoints` by an even stride (deterministic).
 */
import { type Figure, type Trace, color, emptyFigure, makeFigure } from "./figure.js";
import { columnsFor, grid } from "./grid.js";
import type { ParityInput } from "./run-figure.js";

export interface ParityArgs {
  readonly title?: string;
  /** Points drawn per task (default 4000). */
  readonly maxPoints?: number;
}

export function parityFigure(
  byTask: Readonly<Record<string, ParityInput>>,
  args: ParityArgs = {},
): Figure {
  const title = args.title ?? "Parity plots (predicted vs actual)";
  const tasks = Object.keys(byTask);
  if (tasks.length === 0) return emptyFigure(title, "No regression results given.");
  const cols = columnsFor(tasks.length);
  const rows = Math.ceil(tasks.length / cols);
  const stats = tasks.map((t) => fit(byTask[t]!));
  const { panels, layout } = grid({
    rows,
    cols,
    titles: tasks.map(
      (t, i) => `${t} (R² ${stats[i]!.r2.toFixed(3)}, MAE ${stats[i]!.mae.toPrecision(3)})`,
    ),
    hgap: 0.08,
    vgap: rows > 1 ? 0.12 : 0,
    xaxis: { gridcolor: "#eee", title: { text: "actual" } },
    yaxis: { gridcolor: "#eee", title: { text: "predicted" } },
  });
  const data: Trace[] = [];
  const max = args.maxPoints ?? 4000;
  tasks.forEach((task, i) => {
    const { actual, predicted } = byTask[task]!;
    const n = Math.min(actual.length, predicted.length);
    const stride = Math.max(1, Math.ceil(n / max));
    const x: number[] = [];
    const y: number[] = [];
    for (let k = 0; k < n; k += stride) {
      x.push(actual[k]!);
      y.push(predicted[k]!);
    }
    const p = panels[i]!;
    const { lo, hi } = stats[i]!;
    data.push(
      {
        type: "scatter",
        mode: "markers",
        name: task,
        x,
        y,
        marker: { color: color(i), size: 4, opacity: 0.6 },
        xaxis: p.xref,
        yaxis: p.yref,
        showlegend: false,
        hovertemplate: `${task}: actual %{x:.4g}, predicted %{y:.4g}<extra></extra>`,
      },
      {
        type: "scatter",
        mode: "lines",
        name: "y = x",
        x: [lo, hi],
        y: [lo, hi],
        line: { color: "#444", dash: "dash", width: 1 },
        xaxis: p.xref,
        yaxis: p.yref,
        showlegend: i === 0,
        hoverinfo: "skip",
      },
    );
  });
  return makeFigure(data, {
    ...layout,
    title: { text: title },
    height: Math.max(420, rows * 360 + 80),
  });
}

/** R², MAE and the value range of one task's predictions. */
export function fit(p: ParityInput): { r2: number; mae: number; lo: number; hi: number } {
  const n = Math.min(p.actual.length, p.predicted.length);
  let mean = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    mean += p.actual[i]!;
    lo = Math.min(lo, p.actual[i]!, p.predicted[i]!);
    hi = Math.max(hi, p.actual[i]!, p.predicted[i]!);
  }
  mean /= Math.max(1, n);
  let ssRes = 0;
  let ssTot = 0;
  let abs = 0;
  for (let i = 0; i < n; i++) {
    const e = p.actual[i]! - p.predicted[i]!;
    ssRes += e * e;
    abs += Math.abs(e);
    ssTot += (p.actual[i]! - mean) ** 2;
  }
  return {
    r2: ssTot > 0 ? 1 - ssRes / ssTot : Number.NaN,
    mae: n > 0 ? abs / n : Number.NaN,
    lo: Number.isFinite(lo) ? lo : 0,
    hi: Number.isFinite(hi) ? hi : 1,
  };
}
