import { setRichRenderer } from "../viz/figure.js";
import { PLOTLY_MIME, toBundle } from "./bundle.js";
/**
 * `display(value)` and `clearOutput({ wait })`: the contract names. In a notebook a value is
 * sent as one MIME bundle (see bundle.ts); before the first figure of a session, one hidden
 * output carrying plotly.js is sent, so figures render without the plotly renderer and in
 * exported HTML, offline. In a terminal the text form is printed.
 */
import type { CellInfo, DisplayOptions, MimeBundle } from "./host.js";
import { plotlyLoaderHtml } from "./html.js";
import { plotlyVersion } from "./plotly-source.js";
import { type Sink, currentSink } from "./sink.js";

export interface DisplayArgs {
  /**
   * Id of the display, or `true` for a fresh one: `display` then returns a handle whose
   * `update(value)` replaces the output in place. Reuse an id with `update: true` to do the same.
   */
  readonly displayId?: string | true;
  readonly update?: boolean;
  readonly metadata?: Record<string, unknown>;
}

export interface DisplayHandle {
  readonly displayId: string;
  /** Replaces this display's content in place (in a terminal: prints it again). */
  update(value: unknown): void;
}

/** Per-process state shared by every copy of the library (like the host). */
const STATE = Symbol.for("polytask.plotlyLoader");
type LoaderState = { sent: boolean; cell?: CellInfo };
function state(): LoaderState {
  const g = globalThis as { [STATE]?: LoaderState };
  g[STATE] ??= { sent: false };
  return g[STATE];
}

/** Forgets that plotly.js was sent (next figure sends it again). For tests and new sessions. */
export function resetPlotlyLoader(): void {
  state().sent = false;
  state().cell = undefined;
}

/** True when the cell that holds the loader output has been run again since (its outputs are gone). */
function loaderCellRerun(now: CellInfo | undefined): boolean {
  const was = state().cell;
  if (now === undefined || was === undefined || now.id === undefined || was.id === undefined) {
    return false;
  }
  return now.id === was.id && now.execution !== was.execution;
}

let ids = 0;
export function newDisplayId(): string {
  ids += 1;
  return `polytask-${process.pid}-${Date.now().toString(36)}-${ids}`;
}

/** The loader output: HTML only, nothing to show in text front ends. */
export function loaderBundle(): MimeBundle {
  return {
    "text/html": plotlyLoaderHtml(),
    "text/plain": `(plotly.js ${plotlyVersion()} loaded for this notebook)`,
  };
}

function ensurePlotly(sink: Extract<Sink, { host: unknown }>): void {
  const s = state();
  const cell = sink.host.cell?.();
  if (s.sent && !loaderCellRerun(cell)) return;
  sink.host.display(loaderBundle(), { metadata: { "polytask/plotly-loader": true } });
  s.sent = true;
  s.cell = cell;
}

/** Sends a bundle to the current sink (printing its text in a terminal). */
export function displayBundle(bundle: MimeBundle, opts: DisplayOptions = {}): void {
  const sink = currentSink();
  if (sink.kind === "terminal") {
    const text = bundle["text/plain"];
    process.stdout.write(`${typeof text === "string" ? text : JSON.stringify(text)}\n`);
    return;
  }
  if (PLOTLY_MIME in bundle) ensurePlotly(sink);
  sink.host.display(bundle, opts);
}

/**
 * Shows a figure, table or value (like IPython's `display`, it returns nothing, so a cell
 * ending in `display(x)` shows no extra result); with `{ displayId }` it returns a handle to
 * update the output in place.
 */
export function display(value: unknown): void;
export function display(
  value: unknown,
  args: DisplayArgs & { readonly displayId: string | true },
): DisplayHandle;
export function display(value: unknown, args?: DisplayArgs): DisplayHandle | undefined;
export function display(value: unknown, args: DisplayArgs = {}): DisplayHandle | undefined {
  const displayId = args.displayId === true ? newDisplayId() : args.displayId;
  displayBundle(toBundle(value), { displayId, update: args.update, metadata: args.metadata });
  if (displayId === undefined) return undefined;
  return {
    displayId,
    update: (next: unknown) => displayBundle(toBundle(next), { displayId, update: true }),
  };
}

/** Clears the current cell's output (`wait`: when the next output arrives). Terminal: no-op. */
export function clearOutput(args: { wait?: boolean } = {}): void {
  const sink = currentSink();
  if (sink.kind === "terminal") return;
  const s = state();
  // The cleared output may have been the one carrying plotly.js: unless the host tells us the
  // loader went to another cell, send it again with the next figure.
  const cell = sink.host.cell?.();
  if (cell === undefined || s.cell === undefined || cell.execution === s.cell.execution) {
    resetPlotlyLoader();
  }
  sink.host.clearOutput(args.wait ?? false);
}

/**
 * A cell's result (the kernel calls `[MIME_BUNDLE]()` on figures and DataFrames): its bundle,
 * sending plotly.js first when a notebook host is present.
 */
export function resultBundle(value: unknown): MimeBundle {
  const bundle = toBundle(value);
  const sink = currentSink();
  if (PLOTLY_MIME in bundle && sink.kind !== "terminal") ensurePlotly(sink);
  return bundle;
}

setRichRenderer(resultBundle);
