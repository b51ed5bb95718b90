/**
 * Exact resume from any step: an interrupt mid-epoch resumed (in memory, or saved and loaded)
 * gives the uninterrupted run's weights and history, also for strategies that read the epoch
 * losses (DWA) and for optimizers given by name with an lr; a resume on data of another size is
 * a clear error.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as pt from "../../src/index.js";
import { toyTasks, useCpu } from "./helpers.js";

const { cls, reg } = toyTasks(48);
const base = pt
  .model({ input: [8] })
  .backbone(pt.backbones.mlp({ units: [8] }))
  .head("cls", pt.heads.classifier(2))
  .head("reg", pt.heads.regression(1));

type Opts = NonNullable<Parameters<typeof base.fit>[1]>;

/** The run interrupted after `k` steps. */
function interrupted(opts: Opts, k: number) {
  const ac = new AbortController();
  let n = 0;
  return base.fit(
    { cls, reg },
    { ...opts, signal: ac.signal, listeners: [{ onStep: () => void (++n === k && ac.abort()) }] },
  );
}

const withoutTime = (h: readonly pt.EpochLog[]) => h.map(({ time: _, ...rest }) => rest);

function same(a: pt.Run, b: pt.Run, what: string): void {
  assert.deepEqual([...(a.model.def.weights ?? [])], [...(b.model.def.weights ?? [])], what);
  assert.deepEqual(withoutTime(a.history), withoutTime(b.history), what);
}

let dir: string;

describe("exact resume", () => {
  before(async () => {
    await useCpu();
    dir = await mkdtemp(join(tmpdir(), "polytask-exact-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("DWA across a mid-epoch interrupt: the epoch's losses and the weights match", async () => {
    const opts: Opts = {
      epochs: 4,
      batchSize: 8,
      weighting: "dwa",
      seed: 2,
      lr: 0.01,
      listeners: [],
    };
    const full = await base.fit({ cls, reg }, opts);
    // 12 steps per epoch: interrupt in the middle of epoch 1
    const part = await interrupted(opts, 17);
    assert.equal(part.reason, "interrupted");
    same(await part.resume({ cls, reg }, { listeners: [] }), full, "in memory");
    await part.save(join(dir, "dwa"));
    const loaded = await pt.load<"cls" | "reg">(join(dir, "dwa"));
    same(await loaded.resume({ cls, reg }, { listeners: [] }), full, "saved and loaded");
  });

  it("an optimizer given by name keeps its lr on an in-memory resume", async () => {
    for (const optimizer of ["sgd", "adam"]) {
      const opts: Opts = { epochs: 2, batchSize: 8, optimizer, lr: 0.05, seed: 4, listeners: [] };
      const full = await base.fit({ cls, reg }, opts);
      const part = await interrupted(opts, 5);
      const resumed = await part.resume({ cls, reg }, { listeners: [] });
      same(resumed, full, optimizer);
      assert.equal(resumed.history[0].lr, 0.05);
    }
  });

  it("the checkpoint listener's folder loads at every save and resumes exactly", async () => {
    const opts: Opts = { epochs: 3, batchSize: 8, weighting: "dwa", seed: 6, listeners: [] };
    const full = await base.fit({ cls, reg }, opts);
    const ckpt = join(dir, "listener");
    let loads = 0;
    const ac = new AbortController();
    let n = 0;
    const part = await base.fit(
      { cls, reg },
      {
        ...opts,
        checkpoint: { dir: ckpt, every: 1, everySteps: 4 },
        signal: ac.signal,
        listeners: [
          {
            onStep: async () => {
              if (++n > 4) {
                assert.ok((await pt.load(ckpt)).state.step >= 4);
                loads++;
              }
              if (n === 18) ac.abort();
            },
          },
        ],
      },
    );
    assert.equal(part.reason, "interrupted");
    assert.ok(loads > 10);
    const loaded = await pt.load<"cls" | "reg">(ckpt);
    assert.equal(loaded.state.step, 18);
    same(
      await loaded.resume({ cls, reg }, { listeners: [] }),
      full,
      "from the listener's checkpoint",
    );
  });

  it("resuming on a dataset of another size is a clear error, leaking nothing", async () => {
    const part = await interrupted({ epochs: 2, batchSize: 8, listeners: [] }, 3);
    const smaller = toyTasks(40);
    const n0 = tf.memory().numTensors;
    await assert.rejects(
      part.resume({ cls: smaller.cls, reg }, { listeners: [] }),
      (e: unknown) =>
        e instanceof pt.ConfigError &&
        e.task === "cls" &&
        /48 training samples.*40/.test(e.message),
    );
    assert.equal(tf.memory().numTensors, n0);
  });
});
