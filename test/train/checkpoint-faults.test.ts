/**
 * Checkpoints under faults: a save SIGKILLed before each of its file operations, concurrent saves
 * in one process and in two, with loads racing them. Every outcome must leave a checkpoint that
 * loads (the old or the new one) and, once loaded, no leftovers.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import * as pt from "../../src/index.js";
import {
  type CheckpointData,
  readCheckpoint,
  writeCheckpoint,
} from "../../src/train/checkpoint.js";
import { faults } from "../../src/train/checkpoint/io.js";
import { toyTasks, useCpu } from "./helpers.js";

const CHILD = fileURLToPath(new URL("./checkpoint-child.fixture.ts", import.meta.url));

function child(
  args: string[],
): Promise<{ code: number | null; signal: string | null; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    p.stderr.on("data", (d) => {
      err += d;
    });
    p.on("error", reject);
    p.on("exit", (code, signal) => resolve({ code, signal, err }));
  });
}

/** Runs `fn` over `items` with `n` at a time. */
async function pool<T>(items: readonly T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

let root: string;
let a: CheckpointData;
let b: CheckpointData;

describe("checkpoints under faults", () => {
  before(async () => {
    await useCpu();
    root = await mkdtemp(join(tmpdir(), "polytask-faults-"));
    const { cls, reg } = toyTasks(32);
    const m = pt
      .model({ input: [8] })
      .backbone(pt.backbones.mlp({ units: [8] }))
      .head("cls", pt.heads.classifier(2))
      .head("reg", pt.heads.regression(1));
    const o = { batchSize: 16, listeners: [], regularize: { l2sp: 0.01 } };
    const ra = await m.fit({ cls, reg }, { ...o, epochs: 1 });
    const rb = await m.fit({ cls, reg }, { ...o, epochs: 2 });
    await ra.save(join(root, "a"));
    await rb.save(join(root, "b"));
    a = await readCheckpoint(join(root, "a"));
    b = await readCheckpoint(join(root, "b"));
    assert.notEqual(a.state.step, b.state.step);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("a save SIGKILLed before any one of its file operations leaves the old or the new checkpoint", async () => {
    // the operations of one save over an existing checkpoint, counted in this process
    const ops: string[] = [];
    await cp(join(root, "a"), join(root, "count"), { recursive: true });
    faults.hook = (op, path) => ops.push(`${op} ${path.slice(root.length)}`);
    try {
      await writeCheckpoint(join(root, "count"), b);
    } finally {
      faults.hook = undefined;
    }
    // the commit: the staging folder's rename to the next version
    const commit = ops.findIndex((o) => /^rename .*\/v\d{10}$/.test(o));
    assert.ok(ops.length > 30 && commit > 0, ops.join("\n"));
    const outcomes: string[] = [];
    await pool(
      ops.map((_, k) => k),
      2,
      async (k) => {
        const dir = join(root, `kill-${k}`);
        await cp(join(root, "a"), dir, { recursive: true });
        const r = await child(["kill", join(root, "b"), dir, String(k)]);
        assert.equal(r.signal, "SIGKILL", `kill ${k} (${ops[k]}): ${r.err}`);
        const got = await readCheckpoint(dir);
        // up to the commit the old checkpoint is current; from then on the new one
        const want = k <= commit ? a : b;
        assert.equal(got.state.step, want.state.step, `kill before ${ops[k]}`);
        assert.deepEqual([...got.weights.values()], [...want.weights.values()]);
        // the load removed what the killed save left
        assert.equal((await readdir(dir)).length, 1, (await readdir(dir)).join(","));
        outcomes.push(k <= commit ? "old" : "new");
        await rm(dir, { recursive: true });
      },
    );
    assert.equal(outcomes.length, ops.length);
    console.log(
      `# ${ops.length} kills: ${outcomes.filter((o) => o === "old").length} left the old checkpoint, ${outcomes.filter((o) => o === "new").length} the new one; all loaded`,
    );
  });

  it("30 rounds of concurrent saves in one process, with loads racing them, all succeed", async () => {
    const dir = join(root, "race");
    await cp(join(root, "a"), dir, { recursive: true });
    let loads = 0;
    for (let round = 0; round < 30; round++) {
      let saving = true;
      const reader = (async () => {
        while (saving) {
          const got = await readCheckpoint(dir);
          assert.ok([a.state.step, b.state.step].includes(got.state.step));
          loads++;
        }
      })();
      const mark = (d: CheckpointData, i: number) => ({ ...d, state: { ...d.state, time: i } });
      await Promise.all([
        writeCheckpoint(dir, mark(a, round * 3)),
        writeCheckpoint(dir, mark(b, round * 3 + 1)),
        writeCheckpoint(dir, mark(a, round * 3 + 2)),
      ]);
      saving = false;
      await reader;
      const got = await readCheckpoint(dir);
      assert.ok([round * 3, round * 3 + 1, round * 3 + 2].includes(got.state.time));
      assert.equal((await readdir(dir)).length, 1, (await readdir(dir)).join(","));
    }
    console.log(`# 30 rounds x 3 concurrent saves, ${loads} racing loads: all loaded`);
  });

  it("two processes saving to one checkpoint, with loads racing them, leave it loadable and clean", async () => {
    const dir = join(root, "two");
    await cp(join(root, "a"), dir, { recursive: true });
    let done = false;
    let loads = 0;
    const reader = (async () => {
      while (!done) {
        await readCheckpoint(dir);
        loads++;
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const [r1, r2] = await Promise.all([
      child(["saves", join(root, "b"), dir, "20", "1"]),
      child(["saves", join(root, "a"), dir, "20", "2"]),
    ]);
    done = true;
    await reader;
    assert.equal(r1.code, 0, r1.err);
    assert.equal(r2.code, 0, r2.err);
    const got = await readCheckpoint(dir);
    assert.ok([1019, 2019].includes(got.state.time), String(got.state.time));
    assert.equal((await readdir(dir)).length, 1, (await readdir(dir)).join(","));
    console.log(`# 2 processes x 20 saves, ${loads} racing loads: all loaded`);
  });
});
