/**
 * Pareto view: one point per run (or strategy) at (task A metric, task B metric). Points no
 * other point beats on both axes form the front, drawn as a line; the rest are dominated.
 * Used for MultiMNIST-style comparisons of weighting strategies.
 */
import { type Figure, type Trace, color, emptyFigure, makeFigure } from "./figure.js";
import { lowerIsBetter } from "./logs.js";

export interface ParetoPoint {
  readonly name: string;
  readonly x: number;
  readonly y: number;
}

export interface ParetoArgs {
  readonly xLabel: string;
  readonly yLabel: string;
  /** Whether smaller is better on each axis; inferred from the labels when omitted. */
  readonly xLower?: boolean;
  readonly yLower?: boolean;
  readonly title?: string;
}

/** Indices of the non-dominated points, sorted by x. */
export function paretoFront(
  points: readonly ParetoPoint[],
  xLower: boolean,
  yLower: boolean,
): number[] {
  const better = (a: number, b: number, lower: boolean) => (lower ? a <= b : a >= b);
  const strictly = (a: number, b: number, lower: boolean) => (lower ? a < b : a > b);
  const front: number[] = [];
  points.forEach((p, i) => {
    const dominated = points.some(
      (q, j) =>
        j !== i &&
        better(q.x, p.x, xLower) &&
        better(q.y, p.y, yLower) &&
        (strictly(q.x, p.x, xLower) || strictly(q.y, p.y, yLower)),
    );
    if (!dominated) front.push(i);
  });
  return front.sort((a, b) => points[a]!.x - points[b]!.x);
}

export function paretoFigure(points: readonly ParetoPoint[], args: ParetoArgs): Figure {
  const title = args.title ?? `Pareto view: ${args.xLabel} vs ${args.yLabel}`;
  const valid = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (valid.length === 0) return emptyFigure(title, "No runs with both metrics.");
  const xLower = args.xLower ?? lowerIsBetter(args.xLabel);
  const yLower = args.yLower ?? lowerIsBetter(args.yLabel);
  const front = paretoFront(valid, xLower, yLower);
  const onFront = new Set(front);
  const data: Trace[] = [
    {
      type: "scatter",
      mode: "lines",
      name: "Pareto front",
      x: front.map((i) => valid[i]!.x),
      y: front.map((i) => valid[i]!.y),
      line: { color: "#444", dash: "dot", width: 1.5, shape: "linear" },
      hoverinfo: "skip",
    },
    ...valid.map(
      (p, i): Trace => ({
        type: "scatter",
        mode: "markers+text",
        name: p.name,
        x: [p.x],
        y: [p.y],
        text: [p.name],
        textposition: "top center",
        marker: {
          color: color(i),
          size: onFront.has(i) ? 13 : 9,
          symbol: onFront.has(i) ? "circle" : "circle-open",
          line: { width: 2, color: color(i) },
        },
        hovertemplate: `${p.name}<br>${args.xLabel}: %{x:.4g}<br>${args.yLabel}: %{y:.4g}<extra>${onFront.has(i) ? "on the front" : "dominated"}</extra>`,
      }),
    ),
  ];
  const arrow = (lower: boolean) => (lower ? "lower is better" : "higher is better");
  return makeFigure(data, {
    title: { text: `${title}<br><sup>filled: on the front; open: dominated</sup>` },
    xaxis: { title: { text: `${args.xLabel} (${arrow(xLower)})` }, gridcolor: "#eee" },
    yaxis: { title: { text: `${args.yLabel} (${arrow(yLower)})` }, gridcolor: "#eee" },
    height: 480,
    hovermode: "closest",
  });
}
