/**
 * CAGrad's problem, solved to a duality-gap tolerance for any c >= 0. Primal: the update d
 * maximises the worst task's improvement `min_i g_i . d` within the ball
 * `||d - g0|| <= r = c ||g0||`. Dual: `min_{w in simplex} F(w) = w . b + r ||g_w||` with
 * `b_i = g_i . g0` and `g_w = G^T w`; a dual point w gives the feasible primal point
 * `d = g0 + r g_w / ||g_w||`, and `F(w) - min_i g_i . d >= 0` is the duality gap.
 *
 * `sqrt(q) = min_{s > 0} q / 2s + s / 2` turns the dual into a one-dimensional search: for fixed
 * s its inner problem is the min-norm point of the shifted points `g_i + (s / r) g0` (exact, by
 * solvers/nnqp.ts), and the optimal s is the root of `||g_{w(s)}|| = s`, found by a bracketed
 * secant search on log s (the ratio `||g_w(s)|| / s` is non-increasing). When the dual optimum
 * has `g_w = 0` (0 in the hull of the gradients, e.g. a zero task gradient, and c large enough)
 * the formula for d is undefined; then every primal optimum is a d in the ball with
 * `g_i . d >= 0`, and the one nearest the average gradient, the projection of g0 onto the dual
 * cone of the gradients (solvers/dual-cone.ts), is returned (event "projected").
 */
import { type Matrix, dot, matVec } from "../../util/linalg.js";
import { minNorm } from "./min-norm.js";
import { projectDualCone } from "./solvers/dual-cone.js";

export interface CagradSolution {
  /** Weights of the update `d / (1 + c^2)` on the raw task gradients. */
  readonly w: number[];
  /** The dual weights on the simplex. */
  readonly dual: number[];
  /** Duality gap over `||g0|| * max_i ||g_i|| * (1 + c)`. */
  readonly residual: number;
  /** true when the update is the dual-cone projection of g0 (the degenerate case). */
  readonly projected: boolean;
}

/** The dual objective `F(w) = w . b + r sqrt(w^T M w)`. */
export function cagradObjective(
  m: Matrix,
  b: readonly number[],
  r: number,
  w: readonly number[],
): number {
  return dot(w, b) + r * Math.sqrt(Math.max(dot(w, matVec(m, w)), 0));
}

/** Min-norm weights of the points g_i + t g0, from M, b = M 1/K and |g0|^2. */
function shifted(m: Matrix, b: readonly number[], g0sq: number, t: number): number[] {
  const mt = m.map((row, i) => row.map((x, j) => x + t * (b[i] + b[j]) + t * t * g0sq));
  const r = minNorm(mt);
  return r.w;
}

/**
 * Solves CAGrad for Gram matrix `m` and radius factor `c`. `exactNorm(w)`, when given, returns
 * `||G^T w||` computed from the gradients themselves (the Gram matrix loses it to round-off when
 * g_w is small against the gradients).
 */
