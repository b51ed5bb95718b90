/**
 * Solver time per step at K = 32 tasks, the previous solvers (bench/weighting/previous, as at
 * f73ee0b) against the new float64 ones, interleaved call by call on the same random gradient
 * sets (P = 1000, the property tests' generator: conflicting, parallel, zero, duplicated, wide,
 * aligned rows, norm ratios up to 1e6); plus each solver's worst certificate residual over
 * `--cases` random cases of K = 2..20 (the property-test distribution). Host float64 rows, so
 * the time is the solver's alone (the step's device work is in step-time / zoo-time).
 * Prints one JSON line. Usage: node --import tsx bench/weighting/solver-time.ts [--cases N]
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import fc from "fast-check";
import { cagradSolve } from "../../src/train/weighting/cagrad-solver.js";
import { imtlSolve } from "../../src/train/weighting/imtl.js";
import { minNorm, minNormResidual } from "../../src/train/weighting/min-norm.js";
import { HostRows } from "../../src/train/weighting/rows.js";
import {
  bargainingResidual,
  bargainingSolve,
} from "../../src/train/weighting/solvers/bargaining.js";
import { upgradWeights } from "../../src/train/weighting/upgrad.js";
import { gramOfRows, matVec } from "../../src/util/linalg.js";
import { gradCases } from "../../test/train/weighting/cases.js";
import { cagradWeights as oldCagrad } from "./previous/cagrad.js";
import { imtlWeights as oldImtl } from "./previous/imtl.js";
import { minNormFromGram as oldMinNorm } from "./previous/min-norm.js";
import { nashWeights as oldNash } from "./previous/nash.js";

const argv = process.argv;
const nCases = argv.includes("--cases") ? Number(argv[argv.indexOf("--cases") + 1]) : 1500;
const load0 = loadavg()[0];
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

// K = 32 timing
const big = fc
  .sample(gradCases({ maxK: 32, maxP: 1000 }), { numRuns: 400, seed: 7 })
  .map((c) => c.rows)
  .filter((r) => r.length >= 2)
  .map((r) => {
    // pad to K = 32 tasks with further random rows of the same kind
    const out = r.slice(0, 32);
    while (out.length < 32)
      out.push(r[out.length % r.length].map((x, i) => x * (1 + 0.1 * Math.sin(i + out.length))));
    return out;
  })
  .slice(0, 40);
const timing: Record<string, { old?: number; new: number }> = {};
const time = async (f: () => unknown | Promise<unknown>) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};
const pairs: Record<string, { old: number[]; new: number[] }> = {};
const add = (k: string, side: "old" | "new", ms: number) => {
  pairs[k] ??= { old: [], new: [] };
  pairs[k][side].push(ms);
};
for (const rows of big) {
  const m = gramOfRows(rows);
  const hr = new HostRows(rows);
  add("mgda", "old", await time(() => oldMinNorm(m)));
  add("mgda", "new", await time(() => minNorm(m)));
  add("cagrad", "old", await time(() => oldCagrad(m, 0.4)));
  add(
    "cagrad",
    "new",
    await time(() =>
      cagradSolve(m, 0.4, async (w) =>
        Math.sqrt(Math.max((await hr.products([w as number[]], [w as number[]]))[0][0], 0)),
      ),
    ),
  );
  add("nash", "old", await time(() => oldNash(m)));
  add("nash", "new", await time(() => bargainingSolve(m, 1)));
  add("imtl", "old", await time(() => oldImtl(m)));
  add("imtl", "new", await time(() => imtlSolve(hr)));
  add("upgrad", "new", await time(() => upgradWeights(m)));
  add("fairgrad", "new", await time(() => bargainingSolve(m, 2)));
}
for (const [k, v] of Object.entries(pairs))
  timing[k] = { ...(v.old.length ? { old: median(v.old) } : {}), new: median(v.new) };

// certificates over the property-test distribution, old and new
const worst: Record<string, number> = {};
const up = (k: string, v: number) => {
  worst[k] = Math.max(worst[k] ?? 0, Number.isFinite(v) ? v : Number.POSITIVE_INFINITY);
};
for (const c of fc.sample(gradCases(), { numRuns: nCases, seed: 42 })) {
  const m = gramOfRows(c.rows);
  const hr = new HostRows(c.rows);
  up("mgda KKT (new)", minNorm(m).residual);
  up("mgda KKT (old)", minNormResidual(m, oldMinNorm(m)));
  for (const cc of [0.4, 1, 5]) {
    const s = await cagradSolve(m, cc, async (w) =>
      Math.sqrt(Math.max((await hr.products([w as number[]], [w as number[]]))[0][0], 0)),
    );
    up(`cagrad gap c=${cc} (new)`, s.residual);
  }
  const nb = bargainingSolve(m, 1);
  up("nash fixed point (new)", nb.residual);
  if (!nb.events.includes("stationary") && !nb.events.includes("zeroGradient"))
    up("nash fixed point (old, default ridge)", bargainingResidual(m, oldNash(m), 1));
  up("fairgrad alpha=2 fixed point (new)", bargainingSolve(m, 2).residual);
  const u = upgradWeights(m);
  up("upgrad KKT (new)", u.residual);
  const d = matVec(m, u.w);
  const scale = Math.max(
    ...m.map((r) => r.reduce((s, x, j) => s + Math.abs(x * u.w[j]), 0)),
    1e-300,
  );
  up("upgrad -min_i g_i.d / scale (new)", Math.max(0, -Math.min(...d) / scale));
  const im = await imtlSolve(hr);
  if (!im.singular) up("imtl equal projections (new, regular)", im.residual);
}
console.log(
  JSON.stringify({
    load: [load0, loadavg()[0]],
    k: 32,
    p: "<=1000",
    cases: big.length,
    timingMs: timing,
    certificateCases: nCases,
    worst,
  }),
);
