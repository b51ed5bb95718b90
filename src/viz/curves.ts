/**
 * Per-task loss and metric curves, train (solid, filled circles) and validation (dashed, open
 * diamonds, so a validation curve lying on its training curve still shows), over epochs with
 * integer ticks; a one-epoch history shows labelled points on an axis around epoch 1.
 * Up to 8 tasks: a block per task, loss above its metrics, so each task's over-fitting shows.
 * More tasks: two shared panels (loss, primary metric), one colour per task, so a lagging
 * task stands out among up to 20 without a wall of tiny charts.
 */
import type { EpochLog } from "../train/events.js";
import { epochNumbers, integerAxis } from "./epoch-axis.js";
import { type Figure, type Trace, color, emptyFigure, makeFigure } from "./figure.js";
import { columnsFor, grid } from "./grid.js";
import { allMetrics, hasKey, metricsOf, series, tasksOf } from "./logs.js";

export interface CurvesArgs {
  /** Tasks to show, in order. Defaults to every task in the history. */
  readonly tasks?: readonly string[];
  /** "subplots" (a block per task), "shared" (one panel per quantity), "auto": subplots up to 8 tasks. */
  readonly layout?: "auto" | "subplots" | "shared";
  /** Metric for the shared layout's second panel; defaults to the most common one. */
  readonly metric?: string;
  readonly title?: string;
}

/** Above this many tasks, "auto" switches to the shared layout. */
export const MAX_SUBPLOT_TASKS = 8;

export function curvesFigure(history: readonly EpochLog[], args: CurvesArgs = {}): Figure {
  const tasks = [...(args.tasks ?? tasksOf(history))];
  const title = args.title ?? "Per-task loss and metrics";
  if (history.length === 0 || tasks.length === 0) {
    return emptyFigure(title, "No epochs logged yet.");
  }
  const mode =
    args.layout === "subplots" || args.layout === "shared"
      ? args.layout
      : tasks.length <= MAX_SUBPLOT_TASKS
        ? "subplots"
        : "shared";
  return mode === "subplots"
    ? perTask(history, tasks, title)
    : shared(history, tasks, title, args.metric);
}

function lineMode(history: readonly EpochLog[]): string {
  if (history.length === 1) return "markers+text";
  return history.length <= 30 ? "lines+markers" : "lines";
}

const SYMBOLS = ["circle", "square", "triangle-up", "diamond", "x"];

/**
 * Styles that keep coinciding curves visible: validation dashed with open markers around the
 * training ones; the k-th series of a panel (loss, then each metric) drawn thinner, with
 * smaller markers of another shape, so it never hides the one it lies on.
 */
function look(val: boolean, single: boolean, colour: string, k: number): Record<string, unknown> {
  const symbol = SYMBOLS[k % SYMBOLS.length]!;
  const size = Math.max(5, 9 - 2 * k) + (single ? 3 : 0);
  return {
    line: { color: colour, dash: val ? "dash" : "solid", width: Math.max(1.2, 2.6 - 0.7 * k) },
    marker: val
      ? { symbol: `${symbol}-open`, size: size + 2, color: colour }
      : { symbol, size, color: colour },
  };
}

/** Value labels for a one-epoch history (a lone point says little without its number). */
function labels(y: readonly (number | null)[], val: boolean): Record<string, unknown> {
  return {
    text: y.map((v) => (v === null ? "" : String(Number(v.toPrecision(3))))),
    textposition: val ? "middle left" : "middle right",
    textfont: { size: 11 },
  };
}

