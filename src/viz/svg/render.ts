/**
 * `figureSvg(figure)`: a static SVG picture of a plotly figure, drawn from the figure JSON
 * alone (no browser, no plotly.js). It covers what polytask's builders emit: scatter and
 * heatmap traces on cartesian subplots with domains, axis titles and ticks, legends, panel
 * titles and other annotations, line shapes and colorbars. Notebooks carry it as the
 * fallback that untrusted notebooks, GitHub and any renderer without plotly.js show.
 */
import type { Figure, Trace } from "../figure.js";
import { type Axis, type Box, buildAxes } from "./axes.js";
import { fmt, plainText, richText, tickLabel, xml } from "./text.js";
import { colorAt, dashAttr, heatmapSvg, marker, scatterSvg, traceColor, zRange } from "./traces.js";

type Obj = Record<string, unknown>;

export interface SvgArgs {
  /** Width when the layout sets none (the notebook's plot is as wide as the cell). Default 900. */
  readonly width?: number;
}

let svgCount = 0;

function obj(v: unknown): Obj {
  return v !== null && typeof v === "object" ? (v as Obj) : {};
}

function num(v: unknown, d: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : d;
}

function titleText(v: unknown): string {
  if (typeof v === "string") return v;
  const t = obj(v).text;
  return typeof t === "string" ? t : "";
}

export function figureSvg(fig: Figure, args: SvgArgs = {}): string {
  svgCount += 1;
  const id = `pt${svgCount.toString(36)}`;
  const L = fig.layout;
  const W = num(L.width, args.width ?? 900);
  const H = num(L.height, 450);
  const font = obj(L.font);
  const size = num(font.size, 12);
  const m = obj(L.margin);
  const hasScale = fig.data.some((t) => t.type === "heatmap" && t.showscale !== false);
  const plot: Box = {
    x0: num(m.l, 80),
    y0: num(m.t, 100),
    x1: W - num(m.r, 80) - (hasScale ? 70 : 0),
    y1: H - num(m.b, 80),
  };
  const axes = buildAxes(fig, plot);
  const parts: string[] = [
    `<rect width="${W}" height="${H}" fill="${xml(String(L.paper_bgcolor ?? "white"))}"/>`,
  ];
  const defs: string[] = [];
  const panels = new Map<string, { xa: Axis; ya: Axis; clip: string }>();
  for (const t of fig.data) {
    const xa = axes.get(String(t.xaxis ?? "x"));
    const ya = axes.get(String(t.yaxis ?? "y"));
    if (!xa || !ya) continue;
    const k = `${xa.ref}${ya.ref}`;
    if (panels.has(k)) continue;
    const clip = `${id}c${panels.size}`;
    const x = Math.min(...xa.px);
    const y = Math.min(...ya.px);
    defs.push(
      `<clipPath id="${clip}"><rect x="${fmt(x - 4)}" y="${fmt(y - 4)}" width="${fmt(Math.abs(xa.px[1] - xa.px[0]) + 8)}" height="${fmt(Math.abs(ya.px[1] - ya.px[0]) + 8)}"/></clipPath>`,
    );
    panels.set(k, { xa, ya, clip });
  }
  for (const a of axes.values()) parts.push(gridSvg(a, axes));
  fig.data.forEach((t, i) => {
    const xa = axes.get(String(t.xaxis ?? "x"));
    const ya = axes.get(String(t.yaxis ?? "y"));
    if (!xa || !ya || t.visible === false) return;
    const body = t.type === "heatmap" ? heatmapSvg(t, xa, ya) : scatterSvg(t, i, xa, ya);
    parts.push(`<g clip-path="url(#${panels.get(`${xa.ref}${ya.ref}`)!.clip})">${body}</g>`);
  });
  for (const a of axes.values()) parts.push(axisSvg(a, axes, size));
  parts.push(shapesSvg(L, plot, axes));
  parts.push(colorbarsSvg(fig.data, axes, id, defs, size));
  parts.push(annotationsSvg(L, plot, axes, size));
  parts.push(legendSvg(fig.data, L, plot, size));
  const title = titleText(L.title);
  if (title) {
    parts.push(richText(title, W / 2, num(m.t, 100) / 2, { size: size * 1.4, baseline: "middle" }));
  }
  const family = xml(String(font.family ?? "Helvetica, Arial, sans-serif"));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${family}"><title>${xml(plainText(title) || "figure")}</title><defs>${defs.join("")}</defs>${parts.join("")}</svg>`;
}

/** The perpendicular axis an axis is drawn against (its `anchor`, else the first of the other kind). */
function anchorOf(a: Axis, axes: Map<string, Axis>): Axis | undefined {
  const ref = typeof a.spec.anchor === "string" ? a.spec.anchor : a.dir === "x" ? "y" : "x";
  return axes.get(ref) ?? [...axes.values()].find((b) => b.dir !== a.dir);
}

