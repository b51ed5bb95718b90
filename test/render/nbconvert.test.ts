/**
 * The notebook path end to end, without a kernel process: what `display` and `liveView` send
 * (through a stub DisplayHost, applying update_display_data in place the way Jupyter
 * front ends and nbclient do) is saved as an .ipynb, converted by nbconvert to HTML, and
 * opened offline in headless chromium. Skipped with a printed reason when nbconvert (.venv
 * from scripts/setup-pyenv.sh) or chromium cannot be set up.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import type { MimeBundle } from "../../src/notebook/host.js";
import { display, liveView, resetPlotlyLoader, setHost } from "../../src/notebook/index.js";
import { color, compare, historyTable } from "../../src/viz/index.js";
import { StubHost } from "../notebook/stub-host.js";
import { fakeHistory } from "../viz/fixtures.js";
import { dumpDom, screenshot, setupChromium } from "./chromium.js";
import { countColour, readPng } from "./png.js";

const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "polytask-nbconvert-"));
let browser: string | undefined;
let skip: string | false = false;

before(() => {
  const c = setupChromium();
  if (!c.path) skip = c.reason ?? "chromium unavailable";
  browser = c.path;
  const py = spawnSync("bash", [join(root, "scripts/setup-pyenv.sh")], {
    encoding: "utf8",
    timeout: 600_000,
  });
  if (!skip && (py.status !== 0 || !existsSync(join(root, ".venv/bin/jupyter-nbconvert")))) {
    skip = `nbconvert unavailable: ${(py.stderr || "setup-pyenv.sh failed").trim().split("\n").pop()}`;
  }
  if (skip) console.log(`# nbconvert render test skipped: ${skip}`);
});
after(() => {
  const keep = process.env.POLYTASK_RENDER_OUT;
  if (keep) {
    mkdirSync(keep, { recursive: true });
    for (const f of ["live.ipynb", "live.html", "live.png"]) {
      if (existsSync(join(dir, f))) copyFileSync(join(dir, f), join(keep, f));
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

type Output = { output_type: "display_data"; data: MimeBundle; metadata: Record<string, unknown> };

/** Runs `body` against a stub host; returns the cell's outputs with updates applied in place. */
async function cellOutputs(body: () => Promise<void> | void): Promise<Output[]> {
  const host = new StubHost();
  setHost(host);
  try {
    await body();
  } finally {
    setHost(undefined);
  }
  const outputs: Output[] = [];
  const byId = new Map<string, Output>();
  for (const { bundle, opts } of host.sent) {
    const out: Output = {
      output_type: "display_data",
      data: bundle,
      metadata: opts.metadata ?? {},
    };
    const prior = opts.displayId === undefined ? undefined : byId.get(opts.displayId);
    if (opts.update) {
      if (prior) prior.data = bundle;
      continue;
    }
    outputs.push(out);
    if (opts.displayId !== undefined) byId.set(opts.displayId, out);
  }
  return outputs;
}

function notebook(cells: { source: string; outputs: Output[] }[]): unknown {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: {
        name: "polytask",
        display_name: "polytask (TypeScript)",
        language: "typescript",
      },
      language_info: { name: "typescript", file_extension: ".ts" },
    },
    cells: cells.map((c, i) => ({
      id: `cell-${i}`,
      cell_type: "code",
      execution_count: i + 1,
      metadata: {},
      source: c.source,
      outputs: c.outputs,
    })),
  };
}

describe("executed notebook -> nbconvert HTML -> headless chromium (offline)", () => {
  it("keeps one live output per run, and every figure renders from the page's single plotly.js", async (t) => {
    if (skip) return t.skip(skip);
    resetPlotlyLoader();
    const tasks = ["digits", "fashion"];
    const history = fakeHistory(tasks, 6);
    const live = await cellOutputs(async () => {
      const view = liveView();
      await view.onTrainBegin({ tasks, epochs: 6, stepsPerEpoch: 2, backend: "cpu", config: {} });
      for (const log of history) await view.onEpochEnd(log);
      await view.onTrainEnd({ history, reason: "completed" });
    });
    // The loader and the live figure: 2 outputs for 8 sends.
    assert.equal(live.length, 2);
    const table = await cellOutputs(() => void display(historyTable(history)));
    const cmp = await cellOutputs(
      () =>
        void display(compare({ ew: { history }, uw: { history: fakeHistory(tasks, 4) } }).plot()),
    );
    assert.equal(cmp.length, 1, "plotly.js is not sent again");
    const nb = notebook([
      { source: "const run = await model.fit(data, { epochs: 6 });", outputs: live },
      { source: "pt.display(run.table())", outputs: table },
      { source: "pt.compare({ ew, uw }).plot()", outputs: cmp },
    ]);
    const ipynb = join(dir, "live.ipynb");
    writeFileSync(ipynb, JSON.stringify(nb));
    const conv = spawnSync(join(root, ".venv/bin/jupyter-nbconvert"), ["--to", "html", ipynb], {
      encoding: "utf8",
      timeout: 180_000,
    });
    assert.equal(conv.status, 0, conv.stderr);
    const html = join(dir, "live.html");
    const page = readFileSync(html, "utf8");
    assert.equal((page.match(/class="polytask-plotly-loader"/g) ?? []).length, 1);
    const dom = dumpDom(browser!, html);
    assert.ok(!/class="[^"]*polytask-error/.test(dom), "every figure found plotly.js");
    assert.equal(
      (dom.match(/class="plot-container plotly"/g) ?? []).length,
      2,
      "live figure + comparison drawn",
    );
    assert.match(dom, /done after 6 epochs/);
    const png = join(dir, "live.png");
    screenshot(browser!, html, png, "1280,2000");
    const img = readPng(readFileSync(png));
    assert.ok(countColour(img, color(0), 30) > 500, "plot lines visible");
  });
});
