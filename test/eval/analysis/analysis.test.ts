/** Gradient conflict, lookahead task affinity, the epoch accumulator and single-task baselines. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { singleTaskBaselines } from "../../../src/api/baselines.js";
import { model } from "../../../src/api/model.js";
import { AnalysisAccumulator } from "../../../src/eval/analysis/accumulator.js";
import { affinityFromLosses, lookaheadAffinity } from "../../../src/eval/analysis/affinity.js";
import { gradientCosine, summarizeConflict } from "../../../src/eval/analysis/conflict.js";
import {
  type AnalysisProbe,
  networkProbe,
  sharedTaskGradients,
} from "../../../src/eval/analysis/probe.js";
import { mlp } from "../../../src/model/backbones/mlp.js";
import { classifier } from "../../../src/model/heads/classifier.js";
import { regression } from "../../../src/model/heads/regression.js";
import { Network } from "../../../src/model/network.js";
import { toyTasks, useCpu } from "../../train/helpers.js";

const close = (a: readonly number[], b: readonly number[], tol = 1e-5) => {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) <= tol, `entry ${i}: ${x} vs ${b[i]}`));
};

/** Quadratic tasks L_i(w) = |w - c_i|^2 / 2 on one shared vector w. */
function quadraticProbe(
  w: tf.Variable,
  centres: number[][],
  present = ["a", "b", "c"],
): AnalysisProbe {
  const names = ["a", "b", "c"];
  return {
    tasks: present,
    shared: [w],
    loss: (t) =>
      tf.mul(
        tf.sum(tf.square(tf.sub(w, tf.tensor1d(centres[names.indexOf(t)])))),
        0.5,
      ) as tf.Scalar,
  };
}

for (const backend of ["cpu", "wasm"] as const) {
  describe(`gradient conflict (${backend})`, () => {
    it("cosines: orthogonal 0, opposite -1, self 1; tensor and rows agree; zero rows are NaN", async () => {
      await tf.setBackend(backend);
      const rows = [
        [1, 0, 0],
        [0, 2, 0],
        [-3, 0, 0],
        [0, 0, 0],
      ];
      const c = await gradientCosine(rows);
      close([c[0][0], c[0][1], c[0][2], c[1][2]], [1, 0, -1, 0]);
      assert.ok(Number.isNaN(c[0][3]) && Number.isNaN(c[3][3]));
      const start = tf.memory().numTensors;
      const t = tf.tensor2d([
        [1, 2, 3],
        [-1, 0.5, 2],
      ]);
      const ct = await gradientCosine(t);
      t.dispose();
      const want = (1 * -1 + 2 * 0.5 + 3 * 2) / (Math.sqrt(14) * Math.sqrt(1 + 0.25 + 4));
      close([ct[0][1], ct[1][0]], [want, want]);
      assert.equal(tf.memory().numTensors, start);
      const s = summarizeConflict(c);
      close([s.meanCosine, s.conflictFraction, s.minCosine], [-1 / 3, 1 / 3, -1]);
    });
  });

  describe(`lookahead task affinity (${backend})`, () => {
    it("matches the closed form on quadratic tasks and restores the shared weights", async () => {
      await tf.setBackend(backend);
      const start = tf.memory().numTensors;
      const w0 = [0.5, -1];
      const w = tf.tidy(() => tf.variable(tf.tensor1d(w0)));
      const centres = [
        [1, 0],
        [-1, -1],
        [2, 2],
      ];
      const lr = 0.3;
      const z = await lookaheadAffinity(quadraticProbe(w, centres), ["a", "b", "c"], lr);
      const L = (v: number[], c: number[]) => 0.5 * ((v[0] - c[0]) ** 2 + (v[1] - c[1]) ** 2);
      centres.forEach((ci, i) => {
        const stepped = w0.map((x, k) => x - lr * (x - ci[k]));
        close(
          z[i],
          centres.map((cj) => 1 - L(stepped, cj) / L(w0, cj)),
        );
      });
      assert.ok(z[0][0] > 0, "a step on a task helps that task");
      assert.deepEqual(Array.from(w.dataSync()), Array.from(new Float32Array(w0)));
      w.dispose();
      assert.equal(tf.memory().numTensors, start);
    });

    it("tasks without data get NaN rows and columns", async () => {
      await tf.setBackend(backend);
      const w = tf.tidy(() => tf.variable(tf.tensor1d([0, 0])));
      const z = await lookaheadAffinity(
        quadraticProbe(
          w,
          [
            [1, 0],
            [0, 1],
            [1, 1],
          ],
          ["a", "c"],
        ),
        ["a", "b", "c"],
        0.1,
      );
      assert.ok(z[1].every(Number.isNaN));
      assert.ok(Number.isNaN(z[0][1]) && Number.isFinite(z[0][2]));
      w.dispose();
    });
  });
}

