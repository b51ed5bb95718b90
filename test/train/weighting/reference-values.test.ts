/**
 * polytask's gradient methods against independent implementations on fixed cases (the values in
 * fixtures/reference.json, made by fixtures/make_reference.py with TorchJD 0.17, cvxpy and scipy;
 * LibMTL's DB-MTL and ExcessMTL updates transcribed in numpy). Weights are compared on the K rows,
 * or directions where the method has no weights.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { weighting } from "../../../src/train/weighting/index.js";
import { minNorm } from "../../../src/train/weighting/min-norm.js";
import { gramOfRows } from "../../../src/util/linalg.js";
import { combine, dotv } from "./reference.js";

interface Case {
  name: string;
  grads: number[][];
  samples: number[][][];
  [key: string]: unknown;
}

const ref = JSON.parse(
  readFileSync(new URL("./fixtures/reference.json", import.meta.url), "utf8"),
) as { cases: Case[] };

function closeRel(a: readonly number[], b: readonly number[], tol: number, what: string): void {
  const scale = Math.max(...b.map(Math.abs), 1e-300);
  a.forEach((x, i) =>
    assert.ok(Math.abs(x - b[i]) <= tol * scale, `${what}[${i}]: ${x} vs ${b[i]} (tol ${tol})`),
  );
}

/** Equal up to a positive common factor. */
function closeUpToScale(a: readonly number[], b: readonly number[], tol: number, what: string) {
  const s = a.reduce((x, y) => x + Math.abs(y), 0) / b.reduce((x, y) => x + Math.abs(y), 0);
  closeRel(
    a,
    b.map((x) => x * s),
    tol,
    what,
  );
}

