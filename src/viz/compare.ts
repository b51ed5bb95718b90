/**
 * `compare(runs)`: several runs (e.g. one per weighting strategy) side by side.
 * `.plot(kind)` overlays them per task ("curves", "loss", "weights") or places them in a
 * Pareto view ("pareto"); `.table()` is a DataFrame with one row of final values per run.
 */
import type { DataFrame } from "danfojs-node";
import { ConfigError, UnknownNameError } from "../errors.js";
import type { EpochLog } from "../train/events.js";
import { integerAxis } from "./epoch-axis.js";
import {
  type Figure,
  type Trace,
  color,
  emptyFigure,
  makeFigure,
  makeRich,
  seriesStyle,
} from "./figure.js";
import { columnsFor, grid } from "./grid.js";
import { allMetrics, hasKey, keysOf, lastValue, metricsOf, series, tasksOf } from "./logs.js";
import { paretoFigure } from "./pareto.js";
import { columnsOf, danfojs } from "./table.js";

/** Anything with a history; `name` or `label` names it (else "run 1", "run 2", ...). */
export interface RunLike {
  readonly history: readonly EpochLog[];
  readonly name?: string;
  readonly label?: string;
}

export interface NamedRun {
  readonly name: string;
  readonly history: readonly EpochLog[];
}

export interface CompareArgs {
  readonly title?: string;
  readonly tasks?: readonly string[];
  /** "curves": the metric per task (default: each task's primary metric). */
  readonly metric?: string;
  /** "pareto": the two history keys to compare (default: the first two tasks' primary metric). */
  readonly x?: string;
  readonly y?: string;
}

export const COMPARE_KINDS = ["curves", "loss", "weights", "pareto"] as const;

export class Comparison {
  readonly runs: readonly NamedRun[];
  constructor(runs: readonly NamedRun[]) {
    this.runs = runs;
  }

  /** Tasks of all runs, first-seen order. */
  tasks(): string[] {
    return [...new Set(this.runs.flatMap((r) => tasksOf(r.history)))];
  }

  /** The key a task is compared on: validation metric if logged, else training metric, else loss. */
  primaryKey(task: string, metric?: string): string {
    const h = this.runs.flatMap((r) => r.history);
    const m = metricsOf(h, task);
    const name = metric ?? allMetrics(m)[0];
    if (name === undefined) return m.hasValLoss ? `val/${task}/loss` : `loss/${task}`;
    return hasKey(h, `val/${task}/${name}`) ? `val/${task}/${name}` : `${name}/${task}`;
  }

  plot(kind = "curves", args: CompareArgs = {}): Figure {
    switch (kind) {
      case "curves":
        return this.overlay((t) => this.primaryKey(t, args.metric), args, "Runs compared per task");
      case "loss":
        return this.overlay(
          (t) =>
            this.runs.some((r) => hasKey(r.history, `val/${t}/loss`))
              ? `val/${t}/loss`
              : `loss/${t}`,
          args,
          "Loss per task, runs compared",
        );
      case "weights":
        return this.overlay((t) => `weight/${t}`, args, "Task weights, runs compared");
      case "pareto":
        return this.pareto(args);
      default:
        throw new UnknownNameError("comparison plot kind", kind, [...COMPARE_KINDS]);
    }
  }

  /** `display(comparison)` (and a comparison as a cell's value) shows `plot()`. */
  [Symbol.for("polytask.display")](): Figure {
    return this.plot();
  }

  /** One row per run: name, epochs, and the last value of every logged metric. */
  table(): DataFrame {
    const { DataFrame } = danfojs();
    const skip = (k: string) =>
      k === "epoch" || k === "step" || k === "lr" || k.startsWith("weight/");
    const keys = [...new Set(this.runs.flatMap((r) => keysOf(r.history)))].filter((k) => !skip(k));
    const rows = this.runs.map((r) => {
      const row: Record<string, number | string> = { run: r.name, epochs: r.history.length };
      for (const k of keys) row[k] = lastValue(r.history, k) ?? Number.NaN;
      return row;
    });
    const columns = ["run", "epochs", ...keys];
    return new DataFrame(columnsOf(rows, columns), { columns });
  }

