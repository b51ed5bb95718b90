import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { historyColumns, historyTable, table } from "../../src/viz/index.js";
import { fakeHistory } from "./fixtures.js";

describe("historyTable", () => {
  it("has one row per epoch and run-level columns first", () => {
    const history = fakeHistory(["a", "b"], 4);
    const df = historyTable(history);
    assert.deepEqual(df.shape, [4, historyColumns(history).length]);
    assert.deepEqual(df.columns.slice(0, 5), ["epoch", "step", "time", "lr", "loss"]);
    assert.ok(df.columns.includes("val/a/accuracy"));
    assert.equal(df.columns.at(-1), "val/mean/accuracy");
    // 1-based like the charts' epoch axes (the logs themselves keep 0-based epochs)
    assert.deepEqual(df.column("epoch").values, [1, 2, 3, 4]);
  });

  it("fills keys missing in some epochs with NaN", () => {
    const df = historyTable([
      { epoch: 0, "loss/a": 1 },
      { epoch: 1, "loss/a": 0.5, "val/a/loss": 0.7 },
    ]);
    const v = df.column("val/a/loss").values as number[];
    assert.ok(Number.isNaN(v[0]));
    assert.equal(v[1], 0.7);
  });

  it("is an empty frame for an empty history", () => {
    assert.deepEqual(historyTable([]).shape, [0, 0]);
  });
});

describe("table", () => {
  it("makes a frame from row records, columns in first-seen order, missing as NaN", () => {
    const df = table([
      { run: "none", accuracy: 0.8 },
      { run: "l2", accuracy: 0.85, gap: 0.1 },
    ]);
    assert.deepEqual(df.columns, ["run", "accuracy", "gap"]);
    assert.deepEqual(df.shape, [2, 3]);
    assert.ok(Number.isNaN((df.column("gap").values as number[])[0]));
    assert.deepEqual(df.column("run").values, ["none", "l2"]);
  });

  it("takes a column order and an index column", () => {
    const df = table(
      [
        { run: "a", x: 1, y: 2 },
        { run: "b", x: 3, y: 4 },
      ],
      { columns: ["run", "y"], indexBy: "run" },
    );
    assert.deepEqual(df.columns, ["y"]);
    assert.deepEqual(df.index, ["a", "b"]);
    assert.deepEqual(df.column("y").values, [2, 4]);
  });

  it("is an empty frame for no rows", () => {
    assert.deepEqual(table([]).shape, [0, 0]);
  });
});
