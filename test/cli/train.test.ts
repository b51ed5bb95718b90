import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
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

const made: string[] = [];

function writeConfig(config: unknown): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "polytask-train-"));
  made.push(dir);
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify(config));
  return { dir, file };
}

describe("polytask train <config.json>", () => {
  after(() => {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  });

  it("trains from a JSON config and writes a checkpoint and a report, both under the config's folder", async () => {
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
    assert.ok(existsSync(join(dir, "run")), "checkpoint directory, next to the config file");
    const html = readFileSync(join(dir, "run", "report.html"), "utf8");
    assert.match(html, /^<!DOCTYPE html>/i);
    assert.ok(html.includes("digits") && html.includes("right"), "the report names the tasks");
    assert.ok(!/<script[^>]+src="http/.test(html), "offline: no script from the network");
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

  it("the README's example config is examples/train-mnist-fashion.json, and it trains", async () => {
    const root = join(import.meta.dirname, "..", "..");
    const text = readFileSync(join(root, "examples", "train-mnist-fashion.json"), "utf8");
    const readme = readFileSync(join(root, "README.md"), "utf8");
    assert.ok(readme.includes(text.trim()), "README shows the example config verbatim");
    const cfg = JSON.parse(text);
    for (const t of Object.values(cfg.tasks) as {
      train: { limit: number };
      test: { limit: number };
    }[]) {
      t.train.limit = 64;
      t.test.limit = 32;
    }
    const { dir, file } = writeConfig({
      ...checkConfig(cfg),
      backend: "cpu",
      fit: { ...cfg.fit, epochs: 1 },
      out: "out",
    });
    const log = console.log;
    console.log = () => {};
    try {
      assert.equal(await trainCommand([file]), 0);
    } finally {
      console.log = log;
    }
    assert.ok(existsSync(join(dir, "out", "report.html")));
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

  it("validates every part of a config, naming its path, before loading anything", () => {
    const cfg = (patch: (c: typeof base) => unknown) => patch(structuredClone(base));
    const cases: [unknown, string, RegExp][] = [
      [cfg((c) => ({ ...c, epochs: 2 })), "epochs", /^config: unknown option "epochs"/],
      [
        cfg((c) => ({ ...c, backbone: { kind: "mlp", unit: [3] } })),
        "backbone.unit",
        /unknown option "backbone.unit" \(did you mean "units"\?\)/,
      ],
      [
        cfg((c) => ({ ...c, backbone: { kind: "mlp", dropout: 1.5 } })),
        "backbone.dropout",
        /^config: option "backbone.dropout": expected a number < 1, received 1.5\.$/,
      ],
      [
        cfg((c) => {
          c.tasks.digits.head = { kind: "classifier", units: 10, hiden: [4] } as never;
          return c;
        }),
        "tasks.digits.head.hiden",
        /unknown option "tasks.digits.head.hiden"/,
      ],
      [
        cfg((c) => {
          c.tasks.digits.train = { source: "mnist", split: "train", limt: 5 } as never;
          return c;
        }),
        "tasks.digits.train.limt",
        /unknown option "tasks.digits.train.limt" \(did you mean "limit"\?\)/,
      ],
      [
        cfg((c) => ({ ...c, fit: { ...c.fit, regularize: { l2SP: 10 } } })),
        "fit.regularize.l2SP",
        /Known options of "fit.regularize": l1, l2, l2sp, dropout/,
      ],
      [
        cfg((c) => ({ ...c, fit: { ...c.fit, schedule: { type: "step", evry: 1 } } })),
        "fit.schedule.evry",
        /unknown option "fit.schedule.evry"/,
      ],
      [
        cfg((c) => ({ ...c, fit: { ...c.fit, lr: -1 } })),
        "fit.lr",
        /^config: option "fit.lr": expected a number > 0, received -1\.$/,
      ],
      [
        cfg((c) => ({ ...c, fit: { ...c.fit, sampler: { name: "temperature", T: 0 } } })),
        "fit.sampler.T",
        /option "fit.sampler.T": expected a number > 0, received 0/,
      ],
      [
        cfg((c) => ({ ...c, fit: { ...c.fit, optimizer: { name: "constructor" } } })),
        "fit.optimizer.name",
        /option "fit.optimizer.name": unknown optimizer "constructor"/,
      ],
      [
        cfg((c) => ({ ...c, backbone: { kind: "toString" } })),
        "backbone.kind",
        /^config: option "backbone.kind": unknown backbone "toString". Known backbone names: mlp, convNet/,
      ],
    ];
    for (const [config, field, message] of cases)
      assert.throws(
        () => checkConfig(config),
        (e: unknown) =>
          (e instanceof ConfigError || e instanceof UnknownNameError) &&
          e.field === field &&
          message.test(e.message),
        field,
      );
    assert.doesNotThrow(() => checkConfig(base));
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
