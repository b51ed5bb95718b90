/**
 * One shared harness for every backbone and every head (as Keras's run_layer_test): output
 * shapes, checkpoint round-trip (same predictions after save/load), a tiny two-task fit whose
 * loss drops, and no tensor growth.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { type Model, model } from "../../src/api/model.js";
import { Run } from "../../src/api/run.js";
import type { Dataset } from "../../src/data/types.js";
import { convNet } from "../../src/model/backbones/convNet.js";
import { mlp } from "../../src/model/backbones/mlp.js";
import { pretrained } from "../../src/model/backbones/pretrained.js";
import { resNet } from "../../src/model/backbones/resNet.js";
import { text } from "../../src/model/backbones/text.js";
import type { Backbone } from "../../src/model/backbones/types.js";
import { classifier } from "../../src/model/heads/classifier.js";
import { multiLabel } from "../../src/model/heads/multiLabel.js";
import { regression } from "../../src/model/heads/regression.js";
import type { Head } from "../../src/model/heads/types.js";
import { fileSaveHandler } from "../../src/model/io.js";
import { Network } from "../../src/model/network.js";
import {
  toyImageRegression,
  toyImages,
  toyMultiLabel,
  toyTasks,
  toyText,
  useCpu,
} from "../train/helpers.js";

let dir: string;

interface Case {
  name: string;
  input: number[];
  backbone: () => Backbone<object>;
  heads: [string, Head][];
  data: () => Record<string, Dataset>;
  epochs?: number;
  lr?: number;
}

async function savePretrained(path: string): Promise<void> {
  const m = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 4,
        kernelSize: 3,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        name: "c1",
      }),
      tf.layers.flatten({ name: "flat" }),
      tf.layers.dense({
        units: 8,
        activation: "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
        name: "feat",
      }),
      tf.layers.dense({
        units: 3,
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
        name: "old_head",
      }),
    ],
  });
  await m.save(fileSaveHandler(path));
  m.dispose();
}

async function harness(c: Case): Promise<void> {
  const n0 = tf.memory().numTensors;
  let m: Model<string> = model({ input: c.input }).backbone(c.backbone());
  for (const [name, h] of c.heads) m = m.head(name, h);
  const data = c.data();

  // shapes
  const net = await Network.build(m.def, 0);
  for (const [name, h] of c.heads) {
    const ds = data[name];
    const shape = [2, ...ds.inputShape];
    const out = tf.tidy(() => {
      const x = ds.inputDtype === "int32" ? tf.zeros(shape, "int32") : tf.randomNormal(shape);
      return net.forward(name, x, { training: false });
    });
    assert.deepEqual(out.shape, [2, h.units], `${c.name}/${name} output shape`);
    out.dispose();
  }
  net.dispose();

  // a tiny two-task fit whose loss drops
  const run = await m.fit(data as never, {
    epochs: c.epochs ?? 6,
    batchSize: 16,
    seed: 1,
    lr: c.lr ?? 0.01,
  });
  const first = run.history[0].loss;
  const last = run.history[run.history.length - 1].loss;
  assert.ok(last < first, `${c.name}: loss ${first} -> ${last} should drop`);

  // checkpoint round-trip: same weights and same predictions
  const path = join(dir, `ckpt-${c.name}`);
  await run.save(path);
  const loaded = await Run.load(path);
  assert.deepEqual(loaded.history, run.history);
  assert.deepEqual(loaded.model.toJSON(), run.model.toJSON());
  const a = await run.evaluate(data as never);
  const b = await loaded.evaluate(data as never);
  assert.deepEqual(b, a, `${c.name}: evaluation after load`);
  assert.equal(tf.memory().numTensors, n0, `${c.name}: tensors`);
}

describe("backbone and head harness", () => {
  before(async () => {
    await useCpu();
    dir = await mkdtemp(join(tmpdir(), "polytask-harness-"));
    await savePretrained(join(dir, "pretrained"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const vec = () => {
    const { cls, reg } = toyTasks(64);
    return { cls, reg };
  };
  const img = () => {
    const i = toyImages(32, 8, 1);
    return { quad: i, bright: toyImageRegression(i) };
  };
  const cases: Case[] = [
    {
      name: "mlp",
      input: [8],
      backbone: () => mlp({ units: [16], dropout: 0.1, batchNorm: true }),
      heads: [
        ["cls", classifier(2)],
        ["reg", regression(1)],
      ],
      data: vec,
    },
    {
      name: "convNet",
      input: [8, 8, 1],
      backbone: () => convNet({ filters: [4, 8], dense: 16, dropout: 0.1, batchNorm: true }),
      heads: [
        ["quad", classifier(4)],
        ["bright", regression(1)],
      ],
      data: img,
      epochs: 4,
    },
    {
      name: "resNet",
      input: [8, 8, 1],
      backbone: () => resNet({ filters: [4, 8] }),
      heads: [
        ["quad", classifier(4)],
        ["bright", regression(1)],
      ],
      data: img,
      epochs: 3,
    },
    {
      name: "text",
      input: [6],
      backbone: () => text({ vocabSize: 20, embedDim: 8, filters: 8 }),
      heads: [
        ["has", classifier(2)],
        ["count", regression(1)],
      ],
      data: () => toyText(64),
    },
    {
      name: "pretrained",
      input: [8, 8, 1],
      backbone: () => pretrained(join(dir, "pretrained"), { cutAt: "feat" }),
      heads: [
        ["quad", classifier(4)],
        ["bright", regression(1)],
      ],
      data: img,
    },
    {
      name: "heads",
      input: [8],
      backbone: () => mlp({ units: [16] }),
      heads: [
        ["multi", multiLabel(3, { hidden: [8] })],
        ["cls", classifier(2)],
      ],
      data: () => ({ multi: toyMultiLabel(64), cls: toyTasks(64).cls }),
    },
  ];
  for (const c of cases)
    it(`${c.name}: shapes, tiny two-task fit, save/load round-trip`, () => harness(c));

  it("pretrained: cuts at the named layer, can start frozen, and rejects unknown layers", async () => {
    const path = join(dir, "pretrained");
    const frozen = model({ input: [8, 8, 1] })
      .backbone(pretrained(path, { cutAt: "feat", trainable: false }))
      .head("quad", classifier(4));
    const net = await Network.build(frozen.def, 0);
    assert.deepEqual(net.representationShape, [8]);
    assert.ok(net.trainableParams().every((p) => p.part !== "backbone"));
    assert.ok(!net.params.some((p) => p.name.includes("old_head")));
    net.dispose();
    await assert.rejects(
      Network.build(
        model({ input: [8, 8, 1] })
          .backbone(pretrained(path, { cutAt: "nope" }))
          .head("q", classifier(2)).def,
        0,
      ),
      /has no layer "nope". Its layers: c1, flat, feat, old_head/,
    );
  });
});
