/** Figure cosmetics people notice: one-epoch figures, integer epoch ticks, axis titles, overlaps. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { integerAxis, integerStep } from "../../src/viz/epoch-axis.js";
import { compare, curvesFigure, historyTable, weightsFigure } from "../../src/viz/index.js";
import { fakeHistory, taskNames } from "./fixtures.js";

type Axis = Record<string, unknown>;

describe("figure cosmetics", () => {
  it("one epoch: labelled points on an axis around epoch 1, not a lone dot on 0-2", () => {
    const fig = curvesFigure(fakeHistory(["a", "b"], 1));
    const x = fig.layout.xaxis as Axis;
    assert.deepEqual(x.range, [0.5, 1.5]);
    assert.equal(x.dtick, 1);
    for (const t of fig.data) {
      assert.equal(t.mode, "markers+text");
      assert.equal((t.text as string[]).length, 1);
      assert.match((t.text as string[])[0]!, /^\d+(\.\d+)?$/);
    }
    const shared = curvesFigure(fakeHistory(taskNames(10), 1));
    assert.deepEqual((shared.layout.xaxis as Axis).range, [0.5, 1.5]);
    assert.ok(shared.data.every((t) => t.mode === "markers"));
  });

  it("epoch and step axes tick on integers only", () => {
    assert.deepEqual([1, 3, 8, 20, 45, 100, 1000].map(integerStep), [1, 1, 1, 5, 10, 20, 200]);
    for (const n of [2, 3, 7, 50]) {
      const fig = curvesFigure(fakeHistory(["a"], n));
      const x = fig.layout.xaxis as Axis;
      assert.equal(x.tickformat, "d");
      assert.ok(Number.isInteger(x.dtick) && (x.dtick as number) >= 1, `${n} epochs: ${x.dtick}`);
      assert.equal(x.range, undefined, "autorange beyond one epoch");
    }
    assert.equal((weightsFigure(fakeHistory(["a", "b"], 3)).layout.xaxis as Axis).tickformat, "d");
    const cmp = compare({ a: { history: fakeHistory(["t"], 3) } }).plot();
    assert.equal((cmp.layout.xaxis as Axis).dtick, 1);
    assert.deepEqual(integerAxis([]), { tickformat: "d" });
  });

  it("metric panels have a y title", () => {
    const fig = curvesFigure(fakeHistory(["digits", "fashion"], 3));
    // row 2 of the 2x2 grid holds the metric panels (axes 3 and 4)
    assert.equal((fig.layout.yaxis3 as { title: { text: string } }).title.text, "accuracy");
    assert.equal((fig.layout.yaxis4 as { title: { text: string } }).title.text, "accuracy");
  });

  it("coinciding lines stay visible: val differs from train, runs and tasks from each other", () => {
    const fig = curvesFigure(fakeHistory(["a"], 4));
    const style = (name: string) => {
      const t = fig.data.find((d) => d.name === name)!;
      return [(t.line as Axis).dash, (t.marker as Axis).symbol, (t.line as Axis).width];
    };
    assert.deepEqual(style("loss (train)").slice(0, 2), ["solid", "circle"]);
    assert.deepEqual(style("loss (val)").slice(0, 2), ["dash", "circle-open"]);
    // equal weights (EW) draw every task on the same line: dashes and markers differ
    const w = weightsFigure(
      fakeHistory(["a", "b"], 3).map((l) => ({ ...l, "weight/a": 1, "weight/b": 1 })),
    );
    assert.notDeepEqual(
      w.data.map((t) => [(t.line as Axis).dash, (t.marker as Axis).symbol])[0],
      w.data.map((t) => [(t.line as Axis).dash, (t.marker as Axis).symbol])[1],
    );
    const h = fakeHistory(["t"], 3);
    const runs = compare({ ew: { history: h }, same: { history: h } }).plot();
    const [r0, r1] = runs.data;
    assert.notEqual((r0!.line as Axis).dash, (r1!.line as Axis).dash);
    assert.notEqual((r0!.marker as Axis).symbol, (r1!.marker as Axis).symbol);
  });

  it("the history table counts epochs from 1, like the charts", () => {
    const df = historyTable(fakeHistory(["a"], 3));
    assert.deepEqual(df.column("epoch").values, [1, 2, 3]);
    assert.deepEqual(df.index, [1, 2, 3]);
  });
});
