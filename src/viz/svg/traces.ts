/**
 * Traces for the static SVG: scatter (lines with dash patterns and gaps at nulls, markers in
 * plotly's common symbols, text labels) and heatmap (cells coloured by the trace's colorscale,
 * optional cell text). Each returns SVG elements for one trace on its two axes.
 */
import { type Trace, color } from "../figure.js";
import type { Axis } from "./axes.js";
import { fillTemplate, fmt, xml } from "./text.js";

type Obj = Record<string, unknown>;

const DASH: Record<string, string> = {
  dash: "6,4",
  dot: "2,3",
  dashdot: "6,3,2,3",
  longdash: "10,4",
  longdashdot: "10,3,2,3",
};

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : ArrayBuffer.isView(v) ? Array.from(v as unknown as number[]) : [];
}

/** The colour a trace is drawn in (its line, else marker colour, else the i-th palette entry). */
export function traceColor(t: Trace, i: number): string {
  const line = (t.line ?? {}) as Obj;
  const marker = (t.marker ?? {}) as Obj;
  const c = line.color ?? marker.color;
  return typeof c === "string" ? c : color(i);
}

/** The dash attribute for a plotly `line.dash` value ("" for solid). */
export function dashAttr(dash: unknown): string {
  const d = typeof dash === "string" ? DASH[dash] : undefined;
  return d ? ` stroke-dasharray="${d}"` : "";
}

/** One marker of a plotly symbol (circle, square, diamond, triangle-up, x; "-open" variants). */
export function marker(x: number, y: number, size: number, symbol: string, c: string): string {
  const open = symbol.endsWith("-open");
  const base = symbol.replace(/-open$/, "");
  const paint = open
    ? `fill="white" stroke="${xml(c)}" stroke-width="1.5"`
    : `fill="${xml(c)}" stroke="white" stroke-width="0.5"`;
  const r = size / 2;
  const p = (pts: [number, number][]) =>
    `<polygon points="${pts.map(([a, b]) => `${fmt(x + a)},${fmt(y + b)}`).join(" ")}" ${paint}/>`;
  if (base === "square")
    return p([
      [-r, -r],
      [r, -r],
      [r, r],
      [-r, r],
    ]);
  if (base === "diamond")
    return p([
      [0, -r * 1.3],
      [r * 1.3, 0],
      [0, r * 1.3],
      [-r * 1.3, 0],
    ]);
  if (base === "triangle-up")
    return p([
      [0, -r * 1.2],
      [r * 1.1, r * 0.8],
      [-r * 1.1, r * 0.8],
    ]);
  if (base === "x") {
    return `<path d="M${fmt(x - r)},${fmt(y - r)}L${fmt(x + r)},${fmt(y + r)}M${fmt(x - r)},${fmt(y + r)}L${fmt(x + r)},${fmt(y - r)}" stroke="${xml(c)}" stroke-width="2"/>`;
  }
  return `<circle cx="${fmt(x)}" cy="${fmt(y)}" r="${fmt(r)}" ${paint}/>`;
}

export function scatterSvg(t: Trace, i: number, xa: Axis, ya: Axis): string {
  const mode = String(t.mode ?? "lines+markers");
  const xs = arr(t.x);
  const ys = arr(t.y);
  const c = traceColor(t, i);
  const line = (t.line ?? {}) as Obj;
  const m = (t.marker ?? {}) as Obj;
  const pts = xs.map((x, k) => {
    const px = xa.toPx(x);
    const py = ys[k] === null ? undefined : ya.toPx(ys[k]);
    return px === undefined || py === undefined ? undefined : ([px, py] as const);
  });
  const out: string[] = [];
  if (mode.includes("lines")) {
    let d = "";
    let pen = false;
    for (const p of pts) {
      if (!p) {
        pen = false;
        continue;
      }
      d += `${pen ? "L" : "M"}${fmt(p[0])},${fmt(p[1])}`;
      pen = true;
    }
    const w = typeof line.width === "number" ? line.width : 2;
    if (d) {
      out.push(
        `<path d="${d}" fill="none" stroke="${xml(c)}" stroke-width="${w}"${dashAttr(line.dash)} stroke-linejoin="round"/>`,
      );
    }
  }
  if (mode.includes("markers")) {
    const size = typeof m.size === "number" ? m.size : 6;
    const symbol = typeof m.symbol === "string" ? m.symbol : "circle";
    const mc = typeof m.color === "string" ? m.color : c;
    const opacity = typeof m.opacity === "number" ? ` opacity="${m.opacity}"` : "";
    const marks = pts.flatMap((p) => (p ? [marker(p[0], p[1], size, symbol, mc)] : []));
    if (marks.length > 0) out.push(`<g${opacity}>${marks.join("")}</g>`);
  }
  if (mode.includes("text")) {
    const texts = arr(t.text);
    const below = String(t.textposition ?? "top").startsWith("bottom");
    pts.forEach((p, k) => {
      const s = texts[k];
      if (!p || s === undefined || s === null) return;
      out.push(
        `<text x="${fmt(p[0])}" y="${fmt(p[1] + (below ? 16 : -9))}" font-size="11" fill="#444" text-anchor="middle">${xml(String(s))}</text>`,
      );
    });
  }
  return out.join("");
}

