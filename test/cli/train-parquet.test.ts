/**
 * `polytask train` on Parquet shards written by `polytask data convert`: `fromParquet` sources
 * (one task, and one task picked from a streamed group) train with checkpoints every epoch
 * (fit stops, saves and resumes the streamed run at each epoch's end), streamed test data is
 * evaluated, and `--resume` of the finished run only evaluates it again.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { useBackend } from "../../src/backend/select.js";
import { dataCommand } from "../../src/cli/data.js";
import { trainCommand } from "../../src/cli/train.js";
import { load } from "../../src/index.js";

async function captured(f: () => Promise<number>): Promise<{ rc: number; lines: string[] }> {
  const log = console.log;
  const lines: string[] = [];
  console.log = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    return { rc: await f(), lines };
  } finally {
    console.log = log;
  }
}

let dir: string;

describe("polytask train on Parquet shards", () => {
  before(async () => {
    await useBackend("cpu", { quiet: true });
    dir = mkdtempSync(join(tmpdir(), "polytask-train-parquet-"));
    const convert = (...a: string[]) => captured(() => dataCommand(["convert", ...a]));
    const rows = ["--rows-per-shard", "64", "--row-group", "16"];
    await convert("mnist", "--limit", "160", "--out", join(dir, "digits"), ...rows);
    await convert("mnist", "--split", "test", "--limit", "48", "--out", join(dir, "digits-test"));
    await convert("multiMnist", "--limit", "96", "--out", join(dir, "pairs"), ...rows);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("trains from fromParquet sources with a checkpoint every epoch, evaluates streamed test data, resumes", async () => {
    const tensors = tf.memory().numTensors;
    const file = join(dir, "config.json");
    const shards = (path: string, label: object) => ({
      source: "fromParquet",
      path,
      features: "x",
      bufferSize: 32,
      ...label,
    });
    writeFileSync(
      file,
      JSON.stringify({
        backend: "cpu",
        input: [28, 28, 1],
        backbone: { kind: "mlp", units: [16] },
        tasks: {
          digits: {
            head: { kind: "classifier", units: 10 },
            train: shards("digits", { label: "label" }),
            test: shards("digits-test", { label: "label" }),
          },
          right: {
            head: { kind: "classifier", units: 10 },
            train: {
              ...shards("pairs", { labels: { left: "left", right: "right" } }),
              pick: "right",
            },
          },
        },
        fit: { epochs: 2, batchSize: 32, seed: 1 },
        out: "run",
      }),
    );
    const first = await captured(() => trainCommand([file, "--checkpoint-every", "1"]));
    assert.equal(first.rc, 0);
    assert.ok(
      first.lines.some((l) => l.includes('"accuracy"')),
      `test metrics printed, got:\n${first.lines.join("\n")}`,
    );
    assert.ok(existsSync(join(dir, "run", "report.html")));
    const run = await load(join(dir, "run"));
    assert.equal(run.reason, "completed");
    assert.equal(run.history.length, 2);
    // 160 + 96 samples in batches of 32 per epoch, over both epochs
    assert.equal(run.state.step, 2 * (160 / 32 + 96 / 32));
    assert.deepEqual([...run.tasks].sort(), ["digits", "right"]);
    const again = await captured(() => trainCommand([file, "--resume"]));
    assert.equal(again.rc, 0);
    assert.ok(again.lines.some((l) => /resuming .* after epoch 2 \(completed\)/.test(l)));
    assert.equal(tf.memory().numTensors, tensors, "no tensor leaks");
  });
});