  private overlay(keyOf: (task: string) => string, args: CompareArgs, title: string): Figure {
    const tasks = [...(args.tasks ?? this.tasks())];
    if (tasks.length === 0)
      return emptyFigure(args.title ?? title, "No per-task logs in these runs.");
    const cols = columnsFor(tasks.length);
    const rows = Math.ceil(tasks.length / cols);
    const keys = tasks.map(keyOf);
    const epochs = this.runs.flatMap((r) => r.history.map((l) => l.epoch + 1));
    const { panels, layout } = grid({
      rows,
      cols,
      titles: keys.map((k, i) => `${tasks[i]} · ${k}`),
      xaxis: { gridcolor: "#eee", title: { text: "epoch" }, ...integerAxis(epochs) },
      yaxis: { gridcolor: "#eee" },
    });
    const data: Trace[] = [];
    this.runs.forEach((run, r) => {
      keys.forEach((key, i) => {
        if (!hasKey(run.history, key)) return;
        const s = series(run.history, key);
        data.push({
          type: "scatter",
          mode: s.x.length <= 30 ? "lines+markers" : "lines",
          name: run.name,
          legendgroup: run.name,
          showlegend: !data.some((t) => t.name === run.name),
          x: s.x,
          y: s.y,
          xaxis: panels[i]!.xref,
          yaxis: panels[i]!.yref,
          // runs can coincide (same seed, same data): dash and marker tell them apart
          line: { color: color(r), width: 1.8, dash: seriesStyle(r).dash },
          marker: { color: color(r), symbol: seriesStyle(r).symbol, size: 7 },
          hovertemplate: `${run.name}: %{y:.4g}<br>epoch %{x}<extra>${key}</extra>`,
        });
      });
    });
    return makeFigure(data, {
      ...layout,
      title: { text: args.title ?? title },
      height: Math.max(400, rows * 300 + 100),
      legend: { orientation: "v", x: 1.02, xanchor: "left", y: 1, yanchor: "top" },
      margin: { l: 60, r: 150, t: 80, b: 50 },
    });
  }

  private pareto(args: CompareArgs): Figure {
    const tasks = this.tasks();
    const x =
      args.x ?? (tasks[0] === undefined ? undefined : this.primaryKey(tasks[0], args.metric));
    const y =
      args.y ?? (tasks[1] === undefined ? undefined : this.primaryKey(tasks[1], args.metric));
    if (x === undefined || y === undefined) {
      throw new ConfigError(
        `compare(runs).plot("pareto") needs two metrics; these runs log ${tasks.length} task(s). Pass { x, y } history keys.`,
        { field: "x/y", value: tasks, expected: "two history keys such as val/left/accuracy" },
      );
    }
    const points = this.runs.map((r) => ({
      name: r.name,
      x: lastValue(r.history, x) ?? Number.NaN,
      y: lastValue(r.history, y) ?? Number.NaN,
    }));
    return paretoFigure(points, { xLabel: x, yLabel: y, title: args.title });
  }
}

makeRich(Comparison.prototype);

/** A collection of runs, such as a loaded sweep (`pt.loadSweep(dir)`): its `trials`. */
export interface RunCollection {
  readonly trials: readonly RunLike[];
}

const isCollection = (v: unknown): v is RunCollection =>
  typeof v === "object" &&
  v !== null &&
  !Array.isArray(v) &&
  Array.isArray((v as RunCollection).trials);

/**
 * Compares runs given as a list (named by `name`/`label`), a record (named by key), or a run
 * collection such as a loaded sweep (its trials, named by their values).
 */
export function compare(
  input: readonly RunLike[] | Readonly<Record<string, RunLike>> | RunCollection,
): Comparison {
  const runs = isCollection(input) ? input.trials : input;
  const entries: [string | undefined, RunLike][] = Array.isArray(runs)
    ? (runs as readonly RunLike[]).map((r) => [undefined, r])
    : Object.entries(runs as Record<string, RunLike>);
  const named = entries.map(([key, r], i): NamedRun => {
    if (!r || !Array.isArray(r.history)) {
      throw new ConfigError(`compare(): run ${key ?? i} has no history array.`, {
        field: "history",
        index: i,
        value: r,
        expected: "an object with a history (one log per epoch), such as a Run",
      });
    }
    return { name: key ?? r.name ?? r.label ?? `run ${i + 1}`, history: r.history };
  });
  return new Comparison(named);
}
