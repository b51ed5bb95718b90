/**
 * Cartesian axes of a plotly figure for the static SVG: which axes the traces use, their
 * pixel extent (from `domain` and the plot area), their data range (explicit `range`, or
 * plotly-like autorange with `rangemode`, `autorange: "reversed"` and `matches`), and ticks.
 */
import type { Figure, Trace } from "../figure.js";
import { tickLabel } from "./text.js";

export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export interface Tick {
  readonly at: number;
  readonly label: string;
}

export interface Axis {
  readonly ref: string;
  readonly dir: "x" | "y";
  readonly spec: Record<string, unknown>;
  /** Category names in first-seen order (empty for a numeric axis). */
  readonly categories: string[];
  /** Start and end in pixels along the axis's direction. */
  readonly px: [number, number];
  range: [number, number];
  /** Data value (number or category name) to pixels. */
  toPx(v: unknown): number | undefined;
  ticks(): Tick[];
}

type Spec = Record<string, unknown>;

/** "x2" -> "xaxis2". */
export function axisKey(ref: string): string {
  return `${ref[0]}axis${ref.slice(1)}`;
}

function refsOf(t: Trace): [string, string] {
  return [String(t.xaxis ?? "x"), String(t.yaxis ?? "y")];
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : ArrayBuffer.isView(v) ? Array.from(v as unknown as number[]) : [];
}

/** Values a trace puts on one of its axes (heatmaps: the cell centres). */
function traceValues(t: Trace, dir: "x" | "y"): unknown[] {
  const v = arr(t[dir]);
  if (t.type === "heatmap" && v.length === 0) {
    const z = arr(t.z) as unknown[][];
    const n = dir === "y" ? z.length : Math.max(0, ...z.map((r) => arr(r).length));
    return Array.from({ length: n }, (_, i) => i);
  }
  return v;
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

function domainOf(spec: Spec): [number, number] {
  const d = spec.domain;
  return Array.isArray(d) && d.length === 2 ? [Number(d[0]), Number(d[1])] : [0, 1];
}

/** Builds every axis some trace uses, laid out in `plot`. */
export function buildAxes(fig: Figure, plot: Box): Map<string, Axis> {
  const axes = new Map<string, Axis>();
  const byRef = new Map<string, Trace[]>();
  for (const t of fig.data) {
    for (const ref of refsOf(t)) byRef.set(ref, [...(byRef.get(ref) ?? []), t]);
  }
  for (const [ref, traces] of byRef) {
    const dir = ref[0] === "y" ? "y" : "x";
    const spec = (fig.layout[axisKey(ref)] ?? {}) as Spec;
    const values = traces.flatMap((t) => traceValues(t, dir));
    const category = spec.type === "category" || values.some((v) => typeof v === "string");
    const categories = category ? [...new Set(values.map(String))] : [];
    const [d0, d1] = domainOf(spec);
    const px: [number, number] =
      dir === "x"
        ? [plot.x0 + d0 * (plot.x1 - plot.x0), plot.x0 + d1 * (plot.x1 - plot.x0)]
        : [plot.y1 - d0 * (plot.y1 - plot.y0), plot.y1 - d1 * (plot.y1 - plot.y0)];
    const range = rangeOf(spec, traces, dir, categories);
    axes.set(ref, makeAxis(ref, dir, spec, categories, px, range));
  }
  // `matches`: linked axes share one range (the union of theirs).
  for (const a of axes.values()) {
    const m = a.spec.matches;
    const b = typeof m === "string" ? axes.get(m) : undefined;
    if (!b || a.spec.range !== undefined) continue;
    const lo = Math.min(a.range[0], b.range[0]);
    const hi = Math.max(a.range[1], b.range[1]);
    a.range = [lo, hi];
    b.range = [lo, hi];
  }
  return axes;
}

function rangeOf(spec: Spec, traces: Trace[], dir: "x" | "y", cats: string[]): [number, number] {
  const r = spec.range;
  let range: [number, number];
  if (Array.isArray(r) && r.length === 2 && r.every((v) => typeof v === "number")) {
    range = [r[0] as number, r[1] as number];
  } else if (cats.length > 0) {
    range = [-0.5, cats.length - 0.5];
  } else {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    let pad = false;
    for (const t of traces) {
      const vals = traceValues(t, dir).filter((v): v is number => Number.isFinite(v));
      if (vals.length === 0) continue;
      let a = Math.min(...vals);
      let b = Math.max(...vals);
      if (t.type === "heatmap") {
        const half = vals.length > 1 ? (b - a) / (vals.length - 1) / 2 : 0.5;
        a -= half;
        b += half;
      } else {
        pad ||= dir === "y" || String(t.mode ?? "lines").includes("markers");
      }
      lo = Math.min(lo, a);
      hi = Math.max(hi, b);
    }
    if (!Number.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    if (spec.rangemode === "tozero") {
      lo = Math.min(lo, 0);
      hi = Math.max(hi, 0);
    }
    if (lo === hi) {
      const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
      lo -= d;
      hi += d;
    } else if (pad) {
      const d = (hi - lo) * 0.05;
      lo = spec.rangemode === "tozero" && lo === 0 ? 0 : lo - d;
      hi += d;
    }
    range = [lo, hi];
  }
  return spec.autorange === "reversed" ? [range[1], range[0]] : range;
}

function makeAxis(
  ref: string,
  dir: "x" | "y",
  spec: Spec,
  categories: string[],
  px: [number, number],
  range: [number, number],
): Axis {
  const axis: Axis = {
    ref,
    dir,
    spec,
    categories,
    px,
    range,
    toPx(v) {
      const n = categories.length > 0 ? categories.indexOf(String(v)) : Number(v);
      if (v === null || v === undefined || !Number.isFinite(n) || (categories.length > 0 && n < 0))
        return undefined;
      const [r0, r1] = axis.range;
      return px[0] + ((n - r0) / (r1 - r0 || 1)) * (px[1] - px[0]);
    },
    ticks() {
      const [r0, r1] = axis.range;
      const lo = Math.min(r0, r1);
      const hi = Math.max(r0, r1);
      const length = Math.abs(px[1] - px[0]);
      if (categories.length > 0) {
        const room = dir === "x" ? 40 : 14;
        const every = Math.max(1, Math.ceil((categories.length * room) / Math.max(1, length)));
        return categories
          .map((c, i) => ({ at: i, label: c }))
          .filter((t) => t.at % every === 0 && t.at >= lo && t.at <= hi);
      }
      const dtick = typeof spec.dtick === "number" && spec.dtick > 0 ? spec.dtick : undefined;
      const step =
        dtick ?? niceStep(hi - lo, Math.max(2, Math.round(length / (dir === "x" ? 90 : 50))));
      const tick0 = typeof spec.tick0 === "number" ? spec.tick0 : 0;
      const out: Tick[] = [];
      const first = Math.ceil((lo - tick0) / step - 1e-9);
      for (let k = first; tick0 + k * step <= hi + step * 1e-9 && out.length < 200; k++) {
        const at = tick0 + k * step;
        out.push({ at, label: tickLabel(at, step) });
      }
      return out;
    },
  };
  return axis;
}
