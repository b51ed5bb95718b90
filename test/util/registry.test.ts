import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, UnknownNameError } from "../../src/errors.js";
import { Registry } from "../../src/util/registry.js";
import { num, parseOptions, z } from "../../src/util/schema.js";
import { closest, editDistance } from "../../src/util/suggest.js";

const schema = z.strictObject({
  lr: num.positive().optional(),
  nested: z.strictObject({ depth: num.count().optional() }).optional(),
});

function registry(): Registry<{ lr: number }> {
  const r = new Registry<{ lr: number }>("optimizer");
  r.register({ name: "sgd", schema, create: (o) => ({ lr: o.lr ?? 0.1 }) });
  return r;
}

describe("Registry", () => {
  it("creates by name with validated options", () => {
    assert.deepEqual(registry().create("sgd", { lr: 1e6 }), { lr: 1e6 });
    assert.deepEqual(registry().names(), ["sgd"]);
  });

  for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty", "", 3]) {
    it(`rejects the prototype-ish name ${JSON.stringify(name)} listing the known names`, () => {
      assert.throws(
        () => registry().create(name),
        (e: unknown) =>
          e instanceof UnknownNameError && /Known optimizer names: sgd/.test(e.message),
      );
      assert.equal(registry().has(name), false);
    });
  }

  it("rejects an unknown nested key with the known keys of that level", () => {
    assert.throws(
      () => registry().create("sgd", { nested: { dpeth: 2 } }),
      (e: unknown) =>
        e instanceof UnknownNameError &&
        e.message.includes('unknown option "nested.dpeth"') &&
        e.message.includes('Known options of "nested": depth'),
    );
  });

  for (const [lr, got] of [
    [-1, "-1"],
    [0, "0"],
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "Infinity"],
    ["8", '"8"'],
  ] as const) {
    it(`range-checks lr = ${String(lr)} with Expected/Received`, () => {
      assert.throws(
        () => registry().create("sgd", { lr }),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.field === "lr" &&
          e.message.includes("expected a") &&
          e.message.includes(`received ${got}`),
      );
    });
  }

  it("resolves { name, ...options } objects", () => {
    const r = registry();
    const isInst = (x: unknown): x is { lr: number } =>
      typeof x === "object" && x !== null && "lr" in x && !("name" in x);
    assert.deepEqual(r.resolve({ name: "sgd", lr: 2 }, isInst, "optimizer"), { lr: 2 });
    assert.deepEqual(r.resolve("sgd", isInst, "optimizer"), { lr: 0.1 });
    assert.throws(() => r.resolve(7, isInst, "optimizer"), ConfigError);
  });
});

describe("parseOptions", () => {
  it("prefixes paths and names the caller", () => {
    assert.throws(
      () => parseOptions(schema, { nested: { depth: 0 } }, { where: "fit", prefix: "opt" }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.field === "opt.nested.depth" &&
        /^fit: option "opt.nested.depth": expected an integer >= 1, received 0\.$/.test(e.message),
    );
  });
});

describe("messages", () => {
  it("suggest the closest known name or key, case-insensitively", () => {
    assert.equal(closest("adamx", ["sgd", "adam", "adamw"]), "adam");
    assert.equal(closest("l2SP", ["l1", "l2", "l2sp"]), "l2sp");
    assert.equal(closest("patince", ["monitor", "patience"]), "patience");
    assert.equal(closest("zzz", ["sgd", "adam"]), undefined);
    assert.equal(editDistance("evry", "every"), 1);
    assert.equal(editDistance("ab", "ba"), 1);
  });

  it("name the caller and the option that held an unknown name", () => {
    assert.throws(
      () => registry().create("sdg", {}, { where: "fit", nameField: "optimizer" }),
      (e: unknown) =>
        e instanceof UnknownNameError &&
        e.field === "optimizer" &&
        e.message ===
          'fit: option "optimizer": unknown optimizer "sdg" (did you mean "sgd"?). Known optimizer names: sgd.',
    );
    const isInst = (x: unknown): x is { lr: number } => false;
    assert.throws(
      () =>
        registry().resolve({ name: "sgd", lr: -1 }, isInst, "optimizer", {
          where: "config",
          prefix: "fit",
        }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.field === "fit.optimizer.lr" &&
        e.message === 'config: option "fit.optimizer.lr": expected a number > 0, received -1.',
    );
    assert.throws(
      () => registry().resolve(null, isInst, "optimizer", "fit"),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.field === "optimizer" &&
        /^fit: option "optimizer": expected an optimizer name \(sgd\), \{ name, \.\.\.options \}, or an optimizer object, received null\.$/.test(
          e.message,
        ),
    );
  });

  it("report unions by their forms, or by the one alternative that matched", () => {
    const s = z.strictObject({ u: z.union([num.count(), z.array(num.count())]) });
    assert.throws(
      () => parseOptions(s, { u: "x" }, { where: "w" }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message === 'w: option "u": expected an integer or a list, received "x".',
    );
    assert.throws(
      () => parseOptions(s, { u: [1, 0] }, { where: "w" }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.field === "u.1" &&
        e.message === 'w: option "u.1": expected an integer >= 1, received 0.',
    );
  });
});
