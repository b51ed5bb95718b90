/**
 * Task weights over training: per epoch from `weight/<task>` in the history, or per step from
 * recorded step events (`StepEvent.weights`), one line per task. Collapse (a weight going to
 * zero) or domination shows at a glance; a dotted line marks equal weighting (1).
 */
import type { EpochLog } from "../train/events.js";
import { integerAxis } from "./epoch-axis.js";
import { type Figure, type Trace, color, emptyFigure, makeFigure, seriesStyle } from "./figure.js";
import { hasKey, series, tasksOf } from "./logs.js";

/** The part of a step event the weights view needs. */
export interface StepWeights {
  readonly step: number;
  readonly weights: Readonly<Record<string, number>>;
}

export interface WeightsArgs {
  readonly tasks?: readonly string[];
  /** Per-step weights; when given they are plotted instead of the per-epoch means. */
  readonly steps?: readonly StepWeights[];
  readonly title?: string;
}

export function weightsFigure(history: readonly EpochLog[], args: WeightsArgs = {}): Figure {
  const title = args.title ?? "Task weights";
  const steps = args.steps ?? [];
  const perStep = steps.length > 0;
  const tasks = [...(args.tasks ?? (perStep ? stepTasks(steps) : tasksOf(history)))];
  const data: Trace[] = [];
  tasks.forEach((task, i) => {
    let x: number[];
    let y: (number | null)[];
    if (perStep) {
      const pts = steps.filter((s) => Number.isFinite(s.weights[task]));
      x = pts.map((s) => s.step);
      y = pts.map((s) => s.weights[task]!);
      if (x.length === 0) return;
    } else {
      if (!hasKey(history, `weight/${task}`)) return;
      ({ x, y } = series(history, `weight/${task}`));
    }
    // Equal weights (EW) put every line on one another: dash and marker differ per task.
    const { dash, symbol } = seriesStyle(i);
    data.push({
      type: "scatter",
      mode: x.length <= 30 ? "lines+markers" : "lines",
      name: task,
      x,
      y,
      line: { color: color(i), width: 1.8, dash },
      marker: { color: color(i), symbol, size: 7 },
      hovertemplate: `${task}: %{y:.4g}<br>${perStep ? "step" : "epoch"} %{x}<extra></extra>`,
    });
  });
  if (data.length === 0) {
    return emptyFigure(title, "No task weights logged (keys weight/<task>).");
  }
  const xs = data.flatMap((t) => t.x as number[]);
  return makeFigure(data, {
    title: { text: `${title}<br><sup>${perStep ? "per step" : "mean per epoch"}</sup>` },
    xaxis: { title: { text: perStep ? "step" : "epoch" }, gridcolor: "#eee", ...integerAxis(xs) },
    yaxis: { title: { text: "weight" }, gridcolor: "#eee", rangemode: "tozero" },
    shapes: [
      {
        type: "line",
        xref: "paper",
        x0: 0,
        x1: 1,
        y0: 1,
        y1: 1,
        line: { color: "#999", width: 1, dash: "dot" },
      },
    ],
    height: 420,
    hovermode: "x unified",
  });
}

function stepTasks(steps: readonly StepWeights[]): string[] {
  const seen = new Set<string>();
  for (const s of steps) for (const t of Object.keys(s.weights)) seen.add(t);
  return [...seen];
}
