/**
 * Names a converted GraphModel's outputs after the tasks, and checks them. TensorFlow.js's
 * converter names a signature output after the SavedModel's only output of the same shape and
 * dtype, and falls back to the graph tensor's name (`Identity_1:0`) when several outputs share
 * a shape (two `classifier(10)` heads). The graph's outputs follow the SavedModel's outputs
 * flattened, i.e. the task names sorted; this renames them so, then runs the GraphModel and the
 * LayersModel on one probe batch and requires every output to match its task's.
 */
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ExportError } from "../../errors.js";
import type { ExportedInput, ExportedOutput } from "./layers-model.js";

interface GraphJSON {
  modelTopology: object;
  weightsManifest: tf.io.WeightsManifestConfig;
  signature: {
    inputs: Record<string, { name: string }>;
    outputs: Record<string, { name: string }>;
  };
  [k: string]: unknown;
}

async function loadGraph(path: string, json: GraphJSON): Promise<tf.GraphModel> {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const g of json.weightsManifest) {
    specs.push(...g.weights);
    for (const p of g.paths) parts.push(await readFile(join(dirname(path), p)));
  }
  const all = new Uint8Array(parts.reduce((a, b) => a + b.byteLength, 0));
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.byteLength;
  }
  return tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: specs,
      weightData: all.buffer,
      signature: json.signature,
      format: "graph-model",
    } as tf.io.ModelArtifacts),
  );
}

function probe(inputs: readonly ExportedInput[]): Record<string, tf.Tensor> {
  return Object.fromEntries(
    inputs.map((i, k) => {
      const shape = [2, ...i.shape];
      const n = shape.reduce((a, b) => a * b, 1);
      const v = Array.from({ length: n }, (_, j) => ((j * 7 + k * 3) % 11) / 5 - 1);
      return [
        i.name,
        i.dtype === "int32"
          ? tf.tensor(
              v.map((x) => Math.round((x + 1) * 2)),
              shape,
              "int32",
            )
          : tf.tensor(v, shape),
      ];
    }),
  );
}

export async function nameGraphOutputs(
  dir: string,
  layers: tf.LayersModel,
  inputs: readonly ExportedInput[],
  outputs: readonly ExportedOutput[],
): Promise<void> {
  const path = join(dir, "model.json");
  const json = JSON.parse(await readFile(path, "utf8")) as GraphJSON;
  const tasks = outputs.map((o) => o.task);
  const sig = json.signature;
  const byTask: Record<string, { name: string }> = {};
  const sorted = [...tasks].sort();
  for (const [key, info] of Object.entries(sig.outputs)) {
    const m = /^Identity(?:_(\d+))?:0$/.exec(key);
    const task = tasks.includes(key) ? key : m ? sorted[Number(m[1] ?? 0)] : undefined;
    if (task === undefined || byTask[task])
      throw new ExportError(
        `The converted GraphModel has an output "${key}" that matches no task (${tasks.join(", ")}).`,
        { field: "signature", value: key, expected: tasks.join(", ") },
      );
    byTask[task] = info;
  }
  const feeds = probe(inputs);
  const model = await loadGraph(path, { ...json, signature: { ...sig, outputs: byTask } });
  try {
    const got = model.execute(
      Object.fromEntries(Object.entries(sig.inputs).map(([k, t]) => [t.name, feeds[k]])),
      tasks.map((t) => byTask[t].name),
    );
    const want = layers.predict(inputs.map((i) => feeds[i.name]));
    const g = Array.isArray(got) ? got : [got];
    const w = Array.isArray(want) ? want : [want];
    try {
      for (let i = 0; i < tasks.length; i++) {
        const dt = tf.tidy(() => tf.max(tf.abs(tf.sub(g[i], w[i]))));
        const d = (await dt.data())[0];
        dt.dispose();
        if (!(d <= 1e-4))
          throw new ExportError(
            `The converted GraphModel's output for task "${tasks[i]}" differs from the model's by ${d}.`,
            { task: tasks[i], field: "signature", value: d, expected: "at most 1e-4" },
          );
      }
    } finally {
      for (const t of [...g, ...w]) t.dispose();
    }
  } finally {
    model.dispose();
    for (const t of Object.values(feeds)) t.dispose();
  }
  json.signature = { ...sig, outputs: byTask };
  await writeFile(path, JSON.stringify(json));
}
