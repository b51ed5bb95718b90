/**
 * The min-norm point of the convex hull of task gradients (Sener & Koltun, "Multi-Task Learning
 * as Multi-Objective Optimization", NeurIPS 2018): `argmin_{w in simplex} ||sum_i w_i g_i||^2`,
 * for any number of tasks, exactly, in float64. The simplex problem is the non-negative least
 * squares problem `min_{x >= 0} ||G^T x||^2 + (1 - sum x)^2` (the points lifted to `[g_i; 1]`,
 * the target `[0; 1]`): its solution is `w / (1 + ||G^T w||^2)`, so `w = x / sum x`. That is
 * solved by the Lawson-Hanson active-set method (solvers/nnqp.ts) and certified by the
 * Frank-Wolfe duality gap `w^T M w - min_j (M w)_j`, which is 0 exactly at the KKT point.
 */
import { ConfigError, DataError } from "../../errors.js";
import { type Matrix, dot, gramOfRows, matVec } from "../../util/linalg.js";
import { nnqp } from "./solvers/nnqp.js";

/**
 * `argmin_{g in [0,1]} ||g v1 + (1-g) v2||^2` from `v1.v1`, `v1.v2`, `v2.v2`: the weight `g` on
 * v1 and the squared norm at the minimum.
 */
export function minNormPair(v11: number, v12: number, v22: number): [number, number] {
  if (v12 >= v11) return [1, v11];
  if (v12 >= v22) return [0, v22];
  const g = (v22 - v12) / (v11 + v22 - 2 * v12);
  return [g, v22 + g * (v12 - v22)];
}

export interface MinNormResult {
  /** Weights on the simplex. */
  readonly w: number[];
  /** The squared norm of the min-norm point, `w^T M w`. */
  readonly value: number;
  /**
   * KKT residual, relative: `max(w^T M w - min_j (M w)_j, max_j w_j |(M w)_j - w^T M w|)` over
   * `max_j sum_k |M_jk| w_k` (floored at 1e-15 max_j M_jj; 0 at the optimum; the objective's
   * excess is at most twice the first term).
   */
  readonly residual: number;
}

/** The relative KKT residual of simplex weights `w` for the min-norm problem. */
export function minNormResidual(m: Matrix, w: readonly number[]): number {
  const mw = matVec(m, w);
  const v = w.reduce((s, wi, i) => s + wi * mw[i], 0);
  // the size of the terms (M w)_j sums, floored at float64 resolution of the Gram matrix
  let scale = 1e-15 * Math.max(...m.map((row, i) => row[i]));
  for (let j = 0; j < w.length; j++) {
    let s = 0;
    for (let k = 0; k < w.length; k++) s += Math.abs(m[j][k] * w[k]);
    scale = Math.max(scale, s);
  }
  if (!(scale > 0)) return 0;
  let r = Math.max(v - Math.min(...mw), 0);
  w.forEach((wi, j) => {
    r = Math.max(r, wi * Math.abs(mw[j] - v));
  });
  return r / scale;
}

/** Min-norm convex weights from a Gram matrix `M = G G^T`, with their certificate. */
export function minNorm(m: Matrix): MinNormResult {
  const t = m.length;
  if (t === 0) return { w: [], value: 0, residual: 0 };
  if (t === 1) return { w: [1], value: Math.max(m[0][0], 0), residual: 0 };
  const sigma = Math.max(...m.map((row, i) => row[i]));
  if (!(sigma > 0)) return { w: new Array<number>(t).fill(1 / t), value: 0, residual: 0 };
  const value = (v: readonly number[]) => Math.max(dot(v, matVec(m, v)), 0);
  // lifted points [g_i; l], target [0; l]: H = M + l^2 1 1^T, q = -l^2 1. Any l > 0 gives the
  // answer; l^2 near the answer's squared norm keeps the most digits, so a second solve with
  // l^2 = the first answer's value refines it when the norms span many orders of magnitude
  const solve = (lift: number) => {
    const h = m.map((row) => row.map((x) => (x + lift) / sigma));
    const { x } = nnqp(h, new Array<number>(t).fill(-lift / sigma));
    const sum = x.reduce((a, b) => a + b, 0);
    let w = sum > 0 ? x.map((xi) => xi / sum) : new Array<number>(t).fill(1 / t);
    // round-off leaves weights of ~1e-16 on vertices off the support: drop them when that is
    // no worse (it matters when the min-norm point is 0, e.g. a zero gradient)
    const big = Math.max(...w);
    const clean = w.map((wi) => (wi < 1e-12 * big ? 0 : wi));
    const cs = clean.reduce((a, b) => a + b, 0);
    const cleaned = clean.map((wi) => wi / cs);
    if (value(cleaned) <= value(w)) w = cleaned;
    return { w, value: value(w), residual: minNormResidual(m, w) };
  };
  let best = solve(sigma);
  if (best.residual > 1e-13 && best.value < 1e-3 * sigma) {
    const again = solve(Math.max(best.value, 1e-30 * sigma));
    if (again.residual < best.residual) best = again;
  }
  return best;
}

/** Min-norm convex weights from a Gram matrix `M = G G^T`. */
export function minNormFromGram(m: Matrix): number[] {
  return minNorm(m).w;
}

/** Checks that `grads` is a non-empty list of equally long vectors of finite numbers. */
export function checkRows(where: string, grads: readonly (readonly number[])[]): void {
  if (!Array.isArray(grads) || grads.length === 0)
    throw new ConfigError(`${where}: expected a non-empty array of vectors, got ${grads}.`, {
      field: "grads",
      value: grads,
      expected: "an array of K equally long number arrays",
    });
  const p = grads[0]?.length ?? 0;
  grads.forEach((g: readonly number[], i) => {
    if (!Array.isArray(g) && !ArrayBuffer.isView(g))
      throw new ConfigError(`${where}: vector ${i} is not an array.`, {
        field: "grads",
        index: i,
        value: g,
        expected: "an array of numbers",
      });
    if (g.length !== p)
      throw new ConfigError(
        `${where}: vector ${i} has ${g.length} entries; expected ${p} like vector 0.`,
        { field: "grads", index: i, value: g.length, expected: `${p} entries` },
      );
    for (let k = 0; k < g.length; k++)
      if (typeof g[k] !== "number" || !Number.isFinite(g[k]))
        throw new DataError(
          `${where}: vector ${i} has ${g[k]} at entry ${k}; every entry must be a finite number.`,
          { field: "grads", index: i, value: g[k], expected: "a finite number" },
        );
  });
}

/**
 * Min-norm convex weights of a set of vectors (contract name `weighting.minNormSolver`):
 * the `w` on the simplex minimising `||sum_i w_i grads[i]||`.
 */
export function minNormSolver(grads: readonly (readonly number[])[]): number[] {
  checkRows("minNormSolver", grads);
  return minNormFromGram(gramOfRows(grads));
}
