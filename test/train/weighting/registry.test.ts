import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, UnknownNameError } from "../../../src/errors.js";
import * as pt from "../../../src/index.js";
import { resolveWeighting, weightingNames } from "../../../src/train/weighting/registry.js";

const ALL = [
  "ew",
  "static",
  "uncertainty",
  "dwa",
  "rlw",
  "famo",
  "gradnorm",
  "pcgrad",
  "mgda",
  "cagrad",
  "imtl",
  "nash",
  "aligned",
];

describe("weighting registry", () => {
  it("knows every contract name, and pt.weighting has a builder for each", () => {
    assert.deepEqual([...weightingNames()].sort(), [...ALL].sort());
    for (const n of ALL)
      assert.equal(typeof (pt.weighting as unknown as Record<string, unknown>)[n], "function");
    assert.equal(typeof pt.weighting.minNormSolver, "function");
  });

  it("resolves names, objects and undefined (EW)", () => {
    assert.equal(resolveWeighting("pcgrad").name, "pcgrad");
    const s = pt.weighting.cagrad({ c: 0.5, mode: "representation" });
    assert.equal(resolveWeighting(s), s);
    assert.equal(s.needs, "representationGradients");
    assert.equal(pt.weighting.pcgrad().needs, "sharedGradients");
    assert.equal(pt.weighting.dwa().needs, "losses");
    assert.equal(resolveWeighting().name, "ew");
  });

  it("an unknown name fails listing the valid ones", () => {
    assert.throws(
      () => pt.weighting.create("pcgard"),
      (e: UnknownNameError) =>
        e instanceof UnknownNameError &&
        e.known.includes("pcgrad") &&
        /pcgard/.test(e.message) &&
        /mgda/.test(e.message),
    );
    assert.throws(() => resolveWeighting("nope"), UnknownNameError);
  });

  it("bad objects and options are typed errors", () => {
    assert.throws(() => resolveWeighting({ name: 1 } as never), ConfigError);
    assert.throws(
      () => pt.weighting.mgda({ mode: "backbone" as never }),
      /"shared" or "representation"/,
    );
    assert.throws(() => pt.weighting.cagrad({ c: -1 }), ConfigError);
    assert.throws(() => pt.weighting.dwa({ temperature: 0 }), ConfigError);
    assert.throws(() => pt.weighting.mgda({ normalization: "max" as never }), ConfigError);
    assert.throws(() => pt.weighting.ew().create([], { seed: 0 }), ConfigError);
  });

  it("strategies are immutable values", () => {
    const s = pt.weighting.static({ weights: { a: 1 } });
    assert.throws(() => {
      (s.config.weights as Record<string, number>).a = 2;
    });
    assert.throws(() => {
      (s as { name: string }).name = "x";
    });
  });
});
