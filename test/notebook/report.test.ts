import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { report, reportHtml } from "../../src/notebook/index.js";
import { compare } from "../../src/viz/index.js";
import { fakeHistory } from "../viz/fixtures.js";

const dir = await mkdtemp(join(tmpdir(), "polytask-report-"));
after(() => rm(dir, { recursive: true, force: true }));

const run = {
  name: "mnist+fashion",
  history: fakeHistory(["digits", "fashion"], 4).map((l, i) => ({
    ...l,
    "cosine/digits/fashion": -0.2 + 0.1 * i,
  })),
  config: { epochs: 4, weighting: "uncertainty", note: "</script>" },
  backend: "wasm (cpu, 1 thread, 5 patched kernels)",
  meta: {
    confusion: {
      digits: {
        matrix: [
          [9, 1],
          [2, 8],
        ],
      },
    },
  },
};

describe("report", () => {
  it("writes one self-contained file atomically and returns its absolute path", async () => {
    const path = await report(join(dir, "nested", "run.html"), run);
    assert.equal(path, join(dir, "nested", "run.html"));
    assert.deepEqual(await readdir(join(dir, "nested")), ["run.html"], "no temp file left behind");
    const html = await readFile(path, "utf8");
    assert.ok(html.startsWith("<!DOCTYPE html>"));
    assert.match(html, /plotly\.js v2\.\d+\.\d+/, "plotly.js is inlined");
    assert.ok(!/<script[^>]+src=/i.test(html), "no external scripts");
    assert.ok(!/<link[^>]+href=["']?https?:/i.test(html), "no external stylesheets");
    for (const title of [
      "Summary (last epoch)",
      "Per-task loss and metrics",
      "Task weights",
      "Gradient conflict",
      "Confusion matrices",
      "History",
      "Configuration",
      "Backend",
    ]) {
      assert.ok(html.includes(`<h2>${title}</h2>`), title);
    }
    assert.ok(!html.includes("<h2>Parity plots</h2>"), "no parity section without regression data");
    assert.match(html, /&quot;weighting&quot;: &quot;uncertainty&quot;/);
    assert.match(html, /&lt;\/script&gt;/, "config text is escaped");
    assert.match(html, /wasm \(cpu, 1 thread, 5 patched kernels\)/);
    assert.equal(html.match(/class="polytask-plot"/g)?.length, 5);
  });

  it("a comparison report overlays the runs and adds a Pareto view", () => {
    const html = reportHtml(
      compare({
        ew: { history: fakeHistory(["l", "r"], 2) },
        mgda: { history: fakeHistory(["l", "r"], 3) },
      }),
    );
    assert.match(html, /<title>polytask comparison: ew, mgda<\/title>/);
    assert.ok(html.includes("<h2>Pareto view</h2>"));
    assert.ok(html.includes("<h2>Final values</h2>"));
    assert.match(html, />mgda</);
  });

  it("an interrupted write leaves the previous report in place", async () => {
    const path = join(dir, "keep.html");
    await report(path, run);
    const before = await readFile(path, "utf8");
    const bad = {
      history: [
        {
          epoch: 0,
          get "loss/x"(): number {
            throw new Error("boom");
          },
        },
      ],
    };
    await assert.rejects(report(path, bad as never), /boom/);
    assert.equal(await readFile(path, "utf8"), before);
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.includes(".tmp-")),
      [],
    );
  });

  it("reads a Run's state.config, summarises big arrays and names the active backend", async () => {
    const runLike = {
      history: fakeHistory(["a", "b"], 2),
      state: { config: { epochs: 2, tasks: ["a", "b"], weighting: { name: "ew", config: {} } } },
      options: { validationData: { a: { x: new Float32Array(1_000_000) } } },
      reason: "earlyStopping",
      message: "val/mean/accuracy did not improve for 3 epochs",
    };
    const path = await report(join(dir, "run-like.html"), runLike);
    const html = await readFile(path, "utf8");
    assert.match(html, /&quot;weighting&quot;: \{/);
    assert.ok(!html.includes("validationData"), "state.config wins over options");
    assert.match(
      html,
      /<h2>Stopped early<\/h2><pre>earlyStopping: val\/mean\/accuracy did not improve/,
    );
    assert.match(html, /active when the report was written/);
  });

  it("readableJson summarises typed arrays, long arrays, functions and cycles", async () => {
    const { readableJson } = await import("../../src/notebook/report.js");
    const o: Record<string, unknown> = {
      x: new Float32Array(5),
      long: Array.from({ length: 60 }, (_, i) => i),
      f: () => 1,
    };
    o.self = o;
    const parsed = JSON.parse(readableJson(o));
    assert.equal(parsed.x, "Float32Array(5)");
    assert.equal(parsed.long.length, 21);
    assert.equal(parsed.long[20], "… 40 more");
    assert.equal(parsed.f, "[function f]");
    assert.equal(parsed.self, "[circular]");
  });
});
