import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { Vocabulary, datasets, tokenize } from "../../src/data/index.js";
import { assetPath } from "../../src/data/sources/files.js";
import { emailBody, spamLabel } from "../../src/data/sources/spam.js";
import { ConfigError, DataError } from "../../src/errors.js";

const dir = mkdtempSync(join(tmpdir(), "polytask-data-"));
after(() => rmSync(dir, { recursive: true, force: true }));
function csv(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function isDataError(want: Partial<Record<string, unknown>>) {
  return (e: unknown) => {
    assert.ok(e instanceof DataError, `expected DataError, got ${e}`);
    for (const [k, v] of Object.entries(want))
      assert.deepEqual((e as never)[k], v, `${k}: ${(e as Error).message}`);
    return true;
  };
}

test("penguins: the shipped CSV resolves from the package root; NA rows dropped explicitly", async () => {
  assert.match(assetPath("penguins.csv"), /src[\\/]data[\\/]assets[\\/]penguins\.csv$/);
  const d = await datasets.penguins();
  assert.equal(d.size, 342);
  assert.deepEqual(d.inputShape, [4]);
  assert.deepEqual(d.classNames, ["Adelie", "Chinstrap", "Gentoo"]);
  assert.equal(d.numClasses, 3);
  assert.deepEqual([...d.x.slice(0, 4)], [39.1, 18.7, 181, 3750].map(Math.fround));
});

test("fromCsv: missing and non-numeric cells, unknown columns, labels", async () => {
  const good = csv("good.csv", "a,b,label\n1,2,x\n3,4,y\n5,6.5,x\n");
  const d = await datasets.fromCsv(good, { features: ["a", "b"], label: "label" });
  assert.equal(d.size, 3);
  assert.deepEqual([...d.y], [0, 1, 0]);
  const reg = await datasets.fromCsv(csv("reg.csv", "a,t\n1,0.5\n2,1.5\n"), {
    features: ["a"],
    label: "t",
  });
  assert.equal(reg.labelKind, "regression");
  const missing = csv("missing.csv", "a,b,label\n1,2,x\n3,,y\n");
  await assert.rejects(
    datasets.fromCsv(missing, { features: ["a", "b"], label: "label" }),
    isDataError({ task: "missing.csv", field: "b", index: 1 }),
  );
  assert.equal(
    (await datasets.fromCsv(missing, { features: ["a", "b"], label: "label", missing: "drop" }))
      .size,
    1,
  );
  await assert.rejects(
    datasets.fromCsv(csv("text.csv", "a,b,label\n1,2,x\n3,abc,y\n"), {
      features: ["a", "b"],
      label: "label",
    }),
    isDataError({ field: "b", index: 1, value: "abc" }),
  );
  await assert.rejects(
    datasets.fromCsv(good, { features: ["a", "zz"], label: "label" }),
    isDataError({ field: "columns", value: "zz" }),
  );
  await assert.rejects(
    datasets.fromCsv(good, { features: ["a"], label: "label", classes: ["x"] }),
    isDataError({ field: "label", index: 1, value: "y" }),
  );
  await assert.rejects(
    datasets.fromCsv(join(dir, "nope.csv"), { features: ["a"], label: "b" }),
    DataError,
  );
  await assert.rejects(datasets.fromCsv(good, { features: [], label: "label" }), ConfigError);
});

test("fromJson: records, wrong shapes", async () => {
  const d = await datasets.fromJson(
    [
      { f: 1, g: 2, c: 0 },
      { f: 3, g: 4, c: 1 },
    ],
    { features: ["f", "g"], label: "c" },
  );
  assert.equal(d.size, 2);
  assert.equal(d.numClasses, 2);
  const p = join(dir, "obj.json");
  writeFileSync(p, JSON.stringify({ rows: [] }));
  await assert.rejects(
    datasets.fromJson(p, { features: ["f"], label: "c" }),
    isDataError({ field: "json" }),
  );
  await assert.rejects(
    datasets.fromJson([{ f: 1, c: 0 }, 5 as never], { features: ["f"], label: "c" }),
    isDataError({ field: "json", index: 1, value: 5 }),
  );
  await assert.rejects(datasets.fromJson([], { features: ["f"], label: "c" }), DataError);
  await assert.rejects(
    datasets.fromJson([{ f: Number.POSITIVE_INFINITY, c: 0 }], { features: ["f"], label: "c" }),
    isDataError({ field: "f", index: 0 }),
  );
});

test("fromTensors reads tensors without disposing them", () => {
  const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
  const y = tf.tensor1d([0, 1, 1], "int32");
  const d = datasets.fromTensors({ x, y, name: "t" });
  assert.equal(d.size, 3);
  assert.deepEqual(d.inputShape, [2]);
  assert.ok(!x.isDisposed);
  const yr = tf.tensor2d([0.5, 1, 1.5], [3, 1]);
  assert.equal(datasets.fromTensors({ x, y: yr }).labelKind, "regression");
  assert.throws(() => datasets.fromTensors({ x: [1] as never, y }), ConfigError);
  const y2 = tf.tensor1d([0, 1], "int32");
  assert.throws(() => datasets.fromTensors({ x, y: y2 }), isDataError({ field: "x" }));
  tf.dispose([x, y, yr, y2]);
});

test("tokenizer and vocabulary", () => {
  assert.deepEqual(tokenize("Hello, WORLD! 42x"), ["hello", ",", "world", "!", "42x"]);
  const v = Vocabulary.build(["a b b c", "b c d"], { minCount: 2 });
  assert.deepEqual(v.tokens, ["<pad>", "<unk>", "b", "c"]);
  assert.deepEqual([...v.encode("b z c b b", 4)], [2, 1, 3, 2]);
  assert.deepEqual([...v.encode("c", 3)], [3, 0, 0]);
  assert.deepEqual(v.decode([2, 3, 0]), ["b", "c"]);
  assert.throws(() => new Vocabulary(["a"]), ConfigError);
});

test("spamAssassin: bodies, labels, fixed-length token ids, shared vocabulary", () => {
  assert.equal(emailBody("From: x\nSubject: y\n\nhello there"), "hello there");
  assert.equal(spamLabel("spam-2", 0), 1);
  assert.equal(spamLabel("hard-ham-1", 0), 0);
  assert.throws(() => spamLabel("other", 4), isDataError({ field: "group", index: 4 }));
  const tr = datasets.spamAssassin({ maxTokens: 32, limit: 200, maxSize: 2000 });
  assert.equal(tr.size, 200);
  assert.equal(tr.inputDtype, "int32");
  assert.deepEqual(tr.inputShape, [32]);
  assert.equal(tr.vocabulary?.length, 2000);
  const ys = new Set(tr.y);
  assert.ok(ys.has(0) && ys.has(1));
  const te = datasets.spamAssassin({
    split: "test",
    maxTokens: 32,
    vocabulary: tr.vocabularyObject,
    limit: 50,
  });
  assert.equal(te.vocabulary, tr.vocabulary);
  assert.ok(te.x.every((v) => v >= 0 && v < 2000));
});

test("fromTexts tokenizes user texts; checkLabelsFit names the task, head and sample", async () => {
  const { checkLabelsFit } = await import("../../src/data/validate.js");
  const d = datasets.fromTexts({
    texts: ["good film", "bad film", "good good"],
    labels: [1, 0, 1],
    maxTokens: 3,
    minCount: 1,
  });
  assert.equal(d.inputDtype, "int32");
  assert.deepEqual(d.inputShape, [3]);
  assert.deepEqual(d.vocabularyObject.decode(d.x.subarray(0, 3)), ["good", "film"]);
  assert.throws(
    () => datasets.fromTexts({ texts: ["a", 3 as never], labels: [0, 1] }),
    isDataError({ field: "texts", index: 1 }),
  );
  const f = datasets.fromArrays({
    x: [[0], [1], [2]],
    y: [0, 9, 12],
    numClasses: 13,
    name: "fashion",
  });
  assert.throws(
    () => checkLabelsFit(f, "fashion", 10),
    (e: unknown) =>
      e instanceof DataError &&
      e.message === 'Task "fashion": label 12 is outside 0..9 (head classifier(10)) at sample 2.',
  );
  checkLabelsFit(f, "fashion", 13);
});
