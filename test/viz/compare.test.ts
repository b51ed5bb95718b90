import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, UnknownNameError } from "../../src/errors.js";
import { compare, paretoFigure, paretoFront } from "../../src/viz/index.js";
import { fakeHistory } from "./fixtures.js";

const scaled = (k: number) =>
  fakeHistory(["left", "right"], 3).map((l) => ({
    ...l,
    "val/left/accuracy": l["val/left/accuracy"]! * k,
    "val/right/accuracy": l["val/right/accuracy"]! / k,
  }));

describe("compare", () => {
  const runs = {
    ew: { history: scaled(1) },
    pcgrad: { history: scaled(1.05) },
    bad: { history: scaled(0.9) },
  };

  it("names runs from record keys, or name/label, or position", () => {
    assert.deepEqual(
      compare(runs).runs.map((r) => r.name),
      ["ew", "pcgrad", "bad"],
    );
    const list = compare([
      { name: "x", history: [] },
      { label: "y", history: [] },
      { history: [] },
    ]);
    assert.deepEqual(
      list.runs.map((r) => r.name),
      ["x", "y", "run 3"],
    );
    assert.throws(() => compare([{} as never]), ConfigError);
  });

  it("plot() overlays the runs per task on the validation metric", () => {
    const fig = compare(runs).plot();
    assert.equal(fig.data.length, 6);
    assert.deepEqual(
      fig.data.filter((t) => t.showlegend).map((t) => t.name),
      ["ew", "pcgrad", "bad"],
    );
    assert.match(JSON.stringify(fig.layout.annotations), /left · val\/left\/accuracy/);
  });

  it("plot('pareto') puts each run at its final pair of metrics and marks the front", () => {
    const fig = compare(runs).plot("pareto");
    const names = fig.data.map((t) => t.name);
    assert.deepEqual(names, ["Pareto front", "ew", "pcgrad", "bad"]);
    assert.match(JSON.stringify(fig.layout.xaxis), /val\/left\/accuracy \(higher is better\)/);
    assert.throws(() => compare(runs).plot("nope"), UnknownNameError);
  });

  it("table() has one row per run with final values", () => {
    const df = compare(runs).table();
    assert.equal(df.shape[0], 3);
    assert.deepEqual(df.column("run").values, ["ew", "pcgrad", "bad"]);
    assert.ok(!df.columns.includes("weight/left"));
    const last = runs.pcgrad.history.at(-1)!["val/left/accuracy"];
    assert.equal((df.column("val/left/accuracy").values as number[])[1], last);
  });
});

describe("paretoFront", () => {
  it("keeps non-dominated points, respecting direction per axis", () => {
    const pts = [
      { name: "a", x: 0.9, y: 0.5 },
      { name: "b", x: 0.8, y: 0.8 },
      { name: "c", x: 0.7, y: 0.7 },
      { name: "d", x: 0.5, y: 0.9 },
    ];
    assert.deepEqual(
      paretoFront(pts, false, false).map((i) => pts[i]!.name),
      ["d", "b", "a"],
    );
    assert.deepEqual(
      paretoFront(pts, true, true).map((i) => pts[i]!.name),
      ["d", "c", "a"],
    );
    const fig = paretoFigure(pts, { xLabel: "val/left/loss", yLabel: "val/right/accuracy" });
    assert.match(JSON.stringify(fig.layout.xaxis), /lower is better/);
  });
});
