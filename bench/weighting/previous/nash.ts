/** The solver as it was at f73ee0b, kept for bench/weighting/solver-time.ts (old vs new). */
import { type Matrix, dot, matVec, quad, solveLinear } from "../../../src/util/linalg.js";
/**
 * Nash-MTL: Navon et al., "Multi-Task Learning as a Bargaining Game", ICML 2022. The update
 * `sum_i a_i g_i` uses the Nash bargaining solution `G G^T a = 1 / a` (a > 0). It is the
 * stationary point of the strictly convex `f(a) = a^T M a / 2 - sum_i log a_i`, which polytask
 * solves with a damped Newton method that keeps `a` positive (a few iterations for small T).
 */

export interface NashArgs {
  /** Ridge added to `G G^T`, relative to its mean diagonal, so that a solution exists when
   * gradients are linearly dependent. Defaults to `1e-6`. */
  ridge?: number;
  /** Newton iterations at most. Defaults to `50`. */
  maxIter?: number;
}

function f(m: Matrix, a: readonly number[]): number {
  return 0.5 * quad(m, a) - a.reduce((s, x) => s + Math.log(x), 0);
}

/** Solves `M a = 1 / a`, `a > 0` (M positive semi-definite, ridge-regularised). */
export function nashWeights(
  gram: Matrix,
  opts: { ridge?: number; maxIter?: number } = {},
): number[] {
  const t = gram.length;
  const meanDiag = gram.reduce((s, row, i) => s + Math.max(row[i], 0), 0) / t;
  if (!(meanDiag > 0)) return new Array<number>(t).fill(1);
  const eps = (opts.ridge ?? 1e-6) * meanDiag;
  const m = gram.map((row, i) => row.map((x, j) => (i === j ? x + eps : x)));
  let a = m.map((row, i) => 1 / Math.sqrt(row[i]));
  let fa = f(m, a);
  for (let it = 0; it < (opts.maxIter ?? 50); it++) {
    const ma = matVec(m, a);
    const grad = ma.map((x, i) => x - 1 / a[i]);
    if (Math.max(...ma.map((x, i) => Math.abs(x * a[i] - 1))) < 1e-12) break;
    const h = m.map((row, i) => row.map((x, j) => (i === j ? x + 1 / (a[i] * a[i]) : x)));
    const delta = solveLinear(
      h,
      grad.map((g) => -g),
    );
    if (!delta) break;
    const slope = dot(grad, delta);
    let step = 1;
    for (let k = 0; k < 60; k++) {
      const cand = a.map((x, i) => x + step * delta[i]);
      if (cand.every((x) => x > 0)) {
        const fc = f(m, cand);
        if (fc <= fa + 1e-4 * step * slope) {
          a = cand;
          fa = fc;
          break;
        }
      }
      step *= 0.5;
    }
    if (step < 1e-15) break;
  }
  return a;
}
