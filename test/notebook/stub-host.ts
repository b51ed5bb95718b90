/** A DisplayHost that records what it is sent, for tests. */
import type { CellInfo, DisplayHost, DisplayOptions, MimeBundle } from "../../src/notebook/host.js";

export interface Sent {
  readonly bundle: MimeBundle;
  readonly opts: DisplayOptions;
}

export class StubHost implements DisplayHost {
  readonly sent: Sent[] = [];
  clears: boolean[] = [];
  /** The cell now "executing"; with `withCell = false` the host offers no cell() at all. */
  current: CellInfo | undefined;
  constructor(withCell = false) {
    if (withCell) this.current = { id: "c1", execution: 1 };
    else (this as { cell?: unknown }).cell = undefined;
  }
  display(bundle: MimeBundle, opts: DisplayOptions = {}): void {
    this.sent.push({ bundle, opts });
  }
  clearOutput(wait?: boolean): void {
    this.clears.push(wait ?? false);
  }
  cell(): CellInfo | undefined {
    return this.current;
  }
  /** Sent bundles that carry a plotly figure. */
  figures(): Sent[] {
    return this.sent.filter((s) => "application/vnd.plotly.v1+json" in s.bundle);
  }
  loaders(): Sent[] {
    return this.sent.filter((s) =>
      String(s.bundle["text/html"] ?? "").includes("polytask-plotly-loader"),
    );
  }
}