function perTask(history: readonly EpochLog[], tasks: string[], title: string): Figure {
  const cols = columnsFor(tasks.length);
  const blocks = Math.ceil(tasks.length / cols);
  const titles: (string | undefined)[] = [];
  const metricsByTask = tasks.map((t) => metricsOf(history, t));
  for (let b = 0; b < blocks; b++) {
    for (let row = 0; row < 2; row++) {
      for (let c = 0; c < cols; c++) {
        const i = b * cols + c;
        if (i >= tasks.length) titles.push(undefined);
        else if (row === 0) titles.push(`${tasks[i]} · loss`);
        else titles.push(`${tasks[i]} · ${allMetrics(metricsByTask[i]!).join(", ") || "metrics"}`);
      }
    }
  }
  const { panels, layout } = grid({
    rows: blocks * 2,
    cols,
    titles,
    vgap: blocks > 1 ? 0.06 : 0.12,
    xaxis: {
      showgrid: true,
      gridcolor: "#eee",
      zeroline: false,
      ...integerAxis(epochNumbers(history)),
    },
    yaxis: { showgrid: true, gridcolor: "#eee", zeroline: false },
  });
  const data: Trace[] = [];
  const shown = new Set<string>();
  const mode = lineMode(history);
  const single = history.length === 1;
  const add = (key: string, name: string, colour: string, val: boolean, p: number, k = 0) => {
    if (!hasKey(history, key)) return;
    const s = series(history, key);
    const panel = panels[p]!;
    data.push({
      type: "scatter",
      mode,
      name,
      legendgroup: name,
      showlegend: !shown.has(name),
      x: s.x,
      y: s.y,
      xaxis: panel.xref,
      yaxis: panel.yref,
      ...look(val, single, colour, k),
      ...(single ? labels(s.y, val) : {}),
      hovertemplate: `${key}: %{y:.4g}<br>epoch %{x}<extra></extra>`,
    });
    shown.add(name);
  };
  tasks.forEach((task, i) => {
    const b = Math.floor(i / cols);
    const c = i % cols;
    const lossPanel = b * 2 * cols + c;
    const metricPanel = lossPanel + cols;
    add(`loss/${task}`, "loss (train)", color(0), false, lossPanel);
    add(`val/${task}/loss`, "loss (val)", color(0), true, lossPanel);
    allMetrics(metricsByTask[i]!).forEach((m, k) => {
      add(`${m}/${task}`, `${m} (train)`, color(k + 1), false, metricPanel, k);
      add(`val/${task}/${m}`, `${m} (val)`, color(k + 1), true, metricPanel, k);
    });
    const lossY = layout[panels[lossPanel]!.ykey] as Record<string, unknown>;
    lossY.title = { text: "loss" };
    const names = allMetrics(metricsByTask[i]!);
    if (names.length > 0) {
      const metricY = layout[panels[metricPanel]!.ykey] as Record<string, unknown>;
      metricY.title = { text: names.join(", ") };
    }
    const metricX = layout[panels[metricPanel]!.xkey] as Record<string, unknown>;
    metricX.title = { text: "epoch" };
  });
  return makeFigure(data, {
    ...layout,
    title: { text: title },
    height: Math.max(420, blocks * 2 * 200 + 120),
    legend: { orientation: "v", x: 1.02, xanchor: "left", y: 1, yanchor: "top" },
    margin: { l: 60, r: 150, t: 80, b: 50 },
    hovermode: "closest",
  });
}

/** The metric most tasks have (validation first), for the shared layout. */
export function commonMetric(history: readonly EpochLog[], tasks: string[]): string | undefined {
  const count = new Map<string, number>();
  for (const t of tasks) {
    for (const m of allMetrics(metricsOf(history, t))) count.set(m, (count.get(m) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [m, n] of count) if (best === undefined || n > count.get(best)!) best = m;
  return best;
}

function shared(
  history: readonly EpochLog[],
  tasks: string[],
  title: string,
  metricArg?: string,
): Figure {
  const metric = metricArg ?? commonMetric(history, tasks);
  const cols = metric === undefined ? 1 : 2;
  const { panels, layout } = grid({
    rows: 1,
    cols,
    titles: ["loss per task", metric === undefined ? undefined : `${metric} per task`],
    xaxis: {
      title: { text: "epoch" },
      showgrid: true,
      gridcolor: "#eee",
      ...integerAxis(epochNumbers(history)),
    },
    yaxis: { showgrid: true, gridcolor: "#eee" },
  });
  const data: Trace[] = [];
  const mode = history.length === 1 ? "markers" : "lines";
  const hasVal = tasks.some((t) => hasKey(history, `val/${t}/loss`));
  tasks.forEach((task, i) => {
    const pairs: [string, number, boolean][] = [
      [`loss/${task}`, 0, false],
      [`val/${task}/loss`, 0, true],
    ];
    if (metric !== undefined) {
      pairs.push([`${metric}/${task}`, 1, false], [`val/${task}/${metric}`, 1, true]);
    }
    let legend = false;
    for (const [key, p, val] of pairs) {
      if (!hasKey(history, key)) continue;
      const s = series(history, key);
      data.push({
        type: "scatter",
        mode,
        name: task,
        legendgroup: task,
        showlegend: !legend,
        x: s.x,
        y: s.y,
        xaxis: panels[p]!.xref,
        yaxis: panels[p]!.yref,
        line: { color: color(i), dash: val ? "dash" : "solid", width: 1.8 },
        marker: { color: color(i), symbol: val ? "diamond-open" : "circle", size: 8 },
        hovertemplate: `${task} ${val ? "val" : "train"}: %{y:.4g}<br>epoch %{x}<extra></extra>`,
      });
      legend = true;
    }
  });
  (layout[panels[0]!.ykey] as Record<string, unknown>).title = { text: "loss" };
  if (metric !== undefined) {
    (layout[panels[1]!.ykey] as Record<string, unknown>).title = { text: metric };
  }
  return makeFigure(data, {
    ...layout,
    title: {
      text: `${title}<br><sup>${tasks.length} tasks · solid: train${hasVal ? ", dashed: validation" : ""}</sup>`,
    },
    height: Math.max(480, 200 + 22 * tasks.length),
    legend: { orientation: "v", x: 1.02, y: 1, font: { size: 11 } },
    margin: { l: 60, r: 160, t: 90, b: 50 },
    hovermode: "closest",
  });
}
