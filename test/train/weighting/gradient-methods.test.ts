/** Hand-computed and slow-reference checks of the gradient-based strategies, to 1e-5. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { alignedWeights } from "../../../src/train/weighting/aligned.js";
import { cagradObjective, cagradSolve } from "../../../src/train/weighting/cagrad-solver.js";
import { gradnormUpdate } from "../../../src/train/weighting/gradnorm.js";
import { imtlWeights } from "../../../src/train/weighting/imtl.js";
import { weighting } from "../../../src/train/weighting/index.js";
import { nashWeights } from "../../../src/train/weighting/nash.js";
import { pcgradWeights } from "../../../src/train/weighting/pcgrad.js";
import { gramOfRows, matVec, projectSimplex } from "../../../src/util/linalg.js";
import { Random } from "../../../src/util/random.js";
import { context, gradients } from "./call.js";
import { GRADIENT_NAMES } from "./names.js";
import { addv, close, combine, dotv, golden, normv, scalev, slowPcgrad } from "./reference.js";

describe("pcgrad", () => {
  it("projects two conflicting vectors onto each other's normal plane", () => {
    // g1 = (1,0), g2 = (-1,1): g1' = (0.5,0.5), g2' = (0,1), sum (0.5,1.5)
    const g = [
      [1, 0],
      [-1, 1],
    ];
    const w = pcgradWeights(gramOfRows(g), [[1], [0]]);
    close(w, [2, 1.5]);
    close(combine(w, g), [0.5, 1.5]);
  });

  it("leaves non-conflicting vectors alone", () => {
    const g = [
      [1, 0],
      [1, 1],
    ];
    close(
      pcgradWeights(gramOfRows(g), [
        [0, 1],
        [1, 0],
      ]),
      [1, 1],
    );
  });

  it("matches an explicit vector-space projection for three tasks and random orders", () => {
    const r = new Random(7);
    for (let k = 0; k < 20; k++) {
      const g = [0, 1, 2].map(() => [0, 1, 2, 3, 4].map(() => r.normal()));
      const orders = [0, 1, 2].map(() => r.shuffle([0, 1, 2]));
      close(combine(pcgradWeights(gramOfRows(g), orders), g), slowPcgrad(g, orders));
    }
  });
});

/** Projected subgradient descent on CAGrad's dual with a decaying step (a slow reference). */
function projectedDual(m: number[][], b: number[], r: number, iters: number): number[] {
  const t = b.length;
  let w = new Array<number>(t).fill(1 / t);
  let best = w;
  let bestF = cagradObjective(m, b, r, w);
  const scale = Math.max(...m.map((row, i) => row[i]));
  for (let it = 1; it <= iters; it++) {
    const mw = matVec(m, w);
    const n = Math.sqrt(Math.max(dotv(w, mw), 1e-300));
    const g = b.map((bi, i) => bi + (r * mw[i]) / n);
    w = projectSimplex(w.map((x, i) => x - g[i] / scale / Math.sqrt(it)));
    const f = cagradObjective(m, b, r, w);
    if (f < bestF) {
      bestF = f;
      best = w;
    }
  }
  return best;
}

