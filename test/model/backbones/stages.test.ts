/** Sequential backbones expose their stages (cross-stitch units sit between them). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { crossStitch } from "../../../src/model/arch/crossStitch.js";
import type { StagedModule } from "../../../src/model/backbones/chain.js";
import { convNet } from "../../../src/model/backbones/convNet.js";
import { mlp } from "../../../src/model/backbones/mlp.js";
import type { Backbone } from "../../../src/model/backbones/types.js";
import { type Param, ParamFactory, type Shape } from "../../../src/model/params.js";
import { Random } from "../../../src/util/random.js";
import { buildArch } from "../arch/build.js";

async function build(b: Backbone, shape: Shape): Promise<{ m: StagedModule; params: Param[] }> {
  const params: Param[] = [];
  const f = new ParamFactory("backbone", "backbone", new Random(3), true, params);
  return { m: (await b.build(shape, f)) as StagedModule, params };
}

/** Stage output shapes, and the max difference between the staged and the whole forward pass. */
function check(m: StagedModule, x: tf.Tensor): { shapes: number[][]; diff: number } {
  return tf.tidy(() => {
    const ctx = { training: false };
    const shapes: number[][] = [];
    let h = x;
    for (const s of m.stages) {
      h = s.apply(h, ctx);
      assert.deepEqual(h.shape.slice(1), [...s.outputShape]);
      shapes.push([...s.outputShape]);
    }
    const diff = tf.max(tf.abs(tf.sub(h, m.apply(x, ctx)))).dataSync()[0];
    return { shapes, diff };
  });
}

describe("backbone stages", () => {
  it("mlp: one stage per hidden layer (flatten opens the first), composing to the whole", async () => {
    await tf.setBackend("cpu");
    const start = tf.memory().numTensors;
    const { m, params } = await build(
      mlp({ units: [8, 6], batchNorm: true, dropout: 0.1 }),
      [2, 3],
    );
    const x = tf.randomNormal([4, 2, 3], 0, 1, "float32", 1);
    const { shapes, diff } = check(m, x);
    assert.deepEqual(shapes, [[8], [6]]);
    assert.equal(diff, 0);
    const flatOnly = (await build(mlp({ units: [] }), [2, 3])).m;
    assert.deepEqual(
      flatOnly.stages.map((s) => s.outputShape),
      [[6]],
    );
    x.dispose();
    for (const p of params) p.variable.dispose();
    assert.equal(tf.memory().numTensors, start);
  });

  it("convNet: one stage per conv block and per dense layer", async () => {
    await tf.setBackend("cpu");
    const start = tf.memory().numTensors;
    const x = tf.randomNormal([2, 12, 12, 1], 0, 1, "float32", 2);
    const withDense = await build(
      convNet({ filters: [3, 4], kernelSize: 3, dense: [5, 7], dropout: 0.2 }),
      [12, 12, 1],
    );
    const a = check(withDense.m, x);
    assert.deepEqual(a.shapes, [[6, 6, 3], [3, 3, 4], [5], [7]]);
    assert.equal(a.diff, 0);
    // no dense layer: flatten closes the last conv block
    const noDense = await build(convNet({ filters: [3, 4], dense: [] }), [12, 12, 1]);
    const b = check(noDense.m, x);
    assert.deepEqual(b.shapes, [[6, 6, 3], [36]]);
    x.dispose();
    for (const p of [...withDense.params, ...noDense.params]) p.variable.dispose();
    assert.equal(tf.memory().numTensors, start);
  });

  it("cross-stitch over a convNet puts a unit after every stage", async () => {
    await tf.setBackend("cpu");
    const { built, params } = await buildArch(
      crossStitch(),
      convNet({ filters: [2, 3], dense: 4 }),
      [8, 8, 1],
      ["a", "b"],
    );
    assert.deepEqual(
      params.filter((p) => p.name.startsWith("arch/")).map((p) => p.name),
      [
        "arch/crossStitch/unit0/alpha",
        "arch/crossStitch/unit1/alpha",
        "arch/crossStitch/unit2/alpha",
      ],
    );
    assert.deepEqual(built.outputShape, [4]);
    for (const p of params) p.variable.dispose();
  });
});
