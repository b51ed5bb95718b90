import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, UnknownNameError } from "../../src/errors.js";
import { csvToHistory, historyToCsv } from "../../src/sweep/csv.js";
import { paramsLabel, planTrials, setPath } from "../../src/sweep/space.js";
import { readSweep } from "../../src/sweep/spec.js";
import type { EpochLog } from "../../src/train/events.js";

const train = {
  input: [4],
  backbone: { kind: "mlp" },
  tasks: {},
  fit: { weighting: { name: "static" } },
};

describe("sweep search spaces", () => {
  it("a grid is every combination, the last dimension fastest", () => {
    const t = planTrials({
      search: { kind: "grid" },
      space: { "fit.lr": [0.1, 0.01], "fit.seed": [0, 1, 2] },
    });
    assert.equal(t.length, 6);
    assert.deepEqual(t[0].params, { "fit.lr": 0.1, "fit.seed": 0 });
    assert.deepEqual(t[1].params, { "fit.lr": 0.1, "fit.seed": 1 });
    assert.deepEqual(t[5].params, { "fit.lr": 0.01, "fit.seed": 2 });
    assert.deepEqual(
      t.map((x) => x.id),
      ["t0000", "t0001", "t0002", "t0003", "t0004", "t0005"],
    );
  });

  it("task weights on a simplex grid sum to 1", () => {
    const t = planTrials({
      search: { kind: "grid" },
      space: { "fit.weighting.weights": { simplex: ["a", "b", "c"], steps: 2 } },
    });
    assert.equal(t.length, 6, "compositions of 2 into 3 parts");
    for (const { params } of t) {
      const w = params["fit.weighting.weights"] as Record<string, number>;
      assert.ok(Math.abs(w.a + w.b + w.c - 1) < 1e-12);
    }
    assert.deepEqual(t[0].params["fit.weighting.weights"], { a: 1, b: 0, c: 0 });
  });

  it("a random search is seeded and stays in its ranges", () => {
    const space = {
      "fit.lr": { logUniform: [1e-4, 1e-1] as [number, number] },
      "fit.seed": { int: [0, 3] as [number, number] },
      "fit.weighting": ["ew", "pcgrad"],
      "fit.weighting.weights": { simplex: ["a", "b"] },
      "fit.clipNorm": { uniform: [1, 2] as [number, number] },
    };
    const a = planTrials({ search: { kind: "random", trials: 20, seed: 3 }, space });
    const b = planTrials({ search: { kind: "random", trials: 20, seed: 3 }, space });
    const c = planTrials({ search: { kind: "random", trials: 20, seed: 4 }, space });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    for (const { params: p } of a) {
      assert.ok((p["fit.lr"] as number) >= 1e-4 && (p["fit.lr"] as number) <= 1e-1);
      assert.ok([0, 1, 2, 3].includes(p["fit.seed"] as number));
      assert.ok(["ew", "pcgrad"].includes(p["fit.weighting"] as string));
      const w = p["fit.weighting.weights"] as Record<string, number>;
      assert.ok(Math.abs(w.a + w.b - 1) < 1e-12 && w.a > 0 && w.b > 0);
      assert.ok((p["fit.clipNorm"] as number) >= 1 && (p["fit.clipNorm"] as number) < 2);
    }
    assert.equal(new Set(a.map((t) => t.params["fit.seed"])).size, 4, "every integer drawn");
  });

  it("a grid refuses a continuous range, and a simplex without steps", () => {
    assert.throws(
      () => planTrials({ search: { kind: "grid" }, space: { "fit.lr": { uniform: [0, 1] } } }),
      (e) => e instanceof ConfigError && e.field === "space.fit.lr",
    );
    assert.throws(
      () => planTrials({ search: { kind: "grid" }, space: { w: { simplex: ["a", "b"] } } }),
      (e) => e instanceof ConfigError && /needs "steps"/.test(e.message),
    );
  });

  it("values are set by dotted path, without touching the base", () => {
    const out = setPath(train, "fit.weighting.weights", { a: 0.3, b: 0.7 });
    assert.deepEqual((out.fit as { weighting: unknown }).weighting, {
      name: "static",
      weights: { a: 0.3, b: 0.7 },
    });
    assert.deepEqual(train.fit.weighting, { name: "static" });
    assert.deepEqual(setPath({}, "fit.lr", 0.1), { fit: { lr: 0.1 } });
    assert.throws(
      () => setPath({ fit: { weighting: "ew" } }, "fit.weighting.weights", {}),
      (e) => e instanceof ConfigError && /"fit.weighting" is "ew"/.test(e.message),
    );
    assert.equal(
      paramsLabel({ "fit.lr": 0.0123456, "fit.weighting": { name: "cagrad", c: 0.4 } }),
      "lr=0.0123 weighting=cagrad(0.400)",
    );
  });
});

describe("sweep files", () => {
  it("reads a sweep with its defaults", async () => {
    const s = await readSweep({
      json: { train, space: { "fit.lr": [0.1] } },
      baseDir: "/tmp/x",
      name: "demo",
    });
    assert.equal(s.engine, "local");
    assert.equal(s.retries, 1);
    assert.equal(s.checkpointEvery, 1);
    assert.equal(s.out, "/tmp/x/sweeps/demo");
    assert.deepEqual(s.search, { kind: "grid" });
    assert.deepEqual(s.resources, { cpus: 1, gpus: 0 });
  });

  it("names unknown and bad options", async () => {
    await assert.rejects(
      readSweep({ json: { train, space: {}, wrokers: 2 }, baseDir: "/tmp" }),
      (e) =>
        e instanceof UnknownNameError && /wrokers/.test(e.message) && /workers/.test(e.message),
    );
    await assert.rejects(
      readSweep({ json: { train, space: { "fit.lr": [] } }, baseDir: "/tmp" }),
      (e) => e instanceof ConfigError && /fit\.lr/.test(e.message),
    );
    await assert.rejects(
      readSweep({ json: { train: "missing.json", space: {} }, baseDir: "/tmp" }),
      (e) => e instanceof ConfigError && e.field === "train",
    );
  });

  it("data paths of the base config become absolute", async () => {
    const s = await readSweep({
      json: {
        train: { ...train, tasks: { a: { train: { source: "fromCsv", path: "data/a.csv" } } } },
        space: {},
      },
      baseDir: "/srv/exp",
    });
    const tasks = s.train.tasks as Record<string, { train: { path: string } }>;
    assert.equal(tasks.a.train.path, "/srv/exp/data/a.csv");
  });
});

describe("trial CSV logs", () => {
  it("round-trip a history, with keys that appear later and missing cells", () => {
    const h = [
      { epoch: 0, loss: 1.5, "loss/a": 0.25 },
      { epoch: 1, loss: 0.5, "loss/a": 0.125, "val/a/accuracy": 0.75 },
    ] as EpochLog[];
    const text = historyToCsv(h);
    assert.equal(text.split("\n")[0], "epoch,loss,loss/a,val/a/accuracy");
    assert.equal(text.split("\n")[1], "0,1.5,0.25,");
    assert.deepEqual(csvToHistory(text), h);
  });
});
