/**
 * Damaged checkpoints: each kind of damage is a CheckpointError naming the checkpoint, the file
 * and what is wrong, never a raw ENOENT/SyntaxError/RangeError, a silent re-initialisation or a
 * NaN weight; no error path leaks a tensor. Most variants rewrite the manifest to match, so that
 * the checks behind the checksums are the ones tested (a writer bug, not bit rot).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cp, mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import * as pt from "../../src/index.js";
import { checkpointFolder } from "../../src/train/checkpoint.js";
import { toyTasks, useCpu } from "./helpers.js";

type Json = Record<string, unknown>;
let root: string;
let good: string;
const { cls, reg } = toyTasks(48);

/** Rewrites `file` of the checkpoint's current version and, unless `raw`, its manifest entry. */
async function tamper(
  dir: string,
  file: string,
  edit: (bytes: Buffer) => Buffer | string,
  raw = false,
): Promise<void> {
  const folder = await checkpointFolder(dir);
  const bytes = edit(await readFile(join(folder, file)));
  await writeFile(join(folder, file), bytes);
  if (raw) return;
  const m = JSON.parse(await readFile(join(folder, "manifest.json"), "utf8"));
  const b = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
  m.files[file] = { size: b.byteLength, sha256: createHash("sha256").update(b).digest("hex") };
  await writeFile(join(folder, "manifest.json"), JSON.stringify(m));
}

const editJson = (f: (j: Json) => void) => (b: Buffer) => {
  const j = JSON.parse(b.toString("utf8"));
  f(j);
  return JSON.stringify(j);
};

let n = 0;
async function damaged(): Promise<string> {
  const dir = join(root, `d${n++}`);
  await cp(good, dir, { recursive: true });
  return dir;
}

/** Loading `dir` fails with a CheckpointError on `file` matching `what`, leaking nothing. */
async function rejects(dir: string, file: RegExp, what: RegExp): Promise<void> {
  const before = tf.memory().numTensors;
  await assert.rejects(pt.load(dir), (e: unknown) => {
    if (process.env.SHOW) console.log(String((e as Error).message));
    assert.ok(e instanceof pt.CheckpointError, String(e));
    assert.equal(e.dir, dir);
    assert.match(e.file, file);
    assert.match(e.message, what);
    assert.ok(e.message.includes(dir), e.message);
    return true;
  });
  assert.equal(tf.memory().numTensors, before, "tensors leaked on the error path");
}

