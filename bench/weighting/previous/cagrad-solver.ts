/** The solver as it was at f73ee0b, kept for bench/weighting/solver-time.ts (old vs new). */
/**
 * The CAGrad inner problem `min_{w in simplex} F(w) = w.b + r sqrt(w^T M w)` (convex): a short
 * projected-gradient run finds the active face, then an active-set Newton method on that face
 * converges to machine precision (checked against the KKT conditions); projected gradient
 * continues alone if Newton cannot certify its answer.
 */
import {
  type Matrix,
  dot,
  matVec,
  projectSimplex,
  quad,
  solveLinear,
} from "../../../src/util/linalg.js";

export function cagradObjective(
  m: Matrix,
  b: readonly number[],
  r: number,
  w: readonly number[],
): number {
  return dot(w, b) + r * Math.sqrt(Math.max(quad(m, w), 0));
}

function gradient(
  m: Matrix,
  b: readonly number[],
  r: number,
  w: readonly number[],
): number[] | null {
  const mw = matVec(m, w);
  const n = Math.sqrt(Math.max(dot(w, mw), 0));
  if (!(n > 1e-150)) return null;
  return b.map((bi, i) => bi + (r * mw[i]) / n);
}

/** Projected gradient with backtracking, from `w`. */
export function projectedGradient(
  m: Matrix,
  b: readonly number[],
  r: number,
  w0: readonly number[],
  maxIter: number,
): number[] {
  const t = w0.length;
  let w = w0.slice();
  let f = cagradObjective(m, b, r, w);
  let step = 1 / Math.max(...m.map((row, i) => Math.abs(row[i])), 1e-300);
  for (let it = 0; it < maxIter; it++) {
    const mw = matVec(m, w);
    const norm = Math.sqrt(Math.max(dot(w, mw), 1e-300));
    const grad = b.map((bi, i) => bi + (r * mw[i]) / norm);
    let next = w;
    let fn = f;
    for (let k = 0; k < 60; k++) {
      const cand = projectSimplex(w.map((x, i) => x - step * grad[i]));
      const fc = cagradObjective(m, b, r, cand);
      const decrease = dot(
        grad,
        cand.map((x, i) => x - w[i]),
      );
      if (fc <= f + 0.5 * decrease + 1e-15 * Math.abs(f)) {
        next = cand;
        fn = fc;
        break;
      }
      step *= 0.5;
    }
    let move = 0;
    for (let i = 0; i < t; i++) move += Math.abs(next[i] - w[i]);
    w = next;
    f = fn;
    step *= 2;
    if (move < 1e-13) break;
  }
  return w;
}

/** Active-set Newton on the simplex from `w0`; `null` when it cannot certify a KKT point. */
export function activeSetNewton(
  m: Matrix,
  b: readonly number[],
  r: number,
  w0: readonly number[],
): number[] | null {
  const t = w0.length;
  let w = w0.slice();
  const support = new Set(w.flatMap((x, i) => (x > 1e-9 ? [i] : [])));
  const scale = Math.max(...m.map((row, i) => Math.abs(row[i])), 1e-300);
  for (let it = 0; it < 100; it++) {
    const grad = gradient(m, b, r, w);
    if (!grad) return null;
    const s = [...support].sort((x, y) => x - y);
    const mw = matVec(m, w);
    const n = Math.sqrt(Math.max(dot(w, mw), 0));
    // Hessian of r ||G^T w||: r (M / n - (Mw)(Mw)^T / n^3), plus a tiny ridge.
    const h = (i: number, j: number) =>
      r * (m[i][j] / n - (mw[i] * mw[j]) / (n * n * n)) + (i === j ? 1e-13 * scale : 0);
    const a = s.map((i) => [...s.map((j) => h(i, j)), 1]);
    a.push([...s.map(() => 1), 0]);
    const sol = solveLinear(a, [...s.map((i) => -grad[i]), 0]);
    if (!sol) return null;
    const d = new Array<number>(t).fill(0);
    s.forEach((i, k) => {
      d[i] = sol[k];
    });
    let alpha = 1;
    let blocking = -1;
    for (const i of s)
      if (d[i] < 0 && w[i] + alpha * d[i] < 0) {
        alpha = -w[i] / d[i];
        blocking = i;
      }
    const f = cagradObjective(m, b, r, w);
    const slope = dot(grad, d);
    let a2 = alpha;
    while (
      a2 > 1e-14 &&
      cagradObjective(
        m,
        b,
        r,
        w.map((x, i) => x + a2 * d[i]),
      ) >
        f + 1e-4 * a2 * slope + 1e-15 * Math.abs(f)
    )
      a2 *= 0.5;
    if (a2 <= 1e-14) a2 = 0;
    w = w.map((x, i) => Math.max(x + a2 * d[i], 0));
    if (a2 === alpha && blocking >= 0) {
      w[blocking] = 0;
      support.delete(blocking);
    }
    const sum = w.reduce((x, y) => x + y, 0);
    w = w.map((x) => x / sum);
    const stepNorm = Math.sqrt(dot(d, d)) * a2;
    if (stepNorm < 1e-13 || a2 === 0) {
      // KKT: gradient equal (to mu) on the support and >= mu off it.
      const g = gradient(m, b, r, w);
      if (!g) return null;
      const on = [...support];
      const mu = on.reduce((acc, i) => acc + g[i], 0) / on.length;
      const tol = 1e-9 * (Math.abs(mu) + Math.sqrt(scale));
      if (on.some((i) => Math.abs(g[i] - mu) > tol * 10)) return null;
      const enter = [...Array(t).keys()].filter((j) => !support.has(j) && g[j] < mu - tol);
      if (enter.length === 0) return w;
      let worst = enter[0];
      for (const j of enter) if (g[j] < g[worst]) worst = j;
      support.add(worst);
    }
  }
  return null;
}
