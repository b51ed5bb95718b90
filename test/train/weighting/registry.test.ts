import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, UnknownNameError } from "../../../src/errors.js";
import * as pt from "../../../src/index.js";
import {
  registerWeighting,
  resolveWeighting,
  weightingNames,
  weightingRegistry,
} from "../../../src/train/weighting/registry.js";
import { ALL_NAMES } from "./names.js";

describe("weighting registry", () => {
  it("knows every contract name, and pt.weighting has a builder for each", () => {
    for (const n of ALL_NAMES) assert.ok(weightingNames().includes(n), n);
    assert.equal(weightingNames().length >= ALL_NAMES.length, true);
    for (const n of ALL_NAMES)
      assert.equal(typeof (pt.weighting as unknown as Record<string, unknown>)[n], "function");
    assert.equal(typeof pt.weighting.minNormSolver, "function");
    assert.equal(typeof pt.weighting.aggregate, "function");
  });

  it("weightingNames() lists every registered name, plug-ins included", () => {
    registerWeighting("myEw", () => pt.weighting.ew());
    assert.ok(weightingNames().includes("myEw"));
    assert.equal(pt.weighting.create("myEw").name, "ew");
    assert.deepEqual(weightingNames(), weightingRegistry.names());
  });

  it("resolves names, { name, ...options }, objects and undefined (EW)", () => {
    assert.equal(resolveWeighting("pcgrad").name, "pcgrad");
    const s = pt.weighting.cagrad({ c: 0.5, mode: "representation" });
    assert.equal(resolveWeighting(s), s);
    assert.equal(s.needs, "representationGradients");
    assert.equal(pt.weighting.pcgrad().needs, "sharedGradients");
    assert.equal(pt.weighting.dwa().needs, "losses");
    assert.equal(pt.weighting.graddrop().needs, "representationTransform");
    assert.equal(pt.weighting.modo().samples, 3);
    assert.equal(resolveWeighting().name, "ew");
    assert.deepEqual(resolveWeighting({ name: "cagrad", c: 2 } as never).config, { c: 2 });
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
    assert.throws(() => resolveWeighting("constructor"), UnknownNameError);
  });

  it("every strategy's options are validated by its schema: unknown keys, types, ranges", () => {
    const bad: [string, object, RegExp][] = [
      ["famo", { minLoss: -1 }, /famo.*minLoss.*>= 0/],
      ["famo", { lr: 0 }, /lr.*> 0/],
      ["uncertainty", { initialLogVariance: 100 }, /initialLogVariance.*<= 50/],
      ["nash", { maxIter: 0 }, /maxIter.*>= 1/],
      ["nash", { maxIter: 2.5 }, /maxIter/],
      ["nash", { ridge: -1 }, /ridge/],
      ["cagrad", { c: -1 }, /c.*>= 0/],
      ["cagrad", { c: Number.NaN }, /c/],
      ["cagrad", { c: Number.POSITIVE_INFINITY }, /c/],
      ["mgda", { normalization: "max" }, /normalization/],
      ["mgda", { weightsOn: "scaled" }, /weightsOn/],
      ["mgda", { mode: "backbone" }, /"shared", "representation"/],
      ["dwa", { temperature: 0 }, /temperature/],
      ["gradvac", { beta: 2 }, /beta/],
      ["graddrop", { leak: 1.5 }, /leak/],
      ["sdmgrad", { niter: 0 }, /niter/],
      ["modo", { gamma: 0 }, /gamma/],
      ["moco", { beta: 0 }, /beta/],
      ["dbmtl", { beta: 1 }, /beta/],
      ["stch", { mu: 0 }, /mu/],
      ["excessmtl", { stepSize: -1 }, /stepSize/],
      ["fairgrad", { alpha: 0 }, /alpha/],
      ["upgrad", { regEps: -1 }, /regEps/],
      ["imtl", { lossScale: "yes" }, /lossScale/],
      ["pcgrad", { includeSelf: 1 }, /includeSelf/],
    ];
    for (const [name, opts, re] of bad) {
      assert.throws(
        () => pt.weighting.create(name, opts),
        ConfigError,
        `${name} ${JSON.stringify(opts)}`,
      );
      assert.throws(() => pt.weighting.create(name, opts), re, `${name} ${JSON.stringify(opts)}`);
    }
    for (const name of ALL_NAMES) {
      if (name === "static") continue;
      assert.throws(
        () => pt.weighting.create(name, { bogus: 1 }),
        (e: UnknownNameError) => e instanceof UnknownNameError && /bogus/.test(e.message),
        name,
      );
    }
    // c >= 1 is CAGrad's Pareto-stationary regime, not an error
    assert.equal(pt.weighting.cagrad({ c: 10 }).config.c, 10);
    // the factories check too
    assert.throws(() => pt.weighting.famo({ minLoss: -1 }), ConfigError);
  });

  it("bad objects are typed errors", () => {
    assert.throws(() => resolveWeighting({ name: 1 } as never), ConfigError);
    assert.throws(() => resolveWeighting(42 as never), ConfigError);
    assert.throws(() => pt.weighting.ew().create([], { seed: 0 }), ConfigError);
    assert.throws(() => pt.weighting.create("static"), ConfigError);
  });

  it("configs round-trip through create(name, config) for every strategy", () => {
    for (const name of ALL_NAMES) {
      const s =
        name === "static" ? pt.weighting.static({ weights: [1, 2] }) : pt.weighting.create(name);
      const again = pt.weighting.create(s.name, JSON.parse(JSON.stringify(s.config)));
      assert.deepEqual(again.config, s.config, name);
      assert.equal(again.needs, s.needs, name);
    }
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
