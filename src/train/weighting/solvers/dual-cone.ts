/**
 * Projection onto the dual cone of the task gradients, `{d : g_i . d >= 0 for every i}`, in
 * Gram form (Quinton & Rey, "Jacobian Descent for Multi-Objective Optimization", 2024,
 * Proposition 1): the projection of `G^T u` is `G^T v` with `v = argmin_{v >= u} v^T M v`.
 * With `v = u + z`, that is the NNQP `min_{z >= 0} 1/2 z^T M z + (M u)^T z` (solvers/nnqp.ts),
 * solved exactly; the certificate is the projection's KKT system: `M v >= 0` everywhere and
 * `(M v)_j = 0` where `v_j > u_j`.
 */
import { type Matrix, matVec } from "../../../util/linalg.js";
import { nnqp } from "./nnqp.js";

export interface ProjectionResult {
  readonly v: number[];
  /** Largest KKT violation, relative to `sum_k |M_jk v_k|`. */
  readonly residual: number;
}

/** The relative KKT residual of the projection weights `v >= u`. */
export function projectionResidual(m: Matrix, u: readonly number[], v: readonly number[]): number {
  const mv = matVec(m, v);
  let r = 0;
  for (let j = 0; j < v.length; j++) {
    let s = 0;
    for (let k = 0; k < v.length; k++) s += Math.abs(m[j][k] * v[k]);
    if (!(s > 0)) continue;
    const free = v[j] - u[j] > 1e-15 * Math.abs(u[j]);
    const viol = Math.max(free ? Math.abs(mv[j]) : -mv[j], 0, u[j] - v[j]);
    r = Math.max(r, viol / s);
  }
  return r;
}

/** `argmin_{v >= u} v^T M v` with its certificate. */
export function projectDualCone(m: Matrix, u: readonly number[]): ProjectionResult {
  const t = u.length;
  const sigma = Math.max(...m.map((row, i) => row[i]));
  if (!(sigma > 0)) return { v: u.slice(), residual: 0 };
  const h = m.map((row) => row.map((x) => x / sigma));
  const q = matVec(h, u);
  const { x } = nnqp(h, q);
  const v = u.map((ui, i) => ui + x[i]);
  return { v, residual: projectionResidual(m, u, v.slice(0, t)) };
}
