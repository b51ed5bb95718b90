/**
 * danfojs DataFrames (and Series) as an HTML table and as aligned plain text. Duck-typed, so
 * the notebook bridge never has to load danfojs itself.
 */
import { escapeHtml } from "./html.js";

/** The parts of a danfojs DataFrame or Series the renderers use. */
export interface FrameLike {
  readonly columns: readonly string[];
  readonly values: readonly unknown[];
  readonly index: readonly (string | number)[];
  readonly shape: readonly number[];
}

export function isFrameLike(v: unknown): v is FrameLike {
  if (v === null || typeof v !== "object") return false;
  const f = v as Partial<FrameLike>;
  return (
    Array.isArray(f.columns) &&
    Array.isArray(f.values) &&
    Array.isArray(f.index) &&
    Array.isArray(f.shape) &&
    (f.shape.length === 1 || f.shape.length === 2)
  );
}

/** Rows as arrays of cells (a Series becomes one column). */
function rowsOf(f: FrameLike): { columns: string[]; rows: unknown[][] } {
  if (f.shape.length === 1) {
    const name = f.columns[0] ?? "value";
    return { columns: [String(name)], rows: f.values.map((v) => [v]) };
  }
  return {
    columns: f.columns.map(String),
    rows: f.values.map((r) => (Array.isArray(r) ? r : [r])),
  };
}

/** A cell as text: numbers to 4 significant digits (integers as they are), NaN as "". */
export function formatCell(v: unknown): string {
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "";
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6)
      ? v.toExponential(3)
      : String(Number(v.toPrecision(4)));
  }
  if (v === null || v === undefined) return "";
  return String(v);
}

/** Indices of the rows to show: all, or the first `head` and last `tail` with a gap marker (-1). */
function visible(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const head = Math.ceil((max * 2) / 3);
  const tail = max - head;
  return [
    ...Array.from({ length: head }, (_, i) => i),
    -1,
    ...Array.from({ length: tail }, (_, i) => n - tail + i),
  ];
}

const STYLE =
  "border-collapse:collapse;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;margin:4px 0";

export function frameHtml(f: FrameLike, maxRows = 60): string {
  const { columns, rows } = rowsOf(f);
  const th = (s: string, align = "right") =>
    `<th style="border-bottom:1px solid #999;padding:2px 8px;text-align:${align}">${escapeHtml(s)}</th>`;
  const head = `<tr>${th("", "left")}${columns.map((c) => th(c)).join("")}</tr>`;
  const body = visible(rows.length, maxRows)
    .map((i) => {
      if (i < 0) {
        return `<tr><td colspan="${columns.length + 1}" style="text-align:center;color:#888">… ${rows.length - maxRows} more rows …</td></tr>`;
      }
      const cells = rows[i]!.map(
        (v) =>
          `<td style="padding:2px 8px;text-align:${typeof v === "number" ? "right" : "left"}">${escapeHtml(formatCell(v))}</td>`,
      );
      return `<tr style="border-bottom:1px solid #eee"><th style="padding:2px 8px;text-align:left;color:#666">${escapeHtml(String(f.index[i]))}</th>${cells.join("")}</tr>`;
    })
    .join("");
  const shape =
    f.shape.length === 2 ? `${f.shape[0]} rows × ${f.shape[1]} columns` : `${f.shape[0]} rows`;
  return `<div class="polytask-table" style="overflow-x:auto"><table style="${STYLE}"><thead>${head}</thead><tbody>${body}</tbody></table><div style="color:#888;font-size:11px">${shape}</div></div>`;
}

/** Aligned plain text, at most `maxRows` rows. */
export function frameText(f: FrameLike, maxRows = 30): string {
  const { columns, rows } = rowsOf(f);
  const shown = visible(rows.length, maxRows);
  const grid = [
    ["", ...columns],
    ...shown.map((i) =>
      i < 0 ? ["…", ...columns.map(() => "…")] : [String(f.index[i]), ...rows[i]!.map(formatCell)],
    ),
  ];
  const widths = grid[0]!.map((_, c) => Math.max(...grid.map((r) => (r[c] ?? "").length)));
  return grid
    .map((r) =>
      r
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join("  "),
    )
    .join("\n");
}