describe("gradient methods vs TorchJD 0.17 / cvxpy / scipy / LibMTL (fixed cases)", () => {
  for (const c of ref.cases) {
    it(c.name, async () => {
      const w = async (name: string, opts: Record<string, unknown> = {}) =>
        (await weighting.aggregate(name, c.grads, opts)).weights as number[];
      // MGDA: the exact min-norm point (cvxpy, Clarabel); TorchJD's Frank-Wolfe is close
      // MGDA: the exact min-norm point (cvxpy, Clarabel); TorchJD's Frank-Wolfe is close. The
      // point is unique, its weights only when the gradients are affinely independent (K <= P)
      const mg = await weighting.aggregate("mgda", c.grads);
      const dx = combine(c.mgda_exact as number[], c.grads);
      const scale = Math.max(...c.grads.flat().map(Math.abs));
      mg.direction.forEach((x, i) => assert.ok(Math.abs(x - dx[i]) <= 1e-6 * scale, "mgda point"));
      if (c.grads.length <= c.grads[0].length) {
        closeRel(mg.weights as number[], c.mgda_exact as number[], 1e-6, "mgda vs cvxpy");
        closeRel(mg.weights as number[], c.mgda_torchjd_fw as number[], 1e-3, "mgda vs TorchJD FW");
      }
      // UPGrad with TorchJD's normalisation and ridge (quadprog)
      closeRel(
        await w("upgrad", { normEps: 1e-4, regEps: 1e-4 }),
        c.upgrad_torchjd as number[],
        1e-6,
        "upgrad",
      );
      closeRel(await w("imtl", { lossScale: false }), c.imtl_torchjd as number[], 1e-6, "imtl");
      // TorchJD weighs the aligned gradients by 1/K, polytask by 1 (the paper's experiments)
      closeUpToScale(await w("aligned"), c.aligned_torchjd as number[], 1e-6, "aligned");
      if (minNorm(gramOfRows(c.grads)).value > 1e-12 * scale * scale) {
        closeRel(await w("fairgrad"), c.fairgrad1_torchjd as number[], 1e-5, "fairgrad 1");
        closeRel(
          await w("fairgrad", { alpha: 2 }),
          c.fairgrad2_torchjd as number[],
          1e-5,
          "fairgrad 2",
        );
        // Nash-MTL: the fixed point G G^T a = 1/a solved by scipy to 1e-15
        closeUpToScale(await w("nash"), c.nash_exact as number[], 1e-7, "nash");
      } else {
        // 0 in the hull of the gradients: no fixed point exists (scipy's least-squares point
        // is not one); polytask gives a zero update and says so
        for (const n of ["nash", "fairgrad"])
          assert.ok(
            (await w(n)).every((x) => x === 0),
            n,
          );
      }
      // TorchJD's Clarabel call runs at its default tolerances (weights to ~1e-4)
      // When 0 is in the hull and c >= 1 the optimum is not unique: compare the worst task's
      // improvement, which is
      for (const [cc, v] of Object.entries(c.cagrad_torchjd as Record<string, number[]>)) {
        const ours = await w("cagrad", { c: Number(cc) });
        const worst = (x: number[]) =>
          Math.min(...c.grads.map((g) => dotv(g, combine(x, c.grads))));
        assert.ok(worst(ours) >= worst(v) - 1e-6 * scale * scale, `cagrad c=${cc} worst task`);
        if (minNorm(gramOfRows(c.grads)).value > 1e-12 * scale * scale)
          closeRel(ours, v, 5e-4, `cagrad c=${cc}`);
      }
      // MoDo and SDMGrad: one step from a fresh state on the cross Gram matrix of two batches
      closeRel(await w("modo", { samples: c.samples }), c.modo_torchjd as number[], 1e-9, "modo");
      closeRel(
        await w("sdmgrad", { samples: c.samples }),
        c.sdmgrad_torchjd as number[],
        1e-9,
        "sdmgrad",
      );
    });
  }

  it("DB-MTL and ExcessMTL over several steps match LibMTL's updates", async () => {
    await tf.setBackend("cpu");
    for (const c of ref.cases) {
      const k = c.grads.length;
      const tasks = c.grads.map((_, i) => `t${i}`);
      const ctx = (step: number) => ({
        step,
        epoch: 0,
        tasks,
        epochLosses: [],
        random: () => 0.5,
        active: tasks.map(() => true),
      });
      const db = weighting.dbmtl().create(tasks, { seed: 0 });
      if (db.needs !== "sharedGradients") throw new Error("dbmtl");
      let dir: number[] = [];
      const steps = [c.grads, c.samples[0]];
      const losses = [tasks.map((_, i) => 0.5 + i), tasks.map((_, i) => 0.4 + i)];
      for (let s = 0; s < 2; s++) {
        // the rows DB-MTL sees in training are those of log(L): g / (L + 1e-8)
        const rows = steps[s].map((r, i) => r.map((x) => x / (losses[s][i] + 1e-8)));
        const g = tf.tensor2d(rows);
        const out = await db.combineGradients(g, Float32Array.from(losses[s]), ctx(s));
        dir = Array.from(await out.grad.data());
        out.grad.dispose();
        g.dispose();
      }
      db.dispose();
      closeRel(dir, c.dbmtl_libmtl_2steps as number[], 1e-4, `${c.name} dbmtl`);
      const ex = weighting.excessmtl().create(tasks, { seed: 0 });
      if (ex.needs !== "sharedGradients") throw new Error("excessmtl");
      let weights: number[] = [];
      for (const [s, rows] of [c.grads, ...c.samples].entries()) {
        const g = tf.tensor2d(rows);
        const out = await ex.combineGradients(g, new Float32Array(k).fill(1), ctx(s));
        weights = [...(out.weights ?? [])];
        out.grad.dispose();
        g.dispose();
      }
      ex.dispose();
      closeRel(weights, c.excessmtl_libmtl_3steps as number[], 1e-4, `${c.name} excessmtl`);
      // the direction of MGDA is the weights' combination
      const m = await weighting.aggregate("mgda", c.grads);
      closeRel(m.direction, combine(m.weights as number[], c.grads), 1e-12, "direction");
    }
  });
});
