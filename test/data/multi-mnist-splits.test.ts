/**
 * datasets.multiMnistSplits: a validation part that shares no source image with the training
 * part (each part paired within itself), the sizes, labels that are the source images' labels,
 * determinism, the test split as multiMnist's, and a bad fraction named in the error.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rawMnist } from "../../src/data/sources/mnist.js";
import { multiMnistSplits } from "../../src/data/sources/multi-mnist-splits.js";
import { multiMnist } from "../../src/data/sources/multi-mnist.js";
import { ConfigError } from "../../src/errors.js";

describe("datasets.multiMnistSplits", () => {
  const s = multiMnistSplits({ validation: 0.1, seed: 3 });

  it("holds out 10% of the source images; no validation image appears in a training pair", () => {
    assert.equal(s.train.left.size, 54_000);
    assert.equal(s.val.left.size, 6_000);
    const inTrain = new Set([...s.train.pairs.left, ...s.train.pairs.right]);
    const inVal = new Set([...s.val.pairs.left, ...s.val.pairs.right]);
    assert.equal(new Set(s.val.pairs.left).size, 6_000); // every held-out image is a left once
    for (const i of inVal) assert.ok(!inTrain.has(i), `source image ${i} is in both parts`);
    // the pairs of one part are drawn within it, so their union is the whole training split
    assert.equal(inTrain.size + inVal.size, 60_000);
  });

  it("labels are the source images' labels, and the groups are one input each", () => {
    const raw = rawMnist("train");
    for (const part of [s.train, s.val])
      for (let k = 0; k < part.left.size; k += 997) {
        assert.equal(part.left.y[k], raw.labels[part.pairs.left[k]]);
        assert.equal(part.right.y[k], raw.labels[part.pairs.right[k]]);
      }
    assert.equal(s.val.left.x, s.val.right.x);
    assert.equal(s.val.left.group, s.val.right.group);
    assert.match(s.val.left.name, /multiMnist\/val\/left/);
  });

  it("is deterministic in its seed; the test split is multiMnist's", () => {
    const again = multiMnistSplits({ validation: 0.1, seed: 3 });
    assert.deepEqual(again.val.pairs.left, s.val.pairs.left);
    assert.deepEqual(again.train.pairs.right, s.train.pairs.right);
    const other = multiMnistSplits({ validation: 0.1, seed: 4 });
    assert.notDeepEqual(other.val.pairs.left, s.val.pairs.left);
    assert.deepEqual(s.test.pairs.right, multiMnist({ split: "test", seed: 3 }).pairs.right);
  });

  it("a bad fraction is a ConfigError naming the option and the value", () => {
    for (const bad of [0, 1, -0.1, Number.NaN])
      assert.throws(
        () => multiMnistSplits({ validation: bad }),
        (e: unknown) => e instanceof ConfigError && e.field === "validation",
      );
  });
});
