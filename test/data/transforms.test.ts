import assert from "node:assert/strict";
import { test } from "node:test";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { evalBatches, sampleShape } from "../../src/data/batch.js";
import { fromArrays } from "../../src/data/from-arrays.js";
import { MultiTaskLoader, disposeStep } from "../../src/data/loader.js";
import { transforms as T, withTransforms } from "../../src/data/transforms/index.js";
import type { Transform } from "../../src/data/types.js";
import { ConfigError, UnknownNameError } from "../../src/errors.js";
import { Random } from "../../src/util/random.js";

/** [2, 4, 4, 1] images with values 0..31. */
const img = () =>
  tf.tensor4d(
    Array.from({ length: 32 }, (_, i) => i),
    [2, 4, 4, 1],
  );

function run(t: Transform, x: tf.Tensor, seed: number, training = true): number[][] {
  return tf.tidy(() => {
    const y = t.apply(x, new Random(seed), training);
    assert.deepEqual(y.shape.slice(1), t.outputShape(x.shape.slice(1)));
    return [y.shape, Array.from(y.dataSync())];
  });
}

for (const backend of ["cpu", "wasm"]) {
  test(`[${backend}] deterministic transforms`, async () => {
    await tf.setBackend(backend);
    const x = img();
    const before = tf.memory().numTensors;
    const [, n] = run(T.normalize({ mean: 1, std: 2 }), x, 0);
    assert.deepEqual(n.slice(0, 3), [-0.5, 0, 0.5]);
    const [s3, c3] = run(T.channels(3), x, 0);
    assert.deepEqual(s3, [2, 4, 4, 3]);
    assert.deepEqual(c3.slice(0, 6), [0, 0, 0, 1, 1, 1]);
    const rgb = tf.tidy(() => tf.tile(x, [1, 1, 1, 3]));
    const [s1, c1] = run(T.channels(1), rgb, 0);
    rgb.dispose();
    assert.deepEqual(s1, [2, 4, 4, 1]);
    assert.ok(Math.abs(c1[5] - 5) < 1e-4);
    const [sr, r] = run(T.resize([2, 2], "nearest"), x, 0);
    assert.deepEqual(sr, [2, 2, 2, 1]);
    assert.deepEqual(r.slice(0, 4), [0, 2, 8, 10]);
    const [sp, p] = run(T.pad(1), x, 0);
    assert.deepEqual(sp, [2, 6, 6, 1]);
    assert.equal(p[0], 0); // border
    assert.equal(p[7], 0); // first image pixel at (1, 1) of the padded image
    assert.equal(p[8], 1);
    const [sc, c] = run(T.centerCrop([2, 2]), x, 0);
    assert.deepEqual(sc, [2, 2, 2, 1]);
    assert.deepEqual(c.slice(0, 4), [5, 6, 9, 10]);
    const tok = tf.tensor2d(
      [
        [5, 6, 7],
        [8, 9, 1],
      ],
      [2, 3],
      "int32",
    );
    assert.deepEqual(run(T.truncatePad(2), tok, 0)[1], [5, 6, 8, 9]);
    assert.deepEqual(run(T.truncatePad(4), tok, 0)[1], [5, 6, 7, 0, 8, 9, 1, 0]);
    tok.dispose();
    x.dispose();
    assert.equal(tf.memory().numTensors, before - 1);
  });

  test(`[${backend}] random transforms: seeded, shape-preserving, identity outside training`, async () => {
    await tf.setBackend(backend);
    const x = img();
    const base = Array.from(x.dataSync());
    const random = [
      T.randomShift(1),
      T.randomRotation(15),
      T.randomFlip({ horizontal: true, vertical: true }),
      T.gaussianNoise(0.1),
      T.cutout(2),
      T.randomCrop([4, 4], 1),
    ];
    for (const t of random) {
      const a = run(t, x, 7);
      assert.deepEqual(run(t, x, 7), a, `${t.name} is seeded`);
      const [, ev] = run(t, x, 7, false);
      assert.deepEqual(ev, base, `${t.name} is the identity in evaluation`);
      const changed = [1, 2, 3, 4, 5].some((s) => run(t, x, s)[1].some((v, i) => v !== base[i]));
      assert.ok(changed, `${t.name} changes some image`);
    }
    // each shifted image is its source moved by whole pixels (dy, dx) in [-1, 1], zero-filled
    for (const seed of [3, 4, 5]) {
      const [, sh] = run(T.randomShift(1), x, seed);
      for (let i = 0; i < 2; i++) {
        const img = sh.slice(i * 16, i * 16 + 16);
        const fits = [-1, 0, 1]
          .flatMap((dy) => [-1, 0, 1].map((dx) => [dy, dx]))
          .some(([dy, dx]) =>
            img.every((v, k) => {
              const [y, xx] = [Math.floor(k / 4) - dy, (k % 4) - dx];
              return v === (y < 0 || y > 3 || xx < 0 || xx > 3 ? 0 : base[i * 16 + y * 4 + xx]);
            }),
          );
        assert.ok(fits, `seed ${seed} image ${i} is a whole-pixel shift`);
      }
    }
    // randomCrop with padding: windows of the zero-padded image
    const [, cr] = run(T.randomCrop([4, 4], 1), x, 2);
    assert.ok(cr.every((v) => v === 0 || base.includes(v)));
    // flip with p=1 mirrors exactly
    const [, f] = run(T.randomFlip({ p: 1 }), x, 0);
    assert.deepEqual(f.slice(0, 4), [3, 2, 1, 0]);
    // cutout zeroes a whole size x size square (clipped at the border) and nothing else
    const [, cut] = run(T.cutout(2, 1, -1), x, 1);
    const zeroed = cut.filter((v) => v === -1).length;
    assert.ok(zeroed >= 2 && zeroed <= 8, `${zeroed} cut pixels`);
    x.dispose();
  });
}

