/** fromCsv / fromJson with `labels: { task: column }`: one input, a task group, masks for gaps. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as pt from "../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "polytask-tabgroup-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const csv = join(dir, "people.csv");
writeFileSync(
  csv,
  [
    "age,income,churn,spend,segment",
    "30,10,1,2.5,a",
    "40,20,0,,b",
    "50,30,,1.25,a",
    "60,40,1,4.5,c",
  ]
    .join("\n")
    .concat("\n"),
);

test("fromCsv labels: one group sharing the features, masks where a label cell is empty", async () => {
  const g = await pt.datasets.fromCsv(csv, {
    features: ["age", "income"],
    labels: { churn: "churn", spend: "spend", segment: "segment" },
  });
  assert.deepEqual(Object.keys(g), ["churn", "spend", "segment"]);
  const { churn, spend, segment } = g;
  for (const d of [churn, spend, segment]) {
    assert.equal(d.size, 4);
    assert.equal(d.group, churn.group, "one group object for all members");
    assert.deepEqual(d.group?.members, ["churn", "spend", "segment"]);
    assert.deepEqual([...d.x], [30, 10, 40, 20, 50, 30, 60, 40]);
  }
  assert.equal(churn.x, spend.x, "members share one input buffer");
  assert.equal(churn.labelKind, "class");
  assert.deepEqual([...churn.y], [1, 0, 0, 1]);
  assert.deepEqual([...(churn.mask ?? [])], [1, 1, 0, 1]);
  assert.equal(spend.labelKind, "regression");
  assert.deepEqual([...spend.y], [2.5, 0, 1.25, 4.5]);
  assert.deepEqual([...(spend.mask ?? [])], [1, 0, 1, 1]);
  assert.equal(segment.numClasses, 3);
  assert.deepEqual(segment.classNames, ["a", "b", "c"]);
  assert.deepEqual([...segment.y], [0, 1, 0, 2]);
  assert.equal(segment.mask, undefined, "a fully labelled task carries no mask");
});

test("fromJson labels: named group, per-task labelKind and classes", async () => {
  const g = await pt.datasets.fromJson(
    [
      { f: 1, a: 2, b: "yes" },
      { f: 2, a: 3, b: "no" },
      { f: 3, b: "yes" },
    ],
    {
      features: ["f"],
      labels: { count: "a", answer: "b" },
      labelKind: { count: "regression" },
      classes: { answer: ["no", "yes"] },
      group: "survey",
    },
  );
  assert.equal(g.count.group?.name, "survey");
  assert.equal(g.count.group, g.answer.group);
  assert.equal(g.count.labelKind, "regression");
  assert.deepEqual([...g.count.y], [2, 3, 0]);
  assert.deepEqual([...(g.count.mask ?? [])], [1, 1, 0]);
  assert.deepEqual([...g.answer.y], [1, 0, 1]);
  assert.equal(g.answer.numClasses, 2);
});

test("a CSV group trains as one unit: an epoch passes the rows once, every step has both tasks", async () => {
  const g = await pt.datasets.fromCsv(csv, {
    features: ["age", "income"],
    labels: { churn: "churn", spend: "spend" },
  });
  const steps: { perEpoch: number; tasks: string[]; finite: boolean }[] = [];
  await pt
    .model({ input: [2] })
    .backbone(pt.backbones.mlp({ units: [8] }))
    .head("churn", pt.heads.classifier(2))
    .head("spend", pt.heads.regression(1))
    .fit(
      { ...g },
      {
        epochs: 2,
        batchSize: 2,
        seed: 1,
        listeners: [
          {
            onStep: (e) =>
              void steps.push({
                perEpoch: e.stepsPerEpoch,
                tasks: Object.keys(e.losses).sort(),
                finite: Object.values(e.losses).every(Number.isFinite),
              }),
          },
        ],
      },
    );
  assert.equal(steps.length, 4, "4 rows, batch 2, 2 epochs: 2 steps per epoch for the whole group");
  for (const s of steps) {
    assert.equal(s.perEpoch, 2);
    assert.deepEqual(s.tasks, ["churn", "spend"]);
    assert.ok(s.finite);
  }
});

test("group errors name the task, the column and the value", async () => {
  await assert.rejects(
    pt.datasets.fromCsv(csv, { features: ["age"], labels: { churn: "nope" } }),
    (e: unknown) =>
      e instanceof pt.DataError && e.value === "nope" && /lack the column "nope"/.test(e.message),
  );
  await assert.rejects(
    pt.datasets.fromCsv(csv, { features: ["age", "churn"], labels: { churn: "churn" } }),
    (e: unknown) =>
      e instanceof pt.ConfigError &&
      e.task === "churn" &&
      e.field === "labels" &&
      /also a feature/.test(e.message),
  );
  await assert.rejects(
    pt.datasets.fromJson([{ f: 1, a: null }, { f: 2 }], { features: ["f"], labels: { t: "a" } }),
    (e: unknown) =>
      e instanceof pt.DataError && e.field === "a" && /no label for task "t"/.test(e.message),
  );
  await assert.rejects(
    // @ts-expect-error: labelKind keyed by a task that labels does not list
    pt.datasets.fromCsv(csv, {
      features: ["age"],
      labels: { churn: "churn" },
      labelKind: { chrn: "class" },
    }),
    (e: unknown) => e instanceof pt.ConfigError && e.field === "labelKind" && e.value === "chrn",
  );
  await assert.rejects(
    pt.datasets.fromCsv(csv, { features: ["age"], labels: {} }),
    (e: unknown) => e instanceof pt.ConfigError && /at least one task/.test(e.message),
  );
  await assert.rejects(
    // @ts-expect-error: a typo inside the group options is rejected
    pt.datasets.fromCsv(csv, { features: ["age"], labels: { churn: "churn" }, grup: "x" }),
    (e: unknown) => e instanceof pt.UnknownNameError && /did you mean "group"/.test(e.message),
  );
  await assert.rejects(
    pt.datasets.fromJson([{ f: "x", a: 1 }], { features: ["f"], labels: { t: "a" } }),
    (e: unknown) => e instanceof pt.DataError && e.field === "f" && e.index === 0,
  );
});
