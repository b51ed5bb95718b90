/**
 * A seeded two-task fit of a small conv model on webgpu (SwiftShader in CI) against cpu, with
 * a loss-based (EW) and a gradient-based (PCGrad) strategy: the weights after training must
 * agree within float tolerance, and no tensors may be left behind.
 *
 * webgpu cannot read synchronously in Node, so this needs the training loop's asynchronous
 * reads (core v2 part 1). Until that loop is in, fit stops at its first synchronous read with
 * polytask's BackendError (field "readSync"), and the test reports itself as a TODO saying so.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as pt from "../../src/index.js";
import { startWebgpu } from "../backend/webgpu-harness.js";

const started = await startWebgpu();
const skip = typeof started === "string" ? started : false;

const n = 32;
const x = Float32Array.from({ length: n * 8 * 8 }, (_, i) => Math.sin(i * 0.37) * 0.5 + 0.5);
const a = pt.datasets.fromArrays({
  x,
  y: Int32Array.from({ length: n }, (_, i) => ((x[i * 64 + 9] as number) > 0.5 ? 1 : 0)),
  inputShape: [8, 8, 1],
  name: "a",
});
const b = pt.datasets.fromArrays({
  x,
  y: Int32Array.from({ length: n }, (_, i) => i % 3),
  inputShape: [8, 8, 1],
  name: "b",
});
const net = pt
  .model({ input: [8, 8, 1] })
  .backbone(pt.backbones.convNet({ filters: [4, 8], dense: 16 }))
  .head("a", pt.heads.classifier(2))
  .head("b", pt.heads.classifier(3));

type Weights = Map<string, { values: ArrayLike<number> }>;

async function trained(backend: "cpu" | "webgpu", weighting: string): Promise<Weights> {
  await pt.useBackend(backend, { quiet: true });
  const before = tf.memory().numTensors;
  const run = await net.fit(
    { a, b },
    { epochs: 2, batchSize: 16, seed: 5, weighting, optimizer: "sgd", lr: 0.05, listeners: [] },
  );
  assert.equal(tf.memory().numTensors, before, `tensors left on ${backend}`);
  const w = run.model.def.weights as Weights | undefined;
  assert.ok(w, "trained weights");
  return w;
}

function maxDiff(p: Weights, q: Weights): number {
  let m = 0;
  for (const [k, v] of p) {
    const o = q.get(k)?.values;
    assert.ok(o, `missing ${k}`);
    for (let i = 0; i < o.length; i++) {
      m = Math.max(m, Math.abs((o[i] as number) - (v.values[i] as number)));
    }
  }
  return m;
}

/** polytask's error for a synchronous read on webgpu (src/backend/webgpu/sync_read.ts). */
const isSyncRead = (e: unknown) => e instanceof pt.BackendError && e.field === "readSync";

describe("a seeded two-task fit on webgpu matches cpu", { skip }, () => {
  after(() => pt.useBackend("cpu", { quiet: true }));
  for (const weighting of ["ew", "pcgrad"]) {
    it(`${weighting}: webgpu matches cpu within 1e-3`, async (t) => {
      const onCpu = await trained("cpu", weighting);
      let onGpu: Weights;
      try {
        onGpu = await trained("webgpu", weighting);
      } catch (e) {
        if (!isSyncRead(e)) throw e;
        await pt.useBackend("cpu", { quiet: true });
        t.todo(`needs fit's asynchronous reads (core v2 part 1): ${(e as Error).message}`);
        return;
      }
      const d = maxDiff(onCpu, onGpu);
      assert.ok(d < 1e-3, `max |cpu - webgpu| = ${d}`);
    });
  }
});
