/** Hand-computed checks of the zoo's loss-based and stateful methods (GLS, STCH, GradVac, GradDrop, MoCo). */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { graddropCombine } from "../../../src/train/weighting/graddrop.js";
import { gradvacWeights } from "../../../src/train/weighting/gradvac.js";
import { weighting } from "../../../src/train/weighting/index.js";
import { pcgradWeights } from "../../../src/train/weighting/pcgrad.js";
import { gramOfRows, projectSimplex } from "../../../src/util/linalg.js";
import { useCpu } from "../helpers.js";
import { context, gradients, losses } from "./call.js";
import { close, combine, dotv, normv } from "./reference.js";

describe("zoo, hand-computed", () => {
  before(useCpu);

  it("GLS: the geometric mean and its derivatives", async () => {
    const inst = weighting.gls().create(["a", "b"], { seed: 0 });
    const r = await losses(inst, [1, 4], context(["a", "b"]));
    close([r.loss], [2]);
    close(r.weights, [1, 0.25]);
    // an absent task is left out of the product
    const one = await losses(inst, [9, 0], context(["a", "b"], { active: [true, false] }));
    close([one.loss], [9]);
    close(one.weights, [1, 0]);
  });

  it("STCH: log-sum warm-up, the nadir epoch, then the smooth max of normalised log losses", async () => {
    const inst = weighting.stch({ warmupEpochs: 1, mu: 0.5 }).create(["a", "b"], { seed: 0 });
    const t = ["a", "b"];
    const w0 = await losses(inst, [2, 4], context(t, { epoch: 0 }));
    close(w0.weights, [0.5, 0.25]);
    await losses(inst, [2, 4], context(t, { epoch: 1 }));
    await losses(inst, [4, 8], context(t, { epoch: 1 }));
    // nadir z = (3, 6); at L = (3, 12): u = log(L / z) / mu = (0, 2 log 2)
    const r = await losses(inst, [3, 12], context(t, { epoch: 2 }));
    const u = [0, (2 * Math.log(2)) / 1];
    const lse = Math.log(Math.exp(u[0]) + Math.exp(u[1]));
    close([r.loss], [2 * 0.5 * lse], 1e-5);
    const soft = u.map((x) => Math.exp(x - lse));
    close(r.weights, [(2 * soft[0]) / 3, (2 * soft[1]) / 12], 1e-5);
    inst.dispose();
  });

  it("GradVac: with zero targets the first step is PCGrad's projection; targets move by beta", () => {
    const g = [
      [1, 0],
      [-1, 1],
    ];
    const targets = [
      [0, 0],
      [0, 0],
    ];
    const w = gradvacWeights(gramOfRows(g), targets, [[1], [0]], 0.5);
    close(w, pcgradWeights(gramOfRows(g), [[1], [0]]));
    const cos = dotv(g[0], g[1]) / (normv(g[0]) * normv(g[1]));
    close([targets[0][1], targets[1][0]], [0.5 * cos, 0.5 * cos]);
    // a target above the observed cosine raises it to exactly the target
    const t2 = [
      [0, 0.5],
      [0.5, 0],
    ];
    const w2 = gradvacWeights(gramOfRows(g), t2, [[1], []], 1);
    const gi = combine([w2[0], w2[1] - 1], g); // task 0's adjusted gradient
    close([dotv(gi, g[1]) / (normv(gi) * normv(g[1]))], [0.5]);
  });

  it("GradDrop: sign purity picks one sign per coordinate; leak 1 is the plain sum", async () => {
    close(graddropCombine([[1], [-1]], [0.3], [0, 0]), [1]);
    close(graddropCombine([[1], [-1]], [0.7], [0, 0]), [-1]);
    close(
      graddropCombine(
        [
          [2, 1],
          [1, -3],
        ],
        [0.5, 0.5],
        [1, 1],
      ),
      [3, -2],
    );
    // the training path (per-sample gradients, sign of the representation) on one sample with
    // positive representations is the host formula
    const inst = weighting.graddrop().create(["a", "b"], { seed: 0 });
    if (inst.needs !== "representationTransform") throw new Error("graddrop");
    const rows = [
      [0.5, -1, 2],
      [-1, -0.5, 1],
    ];
    const u = [0.2, 0.9, 0.4];
    let k = 0;
    const ctx = context(["a", "b"], { random: () => u[k++] });
    const grads = rows.map((r) => tf.tensor2d([r]));
    const reps = rows.map(() => tf.ones([1, 3]) as tf.Tensor2D);
    const out = await inst.transformGradients(grads, reps, ctx);
    const sum = [0, 0, 0];
    for (const o of out)
      (await (o as tf.Tensor).data()).forEach((x, i) => {
        sum[i] += x;
      });
    close(sum, graddropCombine(rows, u, [0, 0]));
    for (const t of [...grads, ...reps, ...(out as tf.Tensor[])]) t.dispose();
  });

  it("MoCo: one step from zero tracking", async () => {
    const g = [
      [3, 0],
      [0, 1],
    ];
    const inst = weighting.moco({ gamma: 0.1, beta: 0.5 }).create(["a", "b"], { seed: 0 });
    const r = await gradients(inst, g, [2, 1], context(["a", "b"]));
    // G~ rows: g / |g| * L = (2, 0), (0, 1); Y = 0.5 G~ = (1, 0), (0, 0.5)
    const yy = [
      [1, 0],
      [0, 0.25],
    ];
    const lam = projectSimplex([0.5 - 0.1 * yy[0][0] * 0.5, 0.5 - 0.1 * yy[1][1] * 0.5]);
    close(r.grad, [lam[0] * 1, lam[1] * 0.5], 1e-6);
    assert.equal(r.weights.length, 0, "no weights: the update is Y^T lambda");
    inst.dispose();
  });
});