test("shape checks and registry", () => {
  assert.throws(() => T.channels(2 as 1), ConfigError);
  assert.throws(() => T.resize([0, 3]), ConfigError);
  assert.throws(() => T.normalize({ mean: [0, 0], std: [1] }), ConfigError);
  assert.throws(() => T.resize([2, 2]).outputShape([4]), ConfigError);
  assert.throws(() => T.centerCrop([5, 5]).outputShape([4, 4, 1]), ConfigError);
  assert.throws(() => T.create("sharpen"), UnknownNameError);
  assert.equal(T.create("resize", [8, 8]).name, "resize");
});

test("withTransforms: the loader applies them, augmenting only training batches", async () => {
  await tf.setBackend("cpu");
  const d = fromArrays({
    x: new Float32Array(6 * 16).map((_, i) => i % 16),
    y: [0, 1, 0, 1, 0, 1],
    inputShape: [4, 4, 1],
  });
  const t = withTransforms(d, T.channels(3), T.resize([8, 8]), T.randomFlip({ p: 1 }));
  assert.equal(d.transforms, undefined, "the input dataset is unchanged");
  assert.deepEqual(sampleShape(t), [8, 8, 3]);
  assert.throws(() => withTransforms(d, T.truncatePad(3)), ConfigError);
  const before = tf.memory().numTensors;
  const l = new MultiTaskLoader({ t }, { batchSize: 6, seed: 1, shuffle: false });
  const [step] = [...l.epoch(0)];
  assert.deepEqual(step.t!.x.shape, [6, 8, 8, 3]);
  const trainRow = Array.from(step.t!.x.dataSync().slice(0, 24));
  disposeStep(step);
  const [ev] = [...evalBatches(t, 6)];
  const evalRow = Array.from(ev.x.dataSync().slice(0, 24));
  tf.dispose([ev.x, ev.y]);
  assert.deepEqual(trainRow.slice(0, 3), evalRow.slice(21, 24), "training batch is mirrored");
  const noAug = new MultiTaskLoader(
    { t },
    { batchSize: 6, seed: 1, shuffle: false, augment: false },
  );
  const [s2] = [...noAug.epoch(0)];
  assert.deepEqual(Array.from(s2.t!.x.dataSync().slice(0, 24)), evalRow);
  disposeStep(s2);
  assert.equal(tf.memory().numTensors, before);
});

const augmentedBy: Record<string, number[][]> = {};
for (const backend of ["cpu", "wasm"]) {
  test(`[${backend}] loader augmentation is seeded, resumable and leak-free`, async () => {
    await tf.setBackend(backend);
    const base = fromArrays({
      x: new Float32Array(20 * 16).map((_, i) => (i * 7) % 16),
      y: Array.from({ length: 20 }, (_, i) => i % 2),
      inputShape: [4, 4, 1],
    });
    const d = withTransforms(
      base,
      T.randomShift(1),
      T.randomFlip(),
      T.cutout(2),
      T.gaussianNoise(0.05),
    );
    const opts = { batchSize: 3, seed: 4 };
    const read = (l: MultiTaskLoader<"d">, e: number) =>
      [...l.epoch(e)].map((s) => {
        const v = Array.from(s.d!.x.dataSync());
        disposeStep(s);
        return v;
      });
    const before = tf.memory().numTensors;
    const full = new MultiTaskLoader({ d }, opts);
    const want = [...read(full, 0), ...read(full, 1)];
    const again = new MultiTaskLoader({ d }, opts);
    assert.deepEqual(
      [...read(again, 0), ...read(again, 1)],
      want,
      "same seed, same augmented batches",
    );
    const a = new MultiTaskLoader({ d }, opts);
    const got: number[][] = [];
    for (const s of a.epoch(0)) {
      got.push(Array.from(s.d!.x.dataSync()));
      disposeStep(s);
      if (got.length === 4) break;
    }
    const b = new MultiTaskLoader({ d }, opts);
    b.setState(a.getState());
    got.push(...read(b, 0), ...read(b, 1));
    assert.deepEqual(got, want, "a resumed loader augments exactly as an uninterrupted one");
    assert.equal(tf.memory().numTensors, before);
    augmentedBy[backend] = want;
    if (augmentedBy.cpu && augmentedBy.wasm)
      assert.deepEqual(
        augmentedBy.wasm,
        augmentedBy.cpu,
        "augmentation is identical on cpu and wasm",
      );
  });
}
