/**
 * Offline rendering in a real browser: the HTML report, and a notebook-like page made of the
 * display outputs in order (what nbconvert's HTML export puts on one page), opened from disk
 * by headless chromium with networking disabled. Checks plotly's SVG in the DOM and coloured
 * plot pixels in a screenshot. Skipped, with the reason printed, only if chromium cannot be
 * installed. POLYTASK_RENDER_OUT=<dir> keeps the pages and screenshots.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { display, report, resetPlotlyLoader, setHost } from "../../src/notebook/index.js";
import { color, compare, curvesFigure, historyTable, weightsFigure } from "../../src/viz/index.js";
import { StubHost } from "../notebook/stub-host.js";
import { fakeHistory } from "../viz/fixtures.js";
import { dumpDom, screenshot, setupChromium } from "./chromium.js";
import { countColour, readPng } from "./png.js";

const dir = mkdtempSync(join(tmpdir(), "polytask-render-"));
const keep = process.env.POLYTASK_RENDER_OUT;
let browser: string | undefined;
let skip: string | false = false;

before(() => {
  const r = setupChromium();
  browser = r.path;
  if (!browser) {
    skip = r.reason ?? "chromium unavailable";
    console.log(`# render tests skipped: ${skip}`);
  }
});
after(() => {
  if (keep) {
    mkdirSync(keep, { recursive: true });
    for (const f of ["report.html", "report.png", "notebook.html", "notebook.png"]) {
      try {
        copyFileSync(join(dir, f), join(keep, f));
      } catch {
        // not produced
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

const history = fakeHistory(["digits", "fashion"], 8).map((l, i) => ({
  ...l,
  "cosine/digits/fashion": -0.3 + 0.05 * i,
}));

describe("offline rendering in headless chromium", () => {
  it("the HTML report draws every figure (plotly SVG) with visible plot pixels", async (t) => {
    if (skip) return t.skip(skip);
    const file = await report(join(dir, "report.html"), {
      name: "render test",
      history,
      config: { epochs: 8 },
      backend: "cpu",
    });
    const dom = dumpDom(browser!, file);
    const plots = (readFileSync(file, "utf8").match(/class="polytask-plot"/g) ?? []).length;
    assert.ok(plots >= 4, `${plots} plots in the report`);
    const svgs = (dom.match(/class="main-svg"/g) ?? []).length;
    assert.ok(svgs >= plots, `${svgs} plotly SVG layers for ${plots} plots`);
    assert.match(dom, /class="scatterlayer/);
    assert.ok(!/class="[^"]*polytask-error/.test(dom));
    const png = join(dir, "report.png");
    screenshot(browser!, file, png);
    const img = readPng(readFileSync(png));
    // Curves use colour(0) (loss) and colour(1) (accuracy): their lines must be on screen.
    const blue = countColour(img, color(0), 30);
    const orange = countColour(img, color(1), 30);
    assert.ok(blue > 500, `${blue} blue plot pixels`);
    assert.ok(orange > 500, `${orange} orange plot pixels`);
  });

  it("notebook outputs on one page: plotly.js loads once (gzip loader) and every figure renders", async (t) => {
    if (skip) return t.skip(skip);
    resetPlotlyLoader();
    const host = new StubHost();
    setHost(host);
    try {
      display(curvesFigure(history));
      display(historyTable(history.slice(0, 3)));
      display(weightsFigure(history));
      display(
        compare({
          ew: { history },
          other: { history: fakeHistory(["digits", "fashion"], 5) },
        }).plot("pareto"),
      );
    } finally {
      setHost(undefined);
    }
    assert.equal(host.loaders().length, 1);
    const outputs = host.sent.map(
      (s) => `<div class="output">${String(s.bundle["text/html"])}</div>`,
    );
    const page = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>notebook</title></head><body>${outputs.join("\n")}</body></html>`;
    const file = join(dir, "notebook.html");
    writeFileSync(file, page);
    const dom = dumpDom(browser!, file);
    assert.ok(!/class="[^"]*polytask-error/.test(dom), "every figure found plotly.js");
    assert.equal(
      (dom.match(/class="plot-container plotly"/g) ?? []).length,
      3,
      "three figures drawn",
    );
    assert.match(dom, /<table/);
    const png = join(dir, "notebook.png");
    screenshot(browser!, file, png, "1280,1800");
    const img = readPng(readFileSync(png));
    assert.ok(countColour(img, color(0), 30) > 500);
  });
});
