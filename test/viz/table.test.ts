import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { historyColumns, historyTable } from "../../src/viz/index.js";
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
