import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { main } from "../../src/cli/main.js";
import { sweepCommand, sweepUsage } from "../../src/cli/sweep.js";
import { TRAIN_USAGE, trainCommand } from "../../src/cli/train.js";
import { UnknownNameError } from "../../src/errors.js";
import { load } from "../../src/index.js";
import { csvToHistory } from "../../src/sweep/csv.js";

/** Runs `f` with console.log captured (the test reporter's own stdout is left alone). */
async function captured(f: () => Promise<unknown>): Promise<string> {
  const out: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => out.push(`${a.join(" ")}\n`);
  try {
    await f();
  } finally {
    console.log = log;
  }
  return out.join("");
}

const config = {
  backend: "cpu",
  input: [2],
  backbone: { kind: "mlp", units: [4] },
  tasks: {
    a: {
      head: { kind: "classifier", units: 2 },
      train: {
        source: "fromArrays",
        x: Array.from({ length: 40 }, (_, i) => [i % 2, (i * 7) % 5]),
        y: Array.from({ length: 40 }, (_, i) => i % 2),
      },
    },
  },
  fit: { epochs: 3, batchSize: 8, optimizer: { name: "sgd", lr: 0.1 } },
  out: "ckpt",
};

describe("polytask sweep and train --help", () => {
  it("sweep --help lists the engines", async () => {
    const text = sweepUsage();
    assert.match(text, /usage: polytask sweep <sweep\.json>/);
    assert.match(text, /^ {2}local /m);
    assert.match(text, /^ {2}ray /m);
    assert.equal(await main(["sweep", "--help"]), 0);
  });

  it("an unknown engine is named with the known ones", async () => {
    await assert.rejects(
      sweepCommand(["x.json", "--engine", "slurm"]),
      (e) => e instanceof UnknownNameError && /local, ray/.test(e.message),
    );
  });

  it("train --help documents the restart flags", async () => {
    assert.equal(await main(["train", "--help"]), 0);
    const text = TRAIN_USAGE;
    for (const flag of [
      "--resume",
      "--checkpoint-every N",
      "--metrics FILE.csv",
      "--result FILE.json",
    ])
      assert.ok(text.includes(flag), flag);
  });
});

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe("polytask train restart flags", () => {
  it("checkpoints every epoch with a CSV log and a result; --resume of a finished run trains no more", async () => {
    const before = tf.memory().numTensors;
    const dir = mkdtempSync(join(tmpdir(), "polytask-train-flags-"));
    made.push(dir);
    const file = join(dir, "config.json");
    writeFileSync(file, JSON.stringify(config));
    const csv = join(dir, "m.csv");
    const result = join(dir, "r.json");
    const flags = ["--checkpoint-every", "1", "--metrics", csv, "--result", result];
    await captured(() => trainCommand([file, ...flags]));
    const history = csvToHistory(readFileSync(csv, "utf8"));
    assert.deepEqual(
      history.map((l) => l.epoch),
      [0, 1, 2],
    );
    const r = JSON.parse(readFileSync(result, "utf8"));
    assert.equal(r.reason, "completed");
    assert.equal(r.epochs, 3);
    assert.equal(r.final.epoch, 2);
    assert.equal(r.resumedFromEpoch, undefined);
    const run = await load(join(dir, "ckpt"));
    assert.equal(run.reason, "completed");
    assert.equal(run.history.length, 3);
    // the same config without checkpoints: the same history
    writeFileSync(join(dir, "plain.json"), JSON.stringify({ ...config, out: "plain" }));
    await captured(() => trainCommand([join(dir, "plain.json"), "--metrics", join(dir, "p.csv")]));
    const plain = csvToHistory(readFileSync(join(dir, "p.csv"), "utf8"));
    const strip = (l: Record<string, number>) => ({ ...l, time: 0 });
    assert.deepEqual(plain.map(strip), history.map(strip));
    // resuming a finished run: nothing more to train
    const text = await captured(() => trainCommand([file, "--resume", ...flags]));
    assert.match(text, /resuming .* after epoch 3 \(completed\)/);
    assert.equal(JSON.parse(readFileSync(result, "utf8")).resumedFromEpoch, 3);
    assert.equal(csvToHistory(readFileSync(csv, "utf8")).length, 3);
    // a committed checkpoint version (v0000000N) is there
    assert.ok(readdirSync(join(dir, "ckpt")).some((n) => /^v\d+$/.test(n)));
    assert.equal(tf.memory().numTensors, before);
  });
});
