/**
 * `display(value)` and `clearOutput({ wait })`: the contract names. In a notebook a value is
 * sent as one MIME bundle (see bundle.ts); plotly.js goes along once per notebook as a hidden
 * loader output (see loader.ts), so figures render without the plotly renderer and in
 * exported HTML, offline. In a terminal the text form is printed.
 */
import { setRichRenderer } from "../viz/figure.js";
import { toBundle } from "./bundle.js";
import type { DisplayOptions, MimeBundle } from "./host.js";
import { beforeDisplay, outputCleared } from "./loader.js";
import { currentSink } from "./sink.js";

export { loaderBundle, resetPlotlyLoader } from "./loader.js";

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

let ids = 0;
export function newDisplayId(): string {
  ids += 1;
  return `polytask-${process.pid}-${Date.now().toString(36)}-${ids}`;
}

/** Sends a bundle to the current sink (printing its text in a terminal). */
export function displayBundle(bundle: MimeBundle, opts: DisplayOptions = {}): void {
  const sink = currentSink();
  if (sink.kind === "terminal") {
    const text = bundle["text/plain"];
    process.stdout.write(`${typeof text === "string" ? text : JSON.stringify(text)}\n`);
    return;
  }
  beforeDisplay(sink.host, bundle);
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
  // The cleared output may have been the one carrying plotly.js (see loader.ts).
  outputCleared(sink.host);
  sink.host.clearOutput(args.wait ?? false);
}

/**
 * A cell's result (the kernel calls `[MIME_BUNDLE]()` on figures and DataFrames): its bundle,
 * sending plotly.js first when a notebook host is present.
 */
export function resultBundle(value: unknown): MimeBundle {
  const bundle = toBundle(value);
  const sink = currentSink();
  if (sink.kind !== "terminal") beforeDisplay(sink.host, bundle);
  return bundle;
}

setRichRenderer(resultBundle);
