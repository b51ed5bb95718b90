/** The solver as it was at f73ee0b, kept for bench/weighting/solver-time.ts (old vs new). */
/**
 * The min-norm point of the convex hull of task gradients (Sener & Koltun, "Multi-Task Learning
 * as Multi-Objective Optimization", NeurIPS 2018): `argmin_{w in simplex} ||sum_i w_i g_i||^2`.
 * Solved with the paper's Frank-Wolfe method (started from the best pair, exact line search by
 * the two-vector closed form), then polished to machine precision by solving the KKT system on
 * the support Frank-Wolfe found (accepted only when it satisfies the optimality conditions).
 */
import { ConfigError } from "../../../src/errors.js";
import {
  type Matrix,
  dot,
  gramOfRows,
  matVec,
  quad,
  solveLinear,
} from "../../../src/util/linalg.js";

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

export interface MinNormOptions {
  /** Frank-Wolfe iterations at most. Defaults to 250 (the paper's code). */
  maxIter?: number;
  /** Stop when the weights move less than this (L1). Defaults to 1e-6. */
  tol?: number;
}

function kktPolish(m: Matrix, w: number[]): number[] | null {
  const t = w.length;
  const support = w.map((x, i) => (x > 1e-8 ? i : -1)).filter((i) => i >= 0);
  const k = support.length;
  // [M_SS 1; 1^T 0] [w_S; -lambda] = [0; 1]
  const a: Matrix = support.map((i) => [...support.map((j) => m[i][j]), 1]);
  a.push([...support.map(() => 1), 0]);
  const b = [...support.map(() => 0), 1];
  const x = solveLinear(a, b);
  if (!x) return null;
  const out = new Array<number>(t).fill(0);
  for (let s = 0; s < k; s++) {
    if (x[s] < -1e-12) return null;
    out[support[s]] = Math.max(x[s], 0);
  }
  const mw = matVec(m, out);
  const value = dot(out, mw);
  const scale = Math.max(...m.map((r, i) => Math.abs(r[i])), 1e-300);
  // KKT: (M w)_j >= w^T M w for every j (equality on the support).
  if (mw.some((g) => g < value - 1e-9 * scale)) return null;
  if (value > quad(m, w) + 1e-12 * scale) return null;
  return out;
}

/** Min-norm convex weights from a Gram matrix `M = G G^T`. */
export function minNormFromGram(m: Matrix, opts: MinNormOptions = {}): number[] {
  const t = m.length;
  if (t === 0) return [];
  if (t === 1) return [1];
  const maxIter = opts.maxIter ?? 250;
  const tol = opts.tol ?? 1e-6;
  // Best pair.
  let w = new Array<number>(t).fill(0);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < t; i++)
    for (let j = i + 1; j < t; j++) {
      const [g, cost] = minNormPair(m[i][i], m[i][j], m[j][j]);
      if (cost < best) {
        best = cost;
        w = new Array<number>(t).fill(0);
        w[i] = g;
        w[j] = 1 - g;
      }
    }
  // Frank-Wolfe.
  for (let it = 0; it < maxIter; it++) {
    const mw = matVec(m, w);
    let s = 0;
    for (let i = 1; i < t; i++) if (mw[i] < mw[s]) s = i;
    const [g] = minNormPair(dot(w, mw), mw[s], m[s][s]);
    const next = w.map((x, i) => g * x + (i === s ? 1 - g : 0));
    let change = 0;
    for (let i = 0; i < t; i++) change += Math.abs(next[i] - w[i]);
    w = next;
    if (change < tol) break;
  }
  return kktPolish(m, w) ?? w;
}

/**
 * Min-norm convex weights of a set of vectors (contract name `weighting.minNormSolver`):
 * the `w` on the simplex minimising `||sum_i w_i grads[i]||`.
 */
export function minNormSolver(
  grads: readonly (readonly number[])[],
  opts?: MinNormOptions,
): number[] {
  const p = grads[0]?.length ?? 0;
  grads.forEach((g, i) => {
    if (g.length !== p)
      throw new ConfigError(
        `minNormSolver: vector ${i} has ${g.length} entries; expected ${p} like vector 0.`,
        { field: "grads", index: i, value: g.length, expected: `${p} entries` },
      );
  });
  return minNormFromGram(gramOfRows(grads), opts);
}
