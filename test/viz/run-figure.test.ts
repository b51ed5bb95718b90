import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UnknownNameError } from "../../src/errors.js";
import { figureKinds, isFigure, runFigure } from "../../src/viz/index.js";
import { fakeHistory } from "./fixtures.js";

describe("runFigure", () => {
  const history = fakeHistory(["digits", "fashion"], 3);

  it("defaults to the per-task curves", () => {
    const fig = runFigure(history);
    assert.ok(isFigure(fig));
    assert.match(String((fig.layout.title as { text: string }).text), /Per-task loss/);
    assert.ok(fig.data.some((t) => t.name === "loss (train)"));
  });

  it("builds every registered kind from a plain history without throwing", () => {
    for (const kind of figureKinds()) {
      const fig = runFigure(history, kind);
      assert.ok(isFigure(fig), kind);
      assert.doesNotThrow(() => JSON.stringify(fig), kind);
    }
  });

  it("weights kind plots weight/<task> per epoch", () => {
    const fig = runFigure(history, "weights");
    assert.deepEqual(
      fig.data.map((t) => t.name),
      ["digits", "fashion"],
    );
    assert.deepEqual(fig.data[0]!.x, [1, 2, 3]);
    assert.equal(fig.data[1]!.y && (fig.data[1]!.y as number[])[0], 1.1);
  });

  it("rejects an unknown kind with the known names", () => {
    assert.throws(
      () => runFigure(history, "curvez"),
      (e: unknown) => e instanceof UnknownNameError && /curves/.test(e.message),
    );
  });
});
