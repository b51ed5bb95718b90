import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { curvesFigure } from "../../src/viz/index.js";
import { fakeHistory, taskNames } from "./fixtures.js";

type Ann = { text: string };
const titleOf = (f: { layout: Record<string, unknown> }) =>
  String((f.layout.title as { text: string }).text);
const annotations = (f: { layout: Record<string, unknown> }) =>
  (f.layout.annotations as Ann[]).map((a) => a.text);

describe("curvesFigure", () => {
  it("2 tasks: a loss and a metric panel per task, train solid and val dashed", () => {
    const fig = curvesFigure(fakeHistory(["digits", "fashion"], 5));
    assert.match(titleOf(fig), /Per-task loss and metrics/);
    // 2 tasks x (loss train, loss val, accuracy train, accuracy val)
    assert.equal(fig.data.length, 8);
    const texts = annotations(fig);
    assert.ok(texts.includes("<b>digits · loss</b>"));
    assert.ok(texts.includes("<b>fashion · accuracy</b>"));
    // grid 2 rows x 2 cols -> 4 x and 4 y axes
    for (const k of ["xaxis", "xaxis2", "xaxis3", "xaxis4", "yaxis4"]) assert.ok(fig.layout[k], k);
    assert.equal(fig.layout.xaxis5, undefined);
    const fashionValLoss = fig.data.find(
      (t) => t.name === "loss (val)" && t.xaxis === "x2" && t.yaxis === "y2",
    );
    assert.ok(fashionValLoss, "fashion's val loss sits in the second column's loss panel");
    assert.equal((fashionValLoss.line as { dash: string }).dash, "dash");
    assert.deepEqual(fashionValLoss.x, [1, 2, 3, 4, 5]);
    assert.equal((fashionValLoss.y as number[])[0], (2 / 1.1) * 1.1);
    // Metric panels (row 2) carry the epoch axis title; loss panels the "loss" y title.
    assert.equal((fig.layout.xaxis3 as { title: { text: string } }).title.text, "epoch");
    assert.equal((fig.layout.yaxis as { title: { text: string } }).title.text, "loss");
    // Legend: each series name once.
    const shown = fig.data.filter((t) => t.showlegend).map((t) => t.name);
    assert.deepEqual(shown.sort(), [
      "accuracy (train)",
      "accuracy (val)",
      "loss (train)",
      "loss (val)",
    ]);
  });

  it("12 tasks: two shared panels, one colour and legend entry per task", () => {
    const tasks = taskNames(12);
    const fig = curvesFigure(fakeHistory(tasks, 4));
    assert.ok(fig.layout.xaxis2 && !fig.layout.xaxis3, "exactly two panels");
    assert.deepEqual(annotations(fig), ["<b>loss per task</b>", "<b>accuracy per task</b>"]);
    assert.equal(fig.data.length, 12 * 4);
    const legend = fig.data.filter((t) => t.showlegend).map((t) => t.name);
    assert.deepEqual(legend, tasks);
    const colours = new Set(fig.data.map((t) => (t.line as { color: string }).color));
    assert.equal(colours.size, 12);
    assert.match(titleOf(fig), /12 tasks/);
    assert.equal((fig.layout.yaxis2 as { title: { text: string } }).title.text, "accuracy");
  });

  it("layout can be forced; missing values become gaps (null)", () => {
    const h = fakeHistory(["a", "b", "c"], 3, false);
    const shared = curvesFigure(h, { layout: "shared" });
    assert.ok(!shared.layout.xaxis3);
    const gappy = curvesFigure([
      { epoch: 0, "loss/a": 1 },
      { epoch: 1, "loss/a": Number.NaN },
      { epoch: 2, "loss/a": 0.5 },
    ]);
    assert.deepEqual(gappy.data[0]!.y, [1, null, 0.5]);
  });

  it("an empty history gives a figure that says so", () => {
    const fig = curvesFigure([]);
    assert.equal(fig.data.length, 0);
    assert.match(annotations(fig)[0]!, /No epochs/);
  });

  it("20 tasks stay within the palette without repeating colours", () => {
    const fig = curvesFigure(fakeHistory(taskNames(20), 2));
    const colours = new Set(fig.data.map((t) => (t.line as { color: string }).color));
    assert.equal(colours.size, 20);
  });
});
