/** `polytask export <run-dir> <out-dir> [--format F]`: a saved run exported from the command line. */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { model } from "../../src/api/model.js";
import { exportCommand, parseExportArgs } from "../../src/cli/export.js";
import { ConfigError } from "../../src/errors.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { regression } from "../../src/model/heads/regression.js";
import { toyTasks, useCpu } from "../train/helpers.js";

let dir: string;

describe("polytask export", () => {
  before(async () => {
    await useCpu();
    dir = await mkdtemp(join(tmpdir(), "polytask-cli-export-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("exports a checkpoint written by run.save", async () => {
    const { cls, reg } = toyTasks(32);
    const run = await model({ input: [8] })
      .backbone(mlp({ units: [4] }))
      .head("cls", classifier(2))
      .head("reg", regression(1))
      .fit({ cls, reg }, { epochs: 1, batchSize: 16 });
    await run.save(join(dir, "run"));
    const log = console.log;
    const lines: string[] = [];
    console.log = (...a: unknown[]) => lines.push(a.join(" "));
    try {
      assert.equal(await exportCommand([join(dir, "run"), join(dir, "out")]), 0);
    } finally {
      console.log = log;
    }
    assert.ok(existsSync(join(dir, "out", "model.json")));
    const m = JSON.parse(readFileSync(join(dir, "out", "polytask-export.json"), "utf8"));
    assert.deepEqual(
      m.outputs.map((o: { task: string }) => o.task),
      ["cls", "reg"],
    );
    assert.ok(lines.some((l) => l.includes('output "cls"')));
  });

  it("checks its arguments", () => {
    assert.deepEqual(parseExportArgs(["a", "b", "--format", "tfjs-graph"]), {
      run: "a",
      out: "b",
      format: "tfjs-graph",
    });
    assert.equal(parseExportArgs(["a", "b"]).format, "tfjs-layers");
    for (const bad of [["a"], ["a", "b", "--format", "onnx"], ["a", "b", "--fmt", "x"]])
      assert.throws(() => parseExportArgs(bad), ConfigError, bad.join(" "));
  });
});
