/**
 * The fixed point `M a = a^(-1/p)` (element-wise), `a > 0`, of Nash-MTL (p = 1: `G G^T a = 1/a`,
 * Navon et al., ICML 2022) and FairGrad (alpha-fair allocation, p = alpha, Ban & Ji, ICML 2024).
 * It is the stationary point of the strictly convex `F(a) = a^T M a / 2 - sum_i phi(a_i)` with
 * `phi'(a) = a^(-1/p)`, solved by damped Newton (Armijo backtracking, iterates kept positive) on
 * the diagonally scaled problem `a_i = b_i / ||g_i||` (unit-diagonal Gram matrix, so norm ratios
 * of 1e6 do not hurt), to the residual `max_i |a_i^(1/p) (M a)_i - 1| <= 1e-12` or `maxIter`.
 *
 * A solution exists iff some d has `g_i . d > 0` for every task, i.e. 0 is not in the convex hull
 * of the gradients. Zero gradients take no part (weight 0, event "zeroGradient"; their `a_i`
 * would be infinite and `a_i g_i` is 0 in the limit); when the remaining gradients are Pareto
 * stationary (0 in their hull) no direction helps every task and every weight is 0 (event
 * "stationary").
 */
import { type Matrix, matVec, solveLinear } from "../../../util/linalg.js";
import { minNorm } from "../min-norm.js";

export interface BargainingResult {
  readonly a: number[];
  /** `max_i |a_i^(1/p) (M a)_i - 1|` over the tasks with a_i > 0 (0 when none). */
  readonly residual: number;
  readonly iterations: number;
  readonly events: string[];
}

/** The residual of `a` for `M a = a^(-1/p)` on the entries with a_i > 0. */
export function bargainingResidual(m: Matrix, a: readonly number[], p: number): number {
  const ma = matVec(m, a);
  let r = 0;
  a.forEach((ai, i) => {
    if (ai > 0) r = Math.max(r, Math.abs(ai ** (1 / p) * ma[i] - 1));
  });
  return r;
}

function solveScaled(
  c: Matrix,
  w: readonly number[],
  p: number,
  maxIter: number,
): { b: number[]; iterations: number } {
  const n = w.length;
  const phi = (x: number) => (p === 1 ? Math.log(x) : x ** (1 - 1 / p) / (1 - 1 / p));
  const f = (b: readonly number[]) => {
    const cb = matVec(c, b);
    let s = 0;
    for (let i = 0; i < n; i++) s += 0.5 * b[i] * cb[i] - w[i] * phi(b[i]);
    return s;
  };
  const resid = (b: readonly number[]) => {
    const cb = matVec(c, b);
    let res = 0;
    for (let i = 0; i < n; i++) res = Math.max(res, Math.abs((b[i] ** (1 / p) * cb[i]) / w[i] - 1));
    return res;
  };
  let b = w.map((wi) => wi ** (p / (p + 1)));
  let fb = f(b);
  let it = 0;
  for (; it < maxIter; it++) {
    const cb = matVec(c, b);
    const res = resid(b);
    if (res <= 1e-13) break;
    const grad = cb.map((x, i) => x - w[i] * b[i] ** (-1 / p));
    const h = c.map((row, i) =>
      row.map((x, j) => (i === j ? x + (w[i] / p) * b[i] ** (-1 / p - 1) : x)),
    );
    const delta = solveLinear(
      h,
      grad.map((g) => -g),
    );
    if (!delta) break;
    const slope = grad.reduce((s, g, i) => s + g * delta[i], 0);
    // near the solution F stops resolving decreases; a full Newton step that cuts the residual
    // is taken then (quadratic convergence)
    const full = b.map((x, i) => x + delta[i]);
    if (res < 1e-3 && full.every((x) => x > 0) && resid(full) < 0.5 * res) {
      b = full;
      fb = f(b);
      continue;
    }
    let step = 1;
    let moved = false;
    for (let k = 0; k < 80; k++) {
      const cand = b.map((x, i) => x + step * delta[i]);
      if (cand.every((x) => x > 0)) {
        const fc = f(cand);
        if (fc <= fb + 1e-4 * step * slope || Math.abs(fc - fb) <= 1e-15 * Math.abs(fb)) {
          moved = cand.some((x, i) => x !== b[i]);
          b = cand;
          fb = fc;
          break;
        }
      }
      step *= 0.5;
    }
    if (!moved) break;
  }
  return { b, iterations: it };
}

/** Solves `M a = a^(-1/p)`; see the file comment for zero and stationary gradients. */
export function bargainingSolve(
  m: Matrix,
  p: number,
  opts: { maxIter?: number; ridge?: number } = {},
): BargainingResult {
  const k = m.length;
  const events: string[] = [];
  const on = m.map((row, i) => row[i] > 0).flatMap((x, i) => (x ? [i] : []));
  if (on.length < k) events.push("zeroGradient");
  const a = new Array<number>(k).fill(0);
  if (on.length === 0) return { a, residual: 0, iterations: 0, events };
  const sub = on.map((i) => on.map((j) => m[i][j]));
  const meanDiag = sub.reduce((s, row, i) => s + row[i], 0) / on.length;
  const ridge = (opts.ridge ?? 0) * meanDiag;
  if (ridge > 0)
    sub.forEach((row, i) => {
      row[i] += ridge;
    });
  const maxDiag = Math.max(...sub.map((row, i) => row[i]));
  if (ridge === 0 && minNorm(sub).value <= 1e-14 * maxDiag) {
    events.push("stationary");
    return { a, residual: 0, iterations: 0, events };
  }
  const norms = sub.map((row, i) => Math.sqrt(row[i]));
  const c = sub.map((row, i) => row.map((x, j) => x / (norms[i] * norms[j])));
  const w = norms.map((n) => n ** (1 / p - 1));
  const { b, iterations } = solveScaled(c, w, p, opts.maxIter ?? 100);
  on.forEach((i, j) => {
    a[i] = b[j] / norms[j];
  });
  const mr = ridge > 0 ? m.map((row, i) => row.map((x, j) => (i === j ? x + ridge : x))) : m;
  return { a, residual: bargainingResidual(mr, a, p), iterations, events };
}
