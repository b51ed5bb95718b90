// Loads polytask exports with plain TensorFlow.js and nothing of polytask (run as a child
// process by export.test.ts): `node export-load.fixture.mjs jobs.json`. Each job names an
// export folder, its format, input files (raw float32/int32) and where to write the outputs
// (JSON: task -> values). This is also what a user's Node script needs: a load handler that
// reads model.json and its weight files (a browser passes the model.json URL instead).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";

function fromFolder(dir) {
  return {
    load: async () => {
      const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
      const weightSpecs = [];
      const buffers = [];
      for (const group of json.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const p of group.paths) buffers.push(readFileSync(join(dir, p)));
      }
      const all = Buffer.concat(buffers);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
        modelInitializer: json.modelInitializer,
        weightSpecs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      };
    },
  };
}

function readInput(inp) {
  const bytes = readFileSync(inp.file);
  const Ctor = inp.dtype === "int32" ? Int32Array : Float32Array;
  const values = new Ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return tf.tensor(values, inp.shape, inp.dtype);
}

await tf.setBackend("cpu");
const jobs = JSON.parse(readFileSync(process.argv[2], "utf8"));
for (const job of jobs) {
  const inputs = Object.fromEntries(job.inputs.map((i) => [i.name, readInput(i)]));
  const out = {};
  if (job.format === "tfjs-layers") {
    const model = await tf.loadLayersModel(fromFolder(job.dir));
    const ys = model.predict(model.inputNames.map((n) => inputs[n]));
    const list = Array.isArray(ys) ? ys : [ys];
    model.outputNames.forEach((task, i) => {
      out[task] = Array.from(list[i].dataSync());
    });
    out.$outputNames = model.outputNames;
  } else {
    const model = await tf.loadGraphModel(fromFolder(job.dir));
    const sig = model.modelSignature;
    const tasks = Object.keys(sig.outputs);
    const feeds = Object.fromEntries(
      Object.entries(sig.inputs).map(([key, t]) => [t.name, inputs[key]]),
    );
    const ys = model.execute(
      feeds,
      tasks.map((t) => sig.outputs[t].name),
    );
    const list = Array.isArray(ys) ? ys : [ys];
    tasks.forEach((task, i) => {
      out[task] = Array.from(list[i].dataSync());
    });
    out.$outputNames = tasks;
  }
  writeFileSync(job.out, JSON.stringify(out));
}
