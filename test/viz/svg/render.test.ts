/** figureSvg: a static picture of each figure kind, drawn from the JSON alone. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  affinityFigure,
  compare,
  confusionFigure,
  curvesFigure,
  figureSvg,
  makeFigure,
  runFigure,
} from "../../../src/viz/index.js";
import { colorAt } from "../../../src/viz/svg/traces.js";
import { fakeHistory } from "../fixtures.js";

const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;

describe("figureSvg", () => {
  it("curves: one path per series, panel titles, axis titles, legend, integer epoch ticks", () => {
    const svg = figureSvg(curvesFigure(fakeHistory(["digits", "fashion"], 4)));
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="900" height="520"/);
    assert.equal(count(svg, /<path d="M[^"]*" fill="none"/g), 8);
    const texts = new Set([...svg.matchAll(/>([^<>]+)</g)].map((m) => m[1]));
    const want = [
      "digits \u00b7 loss",
      "fashion \u00b7 accuracy",
      "epoch",
      "loss (val)",
      "accuracy",
    ];
    assert.deepEqual(
      want.filter((t) => !texts.has(t)),
      [],
    );
    // x ticks 1..4 from the integer epoch axis (dtick 1)
    assert.ok(texts.has("1") && texts.has("4"));
    assert.match(svg, /stroke-dasharray="6,4"/, "validation dashed");
  });

  it("a null leaves a gap; markers follow symbols; text is escaped", () => {
    const fig = makeFigure(
      [
        {
          type: "scatter",
          mode: "lines+markers",
          name: "a<b",
          x: [1, 2, 3, 4],
          y: [1, null, 2, 3],
          marker: { symbol: "square" },
        },
        {
          type: "scatter",
          mode: "markers",
          name: "c",
          x: [1],
          y: [2],
          marker: { symbol: "diamond-open" },
        },
      ],
      { title: { text: "</svg><script>x</script><br><sup>sub & more</sup>" } },
    );
    const svg = figureSvg(fig);
    const path = /<path d="(M[^"]*)" fill="none"/.exec(svg)![1]!;
    assert.equal(count(path, /M/g), 2, "two segments around the null");
    assert.equal(count(svg, /<polygon /g), 3 + 1 + 2, "3 squares, 1 diamond, legend samples");
    // tags outside plotly's rich-text subset are dropped (as plotly does), never emitted
    assert.ok(!svg.includes("<script") && !svg.includes("</svg><"));
    assert.ok(svg.includes("sub &amp; more"));
    assert.ok(svg.includes(">a&lt;b<"));
  });

  it("heatmaps: one cell per finite value, cell text, reversed y, a colorbar", () => {
    const svg = figureSvg(
      confusionFigure({
        t: {
          matrix: [
            [5, 1, 0],
            [2, 7, 1],
            [0, 1, 9],
          ],
        },
      }),
    );
    assert.equal(count(svg, /<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" fill="#/g), 9);
    for (const n of ["5", "7", "9"]) assert.ok(svg.includes(`>${n}</text>`), n);
    assert.match(svg, /<linearGradient id="pt[0-9a-z]+g0"/);
    assert.ok(svg.includes(">rate<"));
    // first class at the top: "0" tick label above "2" on the reversed y axis
    const y = (label: string) =>
      Number(
        new RegExp(`<text x="[^"]+" y="([^"]+)"[^>]*text-anchor="end">${label}<`).exec(svg)![1],
      );
    assert.ok(y("0") < y("2"));
    const aff = figureSvg(
      affinityFigure(
        ["a", "b"],
        [
          [0, 0.3],
          [-0.2, Number.NaN],
        ],
      ),
    );
    assert.equal(
      count(aff, /<rect x="[^"]+" y="[^"]+" width="[^"]+" height="[^"]+" fill="#/g),
      3,
      "NaN cell blank",
    );
  });

  it("colour scales interpolate between stops", () => {
    const scale = [
      [0, "#000000"],
      [1, "#ffffff"],
    ];
    assert.equal(colorAt(scale, 0), "#000000");
    assert.equal(colorAt(scale, 0.5), "#808080");
    assert.equal(colorAt(scale, 2), "#ffffff");
  });

  it("draws every registered figure kind and comparisons without throwing", () => {
    const h = fakeHistory(["a", "b"], 5).map((l, i) => ({ ...l, "cosine/a/b": -0.2 + 0.1 * i }));
    for (const kind of [
      "curves",
      "weights",
      "conflict",
      "conflict-evolution",
      "affinity",
      "pareto",
    ]) {
      const svg = figureSvg(runFigure(h, kind));
      assert.match(svg, /^<svg [\s\S]*<\/svg>$/, kind);
    }
    const c = compare({ x: { history: h }, y: { history: fakeHistory(["a", "b"], 3) } });
    for (const kind of ["curves", "pareto", "loss"])
      assert.match(figureSvg(c.plot(kind)), /<\/svg>$/);
    const empty = figureSvg(runFigure([], "curves"));
    assert.ok(empty.includes("No epochs logged yet."));
  });
});
