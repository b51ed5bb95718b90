/** Shared pieces of the task x task matrix views (gradient conflict, affinity). */
import type { Trace } from "./figure.js";

/** Red for conflict (negative), white at zero, blue for agreement (positive). */
export const DIVERGING: [number, string][] = [
  [0, "#b2182b"],
  [0.25, "#ef8a62"],
  [0.5, "#f7f7f7"],
  [0.75, "#67a9cf"],
  [1, "#2166ac"],
];

/** Copies a matrix into plain arrays, non-finite entries as null (plotly leaves them blank). */
export function cleanMatrix(m: readonly (readonly number[])[]): (number | null)[][] {
  return m.map((row) => row.map((v) => (Number.isFinite(v) ? v : null)));
}

/** Element-wise mean of equally sized matrices, ignoring non-finite entries. */
export function meanMatrix(ms: readonly (readonly (readonly number[])[])[]): (number | null)[][] {
  if (ms.length === 0) return [];
  const n = ms[0]!.length;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: ms[0]![i]!.length }, (_, j) => {
      let s = 0;
      let c = 0;
      for (const m of ms) {
        const v = m[i]?.[j];
        if (v !== undefined && Number.isFinite(v)) {
          s += v;
          c++;
        }
      }
      return c === 0 ? null : s / c;
    }),
  );
}

/** A task x task heatmap trace; cells show their value when there are few tasks. */
export function matrixTrace(
  tasks: readonly string[],
  z: (number | null)[][],
  opts: { zmin?: number; zmax?: number; zmid?: number; colorbar?: string; hover: string },
): Trace {
  return {
    type: "heatmap",
    x: [...tasks],
    y: [...tasks],
    z,
    zmin: opts.zmin,
    zmax: opts.zmax,
    zmid: opts.zmid,
    colorscale: DIVERGING,
    colorbar: { title: { text: opts.colorbar ?? "" } },
    hovertemplate: opts.hover,
    ...(tasks.length <= 10 ? { texttemplate: "%{z:.2f}", textfont: { size: 11 } } : {}),
    xgap: 1,
    ygap: 1,
  };
}

/** Square axes with the first task at the top left. */
export function matrixAxes(xTitle: string, yTitle: string): Record<string, unknown> {
  return {
    xaxis: { title: { text: xTitle }, side: "bottom", tickangle: -30, constrain: "domain" },
    yaxis: {
      title: { text: yTitle },
      autorange: "reversed",
      scaleanchor: "x",
      constrain: "domain",
    },
  };
}

/** Values of `<prefix>/<a>/<b>` keys of one log as a task x task matrix (null where absent). */
export function matrixFromLog(
  log: Readonly<Record<string, number>>,
  prefix: string,
  tasks: readonly string[],
  diagonal: number | null,
): (number | null)[][] {
  return tasks.map((a) =>
    tasks.map((b) => {
      const v = log[`${prefix}/${a}/${b}`] ?? log[`${prefix}/${b}/${a}`];
      if (v !== undefined && Number.isFinite(v)) return v;
      return a === b ? diagonal : null;
    }),
  );
}

/** Tasks named in `<prefix>/<a>/<b>` keys, first-seen order. */
export function pairTasks(logs: readonly Readonly<Record<string, number>>[], prefix: string) {
  const seen = new Set<string>();
  for (const log of logs) {
    for (const k of Object.keys(log)) {
      const p = k.split("/");
      if (p.length === 3 && p[0] === prefix) {
        seen.add(p[1]!);
        seen.add(p[2]!);
      }
    }
  }
  return [...seen];
}
