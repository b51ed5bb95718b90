/**
 * Figures in a real JupyterLab 4 (and Notebook 7) in headless chromium, the way people use
 * notebooks: run all; re-run the training cell, save and reload; export the saved notebook
 * with nbconvert and open it offline; reopen it untrusted; train with the jupyterlab-plotly
 * renderer installed. Each case is bounded in time; the whole file is skipped, with the reason
 * printed, where JupyterLab (.venv) or chromium cannot be set up. POLYTASK_RENDER_OUT=<dir>
 * keeps the screenshots and notebooks.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import { Lab, notebookJson, whyNot } from "./jupyterlab.js";

const CASE_MS = 150_000;
const keep = process.env.POLYTASK_RENDER_OUT;
let skip: string | false = false;
let lab: Lab;
let page: Page;

const DATA = [
  "const n = 96;",
  "const xs = Float32Array.from({ length: n * 4 }, (_, i) => Math.sin(i * 12.9898));",
  "const label = (k: number) => Int32Array.from({ length: n }, (_, i) => (xs[i * 4 + k] > 0 ? 1 : 0));",
  'const left = pt.datasets.fromArrays({ name: "left", x: xs, y: label(0), inputShape: [4], numClasses: 2 });',
  'const right = pt.datasets.fromArrays({ name: "right", x: xs, y: label(1), inputShape: [4], numClasses: 2 });',
  "const net = pt.model({ input: [4] }).backbone(pt.backbones.mlp({ units: [8] }))",
  '  .head("left", pt.heads.classifier(2)).head("right", pt.heads.classifier(2));',
  '"data"',
].join("\n");
const FIT = [
  "const run = await net.fit({ left, right },",
  "  { epochs: 3, batchSize: 16, validationSplit: 0.25, seed: 1, listeners: [pt.liveView()] });",
  "run.history.length",
].join("\n");
const CELLS = [
  'import * as pt from "polytask";\nawait pt.useBackend("cpu");\n"ready"',
  DATA,
  FIT,
  "pt.display(run.plot());",
  'run.plot("weights")',
  "pt.display(run.table());",
  'throw new Error("stop here")',
  '"queued after the error"',
];

/** The notebook on screen (JupyterLab keeps other open notebooks' outputs in the DOM). */
const SHOWN = ".jp-NotebookPanel:not(.lm-mod-hidden)";

interface FigureState {
  interactive: boolean;
  picture: boolean;
  note: string;
  title: string;
}

/**
 * Every polytask figure on the page, found by its plot div (which older versions had too, so
 * these tests also ran against them): drawn by plotly, or showing its static picture.
 */
function figures(p: Page, scope = SHOWN): Promise<FigureState[]> {
  return p.evaluate(
    (scope) =>
      Array.from(document.querySelectorAll(`${scope} div.polytask-plot`)).map((plot) => {
        const f = plot.closest(".polytask-figure") ?? plot.parentElement!;
        const pic = f.querySelector(".polytask-static") as HTMLElement | null;
        const img = f.querySelector("img") as HTMLImageElement | null;
        const note = f.querySelector(".polytask-note, .polytask-error") as HTMLElement | null;
        return {
          interactive: plot.querySelector(".plot-container") !== null,
          picture: !!pic && pic.offsetHeight > 100 && !!img && img.complete && img.naturalWidth > 0,
          note: note?.innerText ?? "",
          title: plot.querySelector(".gtitle")?.textContent ?? "",
        };
      }),
    scope,
  );
}

