/**
 * The seam between the library and whatever runs it. A notebook kernel installs a
 * `DisplayHost` on `globalThis` under a registered symbol (so the library copy a notebook
 * imports and the kernel's own copy agree without sharing a module instance); the library's
 * `display` sends MIME bundles to it. Outside a kernel there is no host and output goes to
 * the terminal.
 *
 * Interrupts: the kernel dispatches an "interrupt" event on the shared `interruptTarget()`;
 * the training loop listens to it (and to SIGINT) and stops at the next step boundary.
 */
export type MimeBundle = Record<string, unknown>;

export interface DisplayOptions {
  metadata?: Record<string, unknown>;
  /** Id of the display; with `update: true`, replaces that display's content in place. */
  displayId?: string;
  update?: boolean;
}

export interface CellInfo {
  /** The front end's cell id (execute_request `metadata.cellId`), when it sends one. */
  readonly id?: string;
  readonly execution: number;
  /** Ids of cells deleted since the previous request (`metadata.deletedCells`, JupyterLab). */
  readonly deleted?: readonly string[];
}

export interface DisplayHost {
  display(bundle: MimeBundle, opts?: DisplayOptions): void;
  clearOutput(wait?: boolean): void;
  /**
   * Optional: the cell now executing: its id (`metadata.cellId` of the execute_request, when
   * the front end sends one) and the execution count. With it, `display` knows when the output
   * that loaded plotly.js was cleared (a `clearOutput` in that execution) and sends plotly.js
   * again; without it, every `clearOutput` makes the next figure send it again. Re-runs and
   * deletions of that cell are reported by the kernel through `cellStarted` (loader.ts).
   */
  cell?(): CellInfo | undefined;
}

import { interruptTarget } from "../train/interrupt.js";

export { interruptTarget };

const HOST = Symbol.for("polytask.displayHost");

type Global = typeof globalThis & { [HOST]?: DisplayHost };

/** The installed display host, if a kernel installed one. */
export function currentHost(): DisplayHost | undefined {
  return (globalThis as Global)[HOST];
}

/** Installs (or, with undefined, removes) the display host. Used by the kernel and by tests. */
export function setHost(host: DisplayHost | undefined): void {
  (globalThis as Global)[HOST] = host;
}
