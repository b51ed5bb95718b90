/** Hand-computed checks of the loss-based strategies (DWA, RLW, FAMO, uncertainty, static). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../../../src/errors.js";
import { dwaWeights } from "../../../src/train/weighting/dwa.js";
import { famoLogitGradient, famoWeights } from "../../../src/train/weighting/famo.js";
import { weighting } from "../../../src/train/weighting/index.js";
import { rlwWeights } from "../../../src/train/weighting/rlw.js";
import type {
  LossWeightingInstance,
  WeightingContext,
} from "../../../src/train/weighting/types.js";
import { Random } from "../../../src/util/random.js";
import { close } from "./reference.js";

const ctx = (epochLosses: number[][] = []): WeightingContext => ({
  step: 0,
  epoch: epochLosses.length,
  tasks: ["a", "b"],
  epochLosses,
  random: () => 0.5,
  active: [true, true],
});

/** A loss strategy's instance (throws for a gradient one). */
function lossInstance(name: string, opts: object): LossWeightingInstance {
  const inst = weighting.create(name, opts).create(["a", "b"], { seed: 0 });
  if (inst.needs !== "losses") throw new Error(`${name} is not loss-based`);
  return inst;
}

/** Weights as numbers (tests may read synchronously on cpu). */
const values = (w: tf.Tensor1D | readonly number[]): number[] =>
  w instanceof tf.Tensor ? Array.from(w.dataSync()) : [...w];

/** The combined loss and its gradient w.r.t. the task losses. */
function lossAndGrad(name: string, opts: object, losses: number[], c = ctx()) {
  const inst = lossInstance(name, opts);
  let weights: number[] = [];
  const out = tf.tidy(() => {
    const l = tf.tensor1d(losses);
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => {
      const r = inst.combineLosses(x as tf.Tensor1D, c);
      weights = values(r.weights);
      return r.loss;
    })(l);
    return { value: value.dataSync()[0], grad: Array.from(grad.dataSync()) };
  });
  inst.dispose();
  return { ...out, weights };
}

describe("loss-based strategies", () => {
  it("ew: sum of losses, weights 1", () => {
    const r = lossAndGrad("ew", {}, [1, 2]);
    close([r.value], [3]);
    close(r.grad, [1, 1]);
    close(r.weights, [1, 1]);
  });

  it("static: record or array; typed errors for unknown, missing and miscounted tasks", () => {
    close(lossAndGrad("static", { weights: { a: 2, b: 0.5 } }, [1, 2]).grad, [2, 0.5]);
    close(lossAndGrad("static", { weights: [0.1, 3] }, [1, 2]).grad, [0.1, 3]);
    close(lossAndGrad("static", { weights: { a: 2 }, default: 1 }, [1, 2]).weights, [2, 1]);
    const mk = (w: object) => () => weighting.static(w as never).create(["a", "b"], { seed: 0 });
    assert.throws(
      mk({ weights: { a: 1, c: 1 } }),
      (e: ConfigError) => e.task === "c" && /unknown task "c"/.test(e.message),
    );
    assert.throws(mk({ weights: { a: 1 } }), (e: ConfigError) => e.task === "b");
    assert.throws(mk({ weights: [1] }), ConfigError);
    assert.throws(mk({ weights: { a: -1, b: 1 } }), /expected a (finite )?number >= 0/);
    assert.throws(() => weighting.static(undefined as never), ConfigError);
  });

  it("uncertainty: loss sum exp(-s) L + s and its gradient in s", () => {
    const inst = lossInstance("uncertainty", {});
    inst.setState({ logVariances: [0, Math.log(2)] });
    const [s] = inst.variables;
    tf.tidy(() => {
      const l = tf.tensor1d([1, 4]);
      const { value, grads } = tf.variableGrads(
        () => inst.combineLosses(l, ctx()).loss,
        [s as tf.Variable],
      );
      close([value.dataSync()[0]], [1 + 0 + 2 + Math.log(2)]);
      // d/ds = -exp(-s) L + 1
      close(Array.from(grads[s.name].dataSync()), [0, -1]);
    });
    close(
      tf.tidy(() => values(inst.combineLosses(tf.tensor1d([1, 1]), ctx()).weights)),
      [1, 0.5],
    );
    assert.throws(() => inst.setState({ logVariances: [1] }), ConfigError);
    inst.dispose();
  });

  it("dwa: T softmax(r / temperature) of the last two epochs' loss ratios", () => {
    close(dwaWeights([], 2, 2), [1, 1]);
    close(dwaWeights([[1, 2]], 2, 2), [1, 1]);
    const e = [Math.exp(0.25), Math.exp(0.5)];
    const s = e[0] + e[1];
    close(
      dwaWeights(
        [
          [9, 9],
          [1, 2],
          [0.5, 2],
        ],
        2,
        2,
      ),
      [(2 * e[0]) / s, (2 * e[1]) / s],
    );
    close(
      lossAndGrad(
        "dwa",
        {},
        [1, 1],
        ctx([
          [1, 2],
          [0.5, 2],
        ]),
      ).grad,
      [(2 * e[0]) / s, (2 * e[1]) / s],
    );
  });

  it("rlw: softmax of normal draws, seeded, summing to 1, unbiased on average", () => {
    const a = rlwWeights(
      3,
      (
        (r) => () =>
          r.next()
      )(new Random(1)),
    );
    const b = rlwWeights(
      3,
      (
        (r) => () =>
          r.next()
      )(new Random(1)),
    );
    assert.deepEqual(a, b);
    close([a.reduce((x, y) => x + y, 0)], [1]);
    const r = new Random(2);
    const mean = [0, 0, 0];
    for (let k = 0; k < 4000; k++)
      rlwWeights(3, () => r.next()).forEach((w, i) => {
        mean[i] += w / 4000;
      });
    close(mean, [1 / 3, 1 / 3, 1 / 3], 0.02);
  });

  it("famo: weights z_i / (c (L_i - m)), loss gradient equals them, logit gradient by hand", () => {
    close(famoWeights([0, 0], [1, 2], 0), [2 / 3, 1 / 3]);
    close(lossAndGrad("famo", {}, [1, 2]).grad, [2 / 3, 1 / 3]);
    const l2 = Math.log(2);
    close(famoLogitGradient([0, 0], [1, 2], [0.5, 2], 0), [l2 / 4, -l2 / 4]);
  });

  it("famo: a task whose loss falls more loses weight after observeLossesAfterStep", () => {
    const inst = lossInstance("famo", {});
    for (let k = 0; k < 20; k++) {
      tf.tidy(() => {
        inst.combineLosses(tf.tensor1d([1, 1]), ctx());
      });
      inst.observeLossesAfterStep?.(new Float32Array([1, 1]), new Float32Array([0.5, 0.99]), ctx());
    }
    const w = tf.tidy(() => values(inst.combineLosses(tf.tensor1d([1, 1]), ctx()).weights));
    assert.ok(w[1] > w[0], `weights ${w}`);
    inst.dispose();
  });
});
