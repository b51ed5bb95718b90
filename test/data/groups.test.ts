/**
 * Task groups in the data layer: construction from one input labelled for several tasks, one
 * batch of samples per group per step (shared x tensor, every member's labels and masks), epochs
 * that pass a group's samples once, mixed groups and heterogeneous tasks, exact resume, the
 * group-aware split, ungrouping on subset, and the errors.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { fromArrays } from "../../src/data/from-arrays.js";
import { unitsOf } from "../../src/data/group.js";
import { MultiTaskLoader, disposeStep } from "../../src/data/loader.js";
import { splitGroup, take } from "../../src/data/ops.js";
import { multiMnist } from "../../src/data/sources/multi-mnist.js";
import { transforms } from "../../src/data/transforms/index.js";
import { withTransforms } from "../../src/data/transforms/with-transforms.js";
import type { Dataset, Step } from "../../src/data/types.js";
import { ConfigError, DataError } from "../../src/errors.js";

await tf.setBackend("cpu");

/** n samples with x = [i]; task a labels i % 2, task b labels i % 3 (masked where i % 4 == 3). */
function group(n = 20) {
  const x = Array.from({ length: n }, (_, i) => [i]);
  return fromArrays({
    x,
    y: { a: x.map((_, i) => i % 2), b: x.map((_, i) => i % 3) },
    mask: { b: x.map((_, i) => (i % 4 === 3 ? 0 : 1)) },
    name: "g",
  });
}

function other(n = 7): Dataset {
  return fromArrays({
    x: Array.from({ length: n }, (_, i) => [1000 + i]),
    y: Array(n).fill(0),
    name: "h",
  });
}

/** Every step as { task: [x values, y values, mask or null] } (disposes the step). */
function read(step: Step): Record<string, [number[], number[], number[] | null]> {
  const out: Record<string, [number[], number[], number[] | null]> = {};
  for (const [t, b] of Object.entries(step))
    out[t] = [
      Array.from(b!.x.dataSync()),
      Array.from(b!.y.dataSync()),
      b!.mask ? Array.from(b!.mask.dataSync()) : null,
    ];
  disposeStep(step);
  return out;
}

describe("task groups: construction", () => {
  it("fromArrays with y by task returns datasets sharing x and one group", () => {
    const g = group();
    assert.equal(g.a.x, g.b.x);
    assert.ok(g.a.group && g.a.group === g.b.group);
    assert.deepEqual(g.a.group?.members, ["a", "b"]);
    assert.equal(g.a.group?.size, 20);
    assert.equal(g.a.mask, undefined);
    assert.equal(g.b.mask?.[3], 0);
    assert.equal(g.a.numClasses, 2);
    assert.equal(g.b.numClasses, 3);
  });

  it("per-task options are records; an unknown task or a length mismatch names the task", () => {
    assert.throws(
      () => fromArrays({ x: [[1], [2]], y: { a: [0, 1] }, numClasses: { z: 3 } as never }),
      (e: unknown) => e instanceof DataError && /names task "z"/.test(e.message),
    );
    assert.throws(
      () => fromArrays({ x: [[1], [2]], y: { a: [0, 1], b: [0, 1, 1] } }),
      (e: unknown) => e instanceof DataError && /arrays\/b/.test(e.message),
    );
  });

  it("multiMnist returns left and right as a group; its pairs do not spread", () => {
    const m = multiMnist({ split: "test", limit: 16, seed: 0 });
    assert.ok(m.left.group && m.left.group === m.right.group);
    assert.equal(m.left.x, m.right.x);
    assert.deepEqual(Object.keys({ ...m }), ["left", "right"]);
    assert.equal(m.pairs.left.length, 16);
  });

  it("units: a group is one unit named a+b; group: false separates it; mixed with a task", () => {
    const g = group();
    const h = other();
    const data = { a: g.a, h, b: g.b };
    const units = unitsOf(["a", "h", "b"], data);
    assert.deepEqual(
      units.map((u) => [u.name, u.tasks, u.size]),
      [
        ["a+b", ["a", "b"], 20],
        ["h", ["h"], 7],
      ],
    );
    assert.deepEqual(
      unitsOf(["a", "h", "b"], data, { group: false }).map((u) => u.name),
      ["a", "h", "b"],
    );
    const named = fromArrays({ x: [[1], [2]], y: { p: [0, 1], q: [1, 0] }, group: "pair" });
    assert.equal(unitsOf(["p", "q"], named)[0].name, "pair");
  });

  it("members with different transforms are a ConfigError naming both", () => {
    const img = fromArrays({
      x: Array.from({ length: 4 }, () => Array(4).fill(0.5)),
      y: { a: [0, 1, 0, 1], b: [1, 0, 1, 0] },
      inputShape: [2, 2, 1],
    });
    const a = withTransforms(img.a, transforms.normalize({ mean: 0.5, std: 0.5 }));
    assert.throws(
      () => unitsOf(["a", "b"], { a, b: img.b }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /"a" and "b" share one input/.test(e.message) &&
        e.field === "transforms",
    );

    it("members may each carry a copy of one built-in transform (same name, equal options)", () => {
      const img = fromArrays({
        x: Array.from({ length: 4 }, (_, i) => Array(4).fill(i / 4)),
        y: { a: [0, 1, 0, 1], b: [1, 0, 1, 0] },
        inputShape: [2, 2, 1],
      });
      const norm = () => transforms.normalize({ mean: 0.1307, std: 0.3081 });
      const a = withTransforms(img.a, norm());
      const b = withTransforms(img.b, norm());
      const units = unitsOf(["a", "b"], { a, b });
      assert.deepEqual(
        units.map((u) => u.tasks),
        [["a", "b"]],
      );
      // the group's one input is normalised once, as each member's transform would
      const loader = new MultiTaskLoader({ a, b }, { batchSize: 4, shuffle: false, mode: "all" });
      const step = [...loader.epoch(0)][0] as Step;
      assert.equal(step.a?.x, step.b?.x);
      const got = Array.from(step.a?.x.dataSync() ?? []);
      const want = [0, 0.25, 0.5, 0.75].flatMap((v) => Array(4).fill((v - 0.1307) / 0.3081));
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `x[${i}] = ${v}`));
      disposeStep(step);
      // other options, another transform, or a hand-made transform (no options) still differ
      for (const other of [
        transforms.normalize({ mean: 0.5, std: 0.3081 }),
        transforms.gaussianNoise(0.1),
        {
          name: "normalize",
          outputShape: (s: readonly number[]) => [...s],
          apply: (x: tf.Tensor) => x,
        },
      ])
        assert.throws(
          () => unitsOf(["a", "b"], { a, b: withTransforms(img.b, other) }),
          (e: unknown) => e instanceof ConfigError && e.field === "transforms",
        );
    });
  });
});

