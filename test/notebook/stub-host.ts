/** A DisplayHost that records what it is sent, for tests. */
import type { DisplayHost, DisplayOptions, MimeBundle } from "../../src/notebook/host.js";

export interface Sent {
  readonly bundle: MimeBundle;
  readonly opts: DisplayOptions;
}

export class StubHost implements DisplayHost {
  readonly sent: Sent[] = [];
  clears: boolean[] = [];
  cellId: number | undefined;
  constructor(withCell = false) {
    if (withCell) this.cellId = 1;
    else (this as { cell?: unknown }).cell = undefined;
  }
  display(bundle: MimeBundle, opts: DisplayOptions = {}): void {
    this.sent.push({ bundle, opts });
  }
  clearOutput(wait?: boolean): void {
    this.clears.push(wait ?? false);
  }
  cell(): number | undefined {
    return this.cellId;
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
