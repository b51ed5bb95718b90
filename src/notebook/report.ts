/**
 * `report(path, run)`: one self-contained HTML file (plotly.js inlined from plotly.js-dist, no
 * network) with every figure that the run's data supports, the summary and history tables,
 * the run's config and backend. Written atomically (temp file + rename). A comparison
 * (`compare(runs)`) gets the overlay, Pareto view and final-values table instead.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import type { EpochLog } from "../train/events.js";
import { Comparison } from "../viz/compare.js";
import type { Figure } from "../viz/figure.js";
import { hasKey, lastValue, metricsOf, tasksOf } from "../viz/logs.js";
import { type RunFigureMeta, runFigure } from "../viz/run-figure.js";
import { displayRows, historyColumns } from "../viz/table.js";
import { escapeHtml, figureHtml, plotlyInlineHtml } from "./html.js";
import { plotlyVersion } from "./plotly-source.js";
import { type FrameLike, frameHtml, isFrameLike } from "./table-html.js";

/** What a report reads from a run; a `Run` fits. Every field but `history` is optional. */
export interface ReportRun {
  readonly history: readonly EpochLog[];
  readonly name?: string;
  /** The run's options (JSON-able). `options` is read too. */
  readonly config?: unknown;
  readonly options?: unknown;
  /** Backend summary string or `BackendInfo`. `backendInfo` is read too. */
  readonly backend?: unknown;
  readonly backendInfo?: unknown;
  /** Extra plot data (step records, affinity, confusion, parity). */
  readonly meta?: RunFigureMeta;
  /** Test-set results or anything else to list. */
  readonly evaluation?: unknown;
}

export interface ReportArgs {
  readonly title?: string;
}

function version(): string {
  try {
    return (createRequire(import.meta.url)("polytask/package.json") as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** A final-epoch summary: one row per task. */
export function summaryFrame(history: readonly EpochLog[]): FrameLike {
  const tasks = tasksOf(history);
  const m = tasks.map((t) => metricsOf(history, t));
  const trainMetrics = [...new Set(m.flatMap((x) => x.train))];
  const valMetrics = [...new Set(m.flatMap((x) => x.val))];
  const cols: [string, (t: string) => string][] = [
    ["loss", (t) => `loss/${t}`],
    ...trainMetrics.map((k): [string, (t: string) => string] => [k, (t) => `${k}/${t}`]),
    ["val loss", (t) => `val/${t}/loss`],
    ...valMetrics.map((k): [string, (t: string) => string] => [`val ${k}`, (t) => `val/${t}/${k}`]),
    ["weight", (t) => `weight/${t}`],
  ];
  const used = cols.filter(([, key]) => tasks.some((t) => hasKey(history, key(t))));
  return {
    columns: used.map(([c]) => c),
    index: tasks,
    shape: [tasks.length, used.length],
    values: tasks.map((t) => used.map(([, key]) => lastValue(history, key(t)) ?? Number.NaN)),
  };
}

/**
 * The whole history as a table (same columns as `historyTable`, without loading danfojs):
 * rows and the epoch column numbered from 1, like the charts.
 */
export function historyFrame(history: readonly EpochLog[]): FrameLike {
  const columns = historyColumns(history);
  const rows = displayRows(history);
  return {
    columns,
    index: rows.map((log) => log.epoch),
    shape: [rows.length, columns.length],
    values: rows.map((log) => columns.map((c) => log[c] ?? Number.NaN)),
  };
}

/** The figures a run's data supports, titled. */
export function runFigures(run: ReportRun): [string, Figure][] {
  const h = run.history;
  const meta = run.meta ?? {};
  const out: [string, Figure][] = [["Per-task loss and metrics", runFigure(h, "curves", meta)]];
  const tasks = tasksOf(h);
  const keys = new Set(h.flatMap((l) => Object.keys(l)));
  const any = (p: string) => [...keys].some((k) => k.startsWith(p));
  if (tasks.some((t) => hasKey(h, `weight/${t}`)) || (meta.steps?.length ?? 0) > 0) {
    out.push(["Task weights", runFigure(h, "weights", meta)]);
  }
  if (any("cosine/") || meta.steps?.some((s) => s.gradientCosine)) {
    out.push(["Gradient conflict", runFigure(h, "conflict", meta)]);
    out.push(["Gradient conflict over training", runFigure(h, "conflict-evolution", meta)]);
  }
  if (any("affinity/") || meta.affinity)
    out.push(["Task affinity", runFigure(h, "affinity", meta)]);
  if (meta.confusion && Object.keys(meta.confusion).length > 0) {
    out.push(["Confusion matrices", runFigure(h, "confusion", meta)]);
  }
  if (meta.parity && Object.keys(meta.parity).length > 0) {
    out.push(["Parity plots", runFigure(h, "parity", meta)]);
  }
  return out;
}

/** JSON for people: typed arrays and long arrays summarised, functions and cycles named. */
export function readableJson(value: unknown): string {
  const seen = new WeakSet<object>();
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === "function") return `[function ${v.name || "anonymous"}]`;
      if (typeof v === "bigint") return v.toString();
      if (typeof v === "number" && !Number.isFinite(v)) return String(v);
      if (ArrayBuffer.isView(v))
        return `${v.constructor.name}(${(v as unknown as ArrayLike<number>).length})`;
      if (v !== null && typeof v === "object") {
        if (seen.has(v)) return "[circular]";
        seen.add(v);
        if (Array.isArray(v) && v.length > 50)
          return [...v.slice(0, 20), `… ${v.length - 20} more`];
      }
      return v;
    },
    2,
  );
  return text ?? String(value);
}