describe("task groups: the loader", () => {
  it("one batch of samples per step for the whole group, every member's labels and masks", () => {
    const g = group(20);
    const l = new MultiTaskLoader({ a: g.a, b: g.b }, { batchSize: 8, seed: 3 });
    assert.deepEqual(
      l.units.map((u) => u.name),
      ["a+b"],
    );
    // an epoch passes the 20 samples once, whatever the number of tasks
    assert.equal(l.stepsPerEpoch, 3);
    const seen: number[] = [];
    for (const step of l.epoch(0)) {
      assert.equal(step.a?.x, step.b?.x, "one input tensor for the group");
      assert.equal(step.a?.unit, "a+b");
      const r = read(step);
      const xs = r.a[0];
      seen.push(...xs);
      assert.deepEqual(
        r.a[1],
        xs.map((i) => i % 2),
      );
      assert.deepEqual(
        r.b[1],
        xs.map((i) => (i % 4 === 3 ? 0 : i % 3)),
      );
      const wantMask = xs.map((i) => (i % 4 === 3 ? 0 : 1));
      if (wantMask.includes(0)) assert.deepEqual(r.b[2], wantMask);
      else assert.equal(r.b[2], null);
      assert.equal(r.a[2], null);
    }
    assert.deepEqual(
      seen.sort((p, q) => p - q),
      Array.from({ length: 20 }, (_, i) => i),
    );
  });

  it("a group mixed with a heterogeneous task: units drawn by sample counts, exact resume", () => {
    const g = group(20);
    const h = other(7);
    const make = () => new MultiTaskLoader({ a: g.a, b: g.b, h }, { batchSize: 4, seed: 9 });
    const l = make();
    assert.equal(l.stepsPerEpoch, Math.ceil(27 / 4));
    assert.deepEqual(l.probabilities(), { "a+b": 20 / 27, h: 7 / 27 });
    const full: string[] = [];
    for (let e = 0; e < 2; e++) for (const s of l.epoch(e)) full.push(JSON.stringify(read(s)));
    const r = make();
    const part: string[] = [];
    let k = 0;
    for (const s of r.epoch(0)) {
      part.push(JSON.stringify(read(s)));
      if (++k === 3) break;
    }
    const resumed = make();
    resumed.setState(r.getState());
    for (const s of resumed.epoch(0)) part.push(JSON.stringify(read(s)));
    for (const s of resumed.epoch(1)) part.push(JSON.stringify(read(s)));
    assert.deepEqual(part, full);
  });

  it("resuming with a group of another size is an error naming the unit", () => {
    const l = new MultiTaskLoader({ ...group(20) }, { batchSize: 4 });
    const state = l.getState();
    const bigger = new MultiTaskLoader({ ...group(24) }, { batchSize: 4 });
    assert.throws(
      () => bigger.setState(state),
      (e: unknown) =>
        e instanceof ConfigError && /"a\+b" had 20 training samples .* has 24 now/.test(e.message),
    );
  });
});

describe("task groups: subsets and splits", () => {
  it("splitGroup holds out the same samples for every member and keeps the group", () => {
    const g = group(20);
    const { train, val } = splitGroup(g, 0.25, 5);
    assert.equal(val.a.size, 5);
    assert.equal(val.a.x, val.b.x);
    assert.ok(val.a.group && val.a.group === val.b.group);
    assert.ok(train.a.group && train.a.group !== val.a.group);
    assert.deepEqual(
      Array.from(val.b.y),
      Array.from(val.a.x).map((i) => (i % 4 === 3 ? 0 : i % 3)),
    );
  });

  it("a subset of one member leaves the group, with a note", () => {
    const g = group(20);
    const warned: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => void warned.push(m);
    try {
      const sub = take(g.a, [0, 1, 2]);
      assert.equal(sub.group, undefined);
      assert.equal(sub.size, 3);
    } finally {
      console.warn = warn;
    }
    assert.equal(warned.length, 1);
    assert.match(warned[0], /takes it out of its task group \(a, b\)/);
  });
});
