/**
 * The dataset constructors' argument schemas (src/data/args.ts): bad OPTIONS are ConfigErrors
 * (unknown keys with the known ones listed, ranges, types) raised before any file is read; bad
 * DATA stays a DataError naming the sample.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { datasetArgs, datasetArgsSchema } from "../../src/data/args.js";
import { datasets } from "../../src/data/index.js";
import { ConfigError, DataError, UnknownNameError } from "../../src/errors.js";

const unknownKey = (where: string, key: string, known: string) => (e: unknown) =>
  e instanceof UnknownNameError &&
  e.field === key &&
  e.message.startsWith(`${where}: unknown option "${key}"`) &&
  e.message.includes(`Known options: ${known}`);

const badValue =
  (where: string, field: string, expected: string, received: string) => (e: unknown) =>
    e instanceof ConfigError &&
    e.field === field &&
    e.message === `${where}: option "${field}": expected ${expected}, received ${received}.`;

test("image sets: unknown keys and ranges", () => {
  assert.throws(
    () => datasets.mnist({ limt: 5 } as never),
    unknownKey("datasets.mnist", "limt", "split, limit, seed"),
  );
  assert.throws(
    () => datasets.mnist({ limit: 0 }),
    badValue("datasets.mnist", "limit", "an integer >= 1", "0"),
  );
  assert.throws(
    () => datasets.mnist({ split: "val" as "train" }),
    badValue("datasets.mnist", "split", 'one of "train", "test"', '"val"'),
  );
  assert.throws(
    () => datasets.fashionMnist({ splitSeed: 0.5 }),
    badValue("datasets.fashionMnist", "splitSeed", "an integer", "0.5"),
  );
  assert.throws(
    () => datasets.multiMnist({ variant: "x" as "sener" }),
    badValue("datasets.multiMnist", "variant", 'one of "sener", "pareto"', '"x"'),
  );
  assert.throws(
    () => datasets.quickDraw({ categories: 0 }),
    (e: unknown) => e instanceof ConfigError && e.field === "categories",
  );
  assert.throws(
    () => datasets.quickDraw({ categories: ["cat"], testFraction: 1 }),
    badValue("datasets.quickDraw", "testFraction", "a number < 1", "1"),
  );
  assert.throws(
    () => datasets.spamAssassin({ maxTokens: 0 }),
    badValue("datasets.spamAssassin", "maxTokens", "an integer >= 1", "0"),
  );
  assert.throws(
    () => datasets.fromIdx(new Uint8Array(0), new Uint8Array(0), { numClass: 3 } as never),
    unknownKey("datasets.fromIdx", "numClass", "name, numClasses"),
  );
});

test("fromArrays, fromTensors, fromTexts: options are ConfigErrors, data stays DataErrors", () => {
  assert.throws(
    () => datasets.fromArrays({ x: [1, 2], y: [0, 1], labelkind: "class" } as never),
    unknownKey("datasets.fromArrays", "labelkind", "x, y, mask, inputShape, labelKind"),
  );
  assert.throws(
    () => datasets.fromArrays({ x: [1, 2], y: [0, 1], inputShape: [0] }),
    badValue("datasets.fromArrays", "inputShape.0", "an integer >= 1", "0"),
  );
  assert.throws(
    () => datasets.fromArrays({ x: [1, 2], y: [0, 1], labelKind: "classes" as "class" }),
    (e: unknown) => e instanceof ConfigError && e.field === "labelKind",
  );
  assert.throws(
    () => datasets.fromArrays({ x: [1, 2], y: [0, 1], numClasses: -2 }),
    badValue("datasets.fromArrays", "numClasses", "an integer >= 1", "-2"),
  );
  // bad data: still a DataError naming the field and the sample
  assert.throws(
    () => datasets.fromArrays({ x: [1, Number.NaN], y: [0, 1] }),
    (e: unknown) => e instanceof DataError && e.field === "x" && e.index === 1,
  );
  assert.throws(
    () => datasets.fromArrays({ x: 5 as never, y: [0] }),
    (e: unknown) => e instanceof DataError && e.field === "x",
  );
  assert.throws(
    () => datasets.fromTexts({ texts: ["a", "b"], labels: [0, 1], maxTokens: 0 }),
    badValue("datasets.fromTexts", "maxTokens", "an integer >= 1", "0"),
  );
  assert.throws(
    () => datasets.fromTexts({ texts: ["a", 3 as never], labels: [0, 1] }),
    (e: unknown) => e instanceof DataError && e.field === "texts" && e.index === 1,
  );
  assert.throws(
    () => datasets.fromTexts({ texts: ["a"], labels: [0], minCount: 0 }),
    badValue("datasets.fromTexts", "minCount", "an integer >= 1", "0"),
  );
});

test("fromCsv and fromJson check their options before reading anything", async () => {
  await assert.rejects(
    datasets.fromCsv("/no/such/file.csv", { features: ["a"], lable: "y" } as never),
    unknownKey("datasets.fromCsv", "lable", "features, label"),
  );
  await assert.rejects(
    datasets.fromJson([{ a: 1, y: 0 }], { features: ["a"], label: "y", missing: "skip" as "drop" }),
    badValue("datasets.fromJson", "missing", 'one of "error", "drop"', '"skip"'),
  );
  await assert.rejects(
    datasets.fromJson([{ a: 1, y: 0 }], { features: [], label: "y" }),
    badValue("datasets.fromJson", "features", "a non-empty list", "[]"),
  );
});

test("every datasets loader but quickDrawCategories has an argument schema", () => {
  const loaders = Object.keys(datasets).filter((k) => k !== "quickDrawCategories");
  for (const k of loaders) assert.ok(datasetArgsSchema(k), k);
  assert.equal(datasetArgsSchema("toString"), undefined);
  assert.equal(datasetArgsSchema("constructor"), undefined);
  assert.ok(Object.keys(datasetArgs).length >= loaders.length - 1);
});
