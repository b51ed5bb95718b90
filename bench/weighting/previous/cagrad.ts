/** The solver as it was at f73ee0b, kept for bench/weighting/solver-time.ts (old vs new). */
import { type Matrix, dot, matVec, quad } from "../../../src/util/linalg.js";
/**
 * CAGrad: Liu et al., "Conflict-Averse Gradient Descent for Multi-task Learning", NeurIPS 2021.
 * Maximises the worst-case local improvement of any task within a ball of radius
 * `c * ||g0||` around the average gradient g0: with `w* = argmin_{w in simplex}
 * w^T G g0 + c ||g0|| ||G^T w||`, the update is `(g0 + c ||g0|| / ||g_w|| g_w) / (1 + c^2)`.
 */
import { activeSetNewton, cagradObjective, projectedGradient } from "./cagrad-solver.js";

export interface CagradArgs {
  /** Radius factor c of the conflict-averse ball. Defaults to `0.4` (the paper's setting). */
  c?: number;
}

/** Solves the CAGrad inner problem on the simplex (see cagrad-solver.ts). */
export function cagradInner(m: Matrix, c: number): { w: number[]; r: number; gwNorm: number } {
  const t = m.length;
  const b = matVec(m, new Array<number>(t).fill(1 / t)); // b_i = g_i . g0
  const g0sq = dot(b, new Array<number>(t).fill(1 / t));
  const r = c * Math.sqrt(Math.max(g0sq, 0));
  let w = projectedGradient(m, b, r, new Array<number>(t).fill(1 / t), 200);
  const polished = activeSetNewton(m, b, r, w);
  const f = cagradObjective(m, b, r, w);
  if (polished && cagradObjective(m, b, r, polished) <= f + 1e-14 * Math.abs(f)) w = polished;
  else w = projectedGradient(m, b, r, w, 10000);
  return { w, r, gwNorm: Math.sqrt(Math.max(quad(m, w), 0)) };
}

/** CAGrad's update as task weights on the raw gradients. */
export function cagradWeights(gram: Matrix, c: number): number[] {
  const t = gram.length;
  // Scale-free: normalise by the mean squared gradient norm for conditioning.
  const scale = gram.reduce((s, row, i) => s + Math.max(row[i], 0), 0) / t;
  if (!(scale > 0)) return new Array<number>(t).fill(1 / t);
  const m = gram.map((row) => row.map((x) => x / scale));
  const { w, r, gwNorm } = cagradInner(m, c);
  const lambda = gwNorm > 1e-12 ? r / gwNorm : 0;
  return w.map((wi) => (1 / t + lambda * wi) / (1 + c * c));
}
