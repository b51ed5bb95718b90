/**
 * Gradient conflict: pairwise cosine similarity of task gradients on the shared parameters.
 * Negative cells are conflicting tasks. `conflictFigure` shows the mean matrix with a slider
 * stepping through the samples; `conflictEvolutionFigure` shows each pair over steps.
 */
import type { EpochLog } from "../train/events.js";
import { integerAxis } from "./epoch-axis.js";
import { type Figure, type Trace, color, emptyFigure, makeFigure } from "./figure.js";
import {
  cleanMatrix,
  matrixAxes,
  matrixFromLog,
  matrixTrace,
  meanMatrix,
  pairTasks,
} from "./heatmap.js";

/** One sampled cosine matrix; rows/cols in task order. */
export interface ConflictSample {
  readonly step: number;
  readonly matrix: readonly (readonly number[])[];
}

export interface ConflictArgs {
  readonly title?: string;
}

const HOVER = "%{y} vs %{x}: cos %{z:.3f}<extra></extra>";

export function conflictFigure(
  tasks: readonly string[],
  samples: readonly ConflictSample[],
  args: ConflictArgs = {},
): Figure {
  const title = args.title ?? "Gradient conflict (cosine of task gradients)";
  if (samples.length === 0 || tasks.length === 0) {
    return emptyFigure(title, "No gradient-cosine samples recorded.");
  }
  const mean = meanMatrix(samples.map((s) => s.matrix));
  const trace = matrixTrace(tasks, mean, { zmin: -1, zmax: 1, colorbar: "cosine", hover: HOVER });
  const layout: Record<string, unknown> = {
    ...matrixAxes("task", "task"),
    title: {
      text: `${title}<br><sup>mean of ${samples.length} sample${samples.length === 1 ? "" : "s"}; red = conflict</sup>`,
    },
    height: Math.min(900, 360 + 28 * tasks.length),
    width: Math.min(1000, 440 + 28 * tasks.length),
  };
  if (samples.length > 1) {
    const steps = [
      { label: "mean", method: "restyle", args: ["z", [mean]] },
      ...samples.map((s) => ({
        label: String(s.step),
        method: "restyle",
        args: ["z", [cleanMatrix(s.matrix)]],
      })),
    ];
    layout.sliders = [{ active: 0, currentvalue: { prefix: "step: " }, pad: { t: 60 }, steps }];
    layout.height = (layout.height as number) + 80;
  }
  return makeFigure([trace], layout);
}

export function conflictEvolutionFigure(
  tasks: readonly string[],
  samples: readonly ConflictSample[],
  args: ConflictArgs = {},
): Figure {
  const title = args.title ?? "Gradient conflict over training";
  const pairs: [number, number][] = [];
  for (let i = 0; i < tasks.length; i++)
    for (let j = i + 1; j < tasks.length; j++) pairs.push([i, j]);
  if (samples.length === 0 || pairs.length === 0) {
    return emptyFigure(title, "No gradient-cosine samples recorded.");
  }
  const x = samples.map((s) => s.step);
  const value = (s: ConflictSample, i: number, j: number) => {
    const v = s.matrix[i]?.[j];
    return v !== undefined && Number.isFinite(v) ? v : null;
  };
  const base = { title: { text: title }, height: 440 };
  if (pairs.length <= 15) {
    const data: Trace[] = pairs.map(([i, j], k) => ({
      type: "scatter",
      mode: x.length <= 30 ? "lines+markers" : "lines",
      name: `${tasks[i]} · ${tasks[j]}`,
      x,
      y: samples.map((s) => value(s, i, j)),
      line: { color: color(k), width: 1.6 },
    }));
    return makeFigure(data, {
      ...base,
      xaxis: { title: { text: "step" }, gridcolor: "#eee", ...integerAxis(x) },
      yaxis: {
        title: { text: "cosine" },
        range: [-1.05, 1.05],
        zeroline: true,
        zerolinecolor: "#999",
      },
    });
  }
  const labels = pairs.map(([i, j]) => `${tasks[i]} · ${tasks[j]}`);
  const trace: Trace = {
    type: "heatmap",
    x,
    y: labels,
    z: pairs.map(([i, j]) => samples.map((s) => value(s, i, j))),
    zmin: -1,
    zmax: 1,
    colorscale: matrixTrace([], [], { hover: "" }).colorscale,
    colorbar: { title: { text: "cosine" } },
    hovertemplate: "%{y} at step %{x}: %{z:.3f}<extra></extra>",
  };
  return makeFigure([trace], {
    ...base,
    height: Math.min(1400, 200 + 12 * labels.length),
    xaxis: { title: { text: "step" } },
    yaxis: { autorange: "reversed", tickfont: { size: 9 } },
    margin: { l: 160, r: 30, t: 70, b: 50 },
  });
}

/** Samples from recorded steps (`gradientCosine`), else from `cosine/<a>/<b>` epoch keys. */
export function conflictSamples(
  history: readonly EpochLog[],
  steps: readonly { step: number; gradientCosine?: readonly (readonly number[])[] }[] = [],
  tasks?: readonly string[],
): { tasks: string[]; samples: ConflictSample[] } {
  const fromSteps = steps.filter((s) => s.gradientCosine !== undefined);
  if (fromSteps.length > 0) {
    const n = fromSteps[0]!.gradientCosine!.length;
    const names = tasks ? [...tasks] : Array.from({ length: n }, (_, i) => `task ${i}`);
    return {
      tasks: names,
      samples: fromSteps.map((s) => ({ step: s.step, matrix: s.gradientCosine! })),
    };
  }
  const names = tasks ? [...tasks] : pairTasks(history, "cosine");
  const samples: ConflictSample[] = [];
  for (const log of history) {
    if (!Object.keys(log).some((k) => k.startsWith("cosine/"))) continue;
    const m = matrixFromLog(log, "cosine", names, 1);
    samples.push({
      step: log.step ?? log.epoch + 1,
      matrix: m.map((r) => r.map((v) => v ?? Number.NaN)),
    });
  }
  return { tasks: names, samples };
}