export async function cagradSolve(
  m: Matrix,
  c: number,
  exactNorm?: (w: readonly number[]) => Promise<number>,
): Promise<CagradSolution> {
  const k = m.length;
  const mean = new Array<number>(k).fill(1 / k);
  const plain = (residual = 0): CagradSolution => ({
    w: mean.map((x) => x / (1 + c * c)),
    dual: mean.slice(),
    residual,
    projected: false,
  });
  const scale = m.reduce((s, row, i) => s + Math.max(row[i], 0), 0) / k;
  if (c === 0 || !(scale > 0)) return plain();
  const mm = m.map((row) => row.map((x) => x / scale));
  const b = matVec(mm, mean);
  const g0sq = dot(b, mean);
  // g0 = 0: the ball is the point 0 and so is the update
  if (!(g0sq > 1e-30)) return plain();
  const g0 = Math.sqrt(g0sq);
  const r = c * g0;
  const maxNorm = Math.sqrt(Math.max(...mm.map((row, i) => row[i])));
  const normOf = (w: readonly number[]) => Math.sqrt(Math.max(dot(w, matVec(mm, w)), 0));
  // phi(u) = log ||g_w(t)|| - log(r t), t = e^u: non-increasing; its root is the dual optimum
  const phi = (u: number) => {
    const w = shifted(mm, b, g0sq, Math.exp(u));
    return { w, f: Math.log(normOf(w)) - Math.log(r) - u };
  };
  // below this norm a min-norm point is float64 round-off (its squared norm is ~eps M_ii)
  const noise = Math.sqrt(64 * k * Number.EPSILON) * maxNorm;
  const p0 = minNorm(mm);
  let hi = Math.log((2 * maxNorm) / r);
  let fhi = phi(hi);
  for (let i = 0; i < 200 && fhi.f > 0; i++) {
    hi += 2;
    fhi = phi(hi);
  }
  // a lower end with ||g_w|| > r t: just below the min-norm point's norm n0 when that is resolved
  // (the root is at r t < n0), else far enough above round-off to see the limit ratio
  const n0 = Math.sqrt(p0.value);
  let lo = Math.min(
    n0 > noise ? Math.log(n0 / (4 * r * (1 + 1 / c))) : Math.log((1e3 * noise) / r),
    hi - 1,
  );
  let flo = phi(lo);
  for (let i = 0; i < 80 && flo.f <= 0 && r * Math.exp(lo) > 1e-3 * noise; i++) {
    lo -= 1;
    flo = phi(lo);
  }
  let w: number[];
  // the ratio ||g_w(t)|| / (r t) at the smallest t resolved: <= 1 means g_w = 0 at the optimum
  const degenerate = flo.f <= 0;
  // at the probe, g_w(t) is far enough above round-off to carry the optimum's direction
  if (degenerate) w = flo.w;
  else {
    // Illinois-modified regula falsi on [lo, hi]
    let a = lo;
    let fa = flo.f;
    let bb = hi;
    let fb = fhi.f;
    let best = Math.abs(fa) < Math.abs(fb) ? flo.w : fhi.w;
    let side = 0;
    for (let it = 0; it < 200 && bb - a > 1e-14 * Math.max(1, Math.abs(a)); it++) {
      const x = bb - (fb * (bb - a)) / (fb - fa);
      const p = phi(x);
      best = p.w;
      if (Math.abs(p.f) < 1e-15) break;
      if (p.f > 0) {
        a = x;
        fa = p.f;
        if (side === -1) fb /= 2;
        side = -1;
      } else {
        bb = x;
        fb = p.f;
        if (side === 1) fa /= 2;
        side = 1;
      }
    }
    w = best;
  }
  const wScaled = w;
  const gwNorm = exactNorm ? (await exactNorm(wScaled)) / Math.sqrt(scale) : normOf(w);
  // any dual point bounds the primal: the min-norm point's F is the bound when g_w = 0
  const fDual = Math.min(dot(w, b) + r * gwNorm, cagradObjective(mm, b, r, p0.w));
  const worst = (a: readonly number[]) => Math.min(...matVec(mm, a));
  let weights: number[] | undefined;
  let primal = Number.NEGATIVE_INFINITY;
  if (gwNorm > 0) {
    const lam = r / gwNorm;
    weights = mean.map((x, i) => x + lam * w[i]);
    primal = worst(weights);
  }
  let projected = false;
  // the degenerate case, or a safeguard when the formula's point is not primal-optimal
  if (weights === undefined || fDual - primal > 1e-9 * g0 * maxNorm * (1 + c)) {
    const { v } = projectDualCone(mm, mean);
    const shift = v.map((x, i) => x - mean[i]);
    const dist = Math.sqrt(Math.max(dot(shift, matVec(mm, shift)), 0));
    const pv = worst(v);
    if (dist <= r * (1 + 1e-9) && pv > primal) {
      weights = v;
      primal = pv;
      projected = true;
    }
  }
  if (weights === undefined) {
    weights = mean.slice();
    primal = worst(weights);
  }
  const residual = Math.max(fDual - primal, 0) / (g0 * maxNorm * (1 + c));
  return { w: weights.map((x) => x / (1 + c * c)), dual: w, residual, projected };
}
