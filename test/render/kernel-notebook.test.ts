/**
 * The real thing: a notebook executed by the polytask kernel (`jupyter nbconvert --execute
 * --to html`, kernelspec installed into a temporary prefix from dist/), then opened offline in
 * headless chromium. The executed outputs must hold one live display (updated in place, not
 * one output per epoch), plotly bundles, an HTML table; every chart must draw from the page's
 * single plotly.js. Needs `tsc` output in dist/ (scripts/test.sh builds first), nbconvert
 * (.venv) and chromium; skipped with a printed reason when one is missing.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { color } from "../../src/viz/index.js";
import { dumpDom, screenshot, setupChromium } from "./chromium.js";
import { countColour, readPng } from "./png.js";

const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "polytask-kernel-nb-"));
const nbconvert = join(root, ".venv/bin/jupyter-nbconvert");
let browser: string | undefined;
let skip: string | false = false;

const CELLS = [
  'import * as pt from "polytask";\nawait pt.useBackend("cpu");\n"ready"',
  [
    "const n = 96;",
    "const xs = Float32Array.from({ length: n * 4 }, (_, i) => Math.sin(i * 12.9898));",
    "const label = (k: number) => Int32Array.from({ length: n }, (_, i) => (xs[i * 4 + k] > 0 ? 1 : 0));",
    'const dsLeft = pt.datasets.fromArrays({ name: "left", x: xs, y: label(0), inputShape: [4], numClasses: 2 });',
    'const dsRight = pt.datasets.fromArrays({ name: "right", x: xs, y: label(1), inputShape: [4], numClasses: 2 });',
    '"data"',
  ].join("\n"),
  [
    "const live = pt.liveView();",
    "const net = pt.model({ input: [4] }).backbone(pt.backbones.mlp({ units: [8] }))",
    '  .head("left", pt.heads.classifier(2)).head("right", pt.heads.classifier(2));',
    "const run = await net.fit({ left: dsLeft, right: dsRight },",
    "  { epochs: 4, batchSize: 16, validationSplit: 0.25, seed: 1, listeners: [live] });",
    "run.history.length",
  ].join("\n"),
  "run.plot()",
  'pt.display(run.table());\npt.display(run.plot("weights", live.meta()));',
];

before(() => {
  if (
    !existsSync(join(root, "dist/kernel/main.js")) ||
    !existsSync(join(root, "dist/src/cli/kernel.js"))
  ) {
    skip = "dist/ is not built (run `npx tsc -p .`; scripts/test.sh does)";
  }
  if (!skip) {
    const py = spawnSync("bash", [join(root, "scripts/setup-pyenv.sh")], {
      encoding: "utf8",
      timeout: 600_000,
    });
    if (py.status !== 0 || !existsSync(nbconvert))
      skip = "nbconvert unavailable (scripts/setup-pyenv.sh failed)";
  }
  if (!skip) {
    const c = setupChromium();
    browser = c.path;
    if (!browser) skip = c.reason ?? "chromium unavailable";
  }
  if (skip) console.log(`# kernel notebook render test skipped: ${skip}`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("notebook executed by the polytask kernel, converted by nbconvert, rendered offline", () => {
  it("one live output updated in place; figures and tables render from one plotly.js", (t) => {
    if (skip) return t.skip(skip);
    const prefix = join(dir, "prefix");
    const install = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'const { kernelInstall } = await import(process.argv[1]); await kernelInstall(["--prefix", process.argv[2]]);',
        join(root, "dist/src/cli/kernel.js"),
        prefix,
      ],
      { encoding: "utf8", cwd: root, timeout: 60_000 },
    );
    assert.equal(install.status, 0, install.stderr);
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { name: "polytask", display_name: "polytask", language: "typescript" },
      },
      cells: CELLS.map((source, i) => ({
        id: `c${i}`,
        cell_type: "code",
        execution_count: null,
        metadata: {},
        source,
        outputs: [],
      })),
    };
    const ipynb = join(dir, "viz.ipynb");
    writeFileSync(ipynb, JSON.stringify(nb));
    const env = {
      ...process.env,
      JUPYTER_PATH: join(prefix, "share/jupyter"),
      JUPYTER_DATA_DIR: join(dir, "data"),
      JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
      JUPYTER_CONFIG_DIR: join(dir, "config"),
      JUPYTER_PLATFORM_DIRS: "1",
      PYTHONDONTWRITEBYTECODE: "1",
    };
    const run = (args: string[]) =>
      spawnSync(nbconvert, args, { encoding: "utf8", env, cwd: dir, timeout: 300_000 });
    const exec = run([
      "--to",
      "notebook",
      "--execute",
      "--ExecutePreprocessor.kernel_name=polytask",
      "--ExecutePreprocessor.timeout=240",
      "--output",
      "executed.ipynb",
      ipynb,
    ]);
    assert.equal(exec.status, 0, exec.stderr.slice(-3000));
    const executed = JSON.parse(readFileSync(join(dir, "executed.ipynb"), "utf8")) as {
      cells: { outputs: { output_type: string; data?: Record<string, unknown> }[] }[];
    };
    const rich = (i: number) => executed.cells[i]!.outputs.filter((o) => o.data);
    const plotly = "application/vnd.plotly.v1+json";
    // live figures carry no plotly JSON (jupyterlab-plotly would freeze them): their HTML marks them
    const liveFigures = rich(2).filter((o) =>
      String(o.data!["text/html"] ?? "").includes('class="polytask-figure"'),
    );
    assert.equal(liveFigures.length, 1, "4 epochs, one live output");
    assert.ok(!liveFigures[0]!.data![plotly]);
    assert.match(String(liveFigures[0]!.data!["text/plain"]), /done after 4 epochs/);
    assert.equal(
      rich(2).filter((o) => String(o.data!["text/html"] ?? "").includes("polytask-plotly-loader"))
        .length,
      1,
    );
    const result = rich(3).find((o) => o.output_type === "execute_result")!;
    assert.ok(result.data![plotly], "run.plot() is a rich cell result");
    assert.match(String(rich(4)[0]!.data!["text/html"]), /<table/);
    assert.ok(rich(4)[1]!.data![plotly]);

    const html = run(["--to", "html", join(dir, "executed.ipynb")]);
    assert.equal(html.status, 0, html.stderr.slice(-3000));
    const page = join(dir, "executed.html");
    const dom = dumpDom(browser!, page);
    assert.ok(!/class="[^"]*polytask-error/.test(dom), "every figure found plotly.js");
    assert.equal((dom.match(/class="plot-container plotly"/g) ?? []).length, 3);
    const png = join(dir, "executed.png");
    screenshot(browser!, page, png, "1280,2400");
    assert.ok(countColour(readPng(readFileSync(png)), color(0), 30) > 500, "plot lines visible");
  });
});
