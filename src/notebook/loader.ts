/**
 * Where plotly.js rides in a notebook. It travels once, as a hidden "loader" output (the
 * partial bundle, gzip+base64) placed before the first figure; every figure's HTML waits for
 * it, in the live page, after a reload and in an exported HTML file. The output lives in one
 * cell, so the library tracks that cell and sends the loader again when it is gone:
 * - that cell runs again (the front end cleared its outputs): known from the execute_request's
 *   `metadata.cellId`, which JupyterLab, Notebook 7 and VS Code send; the kernel calls
 *   `cellStarted` before the cell's code runs, so the loader is back before anything else;
 * - that cell was deleted: JupyterLab and Notebook 7 list deleted cells in the next
 *   execute_request's `metadata.deletedCells`; the loader goes into the cell now running;
 * - `clearOutput()` ran in that cell's execution: the next output, or the next cell, brings it.
 * Without cell ids (nbclient, nbconvert --execute) cells run once, in order, and none of this
 * is needed. Where plotly.js still cannot be found (a loader cell deleted and the notebook
 * saved before any other cell ran), every figure shows its static SVG instead of a blank.
 */
import type { CellInfo, DisplayHost, MimeBundle } from "./host.js";
import { plotlyLoaderHtml } from "./html.js";
import { notebookPlotlyVersion } from "./plotly-source.js";

export const PLOTLY_MIME = "application/vnd.plotly.v1+json";

/** Marks a figure's HTML (figureHtml): a bundle with it needs plotly.js in the page. */
export const FIGURE_CLASS = "polytask-figure";

/** Per-process state shared by every copy of the library (like the host). */
const STATE = Symbol.for("polytask.plotlyLoader.v2");
interface LoaderState {
  /** A figure was shown in this kernel session, so the notebook needs plotly.js. */
  needed: boolean;
  /** A loader output is believed to be in the notebook now. */
  present: boolean;
  /** The cell (and execution) that holds it. */
  cell?: CellInfo;
  /** Loaders sent so far (tests and diagnostics). */
  sent: number;
}

function state(): LoaderState {
  const g = globalThis as { [STATE]?: LoaderState };
  g[STATE] ??= { needed: false, present: false, sent: 0 };
  return g[STATE];
}

/** Forgets everything about plotly.js having been sent. For tests and new sessions. */
export function resetPlotlyLoader(): void {
  const s = state();
  s.needed = false;
  s.present = false;
  s.cell = undefined;
  s.sent = 0;
}

/** How many loader outputs this process has sent (since the last reset). */
export function loadersSent(): number {
  return state().sent;
}

/** The loader output: hidden HTML, and a line for text front ends. */
export function loaderBundle(): MimeBundle {
  return {
    "text/html": plotlyLoaderHtml(),
    "text/plain": `(plotly.js ${notebookPlotlyVersion()} loaded for this notebook's figures)`,
  };
}

/** True for bundles that show an interactive figure (plotly JSON or polytask's figure HTML). */
export function needsPlotly(bundle: MimeBundle): boolean {
  const html = bundle["text/html"];
  return PLOTLY_MIME in bundle || (typeof html === "string" && html.includes(FIGURE_CLASS));
}

function send(host: DisplayHost): void {
  const s = state();
  host.display(loaderBundle(), { metadata: { "polytask/plotly-loader": true } });
  s.present = true;
  s.cell = host.cell?.();
  s.sent += 1;
}

/** Called before a bundle goes to a notebook host: sends the loader first when it must. */
export function beforeDisplay(host: DisplayHost, bundle: MimeBundle): void {
  const s = state();
  if (needsPlotly(bundle)) s.needed = true;
  if (s.needed && !s.present) send(host);
}

/**
 * The kernel calls this when an execute_request starts, before its code runs, with the
 * cell's id (metadata.cellId), its execution count and the ids of cells deleted since the
 * last request (metadata.deletedCells). Sends the loader again if its cell was re-run or
 * deleted.
 */
export function cellStarted(host: DisplayHost, cell: CellInfo): void {
  const s = state();
  const home = s.cell?.id;
  if (s.present && home !== undefined && (cell.id === home || cell.deleted?.includes(home))) {
    s.present = false;
  }
  if (s.needed && !s.present) send(host);
}

/** Called when the running cell clears its output: the loader goes if it was in that cell. */
export function outputCleared(host: DisplayHost): void {
  const s = state();
  const now = host.cell?.();
  if (now === undefined || s.cell === undefined || now.execution === s.cell.execution) {
    s.present = false;
  }
}
