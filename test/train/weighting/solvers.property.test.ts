/**
 * Property-based tests (fast-check) of the float64 solvers on random task-gradient sets: K = 2..20
 * tasks, P = 1..1000, norms over up to six orders of magnitude, conflicting, parallel, zero,
 * duplicated and more-tasks-than-dimensions rows (cases.ts). Each solver's optimality certificate
 * (KKT for min-norm, the duality gap for CAGrad, the fixed point for Nash-MTL and FairGrad,
 * `g_i . d >= 0` for UPGrad, equal projections for IMTL-G), its invariances, and finite output
 * for every gradient method through `weighting.aggregate`.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { DataError } from "../../../src/errors.js";
import { cagradSolve } from "../../../src/train/weighting/cagrad-solver.js";
import { imtlSolve } from "../../../src/train/weighting/imtl.js";
import { weighting } from "../../../src/train/weighting/index.js";
import { minNorm } from "../../../src/train/weighting/min-norm.js";
import { HostRows } from "../../../src/train/weighting/rows.js";
import { bargainingSolve } from "../../../src/train/weighting/solvers/bargaining.js";
import { upgradWeights } from "../../../src/train/weighting/upgrad.js";
import { gramOfRows, matVec } from "../../../src/util/linalg.js";
import { type GradCase, gradCases, shuffled } from "./cases.js";
import { GRADIENT_NAMES } from "./names.js";
import { combine, dotv, normv } from "./reference.js";

const RUNS = 60;
const cfg = { numRuns: RUNS, seed: 20260714 };

const maxNorm = (g: number[][]) => Math.max(...g.map(normv));
const permute = <T>(a: readonly T[], p: readonly number[]) => p.map((i) => a[i]);

describe("min-norm (MGDA) solver", () => {
  it("KKT residual <= 1e-8, weights on the simplex, no worse than any vertex or the mean", () => {
    fc.assert(
      fc.property(gradCases(), (c) => {
        const m = gramOfRows(c.rows);
        const r = minNorm(m);
        assert.ok(r.residual <= 1e-8, `${c.kind}: residual ${r.residual}`);
        assert.ok(r.w.every((x) => x >= 0));
        assert.ok(Math.abs(r.w.reduce((a, b) => a + b, 0) - 1) < 1e-12);
        const v = normv(combine(r.w, c.rows)) ** 2;
        const tol = 1e-9 * Math.max(...m.map((row, i) => row[i]));
        for (let i = 0; i < m.length; i++) assert.ok(v <= m[i][i] + tol);
        const mean = combine(
          c.rows.map(() => 1 / c.rows.length),
          c.rows,
        );
        assert.ok(v <= normv(mean) ** 2 + tol);
      }),
      cfg,
    );
  });

  it("permuting the tasks permutes nothing but the weights; scaling all gradients changes nothing", () => {
    fc.assert(
      fc.property(gradCases({ maxP: 200 }), fc.double({ min: 1e-3, max: 1e3 }), (c, s) => {
        const m = gramOfRows(c.rows);
        const r = minNorm(m);
        const p = shuffled(c.rows.length, c.seed);
        const rp = minNorm(gramOfRows(permute(c.rows, p)));
        const scale = Math.max(...m.map((row, i) => row[i]));
        assert.ok(Math.abs(r.value - rp.value) <= 1e-9 * scale, `${r.value} vs ${rp.value}`);
        const rs = minNorm(m.map((row) => row.map((x) => x * s * s)));
        assert.ok(Math.abs(rs.value / (s * s) - r.value) <= 1e-9 * scale);
      }),
      cfg,
    );
  });
});

describe("CAGrad solver", () => {
  it("duality gap <= 1e-7 and the update stays in its ball, for c in {0, 0.4, 1, 5}", async () => {
    await fc.assert(
      fc.asyncProperty(gradCases(), fc.constantFrom(0, 0.4, 1, 5), async (c, cc) => {
        const rows = new HostRows(c.rows);
        const m = gramOfRows(c.rows);
        const s = await cagradSolve(m, cc, async (w) => normv(rows.combine(w)));
        assert.ok(s.residual <= 1e-7, `${c.kind} c=${cc}: gap ${s.residual}`);
        assert.ok(s.w.every(Number.isFinite));
        const k = c.rows.length;
        const d = rows.combine(s.w.map((x) => x * (1 + cc * cc)));
        const g0 = rows.combine(c.rows.map(() => 1 / k));
        const dist = normv(d.map((x, i) => x - g0[i]));
        assert.ok(dist <= cc * normv(g0) * (1 + 1e-6) + 1e-12 * maxNorm(c.rows), "ball");
      }),
      cfg,
    );
  });

  it("a zero task gradient: the update does not conflict with any task (c >= 1)", async () => {
    await fc.assert(
      fc.asyncProperty(gradCases({ maxK: 8, maxP: 50 }), async (c0) => {
        const rows = [...c0.rows, c0.rows[0].map(() => 0)];
        const s = await cagradSolve(gramOfRows(rows), 1);
        const d = combine(s.w, rows);
        // relative to the terms d sums (d may be 0 up to round-off)
        const scale = maxNorm(rows) ** 2 * s.w.reduce((a, x) => a + Math.abs(x), 0) + 1e-300;
        for (const g of rows) assert.ok(dotv(g, d) >= -1e-7 * scale, `g.d = ${dotv(g, d)}`);
      }),
      cfg,
    );
  });

  it("is invariant to task order", async () => {
    await fc.assert(
      fc.asyncProperty(gradCases({ maxP: 100 }), async (c) => {
        const p = shuffled(c.rows.length, c.seed);
        const a = combine((await cagradSolve(gramOfRows(c.rows), 0.4)).w, c.rows);
        const pr = permute(c.rows, p);
        const b = combine((await cagradSolve(gramOfRows(pr), 0.4)).w, pr);
        const tol = 1e-5 * maxNorm(c.rows);
        a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) <= tol, `${x} vs ${b[i]}`));
      }),
      { ...cfg, numRuns: 30 },
    );
  });
});

describe("Nash-MTL and FairGrad fixed points", () => {
  it("G G^T a = a^(-1/p) to residual <= 1e-6 (p = 1 Nash, 0.5, 2), a >= 0, zero rows get 0", () => {
    fc.assert(
      fc.property(gradCases(), fc.constantFrom(1, 0.5, 2), (c, p) => {
        const m = gramOfRows(c.rows);
        const r = bargainingSolve(m, p);
        assert.ok(r.residual <= 1e-6, `${c.kind} p=${p}: residual ${r.residual}`);
        assert.ok(r.a.every((x) => x >= 0 && Number.isFinite(x)));
        m.forEach((row, i) => {
          if (row[i] === 0) assert.equal(r.a[i], 0);
        });
        if (r.events.includes("stationary")) assert.ok(r.a.every((x) => x === 0));
      }),
      cfg,
    );
  });

  it("Nash: scaling every gradient by s scales a by 1/s; permuting the tasks permutes a", () => {
    fc.assert(
      fc.property(gradCases({ maxP: 100 }), fc.double({ min: 1e-2, max: 1e2 }), (c, s) => {
        const m = gramOfRows(c.rows);
        const a = bargainingSolve(m, 1).a;
        const as = bargainingSolve(
          m.map((row) => row.map((x) => x * s * s)),
          1,
        ).a;
        a.forEach((x, i) => assert.ok(Math.abs(as[i] * s - x) <= 1e-6 * Math.max(x, 1e-12)));
        const p = shuffled(c.rows.length, c.seed);
        const ap = bargainingSolve(gramOfRows(permute(c.rows, p)), 1).a;
        p.forEach((src, i) =>
          assert.ok(Math.abs(ap[i] - a[src]) <= 1e-6 * Math.max(a[src], 1e-12) + 1e-300),
        );
      }),
      { ...cfg, numRuns: 30 },
    );
  });

  it("orthogonal gradients of norms 1e-3 and 1e3: a = (1000, 0.001), no ridge effect", () => {
    const a = bargainingSolve(
      [
        [1e-6, 0],
        [0, 1e6],
      ],
      1,
    ).a;
    assert.ok(Math.abs(a[0] - 1000) < 1e-6 && Math.abs(a[1] - 0.001) < 1e-12, `${a}`);
  });
});

describe("UPGrad", () => {
  it("g_i . d >= 0 for every task, KKT residual <= 1e-9, the mean when nothing conflicts", () => {
    fc.assert(
      fc.property(gradCases(), (c) => {
        const m = gramOfRows(c.rows);
        const u = upgradWeights(m);
        assert.ok(u.residual <= 1e-9, `${c.kind}: residual ${u.residual}`);
        const d = combine(u.w, c.rows);
        const scale = maxNorm(c.rows) ** 2 * u.w.reduce((a, x) => a + Math.abs(x), 0) + 1e-300;
        for (const g of c.rows)
          assert.ok(dotv(g, d) >= -1e-9 * scale, `${c.kind}: g.d ${dotv(g, d)}`);
        if (m.every((row) => row.every((x) => x >= 0))) {
          const trace = m.reduce((s, row, i) => s + row[i], 0);
          u.w.forEach((x) => assert.ok(Math.abs(x - 1 / m.length) < 1e-9 * Math.max(1, trace)));
        }
      }),
      cfg,
    );
  });

  it("scale-invariant weights and permutation-equivariant", () => {
    fc.assert(
      fc.property(gradCases({ maxP: 100 }), fc.double({ min: 1e-3, max: 1e3 }), (c, s) => {
        const m = gramOfRows(c.rows);
        const w = upgradWeights(m).w;
        const ws = upgradWeights(m.map((row) => row.map((x) => x * s * s))).w;
        const dw = combine(w, c.rows);
        const ds = combine(ws, c.rows);
        const tolS = 1e-7 * maxNorm(c.rows) * w.reduce((a, x) => a + Math.abs(x), 1);
        dw.forEach((x, i) => assert.ok(Math.abs(ds[i] - x) <= tolS));
        // the direction is unique (a projection); weights are not when rows are dependent
        const p = shuffled(c.rows.length, c.seed);
        const pr = permute(c.rows, p);
        const dp = combine(upgradWeights(gramOfRows(pr)).w, pr);
        const d = combine(w, c.rows);
        const tol = 1e-7 * maxNorm(c.rows) * w.reduce((a, x) => a + Math.abs(x), 1);
        d.forEach((x, i) => assert.ok(Math.abs(x - dp[i]) <= tol, `${x} vs ${dp[i]}`));
      }),
      { ...cfg, numRuns: 30 },
    );
  });
});

describe("IMTL-G", () => {
  it("equal projections on every unit gradient when D U^T is regular; finite always", async () => {
    await fc.assert(
      fc.asyncProperty(gradCases(), async (c: GradCase) => {
        const r = await imtlSolve(new HostRows(c.rows));
        assert.ok(r.w.every(Number.isFinite));
        const sum = r.w.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 1) < 1e-9 || r.w.every((x) => x === 0));
        if (!r.singular) assert.ok(r.residual <= 1e-6, `${c.kind}: residual ${r.residual}`);
        if (c.kind === "zero" || c.kind === "duplicate") assert.ok(r.singular);
      }),
      cfg,
    );
  });

  it("nearly parallel gradients keep their precision (D U^T from the differences)", async () => {
    const g1 = [1, 0, 0];
    const g2 = [1, 1e-6, 0];
    const g3 = [1, 0, 2e-6];
    const r = await imtlSolve(new HostRows([g1, g2, g3]));
    const d = combine(r.w, [g1, g2, g3]);
    const proj = [g1, g2, g3].map((g) => dotv(g, d) / normv(g));
    proj.forEach((p) => assert.ok(Math.abs(p - proj[0]) < 1e-12, `${proj}`));
    assert.equal(r.singular, false);
  });
});

describe("weighting.aggregate on random cases", () => {
  it("every gradient method gives finite weights and a finite direction", async () => {
    await fc.assert(
      fc.asyncProperty(
        gradCases({ maxK: 6, maxP: 40 }),
        fc.constantFrom(...GRADIENT_NAMES, "graddrop"),
        async (c, name) => {
          const losses = c.rows.map((_, i) => 0.5 + i);
          const r = await weighting.aggregate(name, c.rows, { losses, seed: c.seed });
          assert.equal(r.direction.length, c.rows[0].length);
          assert.ok(r.direction.every(Number.isFinite), `${name} ${c.kind}: ${r.direction}`);
          if (r.weights) assert.ok(r.weights.every(Number.isFinite), `${name}: ${r.weights}`);
        },
      ),
      { ...cfg, numRuns: 80 },
    );
  });

  it("non-finite input is a DataError naming the vector and entry", async () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY])
      await assert.rejects(
        weighting.aggregate("mgda", [
          [1, 2],
          [3, bad],
        ]),
        (e: DataError) => e instanceof DataError && /vector 1/.test(e.message) && e.index === 1,
      );
    await assert.rejects(
      weighting.aggregate("mgda", [[1, 2]], { losses: [Number.NaN] }),
      DataError,
    );
  });

  it("directions match the solvers: mgda is the min-norm point, upgrad conflicts with no task", async () => {
    const g = [
      [1, 0.5, -1],
      [-0.8, 1, 0.3],
      [0.2, -0.3, 1],
    ];
    const m = await weighting.aggregate("mgda", g);
    const w = minNorm(gramOfRows(g)).w;
    m.direction.forEach((x, i) => assert.ok(Math.abs(x - combine(w, g)[i]) < 1e-12));
    const u = await weighting.aggregate("upgrad", g);
    for (const gi of g) assert.ok(dotv(gi, u.direction) >= -1e-12);
    assert.equal((await weighting.aggregate("graddrop", g, { seed: 1 })).weights, null);
    // the update of CAGrad is (g0 + lambda g_w) / (1 + c^2) of the mean gradient's size
    const c = await weighting.aggregate("cagrad", g, { c: 0.4 });
    assert.ok(matVec(gramOfRows(g), c.weights as number[]).every(Number.isFinite));
  });
});