/** A colorscale (`[[0, "#rgb"], ...]`) at fraction f in [0, 1], as "#rrggbb". */
export function colorAt(scale: unknown, f: number): string {
  const stops = (
    Array.isArray(scale)
      ? scale
      : [
          [0, "#440154"],
          [0.5, "#21918c"],
          [1, "#fde725"],
        ]
  ) as [number, string][];
  const v = Math.min(1, Math.max(0, Number.isFinite(f) ? f : 0));
  let k = 0;
  while (k < stops.length - 2 && v > stops[k + 1]![0]) k++;
  const [f0, c0] = stops[k]!;
  const [f1, c1] = stops[Math.min(k + 1, stops.length - 1)]!;
  const u = f1 > f0 ? (v - f0) / (f1 - f0) : 0;
  const a = rgb(c0);
  const b = rgb(c1);
  const mix = a.map((ch, j) => Math.round(ch + (b[j]! - ch) * u));
  return `#${mix.map((ch) => ch.toString(16).padStart(2, "0")).join("")}`;
}

export function rgb(hex: string): [number, number, number] {
  const h = hex.replace("#", "");
  const full = h.length === 3 ? [...h].map((ch) => ch + ch).join("") : h.padEnd(6, "0");
  return [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16) || 0) as [
    number,
    number,
    number,
  ];
}

/** The colour range of a heatmap: zmin/zmax if given, else the data's, centred on zmid. */
export function zRange(t: Trace): [number, number] {
  const vals = (arr(t.z) as unknown[][])
    .flatMap((r) => arr(r))
    .filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  let lo = typeof t.zmin === "number" ? t.zmin : Math.min(...vals, 0);
  let hi = typeof t.zmax === "number" ? t.zmax : Math.max(...vals, 1);
  if (typeof t.zmid === "number" && typeof t.zmin !== "number") {
    const d = Math.max(Math.abs(hi - t.zmid), Math.abs(t.zmid - lo));
    lo = t.zmid - d;
    hi = t.zmid + d;
  }
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

export function heatmapSvg(t: Trace, xa: Axis, ya: Axis): string {
  const z = arr(t.z).map(arr);
  const xs = arr(t.x);
  const ys = arr(t.y);
  const text = arr(t.text).map(arr);
  const [lo, hi] = zRange(t);
  const gap = typeof t.xgap === "number" ? t.xgap : 0;
  const out: string[] = [];
  const edge = (a: Axis, v: (k: number) => unknown, k: number, n: number): [number, number] => {
    const c = a.toPx(v(k)) ?? 0;
    const prev = k > 0 ? a.toPx(v(k - 1)) : undefined;
    const next = k < n - 1 ? a.toPx(v(k + 1)) : undefined;
    const half = Math.abs(((next ?? (prev === undefined ? c + 20 : 2 * c - prev)) - c) / 2);
    const h = prev !== undefined && next === undefined ? Math.abs(c - prev) / 2 : half;
    return [c - h, c + h];
  };
  const xv = (k: number) => (xs.length > 0 ? xs[k] : k);
  const yv = (k: number) => (ys.length > 0 ? ys[k] : k);
  const template = typeof t.texttemplate === "string" ? t.texttemplate : undefined;
  z.forEach((row, r) => {
    const [ya0, ya1] = edge(ya, yv, r, z.length);
    row.forEach((v, c) => {
      if (typeof v !== "number" || !Number.isFinite(v)) return;
      const [xa0, xa1] = edge(xa, xv, c, row.length);
      const fill = colorAt(t.colorscale, (v - lo) / (hi - lo));
      const x = Math.min(xa0, xa1) + gap / 2;
      const y = Math.min(ya0, ya1) + gap / 2;
      const w = Math.max(0.5, Math.abs(xa1 - xa0) - gap);
      const h = Math.max(0.5, Math.abs(ya1 - ya0) - gap);
      out.push(
        `<rect x="${fmt(x)}" y="${fmt(y)}" width="${fmt(w)}" height="${fmt(h)}" fill="${fill}"/>`,
      );
      if (template !== undefined && w > 18 && h > 10) {
        const label = fillTemplate(template, { z: v, x: xv(c), y: yv(r), text: text[r]?.[c] });
        const [R, G, B] = rgb(fill);
        const ink = 0.299 * R + 0.587 * G + 0.114 * B < 128 ? "white" : "#222";
        const size = Math.min(11, h * 0.6);
        out.push(
          `<text x="${fmt(x + w / 2)}" y="${fmt(y + h / 2 + size * 0.35)}" font-size="${fmt(size)}" fill="${ink}" text-anchor="middle">${xml(label)}</text>`,
        );
      }
    });
  });
  return out.join("");
}
