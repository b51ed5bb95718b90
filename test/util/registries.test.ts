/**
 * Every plug-in registry of src/ (optimizer, schedule, backbone, head, architecture, sampler,
 * transform, metric, figure kind): prototype names are unknown names, unknown options are
 * rejected with the known ones listed, each public namespace holds exactly the registry's names,
 * and each public factory validates through the registry entry's schema.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { samplerRegistry } from "../../src/data/samplers/index.js";
import { transformRegistry } from "../../src/data/transforms/index.js";
import { ConfigError, UnknownNameError } from "../../src/errors.js";
import { metricRegistry, resolveMetric } from "../../src/eval/metrics/registry.js";
import * as pt from "../../src/index.js";
import { architectureRegistry } from "../../src/model/arch/registry.js";
import { backboneFromJSON, backboneRegistry } from "../../src/model/backbones/registry.js";
import { headFromJSON, headRegistry } from "../../src/model/heads/registry.js";
import { checkFitOptions } from "../../src/train/fit-schema.js";
import { createOptimizer, optimizerRegistry } from "../../src/train/optimizers/registry.js";
import { scheduleRegistry } from "../../src/train/schedule.js";
import type { Registry } from "../../src/util/registry.js";
import { figureRegistry } from "../../src/viz/run-figure.js";

const registries: [string, Registry<unknown>][] = [
  ["optimizer", optimizerRegistry],
  ["schedule", scheduleRegistry],
  ["backbone", backboneRegistry],
  ["head", headRegistry],
  ["architecture", architectureRegistry],
  ["sampler", samplerRegistry],
  ["transform", transformRegistry],
  ["metric", metricRegistry],
  ["figure kind", figureRegistry],
] as [string, Registry<unknown>][];

const PROTOTYPE_NAMES = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"];

const unknownName = (kind: string, name: string) => (e: unknown) =>
  e instanceof UnknownNameError &&
  e.value === name &&
  e.message.includes(`${kind} "${name}"`) &&
  e.message.includes(`Known ${kind} names: `);

describe("every registry", () => {
  for (const [kind, r] of registries)
    for (const name of PROTOTYPE_NAMES)
      it(`${kind}: "${name}" is an unknown name listing the known ones`, () => {
        assert.equal(r.has(name), false);
        assert.throws(() => r.create(name), unknownName(kind, name));
        assert.throws(() => r.entry(name), unknownName(kind, name));
      });

  for (const [kind, r] of registries)
    it(`${kind}: an unknown option of any entry lists that entry's options`, () => {
      for (const name of r.names())
        assert.throws(
          () => r.create(name, { notAnOption: 1 }),
          (e: unknown) =>
            e instanceof UnknownNameError &&
            e.field === "notAnOption" &&
            e.message.includes(`${kind} "${name}": unknown option "notAnOption". Known options: `),
          `${kind} "${name}"`,
        );
    });

  it("the public entry points reject prototype names too", () => {
    const m = pt.model({ input: [4] });
    const cases: [string, () => unknown][] = [
      ["optimizer", () => createOptimizer("constructor")],
      ["optimizer", () => pt.optimizers.create("toString")],
      ["architecture", () => m.architecture("toString")],
      ["architecture", () => m.architecture("constructor")],
      ["backbone", () => backboneFromJSON({ kind: "constructor", config: {} })],
      ["head", () => headFromJSON({ kind: "toString", config: { units: 2 } })],
      ["sampler", () => pt.samplers.create("__proto__")],
      ["transform", () => pt.transforms.create("constructor")],
      ["metric", () => resolveMetric("toString")],
      ["figure kind", () => pt.runFigure([], "constructor")],
      ["schedule", () => checkFitOptions({ schedule: { type: "toString" } })],
    ];
    for (const [kind, f] of cases)
      assert.throws(
        f,
        (e: unknown) => e instanceof UnknownNameError && e.message.includes(`Known ${kind} names`),
        kind,
      );
  });
});

describe("public namespaces match their registries", () => {
  const keys = (ns: object, extra: readonly string[] = []) =>
    Object.keys(ns).filter((k) => !extra.includes(k));

  it("optimizers, backbones, heads, arch, samplers, transforms, schedules, figure kinds", () => {
    assert.deepEqual(keys(pt.optimizers, ["create", "names"]), optimizerRegistry.names());
    assert.deepEqual(pt.optimizers.names(), optimizerRegistry.names());
    assert.deepEqual(keys(pt.backbones), backboneRegistry.names());
    assert.deepEqual(keys(pt.heads), headRegistry.names());
    assert.deepEqual(keys(pt.arch), architectureRegistry.names());
    assert.deepEqual(keys(pt.samplers, ["create", "names"]), samplerRegistry.names());
    assert.deepEqual(pt.samplers.names(), samplerRegistry.names());
    assert.deepEqual(
      keys(pt.transforms, ["standardizeFrom", "create", "names"]),
      transformRegistry.names(),
    );
    assert.deepEqual(pt.transforms.names(), transformRegistry.names());
    assert.deepEqual(keys(pt.schedules, ["names"]), scheduleRegistry.names());
    assert.deepEqual(pt.figureKinds(), figureRegistry.names());
  });

  it("metrics: every Metric export of pt.metrics is registered, and back", () => {
    const exported = Object.entries(pt.metrics)
      .filter(([, v]) => typeof v === "object" && v !== null && "compute" in v)
      .map(([, v]) => (v as pt.Metric).name);
    assert.deepEqual([...exported].sort(), [...metricRegistry.names()].sort());
    for (const name of metricRegistry.names())
      assert.equal(resolveMetric(name), (pt.metrics as Record<string, unknown>)[name]);
  });
});

describe("public factories validate through their registry entry's schema", () => {
  const message = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof ConfigError || e instanceof UnknownNameError, String(e));
      return e.message;
    }
    assert.fail("no error");
  };
  const same: [string, () => unknown, () => unknown][] = [
    ["sgd", () => pt.optimizers.sgd({ lr: -1 }), () => optimizerRegistry.create("sgd", { lr: -1 })],
    [
      "adamw",
      () => pt.optimizers.adamw({ weightDecay: -1 }),
      () => pt.optimizers.create("adamw", { weightDecay: -1 }),
    ],
    [
      "convNet",
      () => pt.backbones.convNet({ dropout: 1.5 }),
      () => backboneRegistry.create("convNet", { dropout: 1.5 }),
    ],
    [
      "mlp",
      () => pt.backbones.mlp({ unit: [3] } as never),
      () => backboneFromJSON({ kind: "mlp", config: { unit: [3] } }),
    ],
    [
      "classifier",
      () => pt.heads.classifier(0),
      () => headRegistry.create("classifier", { units: 0 }),
    ],
    [
      "regression",
      () => pt.heads.regression(1, { hidden: [-2] }),
      () => headFromJSON({ kind: "regression", config: { units: 1, hidden: [-2] } }),
    ],
    [
      "mmoe",
      () => pt.arch.mmoe({ experts: 0 }),
      () => architectureRegistry.create("mmoe", { experts: 0 }),
    ],
    [
      "crossStitch",
      () => pt.arch.crossStitch({ alphaSelf: 2 }),
      () =>
        pt
          .model({ input: [2] })
          .architecture(pt.resolveArchitecture("crossStitch", { alphaSelf: 2 })),
    ],
    [
      "temperature",
      () => pt.samplers.temperature(0),
      () => pt.samplers.create("temperature", { T: 0 }),
    ],
    [
      "uniform",
      () => pt.samplers.uniform({ mode: "some" as "one" }),
      () => samplerRegistry.create("uniform", { mode: "some" }),
    ],
    [
      "randomShift",
      () => pt.transforms.randomShift(-1),
      () => transformRegistry.create("randomShift", { maxPixels: -1 }),
    ],
    [
      "randomShift",
      () => pt.transforms.randomShift(-1),
      () => pt.transforms.create("randomShift", -1),
    ],
    [
      "step",
      () => pt.schedules.step({ every: 0 }),
      () => scheduleRegistry.create("step", { every: 0 }),
    ],
  ];
  for (const [name, factory, viaRegistry] of same)
    it(`${name}: the same message either way`, () => {
      assert.equal(message(factory), message(viaRegistry));
    });

  it("transforms.create maps positional arguments onto the schema's names", () => {
    assert.equal(pt.transforms.create("resize", [8, 8]).name, "resize");
    assert.equal(pt.transforms.create("normalize", { mean: 0, std: 1 }).name, "normalize");
    assert.throws(
      () => pt.transforms.create("channels", 3, 1),
      (e: unknown) => e instanceof ConfigError && /at most 1 arguments \(to\)/.test(e.message),
    );
    assert.throws(
      () => pt.transforms.create("resize"),
      (e: unknown) => e instanceof ConfigError && e.field === "size",
    );
  });
});
