/**
 * Results must agree across backends (DESIGN principle): the same seeded two-task fit of a
 * convolutional model, with a loss-based and a gradient-based strategy, on cpu, wasm and, when
 * it is set up, tensorflow. The weights after training must agree with cpu's within float
 * tolerance, and each backend must leave no tensors behind.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { model } from "../../src/api/model.js";
import { type BackendName, useBackend } from "../../src/backend/select.js";
import { fromArrays } from "../../src/data/from-arrays.js";
import { convNet } from "../../src/model/backbones/convNet.js";
import { classifier } from "../../src/model/heads/classifier.js";
import type { WeightMap } from "../../src/model/spec.js";
import { withTensorflow } from "../backend/native-harness.js";

const n = 48;
const x = Float32Array.from({ length: n * 8 * 8 }, (_, i) => Math.sin(i * 0.37) * 0.5 + 0.5);
const a = fromArrays({
  x,
  y: Int32Array.from({ length: n }, (_, i) => (x[i * 64 + 9] > 0.5 ? 1 : 0)),
  inputShape: [8, 8, 1],
  name: "a",
});
const b = fromArrays({
  x,
  y: Int32Array.from({ length: n }, (_, i) => i % 3),
  inputShape: [8, 8, 1],
  name: "b",
});
const net = model({ input: [8, 8, 1] })
  .backbone(convNet({ filters: [4, 8], dense: 16 }))
  .head("a", classifier(2))
  .head("b", classifier(3));

async function trained(backend: BackendName, weighting: string): Promise<WeightMap> {
  await useBackend(backend, { quiet: true });
  const before = tf.memory().numTensors;
  const run = await net.fit(
    { a, b },
    { epochs: 2, batchSize: 16, seed: 5, weighting, optimizer: "sgd", lr: 0.05, listeners: [] },
  );
  assert.equal(tf.memory().numTensors, before, `tensors left on ${backend}`);
  const w = run.model.def.weights;
  assert.ok(w);
  return w;
}

function maxDiff(p: WeightMap, q: WeightMap): number {
  let m = 0;
  for (const [k, v] of p) {
    const o = q.get(k)?.values as Float32Array;
    assert.ok(o, `missing ${k}`);
    for (let i = 0; i < o.length; i++) m = Math.max(m, Math.abs(o[i] - v.values[i]));
  }
  return m;
}

describe("backends agree on a seeded two-task fit", async () => {
  after(() => useBackend("cpu", { quiet: true }));
  const backends = await withTensorflow(["wasm"]);
  for (const weighting of ["uncertainty", "pcgrad"]) {
    for (const backend of backends) {
      it(`${weighting}: ${backend} matches cpu within 1e-3`, async () => {
        const onCpu = await trained("cpu", weighting);
        const other = await trained(backend as BackendName, weighting);
        const d = maxDiff(onCpu, other);
        assert.ok(d < 1e-3, `max |cpu - ${backend}| = ${d}`);
      });
    }
  }
});