describe("affinity from losses and the epoch accumulator", () => {
  it("Z[i][j] = 1 - after[i][j] / before[j]", () => {
    const z = affinityFromLosses(
      [2, 4],
      [
        [1, 5],
        [2, 2],
      ],
    );
    close(z.flat(), [0.5, -0.25, 0, 0.5]);
  });

  it("averages per epoch into cosine/<a>/<b> keys, skipping NaN, and resets", () => {
    const acc = new AnalysisAccumulator(["a", "b"]);
    acc.add("cosine", [
      [1, -0.5],
      [-0.5, 1],
    ]);
    acc.add("cosine", [
      [1, 0.1],
      [Number.NaN, 1],
    ]);
    const log = acc.flush();
    close([log["cosine/a/b"], log["cosine/b/a"], log["cosine/a/a"]], [-0.2, -0.5, 1]);
    assert.deepEqual(acc.flush(), {});
  });
});

describe("probes of a real network", () => {
  it("networkProbe: per-task shared gradients [T, P], cosines and affinity, no leaks", async () => {
    await useCpu();
    const { cls, reg } = toyTasks(32);
    const m = model({ input: [8] })
      .backbone(mlp({ units: [8] }))
      .head("cls", classifier(2))
      .head("reg", regression(1));
    const start = tf.memory().numTensors;
    const net = await Network.build(m.def, 0);
    const step = {
      cls: {
        x: tf.tensor2d(cls.x.slice(0, 16 * 8) as Float32Array, [16, 8]),
        y: tf.tensor1d(
          Array.from({ length: 16 }, (_, i) => i % 2),
          "int32",
        ),
        size: 16,
      },
    };
    const probe = networkProbe(net, step);
    assert.deepEqual(probe.tasks, ["cls"]);
    const { grads, losses } = await sharedTaskGradients(probe, ["cls", "reg"]);
    const p = net
      .trainableParams()
      .filter((q) => q.shared)
      .reduce((s, q) => s + q.variable.size, 0);
    assert.deepEqual(grads.shape, [2, p]);
    assert.ok(Number.isFinite(losses[0]) && Number.isNaN(losses[1]));
    const cos = await gradientCosine(grads);
    close([cos[0][0]], [1]);
    assert.ok(Number.isNaN(cos[0][1]));
    grads.dispose();
    const z = await lookaheadAffinity(probe, ["cls", "reg"], 0.1);
    assert.ok(Number.isFinite(z[0][0]) && Number.isNaN(z[1][1]));
    step.cls.x.dispose();
    step.cls.y.dispose();
    net.dispose();
    assert.equal(tf.memory().numTensors, start);
  });
});

describe("singleTaskBaselines", () => {
  it("trains one model per task and gives evaluate's baselines; delta-m is then finite", async () => {
    await useCpu();
    const { cls, reg } = toyTasks(64);
    const m = model({ input: [8] })
      .backbone(mlp({ units: [16] }))
      .head("cls", classifier(2))
      .head("reg", regression(1));
    const start = tf.memory().numTensors;
    const seen: string[] = [];
    const baselines = await singleTaskBaselines(
      m,
      { cls, reg },
      { cls, reg },
      { epochs: 2, batchSize: 16, lr: 0.01, seed: 1 },
      {
        onRun: (t, run) => {
          seen.push(t);
          assert.deepEqual(run.tasks, [t]);
        },
      },
    );
    assert.deepEqual(seen, ["cls", "reg"]);
    assert.ok(Number.isFinite(baselines.cls?.accuracy) && Number.isFinite(baselines.reg?.mae));
    const run = await m.fit({ cls, reg }, { epochs: 2, batchSize: 16, lr: 0.01, seed: 1 });
    const ev = await run.evaluate({ cls, reg }, { baselines });
    assert.ok(Number.isFinite(ev.deltaM), `deltaM ${ev.deltaM}`);
    assert.equal(tf.memory().numTensors, start);
  });
});
