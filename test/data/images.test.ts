import assert from "node:assert/strict";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { datasets } from "../../src/data/index.js";
import {
  fashionSplitIndices,
  parseFashionClass,
  rawFashionAll,
} from "../../src/data/sources/fashion.js";
import { parseIdx } from "../../src/data/sources/idx.js";
import { rawMnist } from "../../src/data/sources/mnist.js";
import { composePairs, drawPairs } from "../../src/data/sources/multi-mnist.js";
import { parseQuickDrawFile } from "../../src/data/sources/quickdraw.js";
import { ConfigError, DataError } from "../../src/errors.js";

function isDataError(want: Partial<Record<string, unknown>>, msg?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof DataError, `expected DataError, got ${e}`);
    for (const [k, v] of Object.entries(want))
      assert.deepEqual((e as never)[k], v, `${k}: ${(e as Error).message}`);
    if (msg) assert.match((e as Error).message, msg);
    return true;
  };
}

test("mnist: real IDX files, [0,1] float32 NHWC, known first labels, limit and seeded subset", () => {
  const d = datasets.mnist({ split: "train", limit: 100 });
  assert.equal(d.size, 100);
  assert.deepEqual(d.inputShape, [28, 28, 1]);
  assert.ok(d.x instanceof Float32Array && d.x.length === 100 * 784);
  assert.deepEqual([...d.y.slice(0, 10)], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  assert.ok(d.x.every((v) => v >= 0 && v <= 1));
  assert.equal(rawMnist("test").size, 10000);
  assert.equal(rawMnist("train").size, 60000);
  const a = datasets.mnist({ split: "test", limit: 50, seed: 3 });
  const b = datasets.mnist({ split: "test", limit: 50, seed: 3 });
  assert.deepEqual(a.y, b.y);
  assert.notDeepEqual(a.y, datasets.mnist({ split: "test", limit: 50 }).y);
  assert.throws(() => datasets.mnist({ split: "val" as "train" }), ConfigError);
  assert.throws(() => datasets.mnist({ limit: 0 }), ConfigError);
});

test("IDX errors: wrong magic, truncated file, header too short, count mismatch", () => {
  const good = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3]);
  assert.deepEqual(parseIdx(good, "t", "labels", 1).dims, [3]);
  assert.throws(
    () => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 0]), "t", "labels", 1),
    isDataError({ task: "t", field: "labels", value: 0x803 }, /magic number 0x00000803/),
  );
  assert.throws(
    () => parseIdx(good.subarray(0, 10), "t", "labels", 1),
    isDataError({ value: 2 }, /truncated/),
  );
  assert.throws(
    () => parseIdx(good.subarray(0, 6), "t", "labels", 1),
    isDataError({ field: "labels" }),
  );
  const imgs = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 7, 9]);
  assert.throws(
    () => datasets.fromIdx(imgs, good, { name: "mine" }),
    isDataError({ task: "mine", field: "labels", value: 3 }),
  );
  const labels2 = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 1, 12]);
  assert.throws(
    () => datasets.fromIdx(imgs, labels2, { name: "mine", numClasses: 10 }),
    isDataError({ field: "label", index: 1, value: 12 }),
  );
  const d = datasets.fromIdx(imgs, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 1, 0]));
  assert.deepEqual(
    [...d.x].map((v) => Math.round(v * 255)),
    [7, 9],
  );
  assert.throws(() => datasets.fromIdx("/nonexistent/file", "/x"), DataError);
});

test("fashionMnist: 70k from per-class JSON, seeded balanced 60k/10k split", () => {
  const all = rawFashionAll();
  assert.equal(all.size, 70000);
  const tr = fashionSplitIndices(all, "train");
  const te = fashionSplitIndices(all, "test");
  assert.equal(tr.length, 60000);
  assert.equal(te.length, 10000);
  const seen = new Uint8Array(70000);
  for (const i of tr) seen[i]++;
  for (const i of te) seen[i]++;
  assert.ok(
    seen.every((v) => v === 1),
    "train and test partition the 70k images",
  );
  const counts = new Array(10).fill(0);
  for (const i of te) counts[all.labels[i]]++;
  assert.deepEqual(counts, new Array(10).fill(1000));
  const d = datasets.fashionMnist({ split: "test", limit: 20 });
  assert.equal(d.size, 20);
  assert.equal(d.classNames?.[0], "T-shirt/top");
  assert.deepEqual(datasets.fashionMnist({ split: "test", limit: 20 }).x, d.x);
});

test("fashion JSON of the wrong shape fails with the file, row and value", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const row = (v: number) => `[${new Array(784).fill(v).join(",")}]`;
  const ok = parseFashionClass(enc(`{"data":[${row(1)},[],${row(2)}]}`), 3, "f.json");
  assert.equal(ok.size, 2);
  assert.deepEqual(ok.emptyRows, [1]);
  assert.deepEqual([...ok.labels], [3, 3]);
  assert.throws(
    () => parseFashionClass(enc(`{"pixels":[]}`), 0, "f.json"),
    isDataError({ field: "f.json" }),
  );
  assert.throws(
    () => parseFashionClass(enc(`{"data":[[1,2,3]]}`), 0, "f.json"),
    isDataError({ index: 0, value: 3 }),
  );
  assert.throws(
    () => parseFashionClass(enc(`{"data":[${row(1)},${row(300)}]}`), 0, "f.json"),
    isDataError({ index: 1, value: 300 }),
  );
  assert.throws(
    () => parseFashionClass(enc(`{"data":[[0.5]]}`), 0, "f.json"),
    isDataError({ index: 0 }),
  );
  assert.throws(() => parseFashionClass(enc(`{"data":[${row(1)}]`), 0, "f.json"), DataError);
});

