import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { UnknownNameError } from "../../src/errors.js";
import { clipGradients } from "../../src/train/clip.js";
import { adam, adamw } from "../../src/train/optimizers/adam.js";
import { createOptimizer, resolveOptimizer } from "../../src/train/optimizers/registry.js";
import { sgd } from "../../src/train/optimizers/sgd.js";
import { learningRate } from "../../src/train/schedule.js";
import { useCpu } from "./helpers.js";

const close = (a: number, b: number, eps = 1e-5) =>
  assert.ok(Math.abs(a - b) < eps, `${a} vs ${b}`);

function steps(opt: ReturnType<typeof sgd>, grads: number[], start = 1): number {
  const inst = opt.create();
  const v = tf.variable(tf.scalar(start));
  for (const g of grads) {
    const t = tf.scalar(g);
    inst.apply(["w"], [v], [t], opt.lr);
    t.dispose();
  }
  const out = v.dataSync()[0];
  v.dispose();
  inst.dispose();
  return out;
}

describe("optimizers", () => {
  before(useCpu);

  it("SGD with momentum follows v = m v + g, w -= lr v", () => {
    // v1 = 1, w = 1 - 0.1; v2 = 0.9 + 1 = 1.9, w = 0.9 - 0.19
    close(steps(sgd({ lr: 0.1, momentum: 0.9 }) as never, [1, 1]), 0.71);
    close(steps(sgd({ lr: 0.1, momentum: 0 }) as never, [1, 1]), 0.8);
  });

  it("Adam's first step is lr * sign(g); AdamW adds decoupled decay", () => {
    close(steps(adam({ lr: 0.1 }) as never, [3]), 0.9, 1e-4);
    close(steps(adamw({ lr: 0.1, weightDecay: 0.5 }) as never, [3]), 0.9 - 0.1 * 0.5, 1e-4);
  });

  it("state round-trips by parameter name", async () => {
    const n0 = tf.memory().numTensors;
    const a = adam({ lr: 0.1 }).create();
    const v = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
    const g = tf.tensor1d([0.5, -1]);
    a.apply(["w"], [v], [g], 0.1);
    const s = await a.getState();
    assert.equal(s.step, 1);
    assert.deepEqual(Object.keys(s.slots).sort(), ["w#m", "w#v"]);
    const b = adam({ lr: 0.1 }).create();
    b.setState(
      JSON.parse(
        JSON.stringify({
          ...s,
          slots: Object.fromEntries(
            Object.entries(s.slots).map(([k, x]) => [
              k,
              { shape: x.shape, values: Array.from(x.values) },
            ]),
          ),
        }),
      ),
    );
    const v2 = tf.tidy(() => tf.variable(v.clone()));
    a.apply(["w"], [v], [g], 0.1);
    b.apply(["w"], [v2], [g], 0.1);
    assert.deepEqual(v.dataSync(), v2.dataSync());
    assert.throws(() => sgd().create().setState(s), /optimizer is "adam"/);
    for (const t of [a, b]) t.dispose();
    for (const t of [v, v2, g]) t.dispose();
    assert.equal(tf.memory().numTensors, n0);
  });

  it("unknown names list the valid ones; lr overrides the config", () => {
    assert.throws(
      () => createOptimizer("rmsprop"),
      (e: unknown) => e instanceof UnknownNameError && /sgd, adam, adamw/.test(e.message),
    );
    assert.equal(resolveOptimizer(adam({ lr: 0.5 }), 0.01).lr, 0.01);
    assert.equal(resolveOptimizer(undefined).name, "adam");
  });

  it("schedules: step, cosine and warm-up", () => {
    close(learningRate(1, { type: "step", every: 2, gamma: 0.5 }, 0, 3, 10), 0.5);
    close(learningRate(1, { type: "cosine" }, 5, 0, 10), 0.5);
    close(learningRate(1, { type: "cosine", minLr: 0.1 }, 10, 0, 10), 0.1);
    close(learningRate(1, { type: "constant", warmupSteps: 4 }, 1, 0, 10), 0.5);
  });

  it("clips by global norm and by value", () => {
    const n0 = tf.memory().numTensors;
    const g = [tf.tensor1d([3, 0]), tf.tensor1d([0, 4])];
    const c = clipGradients(g, 1);
    close(Math.hypot(...c.flatMap((t) => Array.from(t.dataSync()))), 1);
    const v = clipGradients(g, undefined, 1);
    assert.deepEqual(Array.from(v[1].dataSync()), [0, 1]);
    for (const t of new Set([...g, ...c, ...v])) t.dispose();
    assert.equal(tf.memory().numTensors, n0);
  });
});
