/**
 * Subplot grids with explicit axis domains. Plotly's `grid` layout works, but computing
 * domains here keeps every axis name, anchor and title visible in the figure JSON (and so in
 * tests), and lets a panel's title sit just above it.
 */
import type { Layout } from "./figure.js";

export interface Panel {
  /** Trace axis references, e.g. "x2" / "y2". */
  readonly xref: string;
  readonly yref: string;
  /** Layout keys, e.g. "xaxis2" / "yaxis2". */
  readonly xkey: string;
  readonly ykey: string;
  readonly row: number;
  readonly col: number;
}

export interface GridSpec {
  readonly rows: number;
  readonly cols: number;
  /** Title above each panel, row-major; missing entries get none. */
  readonly titles?: readonly (string | undefined)[];
  /** Extra settings for every x / y axis (titles are set per panel by the caller). */
  readonly xaxis?: Record<string, unknown>;
  readonly yaxis?: Record<string, unknown>;
  /** Gaps as a fraction of the figure. */
  readonly hgap?: number;
  readonly vgap?: number;
  /** Link all x axes of a column to the first one (zoom together). */
  readonly matchX?: boolean;
}

/** Number of columns for `n` panels: 1..3 -> n, 4 -> 2, up to 9 -> 3, else 4. */
export function columnsFor(n: number): number {
  if (n <= 3) return Math.max(1, n);
  if (n === 4) return 2;
  if (n <= 9) return 3;
  return 4;
}

/** Lays out `rows x cols` panels; returns their axis names and the layout entries. */
export function grid(spec: GridSpec): { panels: Panel[]; layout: Layout } {
  const { rows, cols } = spec;
  const hgap = spec.hgap ?? (cols > 1 ? 0.08 : 0);
  const vgap = spec.vgap ?? (rows > 1 ? Math.min(0.12, 0.5 / rows) : 0);
  const w = (1 - hgap * (cols - 1)) / cols;
  const h = (1 - vgap * (rows - 1)) / rows;
  const layout: Layout = {};
  const panels: Panel[] = [];
  const annotations: Record<string, unknown>[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const n = i === 0 ? "" : String(i + 1);
      const x0 = c * (w + hgap);
      const y1 = 1 - r * (h + vgap);
      const panel: Panel = {
        xref: `x${n}`,
        yref: `y${n}`,
        xkey: `xaxis${n}`,
        ykey: `yaxis${n}`,
        row: r,
        col: c,
      };
      panels.push(panel);
      layout[panel.xkey] = {
        ...spec.xaxis,
        domain: [round(x0), round(x0 + w)],
        anchor: panel.yref,
        ...(spec.matchX && i > 0 ? { matches: "x" } : {}),
      };
      layout[panel.ykey] = {
        ...spec.yaxis,
        domain: [round(y1 - h), round(y1)],
        anchor: panel.xref,
      };
      const title = spec.titles?.[i];
      if (title !== undefined) {
        annotations.push({
          text: `<b>${title}</b>`,
          xref: "paper",
          yref: "paper",
          x: round(x0 + w / 2),
          y: round(y1),
          xanchor: "center",
          yanchor: "bottom",
          showarrow: false,
          font: { size: 13 },
        });
      }
    }
  }
  layout.annotations = annotations;
  return { panels, layout };
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