describe("cagrad", () => {
  /** The paper's update computed directly in vector space, with w found by 1-D search. */
  function slowCagrad(g: number[][], c: number): number[] {
    const g0 = scalev(addv(g[0], g[1]), 0.5);
    const r = c * normv(g0);
    const gw = (p: number) => addv(scalev(g[0], p), scalev(g[1], 1 - p));
    const p = golden((q) => dotv(gw(q), g0) + r * normv(gw(q)), 0, 1);
    return scalev(addv(g0, scalev(gw(p), r / normv(gw(p)))), 1 / (1 + c * c));
  }

  it("matches the 2-D reference solution for several c", async () => {
    const cases = [
      [
        [1, 0],
        [-0.5, 1],
      ],
      [
        [2, 0.5],
        [-1, 0.3],
      ],
      [
        [1, 1],
        [1, -0.2],
      ],
      [
        [4, 0],
        [0, 0.5],
      ],
    ];
    for (const g of cases)
      for (const c of [0.2, 0.4, 0.8])
        close(combine((await cagradSolve(gramOfRows(g), c)).w, g), slowCagrad(g, c));
  });

  it("the dual solution is no worse than a long projected-gradient run on the dual", async () => {
    const r = new Random(11);
    for (const t of [3, 5, 8]) {
      for (let k = 0; k < 5; k++) {
        const g = Array.from({ length: t }, () =>
          Array.from({ length: 12 }, () => r.normal() + 0.4 * (k % 2)),
        );
        const m = gramOfRows(g);
        const b = matVec(m, new Array<number>(t).fill(1 / t));
        const rr = 0.4 * Math.sqrt(b.reduce((s, x) => s + x / t, 0));
        const sol = await cagradSolve(m, 0.4);
        const slow = projectedDual(m, b, rr, 20000);
        assert.ok(cagradObjective(m, b, rr, sol.dual) <= cagradObjective(m, b, rr, slow) + 1e-10);
        assert.ok(sol.residual < 1e-9, `duality gap ${sol.residual}`);
      }
    }
  });

  it("c = 0 is the average gradient", async () => {
    close(
      (
        await cagradSolve(
          gramOfRows([
            [1, 0],
            [0, 3],
          ]),
          0,
        )
      ).w,
      [0.5, 0.5],
    );
  });
});

describe("imtl (IMTL-G)", () => {
  it("hand case (1,0), (0,2): weights (2/3, 1/3), combined (2/3, 2/3)", () => {
    const g = [
      [1, 0],
      [0, 2],
    ];
    const w = imtlWeights(gramOfRows(g));
    close(w, [2 / 3, 1 / 3]);
    close(combine(w, g), [2 / 3, 2 / 3]);
  });

  it("the combined gradient has equal projections on every unit task gradient", () => {
    const r = new Random(3);
    for (let k = 0; k < 10; k++) {
      const g = [0, 1, 2].map(() => [0, 1, 2, 3, 4].map(() => r.normal()));
      const w = imtlWeights(gramOfRows(g));
      close([w.reduce((a, b) => a + b, 0)], [1]);
      const d = combine(w, g);
      const proj = g.map((gi) => dotv(d, gi) / normv(gi));
      close(proj, [proj[0], proj[0], proj[0]]);
    }
  });
});

describe("nash", () => {
  it("orthogonal gradients: a_i = 1 / |g_i|", () => {
    close(
      nashWeights(
        gramOfRows([
          [2, 0],
          [0, 0.5],
        ]),
        { ridge: 0 },
      ),
      [0.5, 2],
    );
  });

  it("hand case M = [[1, .5], [.5, 1]]: a = sqrt(2/3) each", () => {
    close(
      nashWeights(
        [
          [1, 0.5],
          [0.5, 1],
        ],
        { ridge: 0 },
      ),
      [Math.sqrt(2 / 3), Math.sqrt(2 / 3)],
    );
  });

  it("solves G G^T a = 1/a for random three-task problems", () => {
    const r = new Random(9);
    for (let k = 0; k < 10; k++) {
      const g = [0, 1, 2].map(() => [0, 1, 2, 3].map(() => r.normal()));
      const m = gramOfRows(g);
      const a = nashWeights(m, { ridge: 0 });
      assert.ok(a.every((x) => x > 0));
      close(
        matVec(m, a),
        a.map((x) => 1 / x),
        1e-7,
      );
    }
  });
});

