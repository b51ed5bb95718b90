import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import {
  PLOTLY_MIME,
  cellStarted,
  clearOutput,
  display,
  resetPlotlyLoader,
  setHost,
} from "../../src/notebook/index.js";
import { curvesFigure, historyTable } from "../../src/viz/index.js";
import { fakeHistory } from "../viz/fixtures.js";
import { StubHost } from "./stub-host.js";

const fig = curvesFigure(fakeHistory(["a", "b"], 2));

describe("display", () => {
  beforeEach(() => resetPlotlyLoader());
  afterEach(() => setHost(undefined));

  it("sends plotly.js once, in its own output, before the first figure", () => {
    const host = new StubHost();
    setHost(host);
    display(fig);
    display(fig);
    display(historyTable(fakeHistory(["a"], 1)));
    assert.equal(host.loaders().length, 1);
    assert.equal(host.sent[0], host.loaders()[0], "loader first");
    assert.equal(host.loaders()[0]!.opts.displayId, undefined, "the loader is never updated");
    assert.equal(host.figures().length, 2);
    assert.equal(host.sent.length, 4);
    const loader = String(host.loaders()[0]!.bundle["text/html"]);
    // the minified cartesian bundle: ~0.6 MB (the unminified full bundle was 3.2 MB)
    assert.ok(loader.length > 400_000 && loader.length < 700_000, `${loader.length} chars`);
    assert.match(loader, /DecompressionStream\("gzip"\)/);
  });

  it("a handle updates the same display in place", () => {
    const host = new StubHost();
    setHost(host);
    const h = display(fig, { displayId: true });
    h.update(fig);
    const [first, second] = host.figures();
    assert.equal(first!.opts.displayId, h.displayId);
    assert.equal(second!.opts.displayId, h.displayId);
    assert.equal(first!.opts.update, undefined);
    assert.equal(second!.opts.update, true);
  });

  it("returns nothing without a displayId (no stray cell result) and sends no id", () => {
    const host = new StubHost();
    setHost(host);
    assert.equal(display(fig), undefined);
    assert.equal(host.figures()[0]!.opts.displayId, undefined);
  });

  it("clearOutput forwards wait and makes the next figure reload plotly.js", () => {
    const host = new StubHost();
    setHost(host);
    display(fig);
    clearOutput({ wait: true });
    display(fig);
    assert.deepEqual(host.clears, [true]);
    assert.equal(host.loaders().length, 2);
  });

  it("with a host that names cells, plotly.js is resent only when its output may be gone", () => {
    const host = new StubHost(true);
    setHost(host);
    display(fig); // loader in cell c1, execution 1
    host.current = { id: "c2", execution: 2 };
    cellStarted(host, host.current);
    clearOutput(); // clears c2: the loader in c1 stays
    display(fig);
    assert.equal(host.loaders().length, 1);
    host.current = { id: "c1", execution: 3 }; // c1 re-run: its old outputs are gone
    cellStarted(host, host.current);
    assert.equal(host.loaders().length, 2, "sent again as the re-run cell starts");
    assert.equal(host.sent.at(-1), host.loaders()[1], "before anything the cell shows");
    display(fig);
    assert.equal(host.loaders().length, 2);
    clearOutput({ wait: true }); // same execution that holds the loader
    display(fig);
    assert.equal(host.loaders().length, 3);
  });

  it("a re-run of the loader's cell gets it back even if that cell shows no figure now", () => {
    const host = new StubHost(true);
    setHost(host);
    display(fig);
    host.current = { id: "c1", execution: 2 };
    cellStarted(host, host.current);
    assert.equal(host.loaders().length, 2);
    host.current = { id: "c3", execution: 3 };
    cellStarted(host, host.current);
    assert.equal(host.loaders().length, 2, "other cells leave it alone");
  });

  it("a deleted loader cell (JupyterLab's deletedCells) puts the loader in the cell now running", () => {
    const host = new StubHost(true);
    setHost(host);
    display(fig); // loader in c1
    host.current = { id: "c5", execution: 2, deleted: ["c1"] };
    cellStarted(host, host.current);
    assert.equal(host.loaders().length, 2);
    host.current = { id: "c6", execution: 3, deleted: ["c4"] };
    cellStarted(host, host.current);
    assert.equal(host.loaders().length, 2, "deleting another cell changes nothing");
    host.current = { id: "c5", execution: 4 };
    cellStarted(host, host.current);
    assert.equal(host.loaders().length, 3, "the loader moved to c5 and follows it");
  });

  it("no figure yet: cells start without any loader", () => {
    const host = new StubHost(true);
    setHost(host);
    cellStarted(host, { id: "c1", execution: 1 });
    display({ x: 1 });
    assert.equal(host.loaders().length, 0);
  });

  it("prints the text form in a terminal", () => {
    const out: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((s: string) => {
      out.push(String(s));
      return true;
    }) as typeof process.stdout.write;
    try {
      display(fig);
      display({ x: 1 });
      clearOutput();
    } finally {
      process.stdout.write = write;
    }
    assert.equal(out.length, 2);
    assert.match(out[0]!, /^<Figure: Per-task loss/);
    assert.match(out[1]!, /x: 1/);
  });

  it("under tslab (no polytask host) it writes one display_data per value through tslab", async () => {
    const { createRequire } = await import("node:module");
    const req = createRequire(import.meta.url);
    const jupyter = req("tslab/dist/jupyter.js") as { lastWriteDisplayData: unknown };
    const got: {
      content: { data: Record<string, unknown>; transient: unknown };
      update: boolean;
    }[] = [];
    jupyter.lastWriteDisplayData = (content: never, update: boolean) =>
      got.push({ content, update });
    (globalThis as Record<string, unknown>).__tslab__ = {};
    try {
      const h = display(fig, { displayId: true });
      h.update(fig);
    } finally {
      delete (globalThis as Record<string, unknown>).__tslab__;
      jupyter.lastWriteDisplayData = null;
    }
    assert.equal(got.length, 3, "loader, display, update");
    assert.ok(PLOTLY_MIME in got[1]!.content.data);
    assert.deepEqual(got[2]!.content.transient, got[1]!.content.transient);
    assert.deepEqual(
      got.map((g) => g.update),
      [false, false, true],
    );
  });

  it("figures and DataFrames render as rich cell results through [polytask.mimeBundle]()", () => {
    const host = new StubHost();
    setHost(host);
    const key = Symbol.for("polytask.mimeBundle");
    assert.ok(!Object.keys(fig).some((k) => k === String(key)));
    assert.equal(JSON.stringify(fig).includes("mimeBundle"), false);
    const rich = (fig as unknown as Record<symbol, () => Record<string, unknown>>)[key]!.call(fig);
    assert.ok(PLOTLY_MIME in rich);
    assert.equal(host.loaders().length, 1, "plotly.js goes out before the execute_result");
    const df = historyTable(fakeHistory(["a"], 2));
    const table = (df as unknown as Record<symbol, () => Record<string, unknown>>)[key]!.call(df);
    assert.match(String(table["text/html"]), /<table/);
  });
});
