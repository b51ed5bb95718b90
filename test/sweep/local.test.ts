import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadSweep } from "../../src/sweep/results.js";
import { runSweep } from "../../src/sweep/run.js";
import { compare } from "../../src/viz/compare.js";
import { EPOCHS, checkResumedSweep, killAfterCheckpoint, makeSweep } from "./harness.js";

const quiet = () => {};

describe("polytask sweep, local engine", () => {
  it("runs every trial as a train process; a killed trial resumes from its checkpoint", async (t) => {
    const { dir, file } = makeSweep();
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const running = runSweep(file, { log: quiet });
    const killedAt = await killAfterCheckpoint(file, "t0001");
    const report = await running;
    await checkResumedSweep(report, killedAt);

    // the finished directory: results, per-trial CSV logs, and what compare() and Pareto read
    const summary = readFileSync(join(report.dir, "summary.csv"), "utf8").trim().split("\n");
    assert.equal(summary.length, 4);
    assert.match(summary[0], /^id,status,attempts,epochs,fit\.weighting\.weights,/);
    const sweep = await loadSweep(report.dir);
    assert.deepEqual(
      sweep.trials.map((t) => t.status),
      ["completed", "completed", "completed"],
    );
    assert.match(sweep.trials[0].name, /^t0000 weights=a:0\.200,b:0\.800$/);
    const c = compare(sweep);
    assert.equal(c.runs.length, 3);
    const pareto = c.plot("pareto");
    const points = pareto.data.filter((t) => t.name !== "Pareto front");
    assert.equal(points.length, 3, "one point per trial");
    assert.match(
      JSON.stringify(pareto.layout),
      /val\/a\/accuracy/,
      "x axis: task a's validation metric",
    );
    assert.equal(c.table().shape[0], 3);
    assert.equal(c.plot("curves").data.length, 6, "two tasks x three trials");
    for (const t of sweep.trials) assert.equal(t.history.length, EPOCHS);

    // running the sweep again keeps the completed trials
    const again = await runSweep(file, { log: quiet });
    assert.deepEqual(
      again.trials.map((t) => t.attempts),
      [0, 0, 0],
    );
  });

  it("does not retry a trial whose config is bad (train exits 2)", async (t) => {
    const { dir, file } = makeSweep({
      space: { "fit.batchSize": [0], "fit.weighting": ["ew"] },
      retries: 3,
    });
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const report = await runSweep(file, { log: quiet });
    assert.equal(report.failed, 1);
    assert.equal(report.trials[0].attempts, 1);
    assert.match(report.trials[0].error ?? "", /bad config or data/);
    const log = readFileSync(join(report.dir, "trials", "t0000", "train.log"), "utf8");
    assert.match(log, /batchSize/);
  });
});
