/**
 * The converter formats: "tfjs-graph" loaded by plain TensorFlow.js's `loadGraphModel` (child
 * process, no polytask) and "savedmodel" loaded by TensorFlow's Python (`tf.saved_model.load`,
 * the serving signature) give per task `run.model.predict`'s values within 1e-5. Needs the
 * native TensorFlow and the converter venv (scripts/test.sh sets it up when native is set up);
 * skipped with the reason otherwise.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { converterProblem, converterVenv } from "../../src/model/export/converter.js";
import { useCpu } from "../train/helpers.js";
import {
  type LoadJob,
  exportCases,
  jobsFor,
  loadWithPlainTfjs,
  maxAbsDiff,
  savePretrained,
} from "./export-harness.js";

const python = join(converterVenv(), "bin", "python");
const problem = converterProblem();
const skip = problem ?? false; // says what is missing and how to set it up
if (skip) console.log(`# SKIP converter formats: ${skip}`);

// the cases whose layers differ most: two inputs, two outputs of one shape and the
// bilinear-resize adapter; int32 token ids, embeddings and conv1d; gated experts (Dot, Concat)
// (each conversion starts TensorFlow's Python: ~10 s; tfjs-layers covers every case)
const GRAPH = ["convNet-image-adapter", "text-conv-max", "ple-2-levels"];
// a SavedModel is the graph export's intermediate: checked on the two-input model
const SAVED = ["convNet-image-adapter"];

const SAVED_MODEL_CHECK = `
import json, sys
import numpy as np
import tensorflow as tf
jobs = json.load(open(sys.argv[1]))
for job in jobs:
    fn = tf.saved_model.load(job["dir"]).signatures["serving_default"]
    feeds = {}
    for i in job["inputs"]:
        a = np.fromfile(i["file"], dtype=np.int32 if i["dtype"] == "int32" else np.float32)
        feeds[i["name"]] = tf.constant(a.reshape(i["shape"]))
    outs = fn(**feeds)
    json.dump({k: v.numpy().reshape(-1).astype(float).tolist() for k, v in outs.items()}, open(job["out"], "w"))
`;

describe("export to tfjs-graph and savedmodel", { skip }, () => {
  let dir: string;
  before(async () => {
    await useCpu();
    dir = await mkdtemp(join(tmpdir(), "polytask-export-conv-test-"));
    await savePretrained(join(dir, "pretrained"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("graph models (plain tfjs) and SavedModels (TensorFlow) give predict's values", async () => {
    const cases = exportCases(join(dir, "pretrained")).filter((c) => GRAPH.includes(c.name));
    assert.equal(cases.length, GRAPH.length);
    const graphJobs: LoadJob[] = [];
    const savedJobs: LoadJob[] = [];
    const expected: { name: string; task: string; values: Float32Array; saved?: LoadJob }[] = [];
    for (const c of cases) {
      const data = c.data();
      const run = await c
        .model()
        .fit(data as never, { epochs: 1, batchSize: 16, seed: 4, lr: 0.01 });
      const graph = await run.export(join(dir, `graph-${c.name}`), { format: "tfjs-graph" });
      const work = join(dir, `${c.name}-io`);
      await mkdir(join(work, "g"), { recursive: true });
      await mkdir(join(work, "s"));
      const g = jobsFor(graph, data, join(work, "g"));
      let s: Map<string, LoadJob> | undefined;
      if (SAVED.includes(c.name)) {
        const saved = await run.export(join(dir, `saved-${c.name}`), { format: "savedmodel" });
        assert.ok(saved.files.includes("saved_model.pb"), `${c.name}: a SavedModel`);
        s = jobsFor(saved, data, join(work, "s"));
      }
      for (const o of graph.outputs) {
        const values = (await run.model.predict(o.task, data[o.task])).values;
        const saved = s?.get(o.task);
        expected.push({ name: c.name, task: o.task, values, saved });
        graphJobs.push(g.get(o.task) as LoadJob);
        if (saved) savedJobs.push(saved);
      }
    }
    const fromGraph = loadWithPlainTfjs(graphJobs as never, dir);
    const script = join(dir, "check_saved_model.py");
    writeFileSync(script, SAVED_MODEL_CHECK);
    const savedFile = join(dir, "saved-jobs.json");
    writeFileSync(savedFile, JSON.stringify(savedJobs));
    execFileSync(python, [script, savedFile], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "3" },
    });
    expected.forEach(({ name, task, values, saved }, i) => {
      const dg = maxAbsDiff(fromGraph[i][task], values);
      assert.ok(dg <= 1e-5, `${name}/${task}: graph model differs by ${dg}`);
      if (!saved) return;
      const out = JSON.parse(readFileSync(saved.out, "utf8"));
      const ds = maxAbsDiff(out[task], values);
      assert.ok(ds <= 1e-5, `${name}/${task}: SavedModel differs by ${ds}`);
    });
    assert.equal(savedJobs.length, SAVED.length * 2);
  });
});
