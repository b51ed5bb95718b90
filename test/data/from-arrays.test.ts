import assert from "node:assert/strict";
import { test } from "node:test";
import { fromArrays } from "../../src/data/from-arrays.js";
import { DataError } from "../../src/errors.js";

function throwsData(fn: () => unknown, want: Partial<DataError>, msg?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DataError, `expected DataError, got ${e}`);
    for (const [k, v] of Object.entries(want)) assert.deepEqual((e as never)[k], v, `field ${k}`);
    if (msg) assert.match(e.message, msg);
    return true;
  });
}

test("fromArrays builds a class dataset from nested arrays", () => {
  const d = fromArrays({
    x: [
      [1, 2],
      [3, 4],
      [5, 6],
    ],
    y: [0, 2, 1],
    name: "toy",
  });
  assert.equal(d.size, 3);
  assert.deepEqual(d.inputShape, [2]);
  assert.equal(d.labelKind, "class");
  assert.equal(d.numClasses, 3);
  assert.ok(d.x instanceof Float32Array);
  assert.deepEqual([...d.y], [0, 2, 1]);
});

test("fromArrays accepts flat typed arrays with an input shape", () => {
  const d = fromArrays({
    x: new Float32Array(2 * 4),
    y: new Int32Array([1, 0]),
    inputShape: [2, 2, 1],
    numClasses: 5,
  });
  assert.deepEqual(d.inputShape, [2, 2, 1]);
  assert.equal(d.numClasses, 5);
});

test("fromArrays: regression and multi-label labels", () => {
  const r = fromArrays({
    x: [[1], [2]],
    y: [
      [0.5, 1.5],
      [2, 3],
    ],
  });
  assert.equal(r.labelKind, "regression");
  assert.equal(r.labelSize, 2);
  const m = fromArrays({
    x: [[1], [2]],
    y: [
      [0, 1, 1],
      [1, 0, 0],
    ],
    labelKind: "multiLabel",
  });
  assert.equal(m.numClasses, 3);
  throwsData(
    () =>
      fromArrays({
        x: [[1], [2]],
        y: [
          [0, 2],
          [1, 0],
        ],
        labelKind: "multiLabel",
        name: "ml",
      }),
    {
      task: "ml",
      field: "label",
      index: 0,
      value: 2,
    },
  );
});

test("fromArrays: partial labels through a mask; missing labels are ignored", () => {
  const d = fromArrays({ x: [[1], [2], [3]], y: [1, -1, 0], mask: [1, 0, 1], numClasses: 2 });
  assert.deepEqual([...d.mask!], [1, 0, 1]);
  assert.deepEqual([...d.y], [1, 0, 0]);
  throwsData(() => fromArrays({ x: [[1], [2]], y: [1, 0], mask: [1, 2], name: "m" }), {
    field: "mask",
    index: 1,
    value: 2,
  });
});

test("fromArrays: NaN and Infinity in features name the sample", () => {
  throwsData(
    () =>
      fromArrays({
        x: [
          [1, 2],
          [3, Number.NaN],
        ],
        y: [0, 1],
        name: "nanset",
      }),
    { task: "nanset", field: "x", index: 1 },
    /Dataset "nanset": x at sample 1 has NaN/,
  );
  throwsData(
    () => fromArrays({ x: new Float32Array([0, 1, Number.POSITIVE_INFINITY, 3]), y: [0, 1] }),
    {
      field: "x",
      index: 1,
      value: Number.POSITIVE_INFINITY,
    },
  );
  throwsData(() => fromArrays({ x: [[1], [2]], y: [[0.5], [Number.NaN]] }), {
    field: "label",
    index: 1,
  });
});

test("fromArrays: length mismatch, ragged rows, empty, bad shape", () => {
  throwsData(() => fromArrays({ x: [[1], [2], [3]], y: [0, 1], name: "len" }), {
    task: "len",
    field: "x",
    value: 3,
  });
  throwsData(() => fromArrays({ x: [[1, 2], [3]], y: [0, 1] }), { field: "x", index: 1, value: 1 });
  throwsData(() => fromArrays({ x: new Float32Array(5), y: [0, 1] }), { field: "x", value: 5 });
  throwsData(() => fromArrays({ x: [], y: [], name: "empty" }), {
    task: "empty",
    field: "y",
    value: 0,
  });
  throwsData(() => fromArrays({ x: new Float32Array(6), y: [0, 1], inputShape: [2, 2] }), {
    field: "inputShape",
  });
  throwsData(() => fromArrays({ x: [[1], ["a" as unknown as number]], y: [0, 1] }), {
    field: "x",
    index: 1,
    value: "a",
  });
});

test("fromArrays: labels out of range or not integers", () => {
  throwsData(
    () => fromArrays({ x: [[1], [2], [3]], y: [0, 12, 1], numClasses: 10, name: "fashion" }),
    { task: "fashion", field: "label", index: 1, value: 12 },
    /Dataset "fashion": label 12 at sample 1 is outside 0..9/,
  );
  throwsData(() => fromArrays({ x: [[1], [2]], y: [0, -1] }), {
    field: "label",
    index: 1,
    value: -1,
  });
  throwsData(() => fromArrays({ x: [[1], [2]], y: [0, 1.5] }), {
    field: "label",
    index: 1,
    value: 1.5,
  });
});
