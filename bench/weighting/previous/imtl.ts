/** The solver as it was at f73ee0b, kept for bench/weighting/solver-time.ts (old vs new). */
import { type Matrix, solveLinear } from "../../../src/util/linalg.js";
/**
 * IMTL-G: Liu et al., "Towards Impartial Multi-task Learning", ICLR 2021 (gradient part). The
 * combined gradient has equal projections onto every task's unit gradient; its weights solve a
 * (T-1)x(T-1) linear system built from the gradients and their unit vectors, and sum to 1.
 */

/**
 * IMTL-G weights from the Gram matrix: with `D = [g_1 - g_i]`, `U = [u_1 - u_i]` (i = 2..T,
 * `u = g / ||g||`), `alpha_{2..T} = g_1 U^T (D U^T)^{-1}` and `alpha_1 = 1 - sum alpha_{2..T}`.
 * Falls back to equal weights when the system is singular (e.g. parallel gradients).
 */
export function imtlWeights(gram: Matrix): number[] {
  const t = gram.length;
  if (t === 1) return [1];
  const n = gram.map((row, i) => Math.sqrt(Math.max(row[i], 0)));
  if (n.some((x) => !(x > 0))) return new Array<number>(t).fill(1 / t);
  // g_a . u_b
  const gu = (a: number, b: number) => gram[a][b] / n[b];
  const rhs: number[] = [];
  const a: Matrix = [];
  for (let j = 1; j < t; j++) rhs.push(gu(0, 0) - gu(0, j));
  for (let i = 1; i < t; i++) {
    const row: number[] = [];
    for (let j = 1; j < t; j++) row.push(gu(0, 0) - gu(0, j) - gu(i, 0) + gu(i, j));
    a.push(row);
  }
  // alpha A = rhs  <=>  A^T alpha^T = rhs^T
  const at = a[0].map((_, j) => a.map((row) => row[j]));
  const alpha = solveLinear(at, rhs);
  if (!alpha || alpha.some((x) => !Number.isFinite(x))) return new Array<number>(t).fill(1 / t);
  return [1 - alpha.reduce((s, x) => s + x, 0), ...alpha];
}
