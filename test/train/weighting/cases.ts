/**
 * fast-check generators of task-gradient sets for the solver property tests: K = 2..20 rows of
 * P = 1..1000 entries with norms spread over up to six orders of magnitude, and the structures
 * that break solvers: conflicting (random), parallel and anti-parallel rows, zero rows,
 * duplicated rows, more tasks than dimensions.
 */
import fc from "fast-check";
import { Random } from "../../../src/util/random.js";

export type Kind = "random" | "parallel" | "zero" | "duplicate" | "wide" | "aligned";

export interface GradCase {
  readonly kind: Kind;
  readonly seed: number;
  readonly rows: number[][];
}

function build(kind: Kind, k: number, p: number, ratio: number, seed: number): number[][] {
  const r = new Random(seed);
  const dim = kind === "wide" ? Math.max(1, Math.min(p, k - 1)) : p;
  const scale = () => 10 ** ((r.next() - 0.5) * Math.log10(ratio));
  const vec = () => Array.from({ length: dim }, () => r.normal());
  const rows = Array.from({ length: k }, () => {
    const s = scale();
    return vec().map((x) => x * s);
  });
  if (kind === "aligned") {
    // every pair non-conflicting: non-negative entries
    return rows.map((row) => row.map((x) => Math.abs(x)));
  }
  if (kind === "parallel") {
    const base = vec();
    for (let i = 1; i < k; i += 2) {
      const s = (r.next() < 0.3 ? -1 : 1) * scale();
      rows[i] = base.map((x) => x * s);
    }
  }
  if (kind === "zero") rows[Math.floor(r.next() * k)] = new Array<number>(dim).fill(0);
  if (kind === "duplicate") {
    const src = Math.floor(r.next() * k);
    const dst = (src + 1 + Math.floor(r.next() * (k - 1))) % k;
    rows[dst] = rows[src].slice();
  }
  return rows;
}

/** Gradient sets for property tests. */
export function gradCases(opts: { maxK?: number; maxP?: number; maxRatio?: number } = {}) {
  return fc
    .record({
      kind: fc.constantFrom<Kind>("random", "parallel", "zero", "duplicate", "wide", "aligned"),
      k: fc.integer({ min: 2, max: opts.maxK ?? 20 }),
      p: fc.integer({ min: 1, max: opts.maxP ?? 1000 }),
      ratio: fc.constantFrom(1, 1e2, 1e4, 1e6).filter((x) => x <= (opts.maxRatio ?? 1e6)),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    })
    .map(
      ({ kind, k, p, ratio, seed }): GradCase => ({
        kind,
        seed,
        rows: build(kind, k, p, ratio, seed),
      }),
    );
}

/** A permutation of 0..n-1 from a seed. */
export function shuffled(n: number, seed: number): number[] {
  return new Random(seed).shuffle(Array.from({ length: n }, (_, i) => i));
}
