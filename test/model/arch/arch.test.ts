/** MMoE and cross-stitch: shapes, parameter ownership, mixing math, config round-trip, a fit. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { ConfigError } from "../../../src/errors.js";
import { crossStitch, initialAlpha } from "../../../src/model/arch/crossStitch.js";
import { arch } from "../../../src/model/arch/index.js";
import { mmoe } from "../../../src/model/arch/mmoe.js";
import { resolveArchitecture } from "../../../src/model/arch/registry.js";
import { mlp } from "../../../src/model/backbones/mlp.js";
import { buildArch, fitArch, stagedBackbone } from "./build.js";

const TASKS = ["a", "b"];
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i] - b[i]) <= tol, `entry ${i}: ${a[i]} vs ${b[i]}`);
};

describe("architecture configs", () => {
  it("round-trip through resolveArchitecture(kind, JSON config)", () => {
    for (const a of [
      arch.mmoe({ experts: 3, expertUnits: [16, 8] }),
      arch.crossStitch({ alphaSelf: 0.8 }),
      arch.mmoe(),
    ]) {
      const again = resolveArchitecture(a.kind, JSON.parse(JSON.stringify(a.config)));
      assert.equal(again.kind, a.kind);
      assert.deepEqual(again.config, a.config);
      assert.ok(Object.isFrozen(a.config));
    }
  });

  it("bad options are typed errors", () => {
    assert.throws(() => mmoe({ experts: 0 }), ConfigError);
    assert.throws(() => mmoe({ expertUnits: [] }), ConfigError);
    assert.throws(() => crossStitch({ alphaSelf: 2 }), ConfigError);
  });

  it("cross-stitch initial alpha: self weight on the diagonal, rows sum to 1", () => {
    close(initialAlpha(2, 0.9).flat(), [0.9, 0.1, 0.1, 0.9]);
    close(initialAlpha(3, 0.8).flat(), [0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1, 0.8]);
    assert.deepEqual(initialAlpha(1, 0.9), [[1]]);
  });
});

for (const backend of ["cpu", "wasm"] as const) {
  describe(`mmoe (${backend})`, () => {
    it("builds shared experts, per-task gates; gates are distributions; tasks differ", async () => {
      await tf.setBackend(backend);
      const start = tf.memory().numTensors;
      const { built, params } = await buildArch(
        mmoe({ experts: 3, expertUnits: 6 }),
        mlp({ units: [8] }),
        [4],
        TASKS,
      );
      assert.deepEqual(built.outputShape, [6]);
      const gates = params.filter((p) => p.name.startsWith("arch/gate/"));
      assert.deepEqual(new Set(gates.map((p) => p.task)), new Set(TASKS));
      assert.ok(gates.every((p) => !p.shared && p.part === "arch"));
      assert.ok(params.filter((p) => p.name.startsWith("arch/experts/")).every((p) => p.shared));
      assert.ok(params.some((p) => p.name.startsWith("backbone/") && p.part === "backbone"));
      tf.tidy(() => {
        const x = tf.randomNormal([5, 4], 0, 1, "float32", 3);
        const ra = built.represent("a", x, { training: false });
        const rb = built.represent("b", x, { training: false });
        assert.deepEqual(ra.shape, [5, 6]);
        assert.ok(tf.max(tf.abs(tf.sub(ra, rb))).dataSync()[0] > 1e-6);
        const g = (
          built as unknown as { gateWeights(t: string, x: tf.Tensor): tf.Tensor }
        ).gateWeights("a", x);
        close(tf.sum(g, 1).dataSync(), [1, 1, 1, 1, 1]);
      });
      assert.throws(
        () => built.represent("c", tf.zeros([1, 4]), { training: false }),
        /unknown task "c"/,
      );
      params.forEach((p) => p.variable.dispose());
      assert.ok(tf.memory().numTensors <= start + 1); // the zeros of the failed call above
    });

    it("the mixture is the gate-weighted sum of expert outputs", async () => {
      await tf.setBackend(backend);
      const { built, params } = await buildArch(
        mmoe({ experts: 2, expertUnits: 3 }),
        mlp({ units: [4] }),
        [4],
        TASKS,
      );
      tf.tidy(() => {
        const x = tf.randomNormal([2, 4], 0, 1, "float32", 4);
        // Recompute by hand from the parameters.
        const get = (n: string) => params.find((p) => p.name === n)!.variable;
        const h = tf.relu(
          tf.add(tf.matMul(x, get("backbone/dense0/kernel")), get("backbone/dense0/bias")),
        );
        const e = [0, 1].map((k) =>
          tf.relu(
            tf.add(
              tf.matMul(h, get(`arch/experts/expert${k}/dense0/kernel`)),
              get(`arch/experts/expert${k}/dense0/bias`),
            ),
          ),
        );
        const g = tf.softmax(
          tf.add(tf.matMul(h, get("arch/gate/b/kernel")), get("arch/gate/b/bias")),
        );
        const want = tf.add(
          tf.mul(e[0], g.slice([0, 0], [2, 1])),
          tf.mul(e[1], g.slice([0, 1], [2, 1])),
        );
        close(built.represent("b", x, { training: false }).dataSync(), want.dataSync());
      });
      params.forEach((p) => p.variable.dispose());
    });

    it("fits two tasks: loss drops, deterministic, no tensor growth", async () => {
      await tf.setBackend(backend);
      const start = tf.memory().numTensors;
      const runOnce = async () => {
        const { built, params } = await buildArch(
          mmoe({ experts: 3, expertUnits: 8 }),
          mlp({ units: [16] }),
          [4],
          TASKS,
        );
        const losses = fitArch(built, params, 80);
        params.forEach((p) => p.variable.dispose());
        return losses;
      };
      const l = await runOnce();
      assert.ok(l[l.length - 1] < 0.3 * l[0], `loss ${l[0]} -> ${l[l.length - 1]}`);
      assert.deepEqual(await runOnce(), l);
      assert.equal(tf.memory().numTensors, start);
    });
  });

  describe(`crossStitch (${backend})`, () => {
    it("one column per task, a unit after each exposed stage, hand-checked mixing", async () => {
      await tf.setBackend(backend);
      const { built, params } = await buildArch(crossStitch(), stagedBackbone([5, 3]), [4], TASKS);
      assert.deepEqual(built.outputShape, [3]);
      const alphas = params.filter((p) => p.name.startsWith("arch/crossStitch/"));
      assert.deepEqual(
        alphas.map((p) => p.name),
        ["arch/crossStitch/unit0/alpha", "arch/crossStitch/unit1/alpha"],
      );
      assert.ok(params.every((p) => p.shared));
      assert.ok(params.some((p) => p.name === "backbone/a/dense0/kernel" && p.part === "backbone"));
      tf.tidy(() => {
        const x = tf.randomNormal([3, 4], 0, 1, "float32", 5);
        const k = (t: string, i: number) =>
          params.find((p) => p.name === `backbone/${t}/dense${i}/kernel`)!.variable;
        const mix = (h: tf.Tensor[], i: number) => tf.add(tf.mul(h[i], 0.9), tf.mul(h[1 - i], 0.1));
        const h0 = ["a", "b"].map((t) => tf.tanh(tf.matMul(x, k(t, 0))));
        const m0 = [mix(h0, 0), mix(h0, 1)];
        const h1 = ["a", "b"].map((t, i) => tf.tanh(tf.matMul(m0[i] as tf.Tensor2D, k(t, 1))));
        close(built.represent("a", x, { training: false }).dataSync(), mix(h1, 0).dataSync());
        close(built.represent("b", x, { training: false }).dataSync(), mix(h1, 1).dataSync());
      });
      params.forEach((p) => p.variable.dispose());
    });

    it("an opaque backbone gets one unit after it; fits two tasks without leaks", async () => {
      await tf.setBackend(backend);
      const start = tf.memory().numTensors;
      const { built, params } = await buildArch(crossStitch(), mlp({ units: [12] }), [4], TASKS);
      assert.equal(params.filter((p) => p.name.startsWith("arch/crossStitch/")).length, 1);
      const l = fitArch(built, params, 80);
      assert.ok(l[l.length - 1] < 0.3 * l[0], `loss ${l[0]} -> ${l[l.length - 1]}`);
      params.forEach((p) => p.variable.dispose());
      assert.equal(tf.memory().numTensors, start);
    });
  });
}

describe("ple", () => {
  it("config round-trips; bad options are typed errors", () => {
    const a = arch.ple({ sharedExperts: 2, taskExperts: 1, expertUnits: [8], levels: 2 });
    const again = resolveArchitecture("ple", JSON.parse(JSON.stringify(a.config)));
    assert.deepEqual(again.config, a.config);
    assert.throws(() => arch.ple({ levels: 0 }), ConfigError);
    assert.throws(() => arch.ple({ expertUnits: [0] }), ConfigError);
  });

  for (const backend of ["cpu", "wasm"] as const)
    it(`two levels (${backend}): lower levels shared, top level owned by its task; fits without leaks`, async () => {
      await tf.setBackend(backend);
      const start = tf.memory().numTensors;
      const { built, params } = await buildArch(
        arch.ple({ sharedExperts: 2, taskExperts: 1, expertUnits: 8, levels: 2 }),
        mlp({ units: [12] }),
        [4],
        TASKS,
      );
      assert.deepEqual(built.outputShape, [8]);
      assert.ok(params.filter((p) => p.name.startsWith("arch/level0/")).every((p) => p.shared));
      assert.ok(params.some((p) => p.name === "arch/level0/shared/gate/kernel"));
      const top = params.filter((p) => p.name.startsWith("arch/level1/task/"));
      assert.ok(
        top.length > 0 &&
          top.every((p) => !p.shared && p.name.startsWith(`arch/level1/task/${p.task}/`)),
      );
      assert.ok(
        !params.some((p) => p.name.startsWith("arch/level1/shared/gate")),
        "no shared gate at the top",
      );
      tf.tidy(() => {
        const x = tf.randomNormal([3, 4], 0, 1, "float32", 6);
        assert.deepEqual(built.represent("b", x, { training: false }).shape, [3, 8]);
      });
      const l = fitArch(built, params, 80);
      assert.ok(l[l.length - 1] < 0.3 * l[0], `loss ${l[0]} -> ${l[l.length - 1]}`);
      params.forEach((p) => p.variable.dispose());
      assert.equal(tf.memory().numTensors, start);
    });
});