test("MultiMNIST on fixed indices follows Sener & Koltun's construction", () => {
  const raw = rawMnist("test");
  const left = Int32Array.from([0, 1, 2]);
  const right = Int32Array.from([5, 0, 2]);
  const meta = { name: "mm", leftClasses: ["l"], rightClasses: ["r"] };
  for (const size of [36, 28] as const) {
    const p = composePairs(raw, raw, left, right, size, meta);
    assert.equal(p.left.x, p.right.x, "the two tasks share one input array");
    assert.deepEqual(
      [...p.left.y],
      [...left].map((i) => raw.labels[i]),
    );
    assert.deepEqual(
      [...p.right.y],
      [...right].map((i) => raw.labels[i]),
    );
    for (let k = 0; k < 3; k++) {
      const a = raw.images.subarray(left[k] * 784, left[k] * 784 + 784);
      const b = raw.images.subarray(right[k] * 784, right[k] * 784 + 784);
      // the 36x36 canvas, built independently
      const canvas = (r: number, c: number) => {
        const va = r < 28 && c < 28 ? a[r * 28 + c] : 0;
        const vb = r >= 6 && c >= 6 && r < 34 && c < 34 ? b[(r - 6) * 28 + (c - 6)] : 0;
        return Math.max(va, vb);
      };
      for (let r = 0; r < size; r++)
        for (let c = 0; c < size; c++) {
          const [sr, sc] =
            size === 36
              ? [r, c]
              : [Math.floor(((r + 0.5) * 36) / 28), Math.floor(((c + 0.5) * 36) / 28)];
          const got = p.left.x[k * size * size + r * size + c];
          assert.equal(got, Math.fround(canvas(sr, sc) / 255), `sample ${k} pixel ${r},${c}`);
        }
    }
  }
});

test("MultiMNIST: seeded random partners, sizes of both variants, sources", () => {
  const p1 = drawPairs(1000, 1000, 1, 7);
  assert.deepEqual(drawPairs(1000, 1000, 1, 7), p1);
  assert.deepEqual([...p1.left.slice(0, 3)], [0, 1, 2]);
  assert.ok(new Set(p1.right).size > 500, "partners spread over the set");
  const p2 = drawPairs(100, 100, 2, 1);
  for (let i = 0; i < 100; i++) assert.notEqual(p2.right[2 * i], p2.right[2 * i + 1]);
  const m = datasets.multiMnist({ split: "test", limit: 30, seed: 2 });
  assert.equal(m.left.size, 30);
  assert.deepEqual(m.left.inputShape, [28, 28, 1]);
  assert.equal(m.left.name, "multiMnist/test/left");
  const par = datasets.multiMnist({ split: "test", variant: "pareto", limit: 10 });
  assert.deepEqual(par.right.inputShape, [36, 36, 1]);
  assert.deepEqual([...par.pairs.left.slice(0, 4)], [0, 0, 1, 1]);
  const fm = datasets.multiMnist({ split: "test", source: "fashion+mnist", limit: 5 });
  assert.equal(fm.left.classNames?.[0], "0");
  assert.equal(fm.right.classNames?.[0], "T-shirt/top");
  assert.throws(() => datasets.multiMnist({ variant: "x" as "sener" }), ConfigError);
});

test("quickDraw: categories, documented split, bad files", () => {
  const tr = datasets.quickDraw({ categories: ["cat", "dog"] });
  const te = datasets.quickDraw({ categories: ["cat", "dog"], split: "test" });
  assert.equal(tr.size, 160);
  assert.equal(te.size, 40);
  assert.deepEqual(tr.classNames, ["cat", "dog"]);
  // a category's split does not depend on the other categories asked for
  const alone = datasets.quickDraw({ categories: ["dog"], split: "test" });
  assert.deepEqual(alone.x, te.x.subarray(20 * 784));
  assert.equal(datasets.quickDraw({ categories: 3, limitPerCategory: 5 }).size, 15);
  assert.throws(() => datasets.quickDraw({ categories: ["unicornz"] }), ConfigError);
  assert.throws(() => datasets.quickDraw({ categories: ["cat", "cat"] }), ConfigError);
  const gz = (s: string) => gzipSync(new TextEncoder().encode(s));
  assert.throws(
    () => parseQuickDrawFile(gz("[1,2]\n"), "c"),
    isDataError({ task: "quickDraw/c", index: 0, value: 2 }),
  );
  const bad = new Array(784).fill(0);
  bad[5] = 3;
  assert.throws(
    () =>
      parseQuickDrawFile(
        gz(`${JSON.stringify(new Array(784).fill(0))}\n${JSON.stringify(bad)}\n`),
        "c",
      ),
    isDataError({ index: 1, value: 3 }),
  );
  assert.throws(() => parseQuickDrawFile(new Uint8Array([1, 2, 3]), "c"), DataError);
});
