/**
 * SDMGrad (Stochastic Direction-oriented Multi-objective Gradient descent): Xiao et al.,
 * "Direction-oriented Multi-objective Learning: Simple and Provable Stochastic Algorithms",
 * NeurIPS 2023. Three independent batches per step: two give the unbiased product
 * `GG = G_1 G_2^T` (scaled by the mean gradient norm) for `niter` projected SGD steps (momentum)
 * on the task weights, minimising `w^T GG w / 2 + lambda w^T GG 1/T`; the update on the third
 * batch is `(G^T w + lambda g0) / (1 + lambda)`, a direction kept near the average gradient g0.
 * Here the direction is taken on the step's first batch (whose losses are logged) and the weights
 * on the other two; heads get the mean of their task's gradient over the three batches. State: w,
 * across steps. `weighting.aggregate("sdmgrad", grads, { samples: [G2, G3] })`.
 */
import { type Matrix, matVec, projectSimplex } from "../../util/linalg.js";
import { z } from "../../util/schema.js";
import { defineStrategy, options, stateArray, stateObject } from "./define.js";
import { gradientInstance } from "./gradients.js";
import { updateActive } from "./modo.js";
import type { WeightingStrategy } from "./types.js";

export interface SdmgradArgs {
  /** Regularisation lambda towards the average gradient. Defaults to `0.3` (LibMTL). */
  lambda?: number;
  /** Weight iterations per step. Defaults to `20` (LibMTL). */
  niter?: number;
  /** Step size of the weight iterations. Defaults to `5` (the authors' code). */
  lr?: number;
  /** Momentum of the weight iterations. Defaults to `0.5` (the authors' code). */
  momentum?: number;
}

export const sdmgradSchema = z.strictObject({
  lambda: z.number().min(0).optional(),
  niter: z.number().int().min(1).max(10000).optional(),
  lr: z.number().gt(0).optional(),
  momentum: z.number().min(0).lt(1).optional(),
});

/** SDMGrad's weight iterations from the cross Gram matrix; returns the new simplex weights. */
export function sdmgradUpdate(
  w0: readonly number[],
  cross: Matrix,
  o: { lambda: number; niter: number; lr: number; momentum: number },
): number[] {
  const k = w0.length;
  const diag = cross.map((row, i) => Math.sqrt(Math.max(row[i], 0)));
  const scale = diag.reduce((s, x) => s + x, 0) / k;
  const gg = cross.map((row) => row.map((x) => x / (scale * scale + 1e-8)));
  const gMean = gg.map((row) => row.reduce((s, x) => s + x, 0) / k);
  let w = w0.slice();
  let buf: number[] | undefined;
  for (let it = 0; it < o.niter; it++) {
    const g = matVec(gg, w).map((x, i) => x + o.lambda * gMean[i]);
    buf = buf ? buf.map((b, i) => o.momentum * b + g[i]) : g;
    const b = buf;
    w = projectSimplex(w.map((x, i) => x - o.lr * b[i]));
  }
  return w;
}

export function sdmgrad(args: SdmgradArgs = {}): WeightingStrategy<SdmgradArgs> {
  const o = options("sdmgrad", sdmgradSchema, args);
  const p = {
    lambda: o.lambda ?? 0.3,
    niter: o.niter ?? 20,
    lr: o.lr ?? 5,
    momentum: o.momentum ?? 0.5,
  };
  return defineStrategy(
    "sdmgrad",
    "sharedGradients",
    o,
    (tasks) => {
      let w = tasks.map(() => 1 / tasks.length);
      return gradientInstance("sharedGradients", {
        samples: 3,
        solve: async (rows, _losses, _ctx, idx, samples) => {
          const [a, b] = samples.length >= 2 ? samples : [rows, rows];
          const cross = await a.cross(b);
          const { next, used } = updateActive(w, idx, (sub) => sdmgradUpdate(sub, cross, p));
          w = next;
          const k = idx.length;
          return used.map((x) => (x + p.lambda / k) / (1 + p.lambda));
        },
        getState: () => ({ w: w.slice() }),
        setState: (s) => {
          w = stateArray("sdmgrad", "w", stateObject("sdmgrad", s).w, tasks.length);
        },
      });
    },
    { samples: 3 },
  );
}
