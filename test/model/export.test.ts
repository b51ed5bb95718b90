/**
 * `run.export(dir)`: for every backbone, head kind, architecture and input adapter, the
 * exported LayersModel, loaded by plain TensorFlow.js in a child process that imports nothing
 * of polytask, gives per task (outputs named after the tasks) the predictions of
 * `run.model.predict` within 1e-5; what cannot be exported fails with a typed error.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { model } from "../../src/api/model.js";
import { ConfigError, ExportError } from "../../src/errors.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import { registerBackbone } from "../../src/model/backbones/registry.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { toyTasks, useCpu } from "../train/helpers.js";
import {
  exportCases,
  jobsFor,
  loadWithPlainTfjs,
  maxAbsDiff,
  savePretrained,
} from "./export-harness.js";

let dir: string;

describe("export to tfjs-layers", () => {
  before(async () => {
    await useCpu();
    dir = await mkdtemp(join(tmpdir(), "polytask-export-test-"));
    await savePretrained(join(dir, "pretrained"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("every backbone, head, architecture and adapter: plain tfjs gives predict's values", async () => {
    const n0 = tf.memory().numTensors;
    const cases = exportCases(join(dir, "pretrained"));
    const all: { name: string; task: string; expected: Float32Array }[] = [];
    const jobs = [];
    for (const c of cases) {
      const data = c.data();
      const run = await c
        .model()
        .fit(data as never, { epochs: 2, batchSize: 16, seed: 3, lr: 0.01 });
      const info = await run.export(join(dir, `export-${c.name}`));
      assert.deepEqual(
        info.outputs.map((o) => o.task),
        run.tasks,
        `${c.name}: one output per task, in task order`,
      );
      assert.ok(info.files.includes("model.json") && info.files.includes("weights.bin"));
      const work = join(dir, `${c.name}-io`);
      await mkdir(work);
      for (const [task, job] of jobsFor(info, data, work)) {
        const p = await run.model.predict(task, data[task]);
        all.push({ name: c.name, task, expected: p.values });
        jobs.push(job);
      }
    }
    assert.equal(tf.memory().numTensors, n0, "no tensor left behind by fit + export");
    const got = loadWithPlainTfjs(jobs, dir);
    all.forEach(({ name, task, expected }, i) => {
      const out = got[i] as Record<string, unknown>;
      assert.ok(
        (out.$outputNames as string[]).includes(task),
        `${name}: an output named "${task}"`,
      );
      const d = maxAbsDiff(out[task] as number[], expected);
      assert.ok(d <= 1e-5, `${name}/${task}: max |plain tfjs - predict| = ${d}`);
    });
    assert.equal(all.length, cases.length * 2);
  });

  it("writes polytask-export.json and replaces only its own exports", async () => {
    const { cls } = toyTasks(16);
    const m = model({ input: [8] })
      .backbone(mlp({ units: [4] }))
      .head("cls", classifier(2));
    const target = join(dir, "again");
    const first = await m.export(target);
    const manifest = JSON.parse(readFileSync(join(target, "polytask-export.json"), "utf8"));
    assert.equal(manifest.modelFormat, "tfjs-layers");
    assert.deepEqual(manifest.inputs, [
      { name: "input", shape: [8], dtype: "float32", tasks: ["cls"] },
    ]);
    assert.equal(manifest.outputs[0].activation, "softmax");
    const second = await m.export(target);
    assert.deepEqual(second.files, first.files);
    assert.equal(cls.size, 16);
    const foreign = join(dir, "foreign");
    await mkdir(foreign);
    await writeFile(join(foreign, "notes.txt"), "mine");
    await assert.rejects(
      m.export(foreign),
      (e: unknown) => e instanceof ExportError && e.field === "dir",
    );
    assert.ok(existsSync(join(foreign, "notes.txt")), "a foreign folder is left alone");
    await assert.rejects(
      m.export(join(dir, "x"), { format: "onnx" as never }),
      (e: unknown) => e instanceof ConfigError && e.field === "format",
    );
  });

  it("a module without a tf.layers equivalent is a typed ExportError, and nothing is written", async () => {
    registerBackbone("opaque", () => ({
      kind: "opaque",
      config: {},
      build: (shape: readonly number[]) => ({
        outputShape: shape,
        apply: (x: tf.Tensor) => tf.square(x),
      }),
    }));
    const m = model({ input: [4] })
      .backbone({
        kind: "opaque",
        config: {},
        build: (s) => ({ outputShape: s, apply: (x) => tf.square(x) }),
      })
      .head("cls", classifier(2));
    const target = join(dir, "opaque");
    const n0 = tf.memory().numTensors;
    await assert.rejects(m.export(target), (e: unknown) => {
      assert.ok(e instanceof ExportError, String(e));
      assert.match(e.message, /opaque/);
      return true;
    });
    assert.equal(existsSync(target), false);
    assert.equal(tf.memory().numTensors, n0);
    const custom = model({ input: [4] })
      .backbone(mlp({ units: [3] }))
      .head("odd", { ...classifier(2), outputActivation: undefined, describe: () => "odd(2)" });
    await assert.rejects(
      custom.export(join(dir, "odd")),
      (e: unknown) => e instanceof ExportError && e.task === "odd",
    );
  });
});
