import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { useBackend } from "../../src/backend/select.js";
import { checkConfig, trainCommand } from "../../src/cli/train.js";
import { ConfigError, UnknownNameError } from "../../src/errors.js";
import { load } from "../../src/index.js";

const base = {
  backend: "cpu",
  input: [28, 28, 1],
  backbone: { kind: "mlp", units: [16] },
  tasks: {
    digits: {
      head: { kind: "classifier", units: 10 },
      train: { source: "mnist", split: "train", limit: 128 },
      test: { source: "mnist", split: "test", limit: 64 },
    },
    right: {
      head: { kind: "classifier", units: 10 },
      train: { source: "multiMnist", split: "train", limit: 128, pick: "right" },
    },
  },
  fit: {
    epochs: 1,
    batchSize: 32,
    sampler: { name: "uniform", mode: "all" },
    weighting: { name: "pcgrad" },
    optimizer: { name: "sgd", lr: 0.05 },
  },
};

function writeConfig(config: unknown): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "polytask-train-"));
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify(config));
  return { dir, file };
}

describe("polytask train <config.json>", () => {
  it("trains from a JSON config and writes a checkpoint that loads back", async () => {
    await useBackend("cpu", { quiet: true });
    const before = tf.memory().numTensors;
    const { dir, file } = writeConfig({ ...base, out: "run" });
    const log = console.log;
    const lines: string[] = [];
    console.log = (...a: unknown[]) => lines.push(a.join(" "));
    try {
      assert.equal(await trainCommand([file]), 0);
    } finally {
      console.log = log;
    }
    assert.ok(existsSync(join(dir, "run")), "checkpoint directory");
    assert.ok(
      lines.some((l) => l.includes('"accuracy"')),
      `test metrics printed, got:\n${lines.join("\n")}`,
    );
    const run = await load(join(dir, "run"));
    assert.deepEqual([...run.tasks].sort(), ["digits", "right"]);
    assert.equal(run.config.weighting.name, "pcgrad");
    assert.equal(run.history.length, 1);
    assert.equal(tf.memory().numTensors, before);
  });

  it("names the bad field of a config", () => {
    assert.throws(
      () =>
        checkConfig({ ...base, tasks: { digits: { head: { kind: "classifier" }, train: {} } } }),
      (e: unknown) => e instanceof ConfigError && /tasks\.digits\.head/.test(e.message),
    );
    assert.throws(
      () => checkConfig({ ...base, backbone: {} }),
      (e: unknown) => e instanceof ConfigError && e.field === "backbone.kind",
    );
  });

  it("lists the dataset loaders for an unknown source", async () => {
    const { file } = writeConfig({
      ...base,
      tasks: { digits: { ...base.tasks.digits, train: { source: "mnsit" } } },
    });
    await assert.rejects(
      trainCommand([file]),
      (e: unknown) => e instanceof UnknownNameError && /mnist, fashionMnist/.test(e.message),
    );
  });
});