function gridSvg(a: Axis, axes: Map<string, Axis>): string {
  const other = anchorOf(a, axes);
  if (!other || a.spec.visible === false) return "";
  const [o0, o1] = other.px;
  const lines: string[] = [];
  const gridColor = xml(String(a.spec.gridcolor ?? "#eee"));
  for (const t of a.spec.showgrid !== false ? a.ticks() : []) {
    const p = a.toPx(t.at);
    if (p === undefined) continue;
    lines.push(
      a.dir === "x"
        ? `<line x1="${fmt(p)}" x2="${fmt(p)}" y1="${fmt(o0)}" y2="${fmt(o1)}" stroke="${gridColor}"/>`
        : `<line y1="${fmt(p)}" y2="${fmt(p)}" x1="${fmt(o0)}" x2="${fmt(o1)}" stroke="${gridColor}"/>`,
    );
  }
  const [r0, r1] = a.range;
  if (
    a.spec.zeroline !== false &&
    a.categories.length === 0 &&
    Math.min(r0, r1) < 0 &&
    Math.max(r0, r1) > 0
  ) {
    const p = a.toPx(0)!;
    const c = xml(String(a.spec.zerolinecolor ?? "#444"));
    lines.push(
      a.dir === "x"
        ? `<line x1="${fmt(p)}" x2="${fmt(p)}" y1="${fmt(o0)}" y2="${fmt(o1)}" stroke="${c}"/>`
        : `<line y1="${fmt(p)}" y2="${fmt(p)}" x1="${fmt(o0)}" x2="${fmt(o1)}" stroke="${c}"/>`,
    );
  }
  return lines.join("");
}

function axisSvg(a: Axis, axes: Map<string, Axis>, size: number): string {
  const other = anchorOf(a, axes);
  if (!other || a.spec.visible === false) return "";
  const tickSize = num(obj(a.spec.tickfont).size, size);
  const angle = num(a.spec.tickangle, 0);
  const at = other.px[0];
  const out: string[] = [];
  let widest = 0;
  for (const t of a.ticks()) {
    const p = a.toPx(t.at);
    if (p === undefined) continue;
    const label = t.label.length > 24 ? `${t.label.slice(0, 23)}…` : t.label;
    widest = Math.max(widest, label.length * tickSize * 0.6);
    if (a.dir === "x") {
      const y = at + tickSize + 4;
      const rot = angle ? ` transform="rotate(${angle} ${fmt(p)} ${fmt(y - tickSize / 3)})"` : "";
      const anchor = angle < 0 ? "end" : angle > 0 ? "start" : "middle";
      out.push(
        `<text x="${fmt(p)}" y="${fmt(y)}" font-size="${tickSize}" fill="#444" text-anchor="${anchor}"${rot}>${xml(label)}</text>`,
      );
    } else {
      out.push(
        `<text x="${fmt(at - 6)}" y="${fmt(p + tickSize * 0.35)}" font-size="${tickSize}" fill="#444" text-anchor="end">${xml(label)}</text>`,
      );
    }
  }
  const title = titleText(a.spec.title);
  if (title) {
    const mid = (a.px[0] + a.px[1]) / 2;
    if (a.dir === "x") {
      const drop = angle ? Math.min(80, widest * Math.abs(Math.sin((angle * Math.PI) / 180))) : 0;
      out.push(
        richText(title, mid, at + tickSize + 10 + drop + size, {
          size: size * 1.1,
          baseline: "middle",
        }),
      );
    } else {
      out.push(
        richText(title, at - Math.min(widest, 60) - 18, mid, {
          size: size * 1.1,
          baseline: "middle",
          rotate: -90,
        }),
      );
    }
  }
  return out.join("");
}

function paperX(plot: Box, v: number): number {
  return plot.x0 + v * (plot.x1 - plot.x0);
}
function paperY(plot: Box, v: number): number {
  return plot.y1 - v * (plot.y1 - plot.y0);
}

function place(ref: unknown, v: unknown, dir: "x" | "y", plot: Box, axes: Map<string, Axis>) {
  const r = typeof ref === "string" ? ref : "paper";
  if (r === "paper" || !axes.has(r))
    return dir === "x" ? paperX(plot, num(v, 0)) : paperY(plot, num(v, 0));
  return axes.get(r)!.toPx(v);
}

function shapesSvg(L: Obj, plot: Box, axes: Map<string, Axis>): string {
  const shapes = Array.isArray(L.shapes) ? (L.shapes as Obj[]) : [];
  return shapes
    .map((s) => {
      if (s.type !== "line") return "";
      const x0 = place(s.xref ?? "x", s.x0, "x", plot, axes);
      const x1 = place(s.xref ?? "x", s.x1, "x", plot, axes);
      const y0 = place(s.yref ?? "y", s.y0, "y", plot, axes);
      const y1 = place(s.yref ?? "y", s.y1, "y", plot, axes);
      if ([x0, x1, y0, y1].some((v) => v === undefined)) return "";
      const line = obj(s.line);
      return `<line x1="${fmt(x0!)}" x2="${fmt(x1!)}" y1="${fmt(y0!)}" y2="${fmt(y1!)}" stroke="${xml(String(line.color ?? "#444"))}" stroke-width="${num(line.width, 1)}"${dashAttr(line.dash)}/>`;
    })
    .join("");
}

