/**
 * IMTL: Liu et al., "Towards Impartial Multi-task Learning", ICLR 2021, both halves.
 * - IMTL-L (loss scale): a learnable s_i per task turns each loss into `exp(s_i) L_i - s_i`
 *   (trained by the run's optimizer with the model), so that scaled losses stay comparable.
 * - IMTL-G (gradients): the update `sum_i a_i g_i` (g_i of the scaled losses, sum a = 1) has
 *   equal projections on every task's unit gradient: `a_{2..T} = g_1 U^T (D U^T)^{-1}` with
 *   `D = [g_1 - g_i]`, `U = [u_1 - u_i]`; `D U^T` is formed from the differences themselves, so
 *   nearly parallel gradients keep their precision.
 * When `D U^T` is singular (a zero gradient, linearly dependent gradients, T - 1 > P) the same
 * condition `G G^T a = lambda ||g||` is solved in the least-squares sense with the pseudo-inverse,
 * `a = (G G^T)^+ n / sum((G G^T)^+ n)`, the generalisation of Quinton & Rey (2024) used by
 * TorchJD; weights are 0 when that sum vanishes. Such steps are logged as `weighting/singular`
 * (share of the epoch's steps), never silently replaced by equal weights.
 */
import * as tf from "@tensorflow/tfjs";
import { type Matrix, matVec, solveLinear, symmetricEigen } from "../../util/linalg.js";
import { z } from "../../util/schema.js";
import {
  type GradientModeArgs,
  defineStrategy,
  gradientSchema,
  needsFor,
  options,
  stateArray,
  stateObject,
} from "./define.js";
import { gradientInstance } from "./gradients.js";
import type { Rows } from "./rows.js";
import type { WeightingStrategy } from "./types.js";

export interface ImtlArgs extends GradientModeArgs {
  /** Learn IMTL-L's loss scales. Defaults to `true` (the full method); `false` is IMTL-G alone. */
  lossScale?: boolean;
}

export const imtlSchema = gradientSchema({ lossScale: z.boolean().optional() });

/** Pseudo-inverse weights `M^+ n / sum(M^+ n)` (0 when the sum vanishes). */
export function imtlPinvWeights(gram: Matrix, precision = Number.EPSILON): number[] {
  const t = gram.length;
  const n = gram.map((row, i) => Math.sqrt(Math.max(row[i], 0)));
  const { values, vectors } = symmetricEigen(gram);
  const tol = Math.max(values[0], 0) * Math.max(t, 2) * 16 * Math.sqrt(precision);
  const v = new Array<number>(t).fill(0);
  for (let k = 0; k < t; k++) {
    if (!(values[k] > tol)) continue;
    let proj = 0;
    for (let i = 0; i < t; i++) proj += vectors[i][k] * n[i];
    for (let i = 0; i < t; i++) v[i] += (vectors[i][k] * proj) / values[k];
  }
  const sum = v.reduce((a, b) => a + b, 0);
  const scale = v.reduce((a, b) => a + Math.abs(b), 0);
  if (!(Math.abs(sum) > 1e-12 * scale)) return new Array<number>(t).fill(0);
  return v.map((x) => x / sum);
}

/** Largest spread of the projections `u_i . d`, relative to the terms they sum. */
export function imtlResidual(gram: Matrix, a: readonly number[]): number {
  const n = gram.map((row, i) => Math.sqrt(Math.max(row[i], 0)));
  const ma = matVec(gram, a);
  const on = n.flatMap((x, i) => (x > 0 ? [i] : []));
  if (on.length === 0) return 0;
  const proj = on.map((i) => ma[i] / n[i]);
  const scale = Math.max(
    ...on.map((i) => gram[i].reduce((s, x, k) => s + Math.abs(x * a[k]), 0) / n[i]),
    1e-300,
  );
  return (Math.max(...proj) - Math.min(...proj)) / scale;
}

/** IMTL-G weights from the rows (see the file comment), with a `singular` flag. */
export async function imtlSolve(
  rows: Rows,
): Promise<{ w: number[]; singular: boolean; residual: number }> {
  const gram = await rows.gram();
  const t = gram.length;
  if (t === 1) return { w: gram[0][0] > 0 ? [1] : [0], singular: !(gram[0][0] > 0), residual: 0 };
  const n = gram.map((row, i) => Math.sqrt(Math.max(row[i], 0)));
  if (n.every((x) => x > 0)) {
    const e = (i: number, s = 1) => Array.from({ length: t }, (_, k) => (k === i ? s : 0));
    const dc = [...Array(t - 1).keys()].map((j) => e(0).map((x, k) => x - e(j + 1)[k]));
    const uc = [...Array(t - 1).keys()].map((j) =>
      e(0, 1 / n[0]).map((x, k) => x - e(j + 1, 1 / n[j + 1])[k]),
    );
    const [du, g0u] = await Promise.all([rows.products(dc, uc), rows.products([e(0)], uc)]);
    // a_{2..T} (D U^T) = g_1 U^T  <=>  (D U^T)^T a^T = (g_1 U^T)^T
    const at = du[0].map((_, j) => du.map((row) => row[j]));
    const alpha = solveLinear(at, g0u[0]);
    if (alpha?.every(Number.isFinite)) {
      const w = [1 - alpha.reduce((s, x) => s + x, 0), ...alpha];
      const residual = imtlResidual(gram, w);
      if (residual <= 1e-4) return { w, singular: false, residual };
    }
  }
  const w = imtlPinvWeights(gram, rows.precision);
  return { w, singular: true, residual: imtlResidual(gram, w) };
}

/** IMTL-G weights from a float64 Gram matrix (the pseudo-inverse form; tests, analyses). */
export function imtlWeights(gram: Matrix): number[] {
  return imtlPinvWeights(gram);
}

export function imtl(args: ImtlArgs = {}): WeightingStrategy<ImtlArgs> {
  const o = options("imtl", imtlSchema, args);
  const needs = needsFor(o.mode);
  const scaled = o.lossScale ?? true;
  return defineStrategy("imtl", needs, o, (tasks) => {
    const inner = gradientInstance(needs, {
      solve: async (rows) => {
        const r = await imtlSolve(rows);
        return { w: r.w, residual: r.residual, events: r.singular ? ["singular"] : [] };
      },
    });
    if (!scaled) return inner;
    const s = tf.tidy(() => tf.variable(tf.zeros([tasks.length]), true));
    return {
      ...inner,
      variables: [s],
      transformLoss: (loss, i) =>
        tf.tidy(() => {
          const si = s.slice([i], [1]).reshape([]) as tf.Scalar;
          return tf.sub(tf.mul(tf.exp(si), loss), si) as tf.Scalar;
        }),
      getState: async () => ({ lossScales: Array.from(await s.data()) }),
      setState: (state) => {
        const v = stateArray(
          "imtl",
          "lossScales",
          stateObject("imtl", state).lossScales,
          tasks.length,
        );
        tf.tidy(() => s.assign(tf.tensor1d(v)));
      },
      dispose: () => s.dispose(),
    };
  });
}
