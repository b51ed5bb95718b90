/**
 * Text for the static SVG: XML escaping, plotly's small rich-text subset (`<br>`, `<b>`,
 * `<i>`, `<sup>`, `<sub>`) as `<tspan>`s, and number formats for ticks and cell labels.
 */

/** Escapes text for XML content and attribute values. */
export function xml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" };

function decode(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ENTITIES[e]!);
}

/** Plain text of plotly rich text (tags dropped, `<br>` as a space). */
export function plainText(rich: string): string {
  return decode(rich.replace(/<br\s*\/?>/gi, " ").replace(/<[^>]+>/g, "")).trim();
}

/** One line of rich text: runs of text with their style. */
type Run = { text: string; bold: boolean; italic: boolean; shift: "sup" | "sub" | "" };

function runsOf(line: string): Run[] {
  const runs: Run[] = [];
  const state = { bold: 0, italic: 0, sup: 0, sub: 0 };
  for (const part of line.split(/(<\/?[a-z]+[^>]*>)/i)) {
    const tag = /^<(\/?)([a-z]+)/i.exec(part);
    if (tag) {
      const d = tag[1] ? -1 : 1;
      const name = tag[2]!.toLowerCase();
      if (name === "b") state.bold += d;
      else if (name === "i") state.italic += d;
      else if (name === "sup") state.sup += d;
      else if (name === "sub") state.sub += d;
      continue;
    }
    if (part === "") continue;
    runs.push({
      text: decode(part),
      bold: state.bold > 0,
      italic: state.italic > 0,
      shift: state.sup > 0 ? "sup" : state.sub > 0 ? "sub" : "",
    });
  }
  return runs;
}

export interface TextStyle {
  readonly size: number;
  readonly color?: string;
  readonly anchor?: "start" | "middle" | "end";
  /** Vertical placement of the block relative to y. */
  readonly baseline?: "top" | "middle" | "bottom";
  readonly rotate?: number;
  readonly weight?: "bold";
}

/** Lines of rich text as one `<text>` element; `<sup>` lines are smaller, as plotly draws them. */
export function richText(rich: string, x: number, y: number, style: TextStyle): string {
  const lines = rich.split(/<br\s*\/?>/i).map(runsOf);
  const lineHeight = style.size * 1.3;
  const heights = lines.map((l) =>
    l.length > 0 && l.every((r) => r.shift === "sup") ? lineHeight * 0.75 : lineHeight,
  );
  const total = heights.reduce((a, b) => a + b, 0);
  const base = style.baseline ?? "bottom";
  let top = base === "top" ? y : base === "middle" ? y - total / 2 : y - total;
  const tspans: string[] = [];
  lines.forEach((runs, i) => {
    top += heights[i]!;
    const first = `x="${fmt(x)}" y="${fmt(top - heights[i]! * 0.25)}"`;
    runs.forEach((r, k) => {
      const attrs = [k === 0 ? first : ""];
      if (r.bold || style.weight === "bold") attrs.push('font-weight="bold"');
      if (r.italic) attrs.push('font-style="italic"');
      if (r.shift !== "") attrs.push(`font-size="${fmt(style.size * 0.75)}"`);
      tspans.push(`<tspan ${attrs.filter(Boolean).join(" ")}>${xml(r.text)}</tspan>`);
    });
    if (runs.length === 0) tspans.push(`<tspan ${first}> </tspan>`);
  });
  const rot = style.rotate ? ` transform="rotate(${style.rotate} ${fmt(x)} ${fmt(y)})"` : "";
  return `<text font-size="${fmt(style.size)}" fill="${xml(style.color ?? "#444")}" text-anchor="${style.anchor ?? "middle"}"${rot}>${tspans.join("")}</text>`;
}

/** A coordinate with at most 2 decimals (keeps the SVG small). */
export function fmt(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** A tick label for `v` on an axis whose ticks are `step` apart. */
export function tickLabel(v: number, step: number): string {
  if (Math.abs(v) < step * 1e-9) return "0";
  const a = Math.abs(v);
  if (a >= 1e5) {
    for (const [d, s] of [
      [1e9, "G"],
      [1e6, "M"],
      [1e3, "k"],
    ] as const) {
      if (a >= d) return `${Number((v / d).toPrecision(3))}${s}`;
    }
  }
  const decimals = Math.max(0, Math.min(8, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals);
}

/** Formats a value with a d3-style spec from plotly templates: ".2f", ".3g", ".1%", "" . */
export function formatSpec(v: number, spec: string): string {
  const m = /^\.(\d+)([fge%])$/.exec(spec);
  if (!m) return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  const p = Number(m[1]);
  if (m[2] === "f") return v.toFixed(p);
  if (m[2] === "%") return `${(v * 100).toFixed(p)}%`;
  if (m[2] === "e") return v.toExponential(p);
  return String(Number(v.toPrecision(Math.max(1, p))));
}

/** Fills a plotly texttemplate (`%{z:.2f}`, `%{text}`, `%{x}`, `%{y}`) for one point. */
export function fillTemplate(template: string, values: Record<string, unknown>): string {
  return plainText(
    template.replace(/%\{(\w+)(?::([^}]*))?\}/g, (_, key: string, spec?: string) => {
      const v = values[key];
      if (typeof v === "number") return formatSpec(v, spec ?? "");
      return v === undefined || v === null ? "" : String(v);
    }),
  );
}