describe("damaged checkpoints", () => {
  before(async () => {
    await useCpu();
    root = await mkdtemp(join(tmpdir(), "polytask-damage-"));
    const ac = new AbortController();
    let k = 0;
    const run = await pt
      .model({ input: [8] })
      .backbone(pt.backbones.mlp({ units: [8] }))
      .head("cls", pt.heads.classifier(2))
      .head("reg", pt.heads.regression(1))
      .fit(
        { cls, reg },
        {
          epochs: 4,
          batchSize: 8,
          validationSplit: 0.25,
          regularize: { l2sp: 0.01 },
          earlyStopping: { monitor: "val/cls/loss", patience: 5 },
          signal: ac.signal,
          listeners: [{ onStep: () => void (++k === 13 && ac.abort()) }],
        },
      );
    assert.equal(run.reason, "interrupted");
    good = join(root, "good");
    await run.save(good);
    await pt.load(good); // the undamaged copy loads
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("a renamed or missing weight entry (not a silent re-initialisation)", async () => {
    const renamed = await damaged();
    await tamper(
      renamed,
      "weights.json",
      editJson((j) => {
        (j.entries as Json[])[0].name = "backbone/dense0/kernal";
      }),
    );
    await rejects(
      renamed,
      /weights\.json$/,
      /weight "backbone\/dense0\/kernal" names no parameter of the model/,
    );
    const dropped = await damaged();
    await tamper(
      dropped,
      "weights.json",
      editJson((j) => {
        const e = j.entries as Json[];
        e[e.length - 1] = { ...e[e.length - 1], name: e[0].name };
      }),
    );
    await rejects(dropped, /weights\.json$/, /repeats the name/);
  });

  it("NaN or infinite bytes in weights.bin or in a state array", async () => {
    const nanW = await damaged();
    await tamper(nanW, "weights.bin", (b) => {
      b.writeFloatLE(Number.NaN, 8);
      return b;
    });
    await rejects(nanW, /weights\.bin$/, /holds NaN at element 2/);
    const infS = await damaged();
    await tamper(infS, "state.bin", (b) => {
      b.writeFloatLE(Number.POSITIVE_INFINITY, 4);
      return b;
    });
    await rejects(infS, /state\.bin$/, /holds Infinity/);
  });

  it("empty optimizer slots and best weights, and a missing L2-SP reference or best weights", async () => {
    const emptySlot = await damaged();
    await tamper(
      emptySlot,
      "state.json",
      editJson((j) => {
        const slots = (j.state as Json & { optimizer: { slots: Record<string, Json> } }).optimizer
          .slots;
        const first = Object.values(slots)[0];
        (first.values as Json).length = 0;
      }),
    );
    await rejects(emptySlot, /state\.bin$/, /optimizer\.slots\..*has shape \[.*\] but 0 values/);
    const emptyBest = await damaged();
    await tamper(
      emptyBest,
      "state.json",
      editJson((j) => {
        const es = (j.state as { listeners: { earlyStopping: { bestWeights: { $map: Json[] } } } })
          .listeners.earlyStopping;
        (es.bestWeights.$map[0] as unknown as [string, Json])[1].values = {
          $array: "float32",
          offset: 0,
          length: 0,
        };
      }),
    );
    await rejects(
      emptyBest,
      /state\.bin$/,
      /bestWeights\[.*\]\.values|bestWeights\[.*\] has shape/,
    );
    for (const [key, what] of [
      ["theta0", /L2-SP reference/],
      ["bestWeights", /early-stopping best weights/],
    ] as const) {
      const dir = await damaged();
      await tamper(
        dir,
        "state.json",
        editJson((j) => {
          const s = j.state as Json & { listeners: { earlyStopping: Json } };
          if (key === "theta0") delete s.theta0;
          else delete s.listeners.earlyStopping.bestWeights;
          j.contents = (j.contents as string[]).filter((p) => !p.includes(key));
        }),
      );
      await rejects(dir, /state\.json$/, what);
    }
    // a piece the state lists among its contents but lacks
    const lacking = await damaged();
    await tamper(
      lacking,
      "state.json",
      editJson((j) => {
        const slots = (j.state as { optimizer: { slots: Json } }).optimizer.slots;
        delete slots[Object.keys(slots)[0]];
      }),
    );
    await rejects(
      lacking,
      /state\.json$/,
      /lacks "optimizer\.slots\..*", which the checkpoint lists/,
    );
  });

  it("missing, truncated, edited and unparsable files", async () => {
    for (const file of ["state.bin", "weights.json", "spec.json", "manifest.json"]) {
      const dir = await damaged();
      await rm(join(await checkpointFolder(dir), file));
      await rejects(dir, new RegExp(`${file.replace(".", "\\.")}$`), /is missing/);
    }
    const cut = await damaged();
    await truncate(join(await checkpointFolder(cut), "weights.bin"), 10);
    await rejects(cut, /weights\.bin$/, /has 10 bytes, the manifest says \d+/);
    const flipped = await damaged();
    await tamper(
      flipped,
      "weights.bin",
      (b) => {
        b[0] ^= 1;
        return b;
      },
      true,
    );
    await rejects(flipped, /weights\.bin$/, /does not match its checksum/);
    const garbled = await damaged();
    await tamper(garbled, "state.json", (b) => b.toString("utf8").slice(0, 40));
    await rejects(garbled, /state\.json$/, /is not valid JSON/);
    const badSpec = await damaged();
    await tamper(
      badSpec,
      "spec.json",
      editJson((j) => {
        (j.backbone as Json).kind = "mlq";
      }),
    );
    await rejects(badSpec, /spec\.json$/, /does not describe a model/);
    await rejects(join(root, "nowhere"), /^$/, /does not exist/);
    await writeFile(join(root, "a-file"), "x");
    await rejects(join(root, "a-file"), /^$/, /cannot be read as a folder/);
  });

  it("refuses to save non-finite weights (the save would not load)", async () => {
    const run = await pt.load(good);
    const w = new Map(run.model.def.weights);
    const [name, v] = [...w][0];
    const values = v.values.slice();
    values[0] = Number.NaN;
    w.set(name, { shape: v.shape, values });
    const bad = new pt.Run(run.model.withWeights(w), run.state);
    await assert.rejects(
      bad.save(join(root, "nan")),
      (e: unknown) => e instanceof pt.CheckpointError && /holds NaN/.test(e.message),
    );
  });

  it("resuming a damaged in-memory state fails with a typed error and leaks nothing", async () => {
    const run = await pt.load<"cls" | "reg">(good);
    const cases: [string, (s: Json) => void, RegExp][] = [
      [
        "theta0",
        (s) => {
          const t = s.theta0 as Map<string, { shape: number[]; values: Float32Array }>;
          // the last entry: the references built before it must be freed too
          const [k, v] = [...t][t.size - 1];
          t.set(k, { shape: v.shape, values: v.values.subarray(0, 1) });
        },
        /L2-SP reference .* has 1 values/,
      ],
      [
        "optimizer slot",
        (s) => {
          const slots = (s.optimizer as { slots: Record<string, { values: Float32Array }> }).slots;
          Object.values(slots)[0].values = new Float32Array(0);
        },
        /optimizer slot .* has 0 values/,
      ],
    ];
    for (const [what, damage, message] of cases) {
      const state = structuredClone(run.state) as unknown as Json;
      damage(state);
      const broken = new pt.Run(run.model, state as never);
      const before = tf.memory().numTensors;
      await assert.rejects(
        broken.resume({ cls, reg }, { listeners: [] }),
        (e: unknown) => e instanceof pt.ConfigError && message.test(e.message),
        what,
      );
      assert.equal(tf.memory().numTensors, before, `${what}: tensors leaked`);
    }
  });
});
