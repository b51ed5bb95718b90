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
  /** Sent bundles that carry a figure (plotly JSON, or a live view's figure HTML). */
  figures(): Sent[] {
    return this.sent.filter(
      (s) =>
        "application/vnd.plotly.v1+json" in s.bundle ||
        String(s.bundle["text/html"] ?? "").includes('class="polytask-figure"'),
    );
  }
  loaders(): Sent[] {
    return this.sent.filter((s) =>
      String(s.bundle["text/html"] ?? "").includes("polytask-plotly-loader"),
    );
  }
}

/** The figure JSON a bundle's HTML draws (what live views send, they carry no plotly JSON). */
export function figureOf(bundle: MimeBundle): {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
} {
  const m = /var fig = (.*);\n {2}var id = /.exec(String(bundle["text/html"] ?? ""));
  if (!m) throw new Error("no figure in this bundle's HTML");
  return JSON.parse(m[1]!);
}