describe("aligned", () => {
  it("orthogonal gradients are rescaled to the smallest norm", () => {
    const g = [
      [1, 0],
      [0, 2],
    ];
    const w = alignedWeights(gramOfRows(g));
    close(w, [1, 0.5]);
    close(combine(w, g), [1, 1]);
  });

  it("2x2 general case matches the closed-form eigen-decomposition", () => {
    const m = [
      [1, 1],
      [1, 2],
    ]; // g1 = (1,0), g2 = (1,1)
    const l1 = (3 + Math.sqrt(5)) / 2;
    const l2 = (3 - Math.sqrt(5)) / 2;
    const v = (l: number) => {
      const x = [1, l - 1];
      const n = Math.hypot(x[0], x[1]);
      return [x[0] / n, x[1] / n];
    };
    const [a, b] = [v(l1), v(l2)];
    const bm = [0, 1].map((i) =>
      [0, 1].map(
        (j) => Math.sqrt(l2) * ((a[i] * a[j]) / Math.sqrt(l1) + (b[i] * b[j]) / Math.sqrt(l2)),
      ),
    );
    close(alignedWeights(m), [bm[0][0] + bm[0][1], bm[1][0] + bm[1][1]]);
  });

  it("rank-deficient: g2 = 2 g1 keeps the one direction", () => {
    close(
      alignedWeights(
        gramOfRows([
          [1, 0],
          [2, 0],
        ]),
      ),
      [0.6, 1.2],
    );
  });
});

describe("gradnorm", () => {
  it("one weight update, hand-computed (alpha = 1, lr = 0.1)", () => {
    // norms (2, 1); rates (0.5, 1) -> r = (2/3, 4/3); mean G = 1.5; targets (1, 2)
    const w = gradnormUpdate(
      [1, 1],
      [
        [4, 0],
        [0, 1],
      ],
      [1, 1],
      [2, 1],
      1,
      0.1,
    );
    close(w, [(0.8 * 2) / 1.9, (1.1 * 2) / 1.9]);
  });
});

for (const backend of ["cpu", "wasm"] as const) {
  describe(`gradient strategies on tensors (${backend})`, () => {
    const ctx = context(["a", "b"], { random: () => 0.5 });
    const run = async (name: string, g: number[][], opts: object = {}) => {
      const inst = weighting.create(name, opts).create(["a", "b"], { seed: 0 });
      const out = await gradients(inst, g, [1, 1], ctx);
      inst.dispose();
      return out;
    };

    it("pcgrad, mgda, imtl, nash, aligned give the hand-computed combined gradients", async () => {
      await tf.setBackend(backend);
      const start = tf.memory().numTensors;
      close(
        (
          await run("pcgrad", [
            [1, 0],
            [-1, 1],
          ])
        ).grad,
        [0.5, 1.5],
      );
      close(
        (
          await run("mgda", [
            [1, 0],
            [0, 1],
          ])
        ).grad,
        [0.5, 0.5],
      );
      const l2 = await run(
        "mgda",
        [
          [3, 0],
          [0, 1],
        ],
        { normalization: "l2" },
      );
      close(l2.weights, [1 / 6, 1 / 2]);
      close(l2.grad, [0.5, 0.5]);
      close(
        (
          await run("imtl", [
            [1, 0],
            [0, 2],
          ])
        ).grad,
        [2 / 3, 2 / 3],
      );
      close(
        (
          await run(
            "nash",
            [
              [2, 0],
              [0, 0.5],
            ],
            { ridge: 0 },
          )
        ).weights,
        [0.5, 2],
      );
      close(
        (
          await run("aligned", [
            [1, 0],
            [0, 2],
          ])
        ).grad,
        [1, 1],
      );
      assert.equal(tf.memory().numTensors, start);
    });
  });
}

describe("gradient strategies own no tensors", () => {
  it("combineGradients outside any tidy leaves only the returned gradient", async () => {
    const ctx = context(["a", "b"], { random: () => 0.5 });
    for (const name of GRADIENT_NAMES) {
      const start = tf.memory().numTensors;
      const inst = weighting.create(name).create(["a", "b"], { seed: 0 });
      const own = inst.variables.length;
      const g = tf.tensor2d([
        [1, 0.5],
        [-0.5, 1],
      ]);
      if (inst.needs === "losses" || inst.needs === "representationTransform")
        throw new Error(`${name} is gradient-based`);
      const out = await inst.combineGradients(g, new Float32Array([1, 1]), ctx);
      // the gradient, the input and the instance's own variables / device state
      const state = inst.stateVariables?.length ?? 0;
      assert.equal(tf.memory().numTensors, start + 2 + own + state, name);
      out.grad.dispose();
      g.dispose();
      inst.dispose();
      assert.equal(tf.memory().numTensors, start, name);
    }
  });
});