async function until<T>(
  what: string,
  get: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 30_000,
  p: Page = page,
) {
  const end = Date.now() + ms;
  let v = await get();
  while (!ok(v)) {
    if (Date.now() > end) {
      await shot(p, `failed-${what.replace(/\W+/g, "-")}`).catch(() => {});
      assert.fail(`${what}: ${JSON.stringify(v).slice(0, 800)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
    v = await get();
  }
  return v;
}

async function shot(p: Page, name: string): Promise<void> {
  if (!keep) return;
  mkdirSync(keep, { recursive: true });
  await p.screenshot({ path: join(keep, `${name}.png`), fullPage: true });
}

const allInteractive = (n: number) => (fs: FigureState[]) =>
  fs.length === n && fs.every((f) => f.interactive);

function savedOutputs(file: string) {
  const nb = JSON.parse(readFileSync(file, "utf8")) as {
    cells: { execution_count: number | null; outputs: { data?: Record<string, unknown> }[] }[];
  };
  const outputs = nb.cells.flatMap((c) => c.outputs);
  const loaders = outputs.filter((o) =>
    String(o.data?.["text/html"] ?? "").includes("polytask-plotly-loader"),
  );
  return { nb, loaders: loaders.length, bytes: statSync(file).size };
}

before(async () => {
  skip = whyNot() ?? false;
  if (skip) {
    console.log(`# JupyterLab browser tests skipped: ${skip}`);
    return;
  }
  lab = new Lab();
  await lab.start();
  writeFileSync(join(lab.notebooks, "figures.ipynb"), notebookJson(CELLS));
  page = await lab.page();
});

after(async () => {
  if (keep && lab) {
    for (const f of ["figures.ipynb", "figures.html"]) {
      try {
        copyFileSync(join(lab.notebooks, f), join(keep, f));
      } catch {
        // not produced
      }
    }
  }
  await lab?.stop();
});

describe("figures in JupyterLab 4 (headless chromium)", () => {
  it(
    "run all: every figure interactive, one plotly.js, aborted cell keeps [ ], kernel logo",
    { timeout: CASE_MS },
    async (t) => {
      if (skip) return t.skip(skip);
      await lab.open(page, "figures.ipynb");
      await lab.command(page, "notebook:run-all-cells").catch(() => {});
      await until("three interactive figures", () => figures(page), allInteractive(3), 90_000);
      const prompts = await page.$$eval(".jp-CodeCell .jp-InputPrompt", (ps) =>
        ps.map((p) => (p as HTMLElement).innerText.trim()),
      );
      assert.equal(prompts[6], "[7]:", "the failing cell has its count");
      assert.equal(prompts[7], "[ ]:", "the aborted cell shows no count (as IPython)");
      assert.equal(await page.locator(`${SHOWN} .polytask-plotly-loader`).count(), 1);
      const logo = await page.evaluate(
        async () => (await fetch("/kernelspecs/polytask/logo-64x64.png")).status,
      );
      assert.equal(logo, 200, "kernelspec logo served");
      await shot(page, "lab-run-all");
    },
  );

  it(
    "re-run the fit cell, save, reload: figures still draw; plotly.js once; <= 2 MB",
    { timeout: CASE_MS },
    async (t) => {
      if (skip) return t.skip(skip);
      await lab.command(page, "notebook:run-cell", 2);
      await until(
        "live figure done again",
        () => figures(page),
        (fs) => fs.some((f) => /done after 3/.test(f.title)),
        60_000,
      );
      await lab.command(page, "docmanager:save");
      const saved = savedOutputs(join(lab.notebooks, "figures.ipynb"));
      assert.equal(saved.loaders, 1, "plotly.js travels once");
      assert.ok(saved.bytes <= 2_000_000, `${saved.bytes} bytes`);
      console.log(`# saved notebook after run all + re-run: ${saved.bytes} bytes`);
      await page.reload();
      await lab.open(page, "figures.ipynb");
      const fs = await until(
        "figures after reload",
        () => figures(page),
        allInteractive(3),
        45_000,
      );
      assert.ok(fs.every((f) => !/not loaded/.test(f.note)));
      await shot(page, "lab-rerun-reload");
    },
  );

  it(
    "nbconvert --to html after the re-run, opened offline: every figure draws",
    { timeout: CASE_MS },
    async (t) => {
      if (skip) return t.skip(skip);
      const r = spawnSync(
        join(import.meta.dirname, "../../.venv/bin/jupyter-nbconvert"),
        ["--to", "html", join(lab.notebooks, "figures.ipynb")],
        { encoding: "utf8", env: lab.env, timeout: 120_000 },
      );
      assert.equal(r.status, 0, r.stderr);
      const p = await lab.page();
      await p.goto(`file://${join(lab.notebooks, "figures.html")}`);
      await until(
        "three figures in the export",
        () => figures(p, "body"),
        allInteractive(3),
        30_000,
        p,
      );
      await shot(p, "nbconvert-offline");
      await p.close();
    },
  );

  it(
    "reopened untrusted: a static picture and a one-line note, never a blank",
    { timeout: CASE_MS },
    async (t) => {
      if (skip) return t.skip(skip);
      const nb = JSON.parse(readFileSync(join(lab.notebooks, "figures.ipynb"), "utf8"));
      nb.metadata.polytask_test = "edited outside JupyterLab: the signature no longer matches";
      writeFileSync(join(lab.notebooks, "untrusted.ipynb"), JSON.stringify(nb));
      const p = await lab.page();
      await lab.open(p, "untrusted.ipynb");
      const fs = await until(
        "static pictures",
        () => figures(p),
        (v) => v.length === 3 && v.every((f) => f.picture),
        30_000,
        p,
      );
      assert.ok(
        fs.every((f) => !f.interactive),
        "no scripts ran",
      );
      assert.ok(
        fs.every((f) => /^Static picture of the figure/.test(f.note)),
        "the note explains",
      );
      await shot(p, "lab-untrusted");
      await p.close();
    },
  );

  it(
    "Notebook 7 reopens the saved notebook with every figure drawn",
    { timeout: CASE_MS },
    async (t) => {
      if (skip) return t.skip(skip);
      const p = await lab.page();
      await lab.open(p, "figures.ipynb", "notebook");
      await until("figures in Notebook 7", () => figures(p), allInteractive(3), 45_000, p);
      await shot(p, "notebook7");
      await p.close();
    },
  );

  it(
    "delete the loader's cell, run another, save, reload: plotly.js moved with the next cell",
    { timeout: CASE_MS },
    async (t) => {
      if (skip) return t.skip(skip);
      await page.bringToFront();
      await lab.command(page, "notebook:delete-cell", 2); // the fit cell, which holds the loader
      await lab.command(page, "notebook:run-cell", 2); // now `pt.display(run.plot())`
      await until("two figures after the deletion", () => figures(page), allInteractive(2), 30_000);
      await lab.command(page, "docmanager:save");
      const saved = savedOutputs(join(lab.notebooks, "figures.ipynb"));
      assert.equal(saved.loaders, 1, "the loader went into the cell that ran next");
      await page.reload();
      await lab.open(page, "figures.ipynb");
      await until("figures after reload", () => figures(page), allInteractive(2), 45_000);
      await shot(page, "lab-delete-reload");
    },
  );

  it(
    "with jupyterlab-plotly installed the live figure updates to the end of training",
    { timeout: CASE_MS },
    async (t) => {
      if (skip) return t.skip(skip);
      await page.evaluate(() =>
        fetch("/api/sessions")
          .then((r) => r.json())
          .then((ss) =>
            Promise.all(
              ss.map((s: { id: string }) => fetch(`/api/sessions/${s.id}`, { method: "DELETE" })),
            ),
          ),
      );
      lab.plotlyRenderer(true);
      writeFileSync(join(lab.notebooks, "live.ipynb"), notebookJson([...CELLS.slice(0, 4)]));
      const p = await lab.page();
      await lab.open(p, "live.ipynb");
      await lab.command(p, "notebook:run-all-cells");
      const fs = await until(
        "live figure at its last update",
        () => figures(p),
        (v) => v.some((f) => /done after 3 epochs/.test(f.title)),
        90_000,
        p,
      );
      assert.ok(fs.length >= 1);
      // the static figure went to the plotly renderer (proof that it is active)
      await until(
        "jupyterlab-plotly rendered run.plot()",
        () => p.locator(`${SHOWN} .jp-RenderedPlotly`).count(),
        (n) => n === 1,
        30_000,
        p,
      );
      await shot(p, "lab-plotly-renderer");
      await p.close();
    },
  );
});
