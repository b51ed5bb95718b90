import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DISPLAY,
  PLOTLY_MIME,
  figureBundle,
  figureText,
  needsPlotly,
  toBundle,
} from "../../src/notebook/index.js";
import { compare, curvesFigure, historyTable } from "../../src/viz/index.js";
import { fakeHistory } from "../viz/fixtures.js";

describe("toBundle", () => {
  const fig = curvesFigure(fakeHistory(["digits", "fashion"], 3));

  it("a figure: plotly JSON, HTML that draws it over a static picture, the SVG, and a text summary", () => {
    const b = toBundle(fig);
    assert.deepEqual(
      Object.keys(b).sort(),
      [PLOTLY_MIME, "image/svg+xml", "text/html", "text/plain"].sort(),
    );
    // the picture for viewers without scripts (GitHub, VS Code untrusted): an SVG with the curves
    const svg = String(b["image/svg+xml"]);
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /<title>Per-task loss and metrics<\/title>/);
    assert.ok((svg.match(/<path d="M/g) ?? []).length >= 8, "one path per curve");
    const json = b[PLOTLY_MIME] as { data: unknown[]; layout: unknown; config: unknown };
    assert.equal(json.data, fig.data);
    assert.equal(json.layout, fig.layout);
    const html = String(b["text/html"]);
    assert.match(html, /<div id="polytask-plot-[^"]+" class="polytask-plot"/);
    assert.match(html, /P\.newPlot\(/);
    assert.ok(!html.includes("plotly.js v2"), "the figure output does not carry plotly.js itself");
    // the same picture inside the HTML as an <img> (JupyterLab's sanitizer keeps it when the
    // notebook is untrusted), with a one-line note the script replaces
    const img = /<img src="data:image\/svg\+xml;base64,([^"]+)"/.exec(html);
    assert.ok(img, "static picture in the HTML");
    assert.equal(Buffer.from(img[1]!, "base64").toString("utf8"), svg);
    assert.match(html, /class="polytask-note"[^>]*>Static picture of the figure/);
    assert.ok(html.length < 80_000);
    assert.match(
      String(b["text/plain"]),
      /^<Figure: Per-task loss and metrics; 8 traces: loss \(train\)/,
    );
  });

  it("a live figure leaves out the plotly JSON (jupyterlab-plotly ignores updates to it)", () => {
    const b = figureBundle(fig, { plotlyJson: false });
    assert.deepEqual(Object.keys(b).sort(), ["image/svg+xml", "text/html", "text/plain"]);
    assert.ok(needsPlotly(b), "still makes the notebook carry plotly.js");
  });

  it("escapes figure text that could close the script element", () => {
    const evil = curvesFigure(fakeHistory(["a"], 2), { title: "</script><b>x" });
    const html = String(toBundle(evil)["text/html"]);
    assert.equal(html.match(/<\/script>/g)?.length, 1);
    assert.match(html, /\\u003c\/script\\u003e/);
  });

  it("a DataFrame: an HTML table and aligned text", () => {
    const df = historyTable(fakeHistory(["a"], 2));
    const b = toBundle(df);
    assert.deepEqual(Object.keys(b).sort(), ["text/html", "text/plain"]);
    const html = String(b["text/html"]);
    assert.match(html, /<table/);
    assert.match(html, />val\/a\/accuracy</);
    assert.match(html, /2 rows × \d+ columns/);
    const text = String(b["text/plain"]).split("\n");
    assert.equal(text.length, 3);
    assert.match(text[0]!, /epoch\s+step\s+time/);
  });

  it("bundles pass through; plain data gets JSON; values can choose their bundle", () => {
    assert.deepEqual(toBundle({ "text/markdown": "# hi" }), { "text/markdown": "# hi" });
    const b = toBundle({ a: 1, b: [2, 3] });
    assert.deepEqual(b["application/json"], { a: 1, b: [2, 3] });
    assert.match(String(b["text/plain"]), /a: 1/);
    assert.deepEqual(toBundle("hello"), { "text/plain": "hello" });
    const own = { [DISPLAY]: () => fig };
    assert.ok(PLOTLY_MIME in toBundle(own));
    assert.match(String(toBundle(new Error("boom"))["text/plain"]), /Error: boom/);
    const cmp = toBundle(compare({ a: { history: fakeHistory(["x"], 2) } }));
    assert.match(String(cmp["text/plain"]), /Runs compared per task/);
  });

  it("figureText strips HTML from titles", () => {
    assert.equal(
      figureText({ data: [], layout: { title: { text: "A<br><sup>b</sup>" } } }),
      "<Figure: A — b; 0 traces>",
    );
  });
});
