import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../../src/errors.js";
import { weighting } from "../../../src/train/weighting/index.js";
import { mgdaScales, mgdaWeights } from "../../../src/train/weighting/mgda.js";
import { minNormPair } from "../../../src/train/weighting/min-norm.js";
import { gramOfRows } from "../../../src/util/linalg.js";
import { Random } from "../../../src/util/random.js";
import { bruteMinNorm, close, combine, dotv, normv } from "./reference.js";

describe("minNormSolver (MGDA, Frank-Wolfe)", () => {
  it("two vectors: matches the closed form gamma = (g2 - g1).g2 / |g1 - g2|^2", () => {
    const cases = [
      [
        [1, 0],
        [0, 1],
      ],
      [
        [2, 1],
        [-1, 0.5],
      ],
      [
        [1, 2, 3],
        [-2, 0.5, 1],
      ],
      [
        [3, 0],
        [1, 0.1],
      ], // g2 alone is the min (gamma clamps to 0)
    ];
    for (const [g1, g2] of cases) {
      const diff = g1.map((x, i) => x - g2[i]);
      const gamma = Math.min(
        Math.max(
          dotv(
            g2.map((x, i) => x - g1[i]),
            g2,
          ) / dotv(diff, diff),
          0,
        ),
        1,
      );
      close(weighting.minNormSolver([g1, g2]), [gamma, 1 - gamma]);
    }
  });

  it("two vectors, hand-computed: (1,0) and (0,1) -> (1/2, 1/2); opposite vectors -> zero point", () => {
    close(
      weighting.minNormSolver([
        [1, 0],
        [0, 1],
      ]),
      [0.5, 0.5],
    );
    const w = weighting.minNormSolver([
      [2, 0],
      [-1, 0],
    ]);
    close(w, [1 / 3, 2 / 3]);
    close(
      combine(w, [
        [2, 0],
        [-1, 0],
      ]),
      [0, 0],
    );
  });

  it("three vectors: matches the brute-force face enumeration to 1e-5", () => {
    const r = new Random(42);
    const fixed = [
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ], // interior: 1/3 each
      [
        [1, 0],
        [-1, 1],
        [-1, -1],
      ], // origin inside the triangle: norm 0
      [
        [1, 0.2, 0],
        [0.9, 0.3, 0.1],
        [-1, 2, 0.5],
      ], // on an edge
      [
        [2, 0, 0],
        [3, 1, 0],
        [3, -1, 0],
      ], // a vertex
    ];
    close(weighting.minNormSolver(fixed[0]), [1 / 3, 1 / 3, 1 / 3]);
    for (const g of fixed) close(weighting.minNormSolver(g), bruteMinNorm(g));
    for (let k = 0; k < 30; k++) {
      const g = [0, 1, 2].map(() => [0, 1, 2, 3].map(() => r.normal()));
      const w = weighting.minNormSolver(g);
      const ref = bruteMinNorm(g);
      close(w, ref);
      assert.ok(normv(combine(w, g)) <= normv(combine(ref, g)) + 1e-9);
    }
  });

  it("pair closed form handles the clamped ends", () => {
    assert.deepEqual(minNormPair(1, 2, 5), [1, 1]);
    assert.deepEqual(minNormPair(5, 2, 1), [0, 1]);
  });

  it("rejects vectors of different lengths with a typed error", () => {
    assert.throws(() => weighting.minNormSolver([[1, 2], [1]]), ConfigError);
  });

  it("mgda normalisations: l2 weights are min-norm weights of unit vectors, divided by norms", () => {
    const g = [
      [3, 0],
      [0, 1],
    ];
    const gram = gramOfRows(g);
    const s = mgdaScales("l2", gram, [1, 1]);
    close(s, [3, 1]);
    // unit vectors (1,0),(0,1) -> (1/2,1/2) on units -> (1/6, 1/2) on raw
    const inst = weighting.mgda({ normalization: "l2" }).create(["a", "b"], { seed: 0 });
    assert.equal(inst.needs, "sharedGradients");
    close(mgdaScales("loss+", gram, [2, 4]), [6, 4]);
    close(mgdaScales("loss", gram, [2, 4]), [2, 4]);
  });

  it("mgda weightsOn: the normalised problem's weights on the normalised or on the raw gradients", () => {
    const gram = gramOfRows([
      [3, 0],
      [0, 1],
    ]);
    // loss+ with losses (2, 4): scales (6, 4), normalised norms^2 (1/4, 1/16) -> weights (0.2, 0.8)
    const normalized = mgdaWeights(gram, [2, 4], "loss+");
    close(normalized.w, [0.2 / 6, 0.8 / 4]);
    const raw = mgdaWeights(gram, [2, 4], "loss+", "raw");
    close(raw.w, [0.2, 0.8]); // a convex combination of the raw gradients (the released code's)
    assert.equal(raw.residual, normalized.residual);
    // without normalisation the two agree
    close(mgdaWeights(gram, [2, 4], "none", "raw").w, mgdaWeights(gram, [2, 4], "none").w);
    const inst = weighting
      .mgda({ mode: "representation", normalization: "loss+", weightsOn: "raw" })
      .create(["a", "b"], { seed: 0 });
    assert.equal(inst.needs, "representationGradients");
  });
});
