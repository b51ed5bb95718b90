/**
 * Shared parts of the sweep engine tests: a tiny two-task train config (inline fromArrays data,
 * an mlp, cpu backend), a sweep over static task weights where trials t0001 and t0002 are the
 * same run (so a killed-and-resumed t0001 can be checked against an undisturbed t0002), and a
 * helper that kills a trial's process group once it has written a checkpoint.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { SweepReport } from "../../src/sweep/run.js";
import { readSweep } from "../../src/sweep/spec.js";
import { trialFiles } from "../../src/sweep/trial.js";

export const EPOCHS = 16;

export function makeSweep(extra: Record<string, unknown> = {}): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "polytask-sweep-"));
  let s = 7;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const x = Array.from({ length: 480 }, () =>
    [rnd(), rnd(), rnd(), rnd()].map((v) => Math.round((v * 2 - 1) * 1000) / 1000),
  );
  const train = {
    backend: "cpu",
    input: [4],
    backbone: { kind: "mlp", units: [8] },
    tasks: {
      a: {
        head: { kind: "classifier", units: 2 },
        train: { source: "fromArrays", x, y: x.map((r) => (r[0] + r[1] > 0 ? 1 : 0)) },
      },
      b: {
        head: { kind: "classifier", units: 2 },
        train: { source: "fromArrays", x, y: x.map((r) => (r[2] - r[3] > 0 ? 1 : 0)) },
      },
    },
    fit: {
      epochs: EPOCHS,
      batchSize: 16,
      validationSplit: 0.25,
      optimizer: { name: "sgd", lr: 0.1 },
      weighting: { name: "static" },
    },
  };
  writeFileSync(join(dir, "train.json"), JSON.stringify(train));
  const sweep = {
    train: "train.json",
    out: "out",
    space: {
      "fit.weighting.weights": [
        { a: 0.2, b: 0.8 },
        { a: 0.5, b: 0.5 },
        { a: 0.5, b: 0.5 },
      ],
    },
    workers: 2,
    retries: 2,
    ...extra,
  };
  const file = join(dir, "sweep.json");
  writeFileSync(file, JSON.stringify(sweep, null, 1));
  return { dir, file };
}

/**
 * Waits until trial `id` has checkpointed at least one epoch while still running, then kills its
 * process group with SIGKILL. Resolves with the epochs its CSV log held at the kill.
 */
export async function killAfterCheckpoint(
  sweepFile: string,
  id: string,
  limitS = 120,
): Promise<number> {
  const out = (await readSweep(sweepFile)).out;
  const f = trialFiles(out, id);
  const deadline = Date.now() + limitS * 1000;
  while (Date.now() < deadline) {
    if (existsSync(f.result)) throw new Error(`${id} finished before it could be killed`);
    if (existsSync(f.metrics) && existsSync(f.pid)) {
      const rows = readFileSync(f.metrics, "utf8").trim().split("\n").length - 1;
      if (rows >= 1 && rows < EPOCHS) {
        process.kill(-Number(readFileSync(f.pid, "utf8")), "SIGKILL");
        return rows;
      }
    }
    await sleep(25);
  }
  throw new Error(`${id} did not checkpoint within ${limitS} s`);
}

/** Checks a sweep in which t0001 was killed once: it resumed and matches the undisturbed t0002. */
export async function checkResumedSweep(report: SweepReport, killedAt: number): Promise<void> {
  assert.equal(report.failed, 0, JSON.stringify(report.trials, null, 1));
  assert.equal(report.completed, 3);
  const [t0, t1, t2] = report.trials;
  assert.equal(t0.attempts, 1);
  assert.equal(t2.attempts, 1);
  assert.equal(t1.attempts, 2, "the killed trial was retried once");
  assert.ok(
    t1.resumedFromEpoch !== undefined &&
      t1.resumedFromEpoch >= killedAt &&
      t1.resumedFromEpoch < EPOCHS,
    `resumed from its checkpoint (epoch ${t1.resumedFromEpoch}, killed with ${killedAt} logged)`,
  );
  assert.equal(t0.resumedFromEpoch, undefined);
  for (const t of report.trials) assert.equal(t.epochs, EPOCHS);
  // the resumed run is the same run: every logged value but wall time agrees with t0002's
  const { loadSweep } = await import("../../src/sweep/results.js");
  const sweep = await loadSweep(report.dir);
  const h1 = sweep.trials[1].history;
  const h2 = sweep.trials[2].history;
  assert.deepEqual(
    h1.map((l) => l.epoch),
    Array.from({ length: EPOCHS }, (_, i) => i),
  );
  const strip = (l: Readonly<Record<string, number>>) =>
    Object.fromEntries(Object.entries(l).filter(([k]) => k !== "time"));
  assert.deepEqual(h1.map(strip), h2.map(strip));
  const attempts = sweep.trials[1].attempts;
  assert.equal(attempts.length, 2);
  assert.equal(attempts[0].signal, "SIGKILL");
  assert.equal(attempts[1].exitCode, 0);
}
