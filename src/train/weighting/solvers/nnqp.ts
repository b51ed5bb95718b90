/**
 * The non-negative quadratic program `min_x 1/2 x^T H x + q^T x` s.t. `x >= 0`, with `H`
 * positive semi-definite and `q` in the range of `H` (so `H = A^T A`, `q = -A^T b` for some `A`,
 * `b`: a non-negative least-squares problem in Gram form). Solved exactly, in float64, by the
 * active-set method of Lawson & Hanson ("Solving Least Squares Problems", 1974, ch. 23) on the
 * normal equations (as in Bro & De Jong's FNNLS, J. Chemometrics 1997): the passive set's
 * sub-system is solved by Cholesky; a column that is linearly dependent on the passive ones (a
 * duplicated or parallel gradient) is never admitted. The answer comes with its KKT residual.
 *
 * MGDA's min-norm point, UPGrad's dual-cone projections and CAGrad's inner problems all reduce
 * to this one solver.
 */
import type { Matrix } from "../../../util/linalg.js";

export interface NnqpResult {
  readonly x: number[];
  /**
   * KKT residual, relative: the largest of `max(-(Hx+q)_j, 0)` over all j and `|(Hx+q)_j|` over
   * the support, each divided by `|q_j| + sum_k |H_jk| x_k` (the size of the terms it sums).
   */
  readonly residual: number;
  readonly iterations: number;
}

/** Cholesky solve of `H_PP z = r` on the index set `p`; null when not positive definite. */
function choleskySolve(h: Matrix, p: readonly number[], r: readonly number[]): number[] | null {
  const n = p.length;
  const l: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = h[p[i]][p[j]];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) {
        // a pivot lost to round-off relative to the column's own size: linearly dependent
        if (!(s > 1e-13 * Math.abs(h[p[i]][p[i]])) || !(s > 0)) return null;
        l[i][i] = Math.sqrt(s);
      } else l[i][j] = s / l[j][j];
    }
  }
  const y = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let s = r[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * y[k];
    y[i] = s / l[i][i];
  }
  const z = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k][i] * z[k];
    z[i] = s / l[i][i];
  }
  return z;
}

function gradient(h: Matrix, q: readonly number[], x: readonly number[]): number[] {
  return q.map((qi, i) => {
    let s = qi;
    const row = h[i];
    for (let k = 0; k < x.length; k++) if (x[k] !== 0) s += row[k] * x[k];
    return s;
  });
}

function termScale(h: Matrix, q: readonly number[], x: readonly number[]): number[] {
  return q.map((qi, i) => {
    let s = Math.abs(qi);
    const row = h[i];
    for (let k = 0; k < x.length; k++) if (x[k] !== 0) s += Math.abs(row[k] * x[k]);
    return s;
  });
}

/** The relative KKT residual of `x` (see `NnqpResult.residual`). */
export function nnqpResidual(h: Matrix, q: readonly number[], x: readonly number[]): number {
  const g = gradient(h, q, x);
  const s = termScale(h, q, x);
  const floor = Math.max(...s) * 1e-300 + Number.MIN_VALUE;
  let r = 0;
  for (let j = 0; j < g.length; j++) {
    const v = x[j] > 0 ? Math.abs(g[j]) : Math.max(-g[j], 0);
    r = Math.max(r, v / Math.max(s[j], floor));
  }
  return r;
}

/** Solves the NNQP (see the file comment). */
export function nnqp(h: Matrix, q: readonly number[]): NnqpResult {
  const n = q.length;
  let x = new Array<number>(n).fill(0);
  const passive = new Array<boolean>(n).fill(false);
  const blocked = new Array<boolean>(n).fill(false);
  // entering test: -(Hx+q)_j above round-off of the terms it sums
  const tol = 64 * Number.EPSILON * Math.max(n, 4);
  let iterations = 0;
  for (let outer = 0; outer < 6 * n + 50; outer++) {
    const g = gradient(h, q, x);
    const s = termScale(h, q, x);
    let enter = -1;
    let best = 0;
    for (let j = 0; j < n; j++) {
      if (passive[j] || blocked[j]) continue;
      const w = -g[j];
      if (w > tol * s[j] && w > best) {
        best = w;
        enter = j;
      }
    }
    if (enter < 0) break;
    passive[enter] = true;
    let first = true;
    for (let inner = 0; inner < 3 * n + 10; inner++) {
      iterations++;
      const p = passive.flatMap((on, i) => (on ? [i] : []));
      const z = choleskySolve(
        h,
        p,
        p.map((i) => -q[i]),
      );
      if (!z && !first) {
        // a dependent passive set reached through removals (round-off): drop its smallest entry
        let drop = p[0];
        for (const i of p) if (x[i] < x[drop]) drop = i;
        passive[drop] = false;
        x[drop] = 0;
        continue;
      }
      if (!z || (first && z[p.indexOf(enter)] <= 0)) {
        // `enter` is (numerically) dependent on the passive columns: not admitted for now
        passive[enter] = false;
        blocked[enter] = true;
        break;
      }
      first = false;
      if (z.every((zi) => zi > 0)) {
        const next = new Array<number>(n).fill(0);
        p.forEach((i, k) => {
          next[i] = z[k];
        });
        x = next;
        blocked.fill(false);
        break;
      }
      // step towards z until the first passive variable reaches 0
      let alpha = 1;
      let hit = -1;
      p.forEach((i, k) => {
        if (z[k] <= 0) {
          const a = x[i] / (x[i] - z[k]);
          if (a < alpha) {
            alpha = a;
            hit = i;
          }
        }
      });
      const next = x.slice();
      p.forEach((i, k) => {
        next[i] = x[i] + alpha * (z[k] - x[i]);
      });
      for (const i of p)
        if (i === hit || next[i] <= 0) {
          next[i] = 0;
          passive[i] = false;
        }
      x = next;
    }
  }
  return { x, residual: nnqpResidual(h, q, x), iterations };
}