function annotationsSvg(L: Obj, plot: Box, axes: Map<string, Axis>, size: number): string {
  const notes = Array.isArray(L.annotations) ? (L.annotations as Obj[]) : [];
  return notes
    .map((n) => {
      const x = place(n.xref, n.x, "x", plot, axes);
      const y = place(n.yref, n.y, "y", plot, axes);
      if (x === undefined || y === undefined || typeof n.text !== "string") return "";
      const f = obj(n.font);
      const anchor = n.xanchor === "left" ? "start" : n.xanchor === "right" ? "end" : "middle";
      const baseline = n.yanchor === "bottom" ? "bottom" : n.yanchor === "top" ? "top" : "middle";
      return richText(n.text, x, y, {
        size: num(f.size, size),
        color: typeof f.color === "string" ? f.color : "#444",
        anchor,
        baseline,
      });
    })
    .join("");
}

function legendSvg(data: Trace[], L: Obj, plot: Box, size: number): string {
  const seen = new Set<string>();
  const items = data.filter((t, i) => {
    if (t.type === "heatmap" || t.showlegend === false || !t.name) return false;
    const key = String(t.legendgroup ?? t.name ?? i);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const show =
    L.showlegend === true ||
    (L.showlegend !== false && items.length >= 2) ||
    data.some((t) => t.showlegend === true);
  if (!show || items.length === 0) return "";
  const lg = obj(L.legend);
  const fsize = num(obj(lg.font).size, size);
  const horizontal = lg.orientation === "h";
  let x = paperX(plot, num(lg.x, horizontal ? 0 : 1.02));
  let y = paperY(plot, num(lg.y, horizontal ? -0.15 : 1)) + 4;
  const out: string[] = [];
  data.forEach((t, i) => {
    if (!items.includes(t)) return;
    const c = traceColor(t, i);
    const mode = String(t.mode ?? "lines+markers");
    const line = obj(t.line);
    const mk = obj(t.marker);
    if (mode.includes("lines")) {
      out.push(
        `<line x1="${fmt(x)}" x2="${fmt(x + 28)}" y1="${fmt(y + 6)}" y2="${fmt(y + 6)}" stroke="${xml(c)}" stroke-width="${Math.min(3, num(line.width, 2))}"${dashAttr(line.dash)}/>`,
      );
    }
    if (mode.includes("markers")) {
      const mc = typeof mk.color === "string" ? mk.color : c;
      out.push(
        marker(x + 14, y + 6, Math.min(10, num(mk.size, 6)), String(mk.symbol ?? "circle"), mc),
      );
    }
    const name = plainText(String(t.name));
    out.push(
      `<text x="${fmt(x + 34)}" y="${fmt(y + 6 + fsize * 0.35)}" font-size="${fsize}" fill="#444">${xml(name)}</text>`,
    );
    if (horizontal) x += 44 + name.length * fsize * 0.6;
    else y += fsize + 8;
  });
  return out.join("");
}

function colorbarsSvg(
  data: Trace[],
  axes: Map<string, Axis>,
  id: string,
  defs: string[],
  size: number,
): string {
  const out: string[] = [];
  data.forEach((t, i) => {
    if (t.type !== "heatmap" || t.showscale === false) return;
    const xa = axes.get(String(t.xaxis ?? "x"));
    const ya = axes.get(String(t.yaxis ?? "y"));
    if (!xa || !ya) return;
    const cb = obj(t.colorbar);
    const top = Math.min(...ya.px);
    const full = Math.abs(ya.px[1] - ya.px[0]);
    const h = full * Math.min(1, num(cb.len, 1));
    const y0 = top + (full - h) / 2;
    const x0 = Math.max(...xa.px) + 16;
    const scale = (
      Array.isArray(t.colorscale)
        ? t.colorscale
        : [
            [0, colorAt(undefined, 0)],
            [1, colorAt(undefined, 1)],
          ]
    ) as [number, string][];
    const gid = `${id}g${i}`;
    defs.push(
      `<linearGradient id="${gid}" x1="0" y1="1" x2="0" y2="0">${scale.map(([f, c]) => `<stop offset="${f}" stop-color="${xml(c)}"/>`).join("")}</linearGradient>`,
    );
    out.push(
      `<rect x="${fmt(x0)}" y="${fmt(y0)}" width="14" height="${fmt(h)}" fill="url(#${gid})" stroke="#ccc"/>`,
    );
    const [lo, hi] = zRange(t);
    const step = niceSpan(hi - lo);
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
      const y = y0 + h - ((v - lo) / (hi - lo)) * h;
      out.push(
        `<text x="${fmt(x0 + 18)}" y="${fmt(y + 4)}" font-size="${size * 0.9}" fill="#444">${tickLabel(v, step)}</text>`,
      );
    }
    const title = titleText(cb.title);
    if (title) out.push(richText(title, x0, y0 - 6, { size, anchor: "start" }));
  });
  return out.join("");
}

function niceSpan(span: number): number {
  const raw = span / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}
