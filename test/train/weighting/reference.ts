/** Slow, independent reference computations for the weighting tests (vector space, no Gram tricks). */
export type Vec = number[];

export const dotv = (a: Vec, b: Vec) => a.reduce((s, x, i) => s + x * b[i], 0);
export const addv = (a: Vec, b: Vec) => a.map((x, i) => x + b[i]);
export const scalev = (a: Vec, k: number) => a.map((x) => x * k);
export const normv = (a: Vec) => Math.sqrt(dotv(a, a));
export const combine = (w: Vec, g: Vec[]) =>
  g.reduce((acc, gi, i) => addv(acc, scalev(gi, w[i])), new Array<number>(g[0].length).fill(0));

/** Determinant by Laplace expansion (tiny matrices only). */
function det(m: number[][]): number {
  if (m.length === 1) return m[0][0];
  let s = 0;
  for (let j = 0; j < m.length; j++) {
    const minor = m.slice(1).map((r) => r.filter((_, k) => k !== j));
    s += (j % 2 === 0 ? 1 : -1) * m[0][j] * det(minor);
  }
  return s;
}

/** Cramer's rule. */
function cramer(a: number[][], b: number[]): number[] | null {
  const d = det(a);
  if (Math.abs(d) < 1e-14) return null;
  return a.map((_, j) => det(a.map((r, i) => r.map((x, k) => (k === j ? b[i] : x)))) / d);
}

/**
 * Min-norm point of the convex hull by enumerating every support set: on each face, the
 * affine-hull minimiser by Lagrange multipliers (Cramer's rule); keep feasible ones; best wins.
 */
export function bruteMinNorm(g: Vec[]): Vec {
  const t = g.length;
  let best: Vec = [];
  let bestNorm = Number.POSITIVE_INFINITY;
  for (let mask = 1; mask < 1 << t; mask++) {
    const s = [...Array(t).keys()].filter((i) => mask & (1 << i));
    const a = s.map((i) => [...s.map((j) => dotv(g[i], g[j])), 1]);
    a.push([...s.map(() => 1), 0]);
    const x = cramer(a, [...s.map(() => 0), 1]);
    if (!x || x.slice(0, s.length).some((v) => v < -1e-12)) continue;
    const w = new Array<number>(t).fill(0);
    s.forEach((i, k) => {
      w[i] = x[k];
    });
    const n = normv(combine(w, g));
    if (n < bestNorm - 1e-12) {
      bestNorm = n;
      best = w;
    }
  }
  return best;
}

/** PCGrad on explicit vectors, with given visiting orders; summed. */
export function slowPcgrad(g: Vec[], orders: number[][]): Vec {
  let total = new Array<number>(g[0].length).fill(0);
  g.forEach((gi, i) => {
    let p = gi.slice();
    for (const j of orders[i]) {
      if (j === i) continue;
      const d = dotv(p, g[j]);
      if (d < 0) p = addv(p, scalev(g[j], -d / dotv(g[j], g[j])));
    }
    total = addv(total, p);
  });
  return total;
}

/** Golden-section minimisation of a unimodal function on [lo, hi]. */
export function golden(f: (x: number) => number, lo: number, hi: number): number {
  // Coarse scan first, then golden section around the best grid point.
  const n = 2000;
  let bi = 0;
  let bv = Number.POSITIVE_INFINITY;
  for (let i = 0; i <= n; i++) {
    const v = f(lo + ((hi - lo) * i) / n);
    if (v < bv) {
      bv = v;
      bi = i;
    }
  }
  let a = lo + ((hi - lo) * Math.max(bi - 1, 0)) / n;
  let b = lo + ((hi - lo) * Math.min(bi + 1, n)) / n;
  const r = (Math.sqrt(5) - 1) / 2;
  for (let k = 0; k < 200; k++) {
    const c = b - r * (b - a);
    const d = a + r * (b - a);
    if (f(c) < f(d)) b = d;
    else a = c;
  }
  return (a + b) / 2;
}

export function close(actual: readonly number[], expected: readonly number[], tol = 1e-5): void {
  if (actual.length !== expected.length)
    throw new Error(`length ${actual.length} != ${expected.length}: ${actual} vs ${expected}`);
  actual.forEach((x, i) => {
    if (!(Math.abs(x - expected[i]) <= tol))
      throw new Error(
        `entry ${i}: ${x} != ${expected[i]} (tol ${tol}); got [${actual}], expected [${expected}]`,
      );
  });
}