function pre(value: unknown): string {
  return `<pre>${escapeHtml(typeof value === "string" ? value : readableJson(value))}</pre>`;
}

/** The run's config: `config`, else `state.config` (a Run), else `options`. */
function configOf(run: ReportRun): unknown {
  const state = (run as { state?: { config?: unknown } }).state;
  return run.config ?? state?.config ?? run.options ?? "(not recorded)";
}

/** The run's backend, else the backend active now (marked as such). */
async function backendOf(run: ReportRun): Promise<unknown> {
  const given = run.backend ?? run.backendInfo;
  if (given !== undefined) return given;
  try {
    const { backendInfo } = await import("../backend/select.js");
    return { "active when the report was written": backendInfo() };
  } catch {
    return "(not recorded)";
  }
}

const CSS = `body{font:14px/1.5 system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:1200px;margin:0 auto;padding:16px 24px 48px}
header{border-bottom:1px solid #ddd;margin-bottom:12px}h1{font-size:22px;margin:12px 0 4px}
h2{font-size:17px;margin:28px 0 8px}.meta{color:#666;font-size:12px}
section{background:white;border:1px solid #e5e5e5;border-radius:6px;padding:8px 12px;margin:12px 0}
pre{background:#f5f5f5;padding:8px;overflow:auto;font-size:12px}nav a{margin-right:12px}`;

function page(title: string, sections: [string, string][], subtitle: string): string {
  const id = (i: number) => `s${i}`;
  const nav = sections.map(([t], i) => `<a href="#${id(i)}">${escapeHtml(t)}</a>`).join("");
  const body = sections
    .map(([t, html], i) => `<section id="${id(i)}"><h2>${escapeHtml(t)}</h2>${html}</section>`)
    .join("\n");
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style>
${plotlyInlineHtml()}
</head><body><main>
<header><h1>${escapeHtml(title)}</h1><div class="meta">${subtitle}</div><nav>${nav}</nav></header>
${body}
</main></body></html>
`;
}

/** The report's HTML for a run or a comparison. */
export function reportHtml(
  run: ReportRun | Comparison,
  args: ReportArgs = {},
  backend?: unknown,
): string {
  const when = new Date().toISOString().replace("T", " ").slice(0, 19);
  const sub = `generated ${when} UTC · polytask ${escapeHtml(version())} · plotly.js ${plotlyVersion()} (inlined, offline)`;
  if (run instanceof Comparison) {
    const names = run.runs.map((r) => r.name).join(", ");
    const sections: [string, string][] = [
      ["Runs compared per task", figureHtml(run.plot("curves"))],
    ];
    if (run.tasks().length >= 2) sections.push(["Pareto view", figureHtml(run.plot("pareto"))]);
    sections.push(["Loss per task", figureHtml(run.plot("loss"))]);
    const table = run.table();
    sections.push(["Final values", isFrameLike(table) ? frameHtml(table, 200) : pre(table)]);
    return page(args.title ?? `polytask comparison: ${names}`, sections, sub);
  }
  const sections: [string, string][] = [];
  if (run.history.length > 0)
    sections.push(["Summary (last epoch)", frameHtml(summaryFrame(run.history), 200)]);
  for (const [t, fig] of runFigures(run)) sections.push([t, figureHtml(fig)]);
  if (run.evaluation !== undefined) sections.push(["Evaluation", pre(run.evaluation)]);
  const reason = (run as { reason?: unknown; message?: unknown }).reason;
  if (typeof reason === "string" && reason !== "completed") {
    const message = (run as { message?: unknown }).message;
    sections.unshift([
      "Stopped early",
      pre(`${reason}${typeof message === "string" ? `: ${message}` : ""}`),
    ]);
  }
  sections.push(["History", frameHtml(historyFrame(run.history), 400)]);
  sections.push(["Configuration", pre(configOf(run))]);
  sections.push(["Backend", pre(backend ?? run.backend ?? run.backendInfo ?? "(not recorded)")]);
  return page(args.title ?? `polytask run${run.name ? `: ${run.name}` : ""}`, sections, sub);
}

/** Writes the report to `path` atomically; resolves to the absolute path. */
export async function report(
  path: string,
  run: ReportRun | Comparison,
  args: ReportArgs = {},
): Promise<string> {
  const target = resolve(path);
  const backend = run instanceof Comparison ? undefined : await backendOf(run);
  const html = reportHtml(run, args, backend);
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${Date.now().toString(36)}`;
  try {
    await writeFile(tmp, html, "utf8");
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return target;
}
