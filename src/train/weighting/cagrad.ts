/**
 * CAGrad: Liu et al., "Conflict-Averse Gradient Descent for Multi-task Learning", NeurIPS 2021.
 * Maximises the worst-case local improvement of any task within a ball of radius
 * `c * ||g0||` around the average gradient g0: with `w* = argmin_{w in simplex}
 * w^T G g0 + c ||g0|| ||G^T w||`, the update is `(g0 + c ||g0|| / ||g_w|| g_w) / (1 + c^2)`.
 */
import { type GradientModeArgs, defineStrategy, needsFor, nonNegative } from "./define.js";
import { gradientInstance } from "./gradients.js";
import { type Matrix, dot, matVec, projectSimplex, quad } from "./linalg.js";
import type { WeightingStrategy } from "./types.js";

export interface CagradArgs extends GradientModeArgs {
  /** Radius factor c of the conflict-averse ball. Defaults to `0.4` (the paper's setting). */
  c?: number;
}

/** The inner problem's objective `F(w) = w.b + r sqrt(w^T M w)`. */
function objective(m: Matrix, b: readonly number[], r: number, w: readonly number[]): number {
  return dot(w, b) + r * Math.sqrt(Math.max(quad(m, w), 0));
}

/** Solves the CAGrad inner problem on the simplex by projected gradient with backtracking. */
export function cagradInner(m: Matrix, c: number): { w: number[]; r: number; gwNorm: number } {
  const t = m.length;
  const b = matVec(m, new Array<number>(t).fill(1 / t)); // b_i = g_i . g0
  const g0sq = dot(b, new Array<number>(t).fill(1 / t));
  const r = c * Math.sqrt(Math.max(g0sq, 0));
  let w = new Array<number>(t).fill(1 / t);
  let f = objective(m, b, r, w);
  let step = 1 / Math.max(...m.map((row, i) => Math.abs(row[i])), 1e-300);
  for (let it = 0; it < 10000; it++) {
    const mw = matVec(m, w);
    const norm = Math.sqrt(Math.max(dot(w, mw), 1e-300));
    const grad = b.map((bi, i) => bi + (r * mw[i]) / norm);
    let next = w;
    let fn = f;
    for (let k = 0; k < 60; k++) {
      const cand = projectSimplex(w.map((x, i) => x - step * grad[i]));
      const fc = objective(m, b, r, cand);
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

export function cagrad(args: CagradArgs = {}): WeightingStrategy<CagradArgs> {
  const c = nonNegative("cagrad", "c", args.c, 0.4);
  return defineStrategy<CagradArgs>("cagrad", needsFor(args.mode), args, () =>
    gradientInstance({ solve: (gram) => cagradWeights(gram, c) }),
  );
}
