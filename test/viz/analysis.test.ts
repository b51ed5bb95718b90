import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  affinityFigure,
  conflictEvolutionFigure,
  conflictFigure,
  confusionCounts,
  confusionFigure,
  parityFigure,
  runFigure,
  weightsFigure,
} from "../../src/viz/index.js";
import { fakeHistory, taskNames } from "./fixtures.js";

const text = (f: { layout: Record<string, unknown> }) =>
  String((f.layout.title as { text: string }).text);

describe("analysis figures", () => {
  const tasks = ["left", "right", "sum"];
  const samples = [
    {
      step: 10,
      matrix: [
        [1, -0.5, 0.2],
        [-0.5, 1, 0.1],
        [0.2, 0.1, 1],
      ],
    },
    {
      step: 20,
      matrix: [
        [1, -0.3, 0.4],
        [-0.3, 1, 0.3],
        [0.4, 0.3, 1],
      ],
    },
  ];

  it("conflict heatmap: mean matrix, fixed -1..1 scale, slider per sample", () => {
    const fig = conflictFigure(tasks, samples);
    const hm = fig.data[0]!;
    assert.equal(hm.type, "heatmap");
    assert.deepEqual(hm.x, tasks);
    assert.deepEqual(hm.y, tasks);
    assert.equal(hm.zmin, -1);
    assert.equal(hm.zmax, 1);
    const z = hm.z as number[][];
    assert.ok(Math.abs(z[0]![1]! - -0.4) < 1e-12);
    const slider = (fig.layout.sliders as { steps: { label: string }[] }[])[0]!;
    assert.deepEqual(
      slider.steps.map((s) => s.label),
      ["mean", "10", "20"],
    );
    assert.match(text(fig), /Gradient conflict/);
  });

  it("conflict evolution: one line per pair for few tasks, a pair x step heatmap for many", () => {
    const fig = conflictEvolutionFigure(tasks, samples);
    assert.deepEqual(
      fig.data.map((t) => t.name),
      ["left · right", "left · sum", "right · sum"],
    );
    assert.deepEqual(fig.data[0]!.y, [-0.5, -0.3]);
    const many = taskNames(8);
    const eye = many.map((_, i) => many.map((__, j) => (i === j ? 1 : 0)));
    const big = conflictEvolutionFigure(many, [{ step: 1, matrix: eye }]);
    assert.equal(big.data[0]!.type, "heatmap");
    assert.equal((big.data[0]!.y as string[]).length, 28);
  });

  it("runFigure('conflict') reads step records or cosine/<a>/<b> epoch keys", () => {
    const h = fakeHistory(["a", "b"], 2).map((l, i) => ({ ...l, "cosine/a/b": -0.2 * (i + 1) }));
    const fromKeys = runFigure(h, "conflict");
    assert.deepEqual(fromKeys.data[0]!.x, ["a", "b"]);
    assert.ok(Math.abs((fromKeys.data[0]!.z as number[][])[1]![0]! - -0.3) < 1e-12);
    const fromSteps = runFigure(fakeHistory(["a", "b"], 1), "conflict", {
      steps: [
        {
          step: 5,
          weights: {},
          gradientCosine: [
            [1, 0.7],
            [0.7, 1],
          ],
        },
      ],
    });
    assert.deepEqual((fromSteps.data[0]!.z as number[][])[0], [1, 0.7]);
  });

  it("affinity: directed matrix with role-labelled axes and a symmetric colour range", () => {
    const fig = affinityFigure(
      ["a", "b"],
      [
        [0, 0.3],
        [-0.1, 0],
      ],
    );
    const hm = fig.data[0]!;
    assert.equal(hm.zmax, 0.3);
    assert.equal(hm.zmin, -0.3);
    assert.match(JSON.stringify(fig.layout.yaxis), /stepped on/);
    const viaKeys = runFigure(
      [{ epoch: 0, "affinity/a/b": 0.2, "affinity/b/a": -0.4 }],
      "affinity",
    );
    assert.deepEqual(viaKeys.data[0]!.z, [
      [null, 0.2],
      [-0.4, null],
    ]);
  });

  it("confusion: one panel per task, row-normalised colour, counts as text, accuracy in title", () => {
    const m = confusionCounts([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 0], 3);
    assert.deepEqual(m, [
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    const fig = confusionFigure({
      digits: { matrix: m },
      fashion: { matrix: m, labels: ["a", "b", "c"] },
    });
    assert.equal(fig.data.length, 2);
    assert.deepEqual(fig.data[1]!.x, ["a", "b", "c"]);
    assert.deepEqual((fig.data[0]!.z as number[][])[0], [0.5, 0.5, 0]);
    assert.equal(fig.data[1]!.xaxis, "x2");
    assert.match(JSON.stringify(fig.layout.annotations), /digits \(accuracy 66\.7%\)/);
  });

  it("parity: scatter per task with a y = x line and R² in the panel title", () => {
    const actual = [0, 1, 2, 3];
    const fig = parityFigure({
      age: { actual, predicted: actual },
      price: { actual, predicted: [1, 1, 1, 1] },
    });
    assert.equal(fig.data.length, 4);
    assert.deepEqual(fig.data[1]!.x, [0, 3]);
    assert.match(JSON.stringify(fig.layout.annotations), /age \(R² 1\.000/);
    assert.equal(fig.data[2]!.yaxis, "y2");
    const thin = parityFigure(
      { t: { actual: new Float32Array(10000), predicted: new Float32Array(10000) } },
      { maxPoints: 100 },
    );
    assert.equal((thin.data[0]!.x as number[]).length, 100);
  });

  it("weights per step when step records are given", () => {
    const fig = weightsFigure([], {
      steps: [
        { step: 1, weights: { a: 1, b: 1 } },
        { step: 2, weights: { a: 1.5, b: 0.5 } },
      ],
    });
    assert.deepEqual(
      fig.data.map((t) => t.name),
      ["a", "b"],
    );
    assert.deepEqual(fig.data[1]!.y, [1, 0.5]);
    assert.equal((fig.layout.xaxis as { title: { text: string } }).title.text, "step");
  });
});
